"""A balance credit (余额退款): refund-svc asks the platform to credit a buyer's balance, and the
platform answers — credited, or declined. Pure: no I/O.

The platform has a stated time to answer (``answer_by``, a setting: 24 hours by default). After
it, the refund breaches its SLA, the platform is reminded once, and ops may cancel the credit to
settle the refund another way. Never pay twice: whichever of the answer and the cancellation
comes first wins (both are judged under the refund's row lock), and the other is refused —

- a credit cancelled by ops refuses any later answer: the platform must not apply it, and must
  reverse it if it already did (it answered too late);
- a credit answered by the platform cannot be cancelled: the buyer has the money (or the refund
  already failed and waits for ops).

Each attempt is its own credit (its id names the attempt); earlier credits of a refund are kept,
so a late answer to one of them is judged against what happened to it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from refund_svc.domain.errors import RefundRuleViolation
from shipsettle_shared.domain_errors import Refusal


class CreditState(StrEnum):
    OPEN = "open"
    CREDITED = "credited"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Answer:
    """What the platform said: credited with its reference, or declined with why."""

    credited: bool
    credit_reference: str | None
    reason: str | None
    by: str


@dataclass(frozen=True)
class BalanceCredit:
    credit_id: str
    buyer_ref: str
    amount_minor: int
    currency: str
    requested_at: datetime
    answer_by: datetime | None  # null for credits requested before deadlines existed
    answer: Answer | None = None
    answered_at: datetime | None = None
    cancelled_by: str | None = None
    cancel_reason: str | None = None
    cancelled_at: datetime | None = None
    reminders: int = 0

    @property
    def state(self) -> CreditState:
        if self.cancelled_at is not None:
            return CreditState.CANCELLED
        if self.answer is not None:
            return CreditState.CREDITED if self.answer.credited else CreditState.DECLINED
        return CreditState.OPEN

    def overdue(self, now: datetime) -> bool:
        return self.state is CreditState.OPEN and self.answer_by is not None and now >= self.answer_by


def request(
    credit_id: str, buyer_ref: str, amount_minor: int, currency: str, *, now: datetime, answer_within: timedelta
) -> BalanceCredit:
    return BalanceCredit(credit_id, buyer_ref, amount_minor, currency, now, now + answer_within)


class CreditRefused(RefundRuleViolation):
    """An answer or a cancellation the credit's state refuses (a conflict), or that names
    another buyer or amount, or no reason (a rule's refusal naming the field)."""

    def __init__(self, refusal: Refusal, code: str, message: str, field: str | None = None) -> None:
        super().__init__(refusal, code, message, field=field)


def answered(credit: BalanceCredit, answer: Answer, buyer_ref: str, amount_minor: int, now: datetime) -> BalanceCredit:
    """The credit with the platform's answer, or itself for the same answer again (idempotent).
    Raises CreditRefused: a conflict ``credit-cancelled`` after ops cancelled it, a conflict
    ``credit-already-answered`` for another answer than the first, the rule ``credit-mismatch`` for
    another buyer or amount than asked."""
    if credit.state is CreditState.CANCELLED:
        raise CreditRefused(
            Refusal.CONFLICT,
            "credit-cancelled",
            f"credit {credit.credit_id} was cancelled by ops at {credit.cancelled_at.isoformat() if credit.cancelled_at else '?'}"
            f" ({credit.cancel_reason}), unanswered past {credit.answer_by.isoformat() if credit.answer_by else '?'}: "
            "do not apply it; if it was applied, reverse it — the refund is being settled another way",
        )
    if credit.answer is not None:
        if (credit.answer.credited, credit.answer.credit_reference) != (answer.credited, answer.credit_reference):
            raise CreditRefused(
                Refusal.CONFLICT,
                "credit-already-answered",
                f"credit {credit.credit_id} was already answered: credited {credit.answer.credited}, "
                f"reference {credit.answer.credit_reference}",
            )
        return credit
    for field, value, asked in (
        ("buyer_ref", buyer_ref, credit.buyer_ref),
        ("amount_minor", amount_minor, credit.amount_minor),
    ):
        if value != asked:
            raise CreditRefused(
                Refusal.RULE, "credit-mismatch", f"{field} {value!r} is not the credit asked for ({asked!r})", field
            )
    return replace(credit, answer=answer, answered_at=now)


def cancelled(credit: BalanceCredit, *, by: str, reason: str, now: datetime) -> BalanceCredit:
    """The credit cancelled by ops, or itself if it already was (idempotent). Raises
    CreditRefused: a conflict ``credit-already-answered`` once the platform answered (credited: the
    buyer has the money; declined: the refund already failed), a conflict ``credit-not-overdue``
    while the platform still has time to answer, the rule ``cancel-needs-reason`` without a reason."""
    if credit.state is CreditState.CANCELLED:
        return credit
    if credit.answer is not None:
        how = "credited the buyer's balance" if credit.answer.credited else "declined it"
        raise CreditRefused(
            Refusal.CONFLICT,
            "credit-already-answered",
            f"the platform answered credit {credit.credit_id} first ({how} at "
            f"{credit.answered_at.isoformat() if credit.answered_at else '?'}): there is nothing to cancel",
        )
    if not reason.strip():
        raise CreditRefused(Refusal.RULE, "cancel-needs-reason", "say why the credit is cancelled", "reason")
    if credit.answer_by is not None and now < credit.answer_by:
        raise CreditRefused(
            Refusal.CONFLICT,
            "credit-not-overdue",
            f"the platform has until {credit.answer_by.isoformat()} to answer credit {credit.credit_id}",
        )
    return replace(credit, cancelled_by=by, cancel_reason=reason, cancelled_at=now)


def reminded(credit: BalanceCredit) -> BalanceCredit:
    return replace(credit, reminders=credit.reminders + 1)


# --- as kept on the refund (its ``balance_credit`` JSON) ---------------------------------------


def _at(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def from_record(record: dict[str, object]) -> BalanceCredit:
    answer = None
    if record.get("answered_at"):
        reference, reason = record.get("credit_reference"), record.get("reason")
        answer = Answer(
            credited=bool(record.get("credited")),
            credit_reference=str(reference) if reference is not None else None,
            reason=str(reason) if reason is not None else None,
            by=str(record.get("answered_by") or ""),
        )
    requested_at = _at(record["requested_at"])
    assert requested_at is not None
    return BalanceCredit(
        credit_id=str(record["credit_id"]),
        buyer_ref=str(record["buyer_ref"]),
        amount_minor=int(str(record["amount_minor"])),
        currency=str(record.get("currency") or "CNY"),
        requested_at=requested_at,
        answer_by=_at(record.get("answer_by")),
        answer=answer,
        answered_at=_at(record.get("answered_at")),
        cancelled_by=str(record["cancelled_by"]) if record.get("cancelled_by") else None,
        cancel_reason=str(record["cancel_reason"]) if record.get("cancel_reason") else None,
        cancelled_at=_at(record.get("cancelled_at")),
        reminders=int(str(record.get("reminders") or 0)),
    )


def as_record(credit: BalanceCredit) -> dict[str, object]:
    record: dict[str, object] = {
        "credit_id": credit.credit_id,
        "buyer_ref": credit.buyer_ref,
        "amount_minor": credit.amount_minor,
        "currency": credit.currency,
        "requested_at": credit.requested_at.isoformat(),
        "answer_by": credit.answer_by.isoformat() if credit.answer_by else None,
        "state": credit.state.value,
        "reminders": credit.reminders,
    }
    if credit.answer is not None and credit.answered_at is not None:
        record |= {
            "credited": credit.answer.credited,
            "credit_reference": credit.answer.credit_reference,
            "reason": credit.answer.reason,
            "answered_by": credit.answer.by,
            "answered_at": credit.answered_at.isoformat(),
        }
    if credit.cancelled_at is not None:
        record |= {
            "cancelled_by": credit.cancelled_by,
            "cancel_reason": credit.cancel_reason,
            "cancelled_at": credit.cancelled_at.isoformat(),
        }
    return record
