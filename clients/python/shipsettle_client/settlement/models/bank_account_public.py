from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BankAccountPublic")


@_attrs_define
class BankAccountPublic:
    """
    Attributes:
        account_number_masked (str): **** and the last four digits
        account_type (str):
        bank_account_id (str):
        bank_name (str):
        holder_name (str):
        status (str): unverified or verified
    """

    account_number_masked: str
    account_type: str
    bank_account_id: str
    bank_name: str
    holder_name: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_number_masked = self.account_number_masked

        account_type = self.account_type

        bank_account_id = self.bank_account_id

        bank_name = self.bank_name

        holder_name = self.holder_name

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_number_masked": account_number_masked,
                "account_type": account_type,
                "bank_account_id": bank_account_id,
                "bank_name": bank_name,
                "holder_name": holder_name,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_number_masked = d.pop("account_number_masked")

        account_type = d.pop("account_type")

        bank_account_id = d.pop("bank_account_id")

        bank_name = d.pop("bank_name")

        holder_name = d.pop("holder_name")

        status = d.pop("status")

        bank_account_public = cls(
            account_number_masked=account_number_masked,
            account_type=account_type,
            bank_account_id=bank_account_id,
            bank_name=bank_name,
            holder_name=holder_name,
            status=status,
        )

        bank_account_public.additional_properties = d
        return bank_account_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
