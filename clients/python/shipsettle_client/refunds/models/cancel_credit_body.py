from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CancelCreditBody")


@_attrs_define
class CancelCreditBody:
    """
    Attributes:
        credit_id (str): the open credit to cancel, as in the refund's balance_credit
        reason (str): why, for the record
    """

    credit_id: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        credit_id = self.credit_id

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "credit_id": credit_id,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credit_id = d.pop("credit_id")

        reason = d.pop("reason")

        cancel_credit_body = cls(
            credit_id=credit_id,
            reason=reason,
        )

        return cancel_credit_body
