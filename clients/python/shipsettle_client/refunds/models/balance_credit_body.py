from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.balance_credit_body_outcome import BalanceCreditBodyOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="BalanceCreditBody")


@_attrs_define
class BalanceCreditBody:
    """
    Attributes:
        amount_minor (int): fen credited: exactly the amount asked for
        buyer_ref (str): the buyer whose balance was credited
        credit_id (str): the credit id of the refund.balance_credit_requested notification
        credit_reference (None | str | Unset): the platform's id of the balance transaction
        outcome (BalanceCreditBodyOutcome | Unset): declined: the refund fails and waits for ops to settle it another
            way Default: BalanceCreditBodyOutcome.CREDITED.
        reason (None | str | Unset): why it was declined
    """

    amount_minor: int
    buyer_ref: str
    credit_id: str
    credit_reference: None | str | Unset = UNSET
    outcome: BalanceCreditBodyOutcome | Unset = BalanceCreditBodyOutcome.CREDITED
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        buyer_ref = self.buyer_ref

        credit_id = self.credit_id

        credit_reference: None | str | Unset
        if isinstance(self.credit_reference, Unset):
            credit_reference = UNSET
        else:
            credit_reference = self.credit_reference

        outcome: str | Unset = UNSET
        if not isinstance(self.outcome, Unset):
            outcome = self.outcome.value

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount_minor": amount_minor,
                "buyer_ref": buyer_ref,
                "credit_id": credit_id,
            }
        )
        if credit_reference is not UNSET:
            field_dict["credit_reference"] = credit_reference
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        buyer_ref = d.pop("buyer_ref")

        credit_id = d.pop("credit_id")

        def _parse_credit_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        credit_reference = _parse_credit_reference(d.pop("credit_reference", UNSET))

        _outcome = d.pop("outcome", UNSET)
        outcome: BalanceCreditBodyOutcome | Unset
        if isinstance(_outcome, Unset):
            outcome = UNSET
        else:
            outcome = BalanceCreditBodyOutcome(_outcome)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        balance_credit_body = cls(
            amount_minor=amount_minor,
            buyer_ref=buyer_ref,
            credit_id=credit_id,
            credit_reference=credit_reference,
            outcome=outcome,
            reason=reason,
        )

        return balance_credit_body
