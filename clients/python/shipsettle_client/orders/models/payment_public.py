from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PaymentPublic")


@_attrs_define
class PaymentPublic:
    """
    Attributes:
        amount_minor (int):
        channel (str):
        paid_at (datetime.datetime):
        transaction_id (str):
    """

    amount_minor: int
    channel: str
    paid_at: datetime.datetime
    transaction_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        channel = self.channel

        paid_at = self.paid_at.isoformat()

        transaction_id = self.transaction_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "channel": channel,
                "paid_at": paid_at,
                "transaction_id": transaction_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        channel = d.pop("channel")

        paid_at = datetime.datetime.fromisoformat(d.pop("paid_at"))

        transaction_id = d.pop("transaction_id")

        payment_public = cls(
            amount_minor=amount_minor,
            channel=channel,
            paid_at=paid_at,
            transaction_id=transaction_id,
        )

        payment_public.additional_properties = d
        return payment_public

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
