from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.payment_request_channel import PaymentRequestChannel

T = TypeVar("T", bound="PaymentRequest")


@_attrs_define
class PaymentRequest:
    """
    Attributes:
        amount (str): what the buyer paid, decimal string
        channel (PaymentRequestChannel):
        paid_at (datetime.datetime): ISO 8601 with its UTC offset, e.g. 2026-12-06T23:30:05+08:00; a time without one is
            refused
        transaction_id (str):
    """

    amount: str
    channel: PaymentRequestChannel
    paid_at: datetime.datetime
    transaction_id: str

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        channel = self.channel.value

        paid_at = self.paid_at.isoformat()

        transaction_id = self.transaction_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "channel": channel,
                "paid_at": paid_at,
                "transaction_id": transaction_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        channel = PaymentRequestChannel(d.pop("channel"))

        paid_at = datetime.datetime.fromisoformat(d.pop("paid_at"))

        transaction_id = d.pop("transaction_id")

        payment_request = cls(
            amount=amount,
            channel=channel,
            paid_at=paid_at,
            transaction_id=transaction_id,
        )

        return payment_request
