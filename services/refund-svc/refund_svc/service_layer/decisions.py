"""The decisions on a refund: the merchant's (approve, reject, inspect), the buyer's (escalate,
ship back, withdraw), ops' (decide an escalation, retry or resolve a failure) and silence's (a
deadline passed). Each is one move of the aggregate (domain/refund.py) under the refund's row
lock, written with its history, events and timers in one transaction, so a repeated request or
timer moves nothing twice.

The requested moves share one signature (``MoveUseCase``: the unit of work, the refund, who asks,
when, the rules; then what the move needs), and each raises RefundRuleViolation: not found (a
refund that does not exist, or another merchant's), RefundStateError for a move its status does
not allow, or a rule's refusal the move names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from refund_svc.domain.channels import Resolution
from refund_svc.domain.refund import Refund
from refund_svc.domain.refund_orders import Rules
from refund_svc.domain.workflow import Action
from refund_svc.service_layer.unit_of_work import Caller, RefundUnitOfWork, keep, refund_to_move

MoveUseCase = Callable[[RefundUnitOfWork, str, Caller, datetime, Rules], Awaitable[Refund]]


async def _moved(uow: RefundUnitOfWork, refund_id: str, caller: Caller, move: Callable[[Refund], None]) -> Refund:
    refund = await refund_to_move(uow, refund_id, caller)
    move(refund)
    await keep(uow, refund)
    await uow.flush()
    return refund


async def approve(uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules) -> Refund:
    """The merchant approves: a return waits for the goods, a refund goes to the money."""
    return await _moved(
        uow, refund_id, caller, lambda r: r.approve(by=caller.key_id, now=now, deadlines=rules.deadlines)
    )


async def reject(
    uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules, *, reason: str
) -> Refund:
    """The merchant rejects; the buyer may escalate until the escalation deadline."""

    def rejected(refund: Refund) -> None:
        refund.reject(reason=reason, by=caller.key_id, now=now, deadlines=rules.deadlines)

    return await _moved(uow, refund_id, caller, rejected)


async def escalate(
    uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules, *, reason: str
) -> Refund:
    """The buyer takes a rejection to ops."""

    def escalated(refund: Refund) -> None:
        refund.escalate(reason=reason, by=caller.key_id, now=now, deadlines=rules.deadlines)

    return await _moved(uow, refund_id, caller, escalated)


async def decide(
    uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules, *, approve: bool, reason: str
) -> Refund:
    """Ops' decision on an escalation: approved goes on as if the merchant had, upheld closes it."""

    def decided(refund: Refund) -> None:
        refund.decide(approve=approve, reason=reason, by=caller.key_id, now=now, deadlines=rules.deadlines)

    return await _moved(uow, refund_id, caller, decided)


async def ship_back(
    uow: RefundUnitOfWork,
    refund_id: str,
    caller: Caller,
    now: datetime,
    rules: Rules,
    *,
    carrier_code: str,
    tracking_number: str,
) -> Refund:
    """The buyer shipped the goods back (logistics tracks the parcel from ReturnShipped). Also
    raises the conflict ``tracking-number-in-use`` for a number another return holds."""
    refund = await refund_to_move(uow, refund_id, caller)
    refund.check(Action.SHIP_BACK)  # before looking the number up: a wrong status is the answer
    held_by = await uow.refunds.return_tracking_number_holder(tracking_number)
    refund.ship_back(
        carrier_code=carrier_code,
        tracking_number=tracking_number,
        held_by=held_by,
        by=caller.key_id,
        now=now,
        deadlines=rules.deadlines,
    )
    await keep(uow, refund)
    await uow.flush()
    return refund


async def inspect(
    uow: RefundUnitOfWork,
    refund_id: str,
    caller: Caller,
    now: datetime,
    rules: Rules,
    *,
    passed: bool,
    reason: str,
    evidence: list[dict[str, str]],
) -> Refund:
    """The merchant inspected the returned goods; a failure needs a reason and evidence."""

    def inspected(refund: Refund) -> None:
        refund.inspect(
            passed=passed, reason=reason, evidence=evidence, by=caller.key_id, now=now, deadlines=rules.deadlines
        )

    return await _moved(uow, refund_id, caller, inspected)


async def withdraw(
    uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules, *, reason: str
) -> Refund:
    """The buyer withdraws: closed, its units free again."""
    return await _moved(uow, refund_id, caller, lambda r: r.withdraw(reason=reason, by=caller.key_id, now=now))


async def retry(uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules) -> Refund:
    """Ops send a failed refund again, as a new attempt (``retry-cannot-fix`` after a refusal)."""
    return await _moved(uow, refund_id, caller, lambda r: r.retry(by=caller.key_id, now=now, deadlines=rules.deadlines))


async def resolve(
    uow: RefundUnitOfWork, refund_id: str, caller: Caller, now: datetime, rules: Rules, *, resolution: Resolution
) -> Refund:
    """Ops settle a failed refund another way (``resolution`` names who and why): another
    channel, offline, or closed."""
    return await _moved(uow, refund_id, caller, lambda r: r.resolve(resolution, now=now, deadlines=rules.deadlines))


async def deadline_passed(
    uow: RefundUnitOfWork, refund_id: str, *, status: str, credit_id: str | None, now: datetime, rules: Rules
) -> None:
    """A deadline's timer: silence decides, the merchant's approves, the buyer's closes, an
    unanswered balance credit is overdue. Nothing if the refund moved on before it."""
    refund = await uow.refunds.refund(refund_id)
    if refund is None:
        return
    refund.deadline_passed(status=status, credit_id=credit_id, now=now, deadlines=rules.deadlines)
    await keep(uow, refund)
    await uow.flush()
