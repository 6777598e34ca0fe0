"""Balance credits (余额退款): the platform's answer to a credit refund-svc asked for, and ops'
cancellation of one the platform left unanswered past its deadline (domain/balance_credits.py).

Both are moves (``decisions.MoveUseCase``'s signature), judged under the refund's row lock, so whichever comes first wins and the other is
refused: the buyer is never paid twice. The same answer, or the same cancellation, again changes
nothing and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from refund_svc.domain.balance_credits import Answer
from refund_svc.domain.refund import Refund
from refund_svc.domain.refund_orders import Rules
from refund_svc.service_layer.unit_of_work import Caller, RefundUnitOfWork, keep, refund_to_move


@dataclass(frozen=True)
class BalanceCreditAnswer:
    """The platform's answer to a balance credit: credited (with its own reference of the
    balance transaction), or declined (with why: the refund fails and waits for ops)."""

    credit_id: str
    buyer_ref: str
    amount_minor: int
    credited: bool
    credit_reference: str | None
    reason: str | None


async def acknowledge_balance_credit(
    uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules, *, answer: BalanceCreditAnswer
) -> Refund:
    """Credited completes the refund; declined fails it, for ops to settle another way. Raises
    RefundRuleViolation: not found; the conflicts ``credit-cancelled`` (ops cancelled it first:
    the platform must not apply it, or must reverse it), ``credit-already-answered`` (another
    answer than the first), ``not-a-balance-credit``, ``not-the-open-credit``; the rule
    ``credit-mismatch`` (another buyer or amount than asked)."""
    refund = await refund_to_move(uow, refund_id, caller)
    said = Answer(answer.credited, answer.credit_reference, answer.reason, by=caller.key_id)
    refund.acknowledge_credit(
        answer.credit_id, said, buyer_ref=answer.buyer_ref, amount_minor=answer.amount_minor, now=now
    )
    await keep(uow, refund)
    await uow.flush()
    return refund


async def cancel_balance_credit(
    uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules, *, credit_id: str, reason: str
) -> Refund:
    """The refund fails (a retry asks the platform again under a new credit id; a resolution
    settles it another way) and the platform is told not to apply the credit. Raises
    RefundRuleViolation: not found; the conflicts ``credit-already-answered`` (the platform
    answered first), ``credit-not-overdue``, ``not-the-open-credit``; the rule ``cancel-needs-reason``."""
    refund = await refund_to_move(uow, refund_id, caller)
    refund.cancel_credit(credit_id, reason=reason, by=caller.key_id, now=now)
    await keep(uow, refund)
    await uow.flush()
    return refund
