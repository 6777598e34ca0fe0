"""The order-progress projection: order and shipment events (confirmed, dispatched, tracking
corrected, outbound status changed, flagged for ops and cleared, signed off, cancelled) move the
order's progress row forward, in the consumer's transaction. A sign-off that books money also
records what it booked (paid, shipping, subsidy, commission), so a payout can be explained line
by line (payout_explanation.py). The read models built on it: merchant_money.py, eta.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from settlement_svc.adapters.repositories.progress import progress_from_row
from settlement_svc.domain.orders import SignOffAmounts
from settlement_svc.domain.progress import (
    OrderProgress,
)
from settlement_svc.service_layer.repositories import ProgressRow
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import contracts

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
_PROGRESS_TYPES = frozenset(_PROGRESS_KINDS.values())


async def record_progress(uow: SettlementUnitOfWork, event: contracts.EventPayload, *, now: datetime) -> None:
    """Move the order's progress forward for one event (idempotent: a repeat changes nothing)."""
    await record_progress_batch(uow, [event], now=now)


async def record_progress_batch(
    uow: SettlementUnitOfWork, events_received: Sequence[contracts.EventPayload], *, now: datetime
) -> None:
    """Move the orders' progress for a run of events, as ``record_progress`` one by one in their
    order would, set-based: an order's OrderPlaced writes its row whole in one insert for the
    run; any other event, one locked read of the run's rows and one write back. Events that say
    nothing about an order's way to sign-off (a return parcel's status) are skipped."""
    events = [event for event in map(_progress_event, events_received) if event is not None]
    if not events:
        return
    if all(isinstance(event, contracts.OrderPlaced) for event in events):
        # The common case: the order's first event. Its row, written whole; a row that exists
        # (the order's shipment events came first) is moved below like any other.
        fresh: dict[str, tuple[OrderProgress, dict[str, Any]]] = {}
        for event in events:
            progress, figures = fresh.get(event.order_id) or (OrderProgress(event.order_id, event.merchant_id), {})
            fresh[event.order_id] = _moved(progress, figures, event)
        created = await uow.progress.add_progress_rows(list(fresh.values()), now=now)
        events = [event for event in events if event.order_id not in created]
        if not events:
            return
    merchant_by_order: dict[str, str] = {}
    for event in events:
        merchant_by_order.setdefault(event.order_id, event.merchant_id)  # the first event's, as the row keeps
    rows = await uow.progress.progress_for_update(merchant_by_order, now=now)
    moved = {order_id: (progress_from_row(row), dict(row.figures)) for order_id, row in rows.items()}
    for event in events:
        moved[event.order_id] = _moved(*moved[event.order_id], event)
    await uow.progress.save_progress(
        [(progress, dict(rows[order_id].bookings), figures) for order_id, (progress, figures) in sorted(moved.items())],
        now=now,
    )


def _progress_event(event: contracts.EventPayload) -> ProgressEvent | None:
    if type(event) not in _PROGRESS_TYPES:
        return None
    if isinstance(event, contracts.ShipmentStatusChanged) and event.direction != "outbound":
        return None  # a buyer's return parcel says nothing about the order's way to sign-off
    return cast(ProgressEvent, event)


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
    uow: SettlementUnitOfWork, sign_offs: Sequence[contracts.OrderSignedOff], *, now: datetime
) -> Mapping[str, ProgressRow]:
    """Lock the progress rows of the sign-offs' orders (created if new), in order id order. The
    batch path takes them before the orders' locks, as ``record_progress`` does for one event:
    one lock order for both paths, so they cannot deadlock on each other."""
    return await uow.progress.progress_for_update(_merchant_by_order(sign_offs, []), now=now)


async def record_sign_offs(
    uow: SettlementUnitOfWork,
    sign_offs: Sequence[contracts.OrderSignedOff],
    bookings: Sequence[Booking],
    *,
    now: datetime,
    locked: Mapping[str, ProgressRow] | None = None,
) -> None:
    """Move the orders' progress for ``sign_offs`` (as ``record_progress`` would, one by one in
    their order) and record what ``bookings`` booked: one read and one write for all their
    orders, whatever their number (the consumer's batch path). ``locked``: rows already read
    with ``lock_progress_of`` in this transaction."""
    merchant_by_order = _merchant_by_order(sign_offs, bookings)
    if not merchant_by_order:
        return
    rows = dict(locked or {})
    unread = {order_id: merchant for order_id, merchant in merchant_by_order.items() if order_id not in rows}
    if unread:
        rows.update(await uow.progress.progress_for_update(unread, now=now))
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
    await uow.progress.save_progress(
        [(moved[order_id], booked[order_id], dict(rows[order_id].figures)) for order_id in sorted(moved)], now=now
    )


def _merchant_by_order(sign_offs: Sequence[contracts.OrderSignedOff], bookings: Sequence[Booking]) -> dict[str, str]:
    merchant_by_order: dict[str, str] = {}
    for event in sign_offs:
        merchant_by_order.setdefault(event.order_id, event.merchant_id)  # the first event's, as the row keeps
    for booking in bookings:
        merchant_by_order.setdefault(booking.order_id, booking.merchant_id)
    return merchant_by_order
