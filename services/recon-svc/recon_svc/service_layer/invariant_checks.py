"""Judging orders: each order's invariant check (a debounced timer, armed by fact_folding.py a
grace period after the order's latest fact) and the settlement window's check of each hold. A
finding is recorded once per figures, announced (InvariantViolated) and counted; a check that
passes later resolves what it found before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Row

from recon_svc.adapters.tables import (
    ReconOrderRow,
)
from recon_svc.domain.invariants import OrderMoney, Violation, check_order, window_violation
from recon_svc.service_layer.fact_folding import SETTLEMENT_WINDOW
from recon_svc.service_layer.unit_of_work import ReconUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.timers import DueTimer

violations_found_total = Counter(
    "shipsettle_invariant_violations_total", "Money invariant violations found by recon's live checker", ["check"]
)


def money_of(row: ReconOrderRow | Row[Any]) -> OrderMoney:
    return OrderMoney(
        order_id=row.order_id,
        merchant_id=row.merchant_id,
        buyer_paid_minor=row.buyer_paid_minor,
        refunded_to_buyer_minor=row.refunded_to_buyer_minor,
        subsidy_minor=row.subsidy_minor,
        commission_minor=row.commission_minor,
        merchant_net_minor=row.merchant_net_minor,
        units_ordered=row.units_ordered,
        units_signed_off=row.units_signed_off,
        units_refunded=row.units_refunded,
        open_refunds=len(row.open_refunds),
        booked_for_merchant=row.first_booked_at is not None,
        signed_off=row.signed_off,
    )


async def judge_orders(uow: ReconUnitOfWork, timers: Sequence[DueTimer], *, now: datetime) -> None:
    """The orders whose checks fell due, judged together: one read for all of them (after a
    surge, hundreds fall due in one pass); what they find is written per order, rarely."""
    for row in await uow.findings.orders_to_judge([str(timer.payload["order_id"]) for timer in timers]):
        order = money_of(row)
        found = check_order(order)
        await _record(uow, order, found, now=now)
        if row.open_findings:
            # a check that passes now closes what it found before (an event that was late has landed)
            still = {violation.check for violation in found}
            await uow.findings.resolve_passed(order.order_id, list(still), now=now)


async def judge_window(uow: ReconUnitOfWork, timer: DueTimer, *, now: datetime, grace: timedelta) -> None:
    """A hold still unreleased when its window ends is looked at once more a grace period later
    before it is reported: the release and this check can fall due in the same moment (after a
    pause of either service), and the release's event may still be on its way."""
    row = await uow.findings.order_to_judge(str(timer.payload["order_id"]))
    if row is None:
        return
    hold_id = str(timer.payload["hold_id"])
    hold = row.holds.get(hold_id, {})
    released_at = datetime.fromisoformat(hold["released_at"]) if hold.get("released_at") else None
    release_at = datetime.fromisoformat(hold["release_at"]) if hold.get("release_at") else timer.due_at
    violation = window_violation(money_of(row), hold_id, release_at, released_at, now)
    if violation is None:
        return
    if not timer.payload.get("second_look"):
        await uow.schedule_timer(
            SETTLEMENT_WINDOW, f"{hold_id}@second-look", now + grace, {**timer.payload, "second_look": True}
        )
        return
    await _record(uow, money_of(row), [violation], now=now)


async def _record(uow: ReconUnitOfWork, order: OrderMoney, found: list[Violation], *, now: datetime) -> None:
    for violation in found:
        if not await uow.findings.add(violation, order_id=order.order_id, merchant_id=order.merchant_id, now=now):
            continue  # already reported with these figures
        await uow.add_event(
            contracts.InvariantViolated(
                order_id=order.order_id,
                merchant_id=order.merchant_id,
                check=violation.check,
                message=violation.message,
                figures=violation.figures,
                detected_at=now,
            ),
            occurred_at=now,
        )
        _count_after_commit(uow, violation.check)


def _count_after_commit(uow: ReconUnitOfWork, check: str) -> None:
    """The metric counts violations that were recorded, not attempts that rolled back."""
    uow.after_commit(lambda: violations_found_total.labels(check).inc())
