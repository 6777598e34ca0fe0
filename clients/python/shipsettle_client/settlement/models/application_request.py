from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ApplicationRequest")


@_attrs_define
class ApplicationRequest:
    """
    Attributes:
        bank_account_id (str):
        amount_minor (int | None | Unset): omit to apply for everything available
        voucher_ids (list[str] | Unset):
    """

    bank_account_id: str
    amount_minor: int | None | Unset = UNSET
    voucher_ids: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bank_account_id = self.bank_account_id

        amount_minor: int | None | Unset
        if isinstance(self.amount_minor, Unset):
            amount_minor = UNSET
        else:
            amount_minor = self.amount_minor

        voucher_ids: list[str] | Unset = UNSET
        if not isinstance(self.voucher_ids, Unset):
            voucher_ids = self.voucher_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "bank_account_id": bank_account_id,
            }
        )
        if amount_minor is not UNSET:
            field_dict["amount_minor"] = amount_minor
        if voucher_ids is not UNSET:
            field_dict["voucher_ids"] = voucher_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bank_account_id = d.pop("bank_account_id")

        def _parse_amount_minor(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        amount_minor = _parse_amount_minor(d.pop("amount_minor", UNSET))

        voucher_ids = cast(list[str], d.pop("voucher_ids", UNSET))

        application_request = cls(
            bank_account_id=bank_account_id,
            amount_minor=amount_minor,
            voucher_ids=voucher_ids,
        )

        return application_request
