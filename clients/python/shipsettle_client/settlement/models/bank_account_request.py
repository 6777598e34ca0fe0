from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.account_type import AccountType

T = TypeVar("T", bound="BankAccountRequest")


@_attrs_define
class BankAccountRequest:
    """
    Attributes:
        account_number (str):
        account_type (AccountType):
        bank_name (str): 开户行
        holder_name (str): 户名, as the bank has it
    """

    account_number: str
    account_type: AccountType
    bank_name: str
    holder_name: str

    def to_dict(self) -> dict[str, Any]:
        account_number = self.account_number

        account_type = self.account_type.value

        bank_name = self.bank_name

        holder_name = self.holder_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account_number": account_number,
                "account_type": account_type,
                "bank_name": bank_name,
                "holder_name": holder_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_number = d.pop("account_number")

        account_type = AccountType(d.pop("account_type"))

        bank_name = d.pop("bank_name")

        holder_name = d.pop("holder_name")

        bank_account_request = cls(
            account_number=account_number,
            account_type=account_type,
            bank_name=bank_name,
            holder_name=holder_name,
        )

        return bank_account_request
