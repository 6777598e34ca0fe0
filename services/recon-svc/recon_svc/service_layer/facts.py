"""recon's copy of the facts: every other service's events folded into per-order money, the
ledger's transactions, refunds and payouts. Each handler runs in the consumer's transaction with
its inbox entry, so a redelivered event changes nothing twice.

After anything that moves an order's money, the live invariant check for that order is
(re)scheduled a grace period later: topics are not ordered with each other, and the order is
judged once the events in flight have had time to land.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client import Counter
from sqlalchemy import event, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import (
    DispatchLineRow,
    LedgerEntryRow,
    PayoutFactRow,
    ReconOrderRow,
    RefundFactRow,
    ShipmentReturnRow,
    SignOffLineRow,
    ViolationRow,
)
from recon_svc.domain.imports.model import CHINA_STANDARD_TIME
from recon_svc.domain.imports.period import assume_zone
from recon_svc.domain.invariants import OrderMoney, Violation, check_order, released_in_window, window_violation
from shipsettle_shared import contracts
from shipsettle_shared.contracts import read_payload
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import DueTimer, schedule_timer

PRODUCER = "recon-svc"
INVARIANT_CHECK = "invariant_check"
SETTLEMENT_WINDOW = "settlement_window"


@dataclass(frozen=True)
class Timing:
    grace: timedelta  # how long after an order's latest event it is judged
    window_slack: timedelta  # how late a hold release may be before it is a violation


violations_found_total = Counter(
    "shipsettle_invariant_violations_total", "Money invariant violations found by recon's live checker", ["check"]
)


async def _order(session: AsyncSession, order_id: str, now: datetime) -> ReconOrderRow:
    """The order's row, created empty if this is the first fact about it; locked."""
    await session.execute(
        insert(ReconOrderRow)
        .values(
            order_id=order_id,
            currency="CNY",
            lines={},
            open_refunds=[],
            holds={},
            units_signed_off=0,
            units_refunded=0,
            units_ordered=0,
            signed_off=False,
            refunded_to_buyer_minor=0,
            clearing_released_minor=0,
            subsidy_minor=0,
            commission_minor=0,
            merchant_net_minor=0,
            ledger_refunds_minor=0,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["order_id"])
    )
    row = await session.get(ReconOrderRow, order_id, with_for_update=True, populate_existing=True)
    assert row is not None
    row.updated_at = now
    return row


async def _judge_later(session: AsyncSession, order_id: str, now: datetime, grace: timedelta) -> None:
    due = now + grace
    # one pending check per order and second: a burst of events about an order is judged once
    await schedule_timer(session, INVARIANT_CHECK, f"{order_id}@{int(due.timestamp())}", due, {"order_id": order_id})


async def on_fact(session: AsyncSession, envelope: EventEnvelope, *, now: datetime, timing: Timing) -> None:
    kind = envelope.event_type
    if kind == contracts.LedgerTransactionPosted.event_type:
        await _on_ledger(session, envelope, now=now, grace=timing.grace)
        return
    if kind == contracts.PayoutSettled.event_type:
        await _on_payout(session, read_payload(envelope.payload, contracts.PayoutSettled))
        return
    # parcels move units, not money: kept for the 发出商品 report, no invariant to re-judge
    if kind == contracts.ShipmentDispatched.event_type:
        await _on_dispatch(session, read_payload(envelope.payload, contracts.ShipmentDispatched))
        return
    if kind == contracts.ShipmentStatusChanged.event_type:
        await _on_status(session, read_payload(envelope.payload, contracts.ShipmentStatusChanged))
        return
    order = await _order(session, str(envelope.payload["order_id"]), now)
    if kind == contracts.OrderPlaced.event_type:
        placed = read_payload(envelope.payload, contracts.OrderPlaced)
        order.merchant_id = placed.merchant_id
        order.currency = placed.currency
        order.placed_at = placed.placed_at
        # a wallet's bill dates a payment by when it succeeded, which can be before midnight for an
        # order accepted after it; a time without an offset is the wallets' Beijing time
        order.paid_at = assume_zone(placed.payment.paid_at, CHINA_STANDARD_TIME)
        order.buyer_paid_minor = placed.payable_minor
        order.payment_channel = placed.payment.channel
        order.units_ordered = sum(line.quantity for line in placed.lines)
        order.lines = {
            line.line_id: {
                "sku": line.sku,
                "quantity": line.quantity,
                "paid_minor": line.paid_amount_minor,
                "sales_minor": line.sales_amount_minor,
                "vat_minor": line.vat_minor,
                "vat_rate_bp": line.vat_rate_bp,
            }
            for line in placed.lines
        }
    elif kind == contracts.OrderSignedOff.event_type:
        signed = read_payload(envelope.payload, contracts.OrderSignedOff)
        order.merchant_id = order.merchant_id or signed.merchant_id
        order.units_signed_off += sum(line.quantity for line in signed.lines)
        order.signed_off = True
        await _unit_lines(session, SignOffLineRow, signed, signed.signed_off_at, "signed_off_at")
    elif kind == contracts.RefundRequested.event_type:
        requested = read_payload(envelope.payload, contracts.RefundRequested)
        if (
            requested.refund_id not in order.open_refunds
            and await session.get(RefundFactRow, requested.refund_id) is None
        ):
            order.open_refunds = [*order.open_refunds, requested.refund_id]
    elif kind == contracts.RefundCompleted.event_type:
        completed = read_payload(envelope.payload, contracts.RefundCompleted)
        order.open_refunds = [r for r in order.open_refunds if r != completed.refund_id]
        inserted = await session.execute(
            insert(RefundFactRow)
            .values(
                refund_id=completed.refund_id,
                order_id=completed.order_id,
                merchant_id=completed.merchant_id,
                kind=completed.kind,
                currency=completed.currency,
                refund_minor=completed.refund_minor,
                shipping_minor=completed.shipping_minor,
                lines=[line.model_dump() for line in completed.lines],
                provider_reference=completed.provider_reference,
                completed_at=completed.completed_at,
                # an event older than the field reads as original_channel (the contract's default)
                refunded_via=completed.refunded_via.value,
                refunded_to_channel=completed.refunded_to_channel,
            )
            .on_conflict_do_nothing(index_elements=["refund_id"])
            .returning(col(RefundFactRow.refund_id))
        )
        if inserted.first() is not None:
            order.refunded_to_buyer_minor += completed.refund_minor
            order.units_refunded += sum(line.units for line in completed.lines)
    elif kind == contracts.RefundClosed.event_type:
        closed = read_payload(envelope.payload, contracts.RefundClosed)
        order.open_refunds = [r for r in order.open_refunds if r != closed.refund_id]
    elif kind == contracts.SettlementPending.event_type:
        pending = read_payload(envelope.payload, contracts.SettlementPending)
        holds = dict(order.holds)
        holds.setdefault(pending.hold_id, {"release_at": pending.release_at.isoformat(), "released_at": None})
        order.holds = holds
        await schedule_timer(
            session,
            SETTLEMENT_WINDOW,
            pending.hold_id,
            pending.release_at + timing.window_slack,
            {"order_id": pending.order_id, "hold_id": pending.hold_id},
        )
    elif kind == contracts.FundsReleased.event_type:
        released = read_payload(envelope.payload, contracts.FundsReleased)
        holds = dict(order.holds)
        hold = dict(holds.get(released.hold_id, {"release_at": None}))
        hold["released_at"] = released.released_at.isoformat()
        holds[released.hold_id] = hold
        order.holds = holds
        if hold.get("release_at") and released_in_window(
            datetime.fromisoformat(hold["release_at"]), released.released_at, timing.window_slack
        ):
            await _close_window_finding(session, order.order_id, released.hold_id, now=now)
    await _judge_later(session, order.order_id, now, timing.grace)


# The parcels' units, for the tax and 发出商品 reports. A unique key per (shipment, line) makes a
# replay harmless even past the inbox; nothing waits for the OrderPlaced that values them.


async def _unit_lines(
    session: AsyncSession,
    table: type[DispatchLineRow] | type[SignOffLineRow],
    event: contracts.ShipmentDispatched | contracts.OrderSignedOff,
    at: datetime,
    time_column: str,
) -> None:
    rows = [
        {
            "shipment_id": event.shipment_id,
            "line_id": line.line_id,
            "order_id": event.order_id,
            "merchant_id": event.merchant_id,
            "quantity": line.quantity,
            time_column: at,
        }
        for line in event.lines
        if line.quantity > 0
    ]
    if rows:
        await session.execute(
            insert(table).values(rows).on_conflict_do_nothing(index_elements=["shipment_id", "line_id"])
        )


async def _on_dispatch(session: AsyncSession, dispatched: contracts.ShipmentDispatched) -> None:
    await _unit_lines(session, DispatchLineRow, dispatched, dispatched.dispatched_at, "dispatched_at")


async def _on_status(session: AsyncSession, changed: contracts.ShipmentStatusChanged) -> None:
    """Only an outbound parcel returned to sender (退签) matters here: its goods come back to
    the merchant never signed off. A return parcel (退货, direction "return") is the refund's."""
    if changed.direction != "outbound" or changed.status != "returned_to_sender":
        return
    await session.execute(
        insert(ShipmentReturnRow)
        .values(
            shipment_id=changed.shipment_id,
            order_id=changed.order_id,
            merchant_id=changed.merchant_id,
            returned_at=changed.scan_time,
        )
        .on_conflict_do_nothing(index_elements=["shipment_id"])  # the first 退签 scan dates it
    )


async def _on_ledger(session: AsyncSession, envelope: EventEnvelope, *, now: datetime, grace: timedelta) -> None:
    posted = read_payload(envelope.payload, contracts.LedgerTransactionPosted)
    inserted = await session.execute(
        insert(LedgerEntryRow)
        .values(
            tx_key=posted.tx_key,
            kind=posted.kind,
            merchant_id=posted.merchant_id,
            order_id=posted.order_id,
            currency=posted.currency,
            description=posted.description,
            caused_by_event_id=posted.caused_by_event_id,
            posted_at=posted.posted_at,
            postings=[line.model_dump() for line in posted.postings],
            event_id=str(envelope.event_id),
        )
        .on_conflict_do_nothing(index_elements=["tx_key"])
        .returning(col(LedgerEntryRow.id))
    )
    if inserted.first() is None or posted.order_id is None:
        return
    order = await _order(session, posted.order_id, now)
    order.merchant_id = order.merchant_id or posted.merchant_id
    merchant_prefix = f"merchant:{posted.merchant_id}:"
    for line in posted.postings:
        if line.account_id == "platform:clearing":
            order.clearing_released_minor -= line.amount_minor
        elif line.account_id == "platform:subsidy":
            order.subsidy_minor -= line.amount_minor
        elif line.account_id == "platform:commission":
            order.commission_minor += line.amount_minor
        elif line.account_id in ("platform:refunds", "platform:balance_clearing"):
            order.ledger_refunds_minor += line.amount_minor
        elif line.account_id.startswith(merchant_prefix):
            order.merchant_net_minor += line.amount_minor
    if posted.kind == "sign_off" and order.first_booked_at is None:
        order.first_booked_at = posted.posted_at
    await _judge_later(session, posted.order_id, now, grace)


async def _on_payout(session: AsyncSession, settled: contracts.PayoutSettled) -> None:
    await session.execute(
        insert(PayoutFactRow)
        .values(
            payout_id=settled.payout_id,
            application_id=settled.application_id,
            merchant_id=settled.merchant_id,
            currency=settled.currency,
            amount_minor=settled.amount_minor,
            status=settled.status,
            provider_reference=settled.provider_reference,
            reason=settled.reason,
        )
        .on_conflict_do_nothing(index_elements=["payout_id"])
    )
    row = await session.get(PayoutFactRow, settled.payout_id, with_for_update=True, populate_existing=True)
    assert row is not None
    # a payout only moves forward: paid -> returned; a late "paid" after "returned" keeps returned
    if settled.status == "paid":
        row.paid_at = row.paid_at or settled.settled_at
        if row.status != "returned":
            row.status = "paid"
    elif settled.status == "failed":
        row.failed_at, row.status = settled.settled_at, "failed"
    elif settled.status == "returned":
        row.returned_at, row.status = settled.settled_at, "returned"
    row.provider_reference = settled.provider_reference or row.provider_reference
    row.reason = settled.reason or row.reason


# --- judging ------------------------------------------------------------------------------------


def money_of(row: ReconOrderRow) -> OrderMoney:
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


async def judge_order(session: AsyncSession, timer: DueTimer, *, now: datetime) -> None:
    row = await session.get(ReconOrderRow, str(timer.payload["order_id"]), with_for_update=True)
    if row is None:
        return
    order = money_of(row)
    found = check_order(order)
    await _record(session, order, found, now=now)
    # a check that passes now closes what it found before (an event that was late has landed)
    still = {violation.check for violation in found}
    await session.execute(
        update(ViolationRow)
        .where(
            col(ViolationRow.order_id) == order.order_id,
            col(ViolationRow.resolved_at).is_(None),
            col(ViolationRow.check_name).in_(["conservation", "settled_without_sign_off"]),
            col(ViolationRow.check_name).notin_(list(still)),
        )
        .values(resolved_at=now)
    )


async def judge_window(session: AsyncSession, timer: DueTimer, *, now: datetime, grace: timedelta) -> None:
    """A hold still unreleased when its window ends is looked at once more a grace period later
    before it is reported: the release and this check can fall due in the same moment (after a
    pause of either service), and the release's event may still be on its way."""
    row = await session.get(ReconOrderRow, str(timer.payload["order_id"]), with_for_update=True)
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
        await schedule_timer(
            session, SETTLEMENT_WINDOW, f"{hold_id}@second-look", now + grace, {**timer.payload, "second_look": True}
        )
        return
    await _record(session, money_of(row), [violation], now=now)


async def _close_window_finding(session: AsyncSession, order_id: str, hold_id: str, *, now: datetime) -> None:
    """The hold was released within its window, and the release's event reached recon after the
    window check had reported it (recon lagging behind settlement, not a late release): the
    finding is marked resolved, not deleted. A release after the window keeps it open."""
    await session.execute(
        update(ViolationRow)
        .where(
            col(ViolationRow.order_id) == order_id,
            col(ViolationRow.check_name) == "not_settled_in_window",
            col(ViolationRow.figures)["hold_id"].astext == hold_id,
            col(ViolationRow.resolved_at).is_(None),
        )
        .values(resolved_at=now)
    )


async def _record(session: AsyncSession, order: OrderMoney, found: list[Violation], *, now: datetime) -> None:
    for violation in found:
        fingerprint = f"{violation.check}:{violation.figures.get('escrow_minor')}:{violation.figures.get('hold_id')}"
        inserted = await session.execute(
            insert(ViolationRow)
            .values(
                check_name=violation.check,
                order_id=order.order_id,
                merchant_id=order.merchant_id,
                figures=violation.figures,
                message=violation.message,
                fingerprint=fingerprint,
                detected_at=now,
            )
            .on_conflict_do_nothing(constraint="invariant_violations_once")
            .returning(col(ViolationRow.id))
        )
        if inserted.first() is None:
            continue  # already reported with these figures
        await add_to_outbox(
            session,
            contracts.InvariantViolated(
                order_id=order.order_id,
                merchant_id=order.merchant_id,
                check=violation.check,
                message=violation.message,
                figures=violation.figures,
                detected_at=now,
            ),
            producer=PRODUCER,
            occurred_at=now,
        )
        _count_after_commit(session, violation.check)


def _count_after_commit(session: AsyncSession, check: str) -> None:
    """The metric counts violations that were recorded, not attempts that rolled back."""

    def counted(_: object) -> None:
        violations_found_total.labels(check).inc()

    event.listen(session.sync_session, "after_commit", counted, once=True)


async def open_violations(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(col(ViolationRow.resolved_at).is_(None))) or 0)
