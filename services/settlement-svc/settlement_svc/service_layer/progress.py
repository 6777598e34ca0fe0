"""Settlement ETA, blockers, and the explanation of a payout.

- Order and shipment events (confirmed, dispatched, tracking corrected, outbound status changed,
  flagged for ops and cleared, signed off, cancelled) move the order's progress row forward, in
  the consumer's transaction.
  A sign-off that books money also records what it booked (paid, shipping, subsidy,
  commission), so a payout can be explained line by line.
- ``order_eta`` / ``merchant_blockers``: the order's money in segments (domain/progress.py):
  before sign-off by parcel stage, then holds, frozen money, and the lots of available money
  followed through applications and payouts first in, first out (domain/allocation.py).
- ``explain_payout``: the payout's amount itemised order by order, to the fen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.repository import (
    SettlementRepository,
    policy_in_force,
    progress_from_row,
)
from settlement_svc.adapters.tables import ApplicationRow, HoldRow, OrderProgressRow, PayoutRow, RefundRow
from settlement_svc.domain.allocation import FifoResult, Lot, Movement, OrderLots, allocate_fifo, lots_by_order
from settlement_svc.domain.ledger import MerchantAccount
from settlement_svc.domain.orders import SettlementOrder, SignOffAmounts
from settlement_svc.domain.payouts import ApplicationStatus
from settlement_svc.domain.policies import MerchantPolicy
from settlement_svc.domain.progress import (
    STAGE_ORDER,
    Blocker,
    EtaRules,
    OrderProgress,
    Segment,
    china_date,
    order_state,
    paid_after_available,
    pre_sign_off_segments,
)
from settlement_svc.service_layer.explanations import refunds_and_clawbacks
from shipsettle_shared import contracts
from shipsettle_shared.contracts import read_payload
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.ledger_accounts import (
    PlatformAccount,
    TransactionKind,
    merchant_accounts_prefix,
    platform_account,
)

# The event types this module adds to settlement's order consumer group.
PROGRESS_EVENTS = (
    contracts.ShippingInfoConfirmed.event_type,
    contracts.OrderCancelled.event_type,
    contracts.ShipmentDispatched.event_type,
    contracts.TrackingNumberCorrected.event_type,
    contracts.ShipmentStatusChanged.event_type,
    contracts.ShipmentFlagged.event_type,
    contracts.ShipmentFlagCleared.event_type,
)
ALLOCATION_RULE = (
    "Applications take the merchant's available funds, not orders: released order amounts are "
    "assigned to applications first in, first out by release time (a split where an application "
    "ends inside an order's amount); a claw-back deduction is the application's last amounts; "
    "money given back by a rejected application or a failed or returned payout returns to its "
    "place in the queue."
)

_CLEARING = platform_account(PlatformAccount.CLEARING)
_SUBSIDY = platform_account(PlatformAccount.SUBSIDY)
_COMMISSION = platform_account(PlatformAccount.COMMISSION)

# --- recording progress ------------------------------------------------------------------------


ProgressEvent = (
    contracts.OrderPlaced
    | contracts.ShippingInfoConfirmed
    | contracts.OrderCancelled
    | contracts.ShipmentDispatched
    | contracts.TrackingNumberCorrected
    | contracts.ShipmentStatusChanged
    | contracts.OrderSignedOff
    | contracts.ShipmentFlagged
    | contracts.ShipmentFlagCleared
)
_PROGRESS_KINDS: dict[str, type[ProgressEvent]] = {
    contracts.OrderPlaced.event_type: contracts.OrderPlaced,
    contracts.ShippingInfoConfirmed.event_type: contracts.ShippingInfoConfirmed,
    contracts.OrderCancelled.event_type: contracts.OrderCancelled,
    contracts.ShipmentDispatched.event_type: contracts.ShipmentDispatched,
    contracts.TrackingNumberCorrected.event_type: contracts.TrackingNumberCorrected,
    contracts.ShipmentStatusChanged.event_type: contracts.ShipmentStatusChanged,
    contracts.OrderSignedOff.event_type: contracts.OrderSignedOff,
    contracts.ShipmentFlagged.event_type: contracts.ShipmentFlagged,
    contracts.ShipmentFlagCleared.event_type: contracts.ShipmentFlagCleared,
}


async def record_progress(session: AsyncSession, envelope: EventEnvelope, *, now: datetime) -> None:
    """Move the order's progress forward for one event (idempotent: a repeat changes nothing)."""
    await record_progress_batch(session, [envelope], now=now)


async def record_progress_batch(session: AsyncSession, envelopes: Sequence[EventEnvelope], *, now: datetime) -> None:
    """Move the orders' progress for a run of events, as ``record_progress`` one by one in their
    order would, set-based: an order's OrderPlaced writes its row whole in one insert for the
    run; any other event, one locked read of the run's rows and one write back. Events that say
    nothing about an order's way to sign-off (a return parcel's status) are skipped."""
    events = [event for event in map(_progress_event, envelopes) if event is not None]
    if not events:
        return
    repository = SettlementRepository(session)
    if all(isinstance(event, contracts.OrderPlaced) for event in events):
        # The common case: the order's first event. Its row, written whole; a row that exists
        # (the order's shipment events came first) is moved below like any other.
        fresh: dict[str, tuple[OrderProgress, dict[str, Any]]] = {}
        for event in events:
            progress, figures = fresh.get(event.order_id) or (OrderProgress(event.order_id, event.merchant_id), {})
            fresh[event.order_id] = _moved(progress, figures, event)
        created = await repository.add_progress_rows(list(fresh.values()), now=now)
        events = [event for event in events if event.order_id not in created]
        if not events:
            return
    merchant_by_order: dict[str, str] = {}
    for event in events:
        merchant_by_order.setdefault(event.order_id, event.merchant_id)  # the first event's, as the row keeps
    rows = await repository.progress_for_update(merchant_by_order, now=now)
    moved = {order_id: (progress_from_row(row), dict(row.figures)) for order_id, row in rows.items()}
    for event in events:
        moved[event.order_id] = _moved(*moved[event.order_id], event)
    await repository.save_progress(
        [(progress, dict(rows[order_id].bookings), figures) for order_id, (progress, figures) in sorted(moved.items())],
        now=now,
    )


def _progress_event(envelope: EventEnvelope) -> ProgressEvent | None:
    kind = _PROGRESS_KINDS.get(envelope.event_type)
    if kind is None:
        return None
    event = read_payload(envelope.payload, kind)
    if isinstance(event, contracts.ShipmentStatusChanged) and event.direction != "outbound":
        return None  # a buyer's return parcel says nothing about the order's way to sign-off
    return event


def _moved(
    progress: OrderProgress, figures: dict[str, Any], event: ProgressEvent
) -> tuple[OrderProgress, dict[str, Any]]:
    """(progress, figures) after ``event``: the domain's forward-only rules (domain/progress.py)."""
    match event:
        case contracts.OrderPlaced():
            return progress.placed(event.placed_at), placed_figures(event)
        case contracts.ShippingInfoConfirmed():
            progress = progress.confirmed(event.confirmed_at)
        case contracts.OrderCancelled():
            progress = progress.cancelled(event.cancelled_at)
        case contracts.ShipmentDispatched():
            progress = progress.dispatched(
                event.shipment_id,
                event.tracking_number,
                {line.line_id: line.quantity for line in event.lines},
                event.dispatched_at,
            )
        case contracts.TrackingNumberCorrected():
            progress = progress.tracking_corrected(event.shipment_id, event.tracking_number)
        case contracts.ShipmentStatusChanged():
            progress = progress.status_changed(event.shipment_id, event.tracking_number, event.status, event.scan_time)
        case contracts.ShipmentFlagged():
            if event.blocks_sign_off:  # a flag that holds nothing is not a blocker
                progress = progress.flagged(event.shipment_id, event.flag)
        case contracts.ShipmentFlagCleared():
            progress = progress.flag_cleared(event.shipment_id, event.flag)
        case contracts.OrderSignedOff():
            progress = progress.signed_off(
                event.shipment_id, {line.line_id: line.quantity for line in event.lines}, event.signed_off_at
            )
    return progress, figures


def placed_figures(event: contracts.OrderPlaced) -> dict[str, Any]:
    """The order's discounts by funder, as priced (the whole order, before any refund)."""
    return {
        "goods_total_minor": event.goods_total_minor,
        "merchant_discount_minor": event.merchant_discount_minor,
        "platform_discount_minor": event.platform_discount_minor,
        "shipping_fee_minor": event.shipping_fee_minor,
        "payable_minor": event.payable_minor,
        "coupons": [
            {
                "coupon_id": coupon.coupon_id,
                "kind": coupon.kind,
                "funded_by": coupon.funded_by,
                "discount_minor": coupon.discount_minor,
            }
            for coupon in event.coupons
        ],
    }


@dataclass(frozen=True)
class Booking:
    """What one sign-off booked, kept to explain payouts (the ledger lumps paid and shipping)."""

    order_id: str
    merchant_id: str
    shipment_id: str
    amounts: SignOffAmounts
    event_id: str


async def lock_progress_of(
    session: AsyncSession, sign_offs: Sequence[contracts.OrderSignedOff], *, now: datetime
) -> dict[str, Row[Any]]:
    """Lock the progress rows of the sign-offs' orders (created if new), in order id order. The
    batch path takes them before the orders' locks, as ``record_progress`` does for one event:
    one lock order for both paths, so they cannot deadlock on each other."""
    return await SettlementRepository(session).progress_for_update(_merchant_by_order(sign_offs, []), now=now)


async def record_sign_offs(
    session: AsyncSession,
    sign_offs: Sequence[contracts.OrderSignedOff],
    bookings: Sequence[Booking],
    *,
    now: datetime,
    locked: Mapping[str, Row[Any]] | None = None,
) -> None:
    """Move the orders' progress for ``sign_offs`` (as ``record_progress`` would, one by one in
    their order) and record what ``bookings`` booked: one read and one write for all their
    orders, whatever their number (the consumer's batch path). ``locked``: rows already read
    with ``lock_progress_of`` in this transaction."""
    merchant_by_order = _merchant_by_order(sign_offs, bookings)
    if not merchant_by_order:
        return
    repository = SettlementRepository(session)
    rows = dict(locked or {})
    unread = {order_id: merchant for order_id, merchant in merchant_by_order.items() if order_id not in rows}
    if unread:
        rows.update(await repository.progress_for_update(unread, now=now))
    moved = {order_id: progress_from_row(rows[order_id]) for order_id in merchant_by_order}
    booked = {order_id: dict(rows[order_id].bookings) for order_id in merchant_by_order}
    for event in sign_offs:
        moved[event.order_id] = moved[event.order_id].signed_off(
            event.shipment_id, {line.line_id: line.quantity for line in event.lines}, event.signed_off_at
        )
    for booking in bookings:
        amounts = booking.amounts
        booked[booking.order_id][booking.shipment_id] = {
            "paid_minor": amounts.paid_minor,
            "shipping_minor": amounts.shipping_minor,
            "subsidy_minor": amounts.subsidy_minor,
            "commission_minor": amounts.commission_minor,
            "net_minor": amounts.net_minor,
            "event_id": booking.event_id,
        }
    await repository.save_progress(
        [(moved[order_id], booked[order_id], dict(rows[order_id].figures)) for order_id in sorted(moved)], now=now
    )


def _merchant_by_order(sign_offs: Sequence[contracts.OrderSignedOff], bookings: Sequence[Booking]) -> dict[str, str]:
    merchant_by_order: dict[str, str] = {}
    for event in sign_offs:
        merchant_by_order.setdefault(event.order_id, event.merchant_id)  # the first event's, as the row keeps
    for booking in bookings:
        merchant_by_order.setdefault(booking.order_id, booking.merchant_id)
    return merchant_by_order


# --- the merchant's money, replayed --------------------------------------------------------------


@dataclass
class MerchantMoney:
    """Everything the segments of one merchant's orders are derived from, read once."""

    merchant_id: str
    policy: MerchantPolicy
    orders: dict[str, SettlementOrder]
    progress: dict[str, OrderProgressRow]
    holds: list[HoldRow]
    refunds: list[RefundRow]
    transactions: list[dict[str, Any]]
    applications: dict[str, ApplicationRow]
    payouts: dict[str, PayoutRow]
    fifo: FifoResult = field(default_factory=FifoResult)
    reserve_days_by_hold: dict[str, int] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return merchant_accounts_prefix(self.merchant_id)

    @cached_property
    def transactions_by_key(self) -> dict[str, dict[str, Any]]:
        """Built once: looked up per hold, which over a large merchant's holds was quadratic."""
        return {tx["tx_key"]: tx for tx in self.transactions}

    # Built once, as the replay's lots are (``lots_of``): a merchant's orders are read one by one,
    # and a scan of all its rows per order was quadratic (90 s for a merchant with 5,000 orders).
    @cached_property
    def holds_by_order(self) -> dict[str, list[HoldRow]]:
        return _group_by_order(self.holds, lambda hold: hold.order_id)

    @cached_property
    def refunds_by_order(self) -> dict[str, list[RefundRow]]:
        return _group_by_order(self.refunds, lambda refund: refund.order_id)

    @cached_property
    def transactions_by_order(self) -> dict[str, list[dict[str, Any]]]:
        return _group_by_order(self.transactions, lambda tx: tx["order_id"])

    @cached_property
    def _lots_by_order(self) -> dict[str, OrderLots]:
        return lots_by_order(self.fifo)

    def lots_of(self, order_id: str) -> OrderLots:
        """The order's share of the first-in-first-out replay."""
        return self._lots_by_order.get(order_id) or OrderLots()

    def posting(self, tx: dict[str, Any], account: MerchantAccount) -> int:
        name = f"{self.prefix}{account.value}"
        return sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == name)


_Row = TypeVar("_Row")


def _group_by_order(rows: Sequence[_Row], order_of: Callable[[_Row], str | None]) -> dict[str, list[_Row]]:
    grouped: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        order_id = order_of(row)
        if order_id is not None:
            grouped[order_id].append(row)
    return dict(grouped)


async def load_merchant_money(
    session: AsyncSession, merchant_id: str, *, now: datetime, order_id: str | None = None
) -> MerchantMoney:
    """The merchant's money, read in a fixed number of queries whatever its size. With
    ``order_id``, the order-level rows (order, progress, holds, refunds) are that order's only;
    the ledger, applications and payouts stay the merchant's, which first-in-first-out needs."""
    repository = SettlementRepository(session)
    applications = {
        row.application_id: row
        for row in (
            await session.execute(select(ApplicationRow).where(col(ApplicationRow.merchant_id) == merchant_id))
        ).scalars()
    }
    payouts = {
        row.payout_id: row
        for row in (await session.execute(select(PayoutRow).where(col(PayoutRow.merchant_id) == merchant_id))).scalars()
    }
    holds = await repository.holds_of_merchant(merchant_id, order_id=order_id)
    policies = (await repository.policy_versions([merchant_id])).get(merchant_id, [])
    progress_rows = await repository.progress_rows(merchant_id=merchant_id, order_id=order_id)
    money = MerchantMoney(
        merchant_id=merchant_id,
        policy=policy_in_force(policies, merchant_id, now),
        orders={order.order_id: order for order in await repository.orders_of_merchant(merchant_id, order_id=order_id)},
        progress={row.order_id: row for row in progress_rows},
        holds=holds,
        refunds=await repository.refunds_of_merchant(merchant_id, order_id=order_id),
        transactions=await repository.transactions_of_merchant(merchant_id),
        applications=applications,
        payouts=payouts,
    )
    for hold in holds:
        if hold.released_at is not None:  # the reserve days of the policy in force at its sign-off
            money.reserve_days_by_hold[hold.hold_id] = policy_in_force(
                policies, merchant_id, hold.signed_off_at
            ).reserve_days
    money.fifo = allocate_fifo(movements(money))
    return money


def movements(money: MerchantMoney) -> list[Movement]:
    """The merchant's ledger as movements of available and frozen money, in posting order."""
    found = []
    for tx in money.transactions:
        available = money.posting(tx, MerchantAccount.AVAILABLE)
        frozen = money.posting(tx, MerchantAccount.FROZEN)
        if not available and not frozen:
            continue
        at = datetime.fromisoformat(tx["created_at"])
        subject = tx["tx_key"].split(":", 1)[1]
        if tx["kind"] == TransactionKind.APPLY:
            application = money.applications.get(subject)
            clawback = application.clawback_deducted_minor if application else 0
            found.append(Movement(tx["tx_key"], at, available, applies=subject, clawback_minor=clawback))
        elif tx["kind"] == TransactionKind.APPLICATION_REJECTED:
            application = money.applications.get(subject)
            why = f"application {subject} rejected: {application.decision_reason if application else ''}"
            found.append(Movement(tx["tx_key"], at, available, returns=subject, why=why))
        elif tx["kind"] in (TransactionKind.PAYOUT_FAILED, TransactionKind.PAYOUT_RETURNED):
            payout = money.payouts.get(subject)
            what = "failed" if tx["kind"] == TransactionKind.PAYOUT_FAILED else "returned by the bank"
            why = f"payout {subject} {what}: {payout.reason if payout else ''}"
            found.append(
                Movement(tx["tx_key"], at, available, returns=payout.application_id if payout else subject, why=why)
            )
        else:
            found.append(Movement(tx["tx_key"], at, available, frozen, order_id=tx["order_id"]))
    return found


# --- segments ------------------------------------------------------------------------------------


def order_segments(money: MerchantMoney, order_id: str, *, now: datetime, rules: EtaRules) -> list[Segment]:
    order = money.orders.get(order_id)
    row = money.progress.get(order_id)
    progress = progress_from_row(row) if row is not None else OrderProgress(order_id, money.merchant_id)
    refunds = money.refunds_by_order.get(order_id, [])
    open_refunds = [refund.refund_id for refund in refunds if refund.status == "open"]
    segments = pre_sign_off_segments(
        progress, order, money.policy, refund_open=bool(open_refunds), now=now, rules=rules
    )
    holds = money.holds_by_order.get(order_id, [])
    for hold in holds:
        if hold.released_at is None and hold.amount_minor > 0:
            segments.append(_hold_segment(money, hold, open_refunds, now=now, rules=rules))
        elif hold.released_at is not None:
            segments.extend(_reserve_segments(money, hold, now=now, rules=rules))
    lots = money.lots_of(order_id)
    for refund_order, lot in lots.frozen:
        paid_at, assumptions = paid_after_available(now, money.policy, rules, now=now)
        segments.append(
            Segment(
                Blocker.REFUND_OPEN,
                lot.amount_minor,
                paid_at,
                {"frozen_for_refund_of_order": refund_order, "refund_ids": open_refunds},
                ("assuming the refund ends now without taking this money", *assumptions),
            )
        )
    for lot in lots.available:
        segments.append(_available_segment(money, lot, now=now, rules=rules))
    for allocation, lot, paid_back_negative_balance in lots.allocated:
        if paid_back_negative_balance:
            segments.append(
                Segment(
                    Blocker.REFUNDED,
                    lot.amount_minor,
                    None,
                    {"paid_back_negative_balance_in_application": allocation.application_id},
                )
            )
            continue
        application = money.applications.get(allocation.application_id)
        if allocation.returned or application is None:
            continue  # its money went back to available and is followed there
        segments.append(_applied_segment(money, application, lot, now=now, rules=rules))
    for refund_order, lot in lots.taken_by_other_orders_refunds:
        segments.append(Segment(Blocker.REFUNDED, lot.amount_minor, None, {"taken_by_refund_of_order": refund_order}))
    completed = [refund for refund in refunds if refund.status == "completed"]
    if completed or progress.cancelled_at is not None:
        segments.append(
            Segment(
                Blocker.REFUNDED,
                sum(hold.reversed_minor for hold in holds) + lots.taken_by_own_refunds_minor,
                None,
                {
                    "refund_ids": [refund.refund_id for refund in completed],
                    "reversed_minor": sum(refund.reversal_minor or 0 for refund in completed),
                    "clawback_minor": sum(refund.clawback_minor for refund in completed),
                },
            )
        )
    return _merge_zero_refunded(segments)


def _merge_zero_refunded(segments: list[Segment]) -> list[Segment]:
    """A cancelled order's pre-sign-off "refunded" and the refunds' one say the same: keep the first."""
    kept: list[Segment] = []
    for segment in segments:
        zero_refunded = segment.blocker is Blocker.REFUNDED and not segment.amount_minor
        if zero_refunded and any(k.blocker is Blocker.REFUNDED and not k.amount_minor for k in kept):
            continue
        kept.append(segment)
    return kept


def _hold_segment(
    money: MerchantMoney, hold: HoldRow, open_refunds: list[str], *, now: datetime, rules: EtaRules
) -> Segment:
    paid_at, assumptions = paid_after_available(max(hold.release_at, now), money.policy, rules, now=now)
    detail = {"hold_id": hold.hold_id, "until": china_date(hold.release_at), "release_at": hold.release_at.isoformat()}
    if open_refunds:
        return Segment(
            Blocker.REFUND_OPEN,
            hold.amount_minor,
            paid_at,
            {**detail, "refund_ids": open_refunds},
            (
                "the hold does not release while a refund of the order is open; assuming the refund ends "
                "by the release date without taking this money",
                *assumptions,
            ),
        )
    return Segment(
        Blocker.IN_HOLD_UNTIL,
        hold.amount_minor,
        paid_at,
        detail,
        (f"available on {china_date(hold.release_at)} (fixed at sign-off)", *assumptions),
    )


def _reserve_segments(money: MerchantMoney, hold: HoldRow, *, now: datetime, rules: EtaRules) -> list[Segment]:
    """The rolling reserve kept back at the hold's release, until its own release."""
    keys = money.transactions_by_key
    release = keys.get(f"release:{hold.hold_id}")
    reserved = money.posting(release, MerchantAccount.RESERVED) if release else 0
    if not reserved or f"reserve_release:{hold.hold_id}" in keys or hold.released_at is None:
        return []
    until = hold.released_at + timedelta(days=money.reserve_days_by_hold.get(hold.hold_id, money.policy.reserve_days))
    paid_at, assumptions = paid_after_available(until, money.policy, rules, now=now)
    return [
        Segment(
            Blocker.IN_HOLD_UNTIL,
            reserved,
            paid_at,
            {
                "hold_id": hold.hold_id,
                "rolling_reserve": True,
                "until": china_date(until),
                "release_at": until.isoformat(),
            },
            (f"rolling reserve released on {china_date(until)}", *assumptions),
        )
    ]


def _available_segment(money: MerchantMoney, lot: Lot, *, now: datetime, rules: EtaRules) -> Segment:
    paid_at, assumptions = paid_after_available(now, money.policy, rules, now=now)
    detail: dict[str, Any] = {"available_since": lot.released_at.isoformat(), "released_by": list(lot.tx_keys)}
    if lot.returned_because and lot.returned_because.startswith("payout"):
        return Segment(
            Blocker.PAYOUT_FAILED,
            lot.amount_minor,
            paid_at,
            {**detail, "reason": lot.returned_because},
            ("assuming you apply again now", *assumptions),
        )
    if lot.returned_because:
        detail["returned_because"] = lot.returned_because
    return Segment(Blocker.APPLICATION_NOT_SUBMITTED, lot.amount_minor, paid_at, detail, tuple(assumptions))


def _applied_segment(
    money: MerchantMoney, application: ApplicationRow, lot: Lot, *, now: datetime, rules: EtaRules
) -> Segment:
    payout = money.payouts.get(application.payout_id or "")
    detail: dict[str, Any] = {"application_id": application.application_id, "application_status": application.status}
    if payout is not None:
        detail["payout_id"] = payout.payout_id
    if application.status == ApplicationStatus.PAID.value:
        paid_at = payout.settled_at if payout is not None else application.updated_at
        on = china_date(paid_at) if paid_at else None
        return Segment(Blocker.PAID_OUT, lot.amount_minor, paid_at, {**detail, "paid_on": on})
    # "in review" covers the application from submission until the bank's answer: in review by
    # ops, approved and waiting for the batch, or sent in a payout.
    if application.status == ApplicationStatus.IN_REVIEW.value:
        why = ["assuming ops approve it now and it is paid in the next payout batch"]
        paid_at = now + rules.batch_interval
    elif application.status == ApplicationStatus.APPROVED.value:
        why = ["approved: paid in the next payout batch"]
        paid_at = now + rules.batch_interval
    else:
        why = ["sent to the bank: waiting for its answer"]
        paid_at = now
    return Segment(Blocker.IN_REVIEW, lot.amount_minor, paid_at, detail, tuple(why))


def segment_view(segment: Segment) -> dict[str, Any]:
    return {
        "blocker": segment.blocker.value,
        "amount_minor": segment.amount_minor,
        "expected_at": segment.expected_at.isoformat() if segment.expected_at else None,
        "expected_date": china_date(segment.expected_at) if segment.expected_at else None,
        "detail": segment.detail,
        "assumptions": list(segment.assumptions),
    }


def order_view(money: MerchantMoney, order_id: str, segments: list[Segment]) -> dict[str, Any]:
    state = order_state(segments)
    blockers = []
    for blocker in state["blockers"]:
        parts = [s for s in segments if s.blocker is blocker]
        entry: dict[str, Any] = {"blocker": blocker.value, "amount_minor": sum(s.amount_minor for s in parts)}
        if blocker is Blocker.IN_HOLD_UNTIL:
            entry["until"] = min(s.detail["until"] for s in parts)
        if blocker is Blocker.PAYOUT_FAILED:
            entry["reason"] = parts[0].detail["reason"]
        blockers.append(entry)
    expected = state["expected_at"]
    row = money.progress.get(order_id)
    return {
        "order_id": order_id,
        "merchant_id": money.merchant_id,
        "currency": money.orders[order_id].currency if order_id in money.orders else "CNY",
        "state": state["state"].value,
        "blockers": blockers,
        "expected_at": expected.isoformat() if expected else None,
        "expected_date": china_date(expected) if expected else None,
        "segments": [segment_view(s) for s in segments],
        "progress": (
            {
                "placed_at": row.placed_at.isoformat() if row.placed_at else None,
                "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
                "cancelled_at": row.cancelled_at.isoformat() if row.cancelled_at else None,
                "shipments": row.shipments,
            }
            if row is not None
            else None
        ),
        "allocation_rule": ALLOCATION_RULE,
    }


async def order_eta(
    session: AsyncSession, order_id: str, *, now: datetime, rules: EtaRules
) -> tuple[str, dict[str, Any]] | None:
    """(merchant id, the order's ETA and blockers), or None for an order settlement never saw."""
    repository = SettlementRepository(session)
    order = await repository.order(order_id)
    if order is not None:
        merchant_id = order.merchant_id
    else:
        rows = await repository.progress_rows(order_id=order_id)
        if not rows:
            return None
        merchant_id = rows[0].merchant_id
    money = await load_merchant_money(session, merchant_id, now=now, order_id=order_id)
    return merchant_id, order_view(money, order_id, order_segments(money, order_id, now=now, rules=rules))


async def merchant_order_states(
    session: AsyncSession, merchant_id: str, *, now: datetime, rules: EtaRules
) -> dict[str, Any]:
    """Every order of the merchant with its state and expected date, from one read of the
    merchant's money: a list of N orders costs one replay, not N."""
    money = await load_merchant_money(session, merchant_id, now=now)
    orders = []
    for order_id in sorted(set(money.orders) | set(money.progress)):
        state = order_state(order_segments(money, order_id, now=now, rules=rules))
        expected = state["expected_at"]
        orders.append(
            {
                "order_id": order_id,
                "state": state["state"].value,
                "blockers": [blocker.value for blocker in state["blockers"]],
                "expected_at": expected.isoformat() if expected else None,
                "expected_date": china_date(expected) if expected else None,
            }
        )
    return {"merchant_id": merchant_id, "orders": orders, "allocation_rule": ALLOCATION_RULE}


async def merchant_blockers(
    session: AsyncSession, merchant_id: str, *, now: datetime, rules: EtaRules
) -> dict[str, Any]:
    """Every order's segments summed by blocker: orders, fen, and the earliest expected date."""
    money = await load_merchant_money(session, merchant_id, now=now)
    totals: dict[Blocker, dict[str, Any]] = {}
    states: dict[str, int] = defaultdict(int)
    for order_id in sorted(set(money.orders) | set(money.progress)):
        segments = order_segments(money, order_id, now=now, rules=rules)
        states[order_state(segments)["state"].value] += 1
        for segment in segments:
            entry = totals.setdefault(
                segment.blocker, {"orders": set(), "amount_minor": 0, "earliest_expected_at": None}
            )
            entry["orders"].add(order_id)
            entry["amount_minor"] += segment.amount_minor
            if segment.expected_at is not None and segment.blocker not in (Blocker.REFUNDED,):
                earliest = entry["earliest_expected_at"]
                entry["earliest_expected_at"] = (
                    segment.expected_at if earliest is None else min(earliest, segment.expected_at)
                )

    def view(blocker: Blocker) -> dict[str, Any]:
        entry = totals[blocker]
        earliest = entry["earliest_expected_at"]
        return {
            "blocker": blocker.value,
            "orders": len(entry["orders"]),
            "order_ids": sorted(entry["orders"]),
            "amount_minor": entry["amount_minor"],
            "earliest_expected_at": earliest.isoformat() if earliest else None,
            "earliest_expected_date": china_date(earliest) if earliest else None,
        }

    ordered = sorted(totals, key=STAGE_ORDER.__getitem__)
    return {
        "merchant_id": merchant_id,
        "currency": "CNY",
        "blockers": [view(b) for b in ordered if b not in (Blocker.PAID_OUT, Blocker.REFUNDED)],
        "finished": [view(b) for b in ordered if b in (Blocker.PAID_OUT, Blocker.REFUNDED)],
        "orders_by_state": dict(states),
        "allocation_rule": ALLOCATION_RULE,
    }


# --- explaining a payout ---------------------------------------------------------------------------


def _tx_refs(txs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "tx_key": tx["tx_key"],
            "kind": tx["kind"],
            "caused_by_event_id": tx["caused_by_event_id"],
            "created_at": tx["created_at"],
        }
        for tx in txs
    ]


def _item(kind: str, amount: int, description: str, txs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "amount_minor": amount, "description": description, "transactions": _tx_refs(txs), **extra}


def order_items(money: MerchantMoney, order_id: str, allocated_minor: int, application_id: str) -> dict[str, Any]:
    """The order's part of one payout, from what its sign-offs booked down to what of it this
    application took. The items up to ``frozen_for_refunds`` sum to the order's money that reached
    available (the ledger's own identity); ``not_in_this_payout`` is the rest of it, elsewhere."""
    txs = money.transactions_by_order.get(order_id, [])
    bookings = money.progress[order_id].bookings if order_id in money.progress else {}
    sign_offs = [tx for tx in txs if tx["kind"] == TransactionKind.SIGN_OFF]
    paid = shipping = subsidy = commission = 0
    for tx in sign_offs:
        booking = bookings.get(tx["tx_key"].split(":", 1)[1])
        cleared = -sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == _CLEARING)
        tx_subsidy = -sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == _SUBSIDY)
        tx_commission = sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == _COMMISSION)
        if booking and booking["paid_minor"] + booking["shipping_minor"] == cleared:
            paid, shipping = paid + booking["paid_minor"], shipping + booking["shipping_minor"]
        else:  # booked before sign-offs were recorded: paid and shipping as the ledger has them, together
            paid += cleared
        subsidy += tx_subsidy
        commission += tx_commission
    refund_txs = [tx for tx in txs if tx["kind"] == TransactionKind.REFUND]
    refunds = sum(
        money.posting(tx, account)
        for tx in refund_txs
        for account in MerchantAccount
        if account is not MerchantAccount.NEGATIVE_BALANCE
    )
    releases = [tx for tx in txs if tx["kind"] == TransactionKind.HOLD_RELEASE]
    reserve_releases = [tx for tx in txs if tx["kind"] == TransactionKind.RESERVE_RELEASE]
    withheld = sum(money.posting(tx, MerchantAccount.RESERVED) for tx in releases)
    reserve_released = sum(money.posting(tx, MerchantAccount.AVAILABLE) for tx in reserve_releases)
    pending = sum(money.posting(tx, MerchantAccount.PENDING) for tx in txs)
    frozen = sum(money.posting(tx, MerchantAccount.FROZEN) for tx in txs)
    items = [
        _item("paid", paid, "what the buyer paid for the goods signed off, after every discount", sign_offs),
        _item("shipping", shipping, "the shipping fee the buyer paid (the merchant's; no commission)", sign_offs),
        _item("platform_subsidy", subsidy, "platform-funded discounts (coupons), paid by the platform", sign_offs),
        _item("commission", -commission, "commission on the line amounts after merchant-funded discounts", sign_offs),
        _item(
            "refunds",
            refunds,
            "refunds taken back from this order's money (claw-backs excluded: see the claw-back deduction)",
            refund_txs,
            refund_events=[tx["caused_by_event_id"] for tx in refund_txs],
        ),
        _item("reserve_withheld", -withheld, "rolling reserve kept back at the hold's release", releases),
        _item("reserve_released", reserve_released, "rolling reserve released", reserve_releases),
        _item(
            "still_in_hold",
            -pending,
            "signed off, still in hold (pending)",
            [tx for tx in txs if money.posting(tx, MerchantAccount.PENDING)],
        ),
        _item(
            "frozen_for_refunds",
            -frozen,
            "frozen against an open refund",
            [tx for tx in txs if money.posting(tx, MerchantAccount.FROZEN)],
        ),
    ]
    reached_available = sum(item["amount_minor"] for item in items)
    elsewhere = allocated_minor - reached_available
    where: dict[str, Any] = {}
    lots = money.lots_of(order_id)
    other_applications: dict[str, int] = {}
    for allocation, lot, _ in lots.allocated:
        if allocation.application_id != application_id and not allocation.returned:
            other_applications[allocation.application_id] = (
                other_applications.get(allocation.application_id, 0) + lot.amount_minor
            )
    if other_applications := {key: amount for key, amount in other_applications.items() if amount}:
        where["other_applications"] = other_applications
    still_available = sum(lot.amount_minor for lot in lots.available)
    if still_available:
        where["still_available"] = still_available
    taken = sum(lot.amount_minor for _, lot in lots.taken_by_other_orders_refunds)
    if taken:
        where["taken_by_refunds_of_other_orders"] = taken
    if lots.own_refunds_covered_by_others_minor:
        where["refunds_covered_by_other_orders_money"] = lots.own_refunds_covered_by_others_minor
    if elsewhere:
        items.append(
            _item(
                "not_in_this_payout",
                elsewhere,
                "this order's money that is not in this payout (first in, first out: see where)",
                [],
                where=where,
            )
        )
    figures = money.progress[order_id].figures if order_id in money.progress else {}
    return {
        "order_id": order_id,
        "allocated_minor": allocated_minor,
        "discounts_by_funder_minor": {
            "merchant": figures.get("merchant_discount_minor"),
            "platform": figures.get("platform_discount_minor"),
        },
        "coupons": figures.get("coupons", []),
        "goods_total_minor": figures.get("goods_total_minor"),
        "booked_by_events": [
            {"shipment_id": key, "event_id": booking["event_id"], "net_minor": booking["net_minor"]}
            for key, booking in bookings.items()
        ],
        "items": [item for item in items if item["amount_minor"] or item["kind"] in ("paid", "commission")],
    }


async def explain_payout(session: AsyncSession, payout_id: str, *, now: datetime) -> dict[str, Any] | None:
    """The payout's amount, order by order (FIFO allocation of its application), less the
    claw-back deduction; the items sum to the payout's amount to the fen (asserted)."""
    payout = await session.get(PayoutRow, payout_id)
    if payout is None:
        return None
    application = await session.get(ApplicationRow, payout.application_id)
    assert application is not None
    money = await load_merchant_money(session, payout.merchant_id, now=now)
    allocation = money.fifo.allocations[application.application_id]
    by_order: dict[str | None, int] = {}
    released_by: dict[str | None, list[str]] = defaultdict(list)
    for lot in allocation.lots:
        by_order[lot.order_id] = by_order.get(lot.order_id, 0) + lot.amount_minor
        released_by[lot.order_id].extend(lot.tx_keys)
    orders = []
    for order_id, amount in by_order.items():
        if order_id is None:
            continue
        explained = order_items(money, order_id, amount, application.application_id)
        explained["released_by"] = sorted(set(released_by[order_id]))
        assert sum(item["amount_minor"] for item in explained["items"]) == amount
        orders.append(explained)
    apply_tx = [tx for tx in money.transactions if tx["tx_key"] == f"apply:{application.application_id}"]
    deductions = [
        d
        for d in refunds_and_clawbacks(money.transactions, money.prefix)["clawback_deductions"]
        if d["application_id"] == application.application_id
    ]
    items = (
        [
            _item(
                "clawback_deduction",
                -application.clawback_deducted_minor,
                "paid back the merchant's negative balance (refunds after payout) before sending",
                apply_tx,
                recovers=[source for d in deductions for source in d["recovers"]],
            )
        ]
        if application.clawback_deducted_minor
        else []
    )
    if by_order.get(None):
        items.append(_item("unattributed", by_order[None], "applied beyond the released order amounts", apply_tx))
    total = sum(order["allocated_minor"] for order in orders) + sum(item["amount_minor"] for item in items)
    # Every fen: the orders' parts less the deduction are exactly what the bank was asked to pay.
    assert total == payout.amount_minor, f"payout {payout_id}: items sum to {total}, not {payout.amount_minor}"
    return {
        "payout_id": payout.payout_id,
        "merchant_id": payout.merchant_id,
        "application_id": application.application_id,
        "status": payout.status,
        "currency": payout.currency,
        "amount_minor": payout.amount_minor,
        "gross_minor": application.amount_minor,
        "paid_at": payout.settled_at.isoformat() if payout.settled_at and payout.status == "paid" else None,
        "orders": orders,
        "items": items,
        "items_total_minor": total,
        "reconciles": total == payout.amount_minor,
        "allocation_rule": ALLOCATION_RULE,
    }
