"""Refunds and return parcels (refund.events): a refund open on an order pauses its delivered
parcels' auto-confirm, the last one ended resumes it with the time that was left; a buyer's parcel
back (退货) is tracked like an outbound one but never signed off."""

from __future__ import annotations

from datetime import datetime

from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.domain.carriers import normalise_tracking_number
from logistics_svc.domain.shipments import Direction, Shipment, ShipmentStatus, return_parcel_flags
from logistics_svc.service_layer.timers import STALE_CHECK, TrackingPolicy, reschedule_auto_confirm, stale_timer_key
from logistics_svc.service_layer.tracking import take_parked_scans
from logistics_svc.service_layer.unit_of_work import LogisticsUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received


async def record_refund_requested(
    uow: LogisticsUnitOfWork, received: Received[contracts.RefundRequested], *, now: datetime
) -> None:
    """A refund opened on the order: its delivered outbound shipments' auto-confirm pauses. No
    domain error: an order logistics has not heard of yet is held all the same (refund.events
    and order.events are separate topics, so either may be ahead)."""
    event = received.payload
    before = await uow.refund_holds.of_order(event.order_id)
    after = before.requested(event.refund_id)
    await uow.refund_holds.save(event.order_id, before, after, now=now)
    await _follow_refund_holds(uow, event.order_id, len(after.open_refund_ids), now)


async def record_refund_completed(
    uow: LogisticsUnitOfWork, received: Received[contracts.RefundCompleted], *, now: datetime
) -> None:
    await _record_refund_ended(uow, received.payload.order_id, received.payload.refund_id, how="completed", now=now)


async def record_refund_closed(
    uow: LogisticsUnitOfWork, received: Received[contracts.RefundClosed], *, now: datetime
) -> None:
    await _record_refund_ended(uow, received.payload.order_id, received.payload.refund_id, how="closed", now=now)


async def _record_refund_ended(
    uow: LogisticsUnitOfWork, order_id: str, refund_id: str, *, how: str, now: datetime
) -> None:
    """RefundCompleted or RefundClosed: the refund no longer holds the order; after the last one
    the auto-confirm resumes with the time that was left. Remembered even when it arrives first,
    so its RefundRequested coming later does not pause the order again."""
    before = await uow.refund_holds.of_order(order_id)
    after = before.ended(refund_id)
    await uow.refund_holds.save(order_id, before, after, now=now, ended_how=how)
    await _follow_refund_holds(uow, order_id, len(after.open_refund_ids), now)


async def _follow_refund_holds(uow: LogisticsUnitOfWork, order_id: str, open_refunds: int, now: datetime) -> None:
    loaded = await uow.shipments.order_shipments(order_id, for_update=True, outbound_only=True, with_scans=False)
    for shipment in loaded.shipments:
        updated = shipment.with_open_refunds(open_refunds, now)
        if updated == shipment:
            continue
        uow.save_shipment(updated)
        reschedule_auto_confirm(uow, shipment, updated, now)
    await uow.flush()


async def register_return_shipment(
    uow: LogisticsUnitOfWork,
    received: Received[contracts.ReturnShipped],
    *,
    now: datetime,
    policy: TrackingPolicy,
    carriers: CarrierRegistrySnapshot,
) -> Shipment:
    """The buyer sent goods back (退货): the parcel is tracked like an outbound one, under the id
    refund-svc gave it, but never signed off. An unknown carrier, a number not in the carrier's
    format or a number already in use are flagged for ops, never refused: the parcel is on its
    way whatever the buyer typed. A second delivery of the event changes nothing."""
    event = received.payload
    repository = uow.shipments
    await repository.lock_tracking_number(normalise_tracking_number(event.tracking_number))
    existing = (await repository.shipment(event.return_shipment_id, with_scans=False)).first
    if existing is not None:
        return existing
    carrier = carriers.get(event.carrier_code)
    carrier_code = carrier.code if carrier is not None else event.carrier_code.strip().upper()
    tracking_number = normalise_tracking_number(event.tracking_number)
    used_by = await repository.shipment_using(carrier_code, tracking_number)
    shipment = Shipment(
        shipment_id=event.return_shipment_id,
        order_id=event.order_id,
        merchant_id=event.merchant_id,
        carrier_code=carrier_code,
        tracking_number=tracking_number,
        lines={line.line_id: line.quantity for line in event.lines},
        status=ShipmentStatus.DISPATCHED,
        dispatched_at=event.shipped_at,
        last_movement_at=event.shipped_at,
        direction=Direction.RETURN,
        refund_id=event.refund_id,
        ops_flags=return_parcel_flags(carrier_code, tracking_number, carrier, used_by),
    )
    uow.add_shipment(shipment)
    uow.schedule_timer(STALE_CHECK, stale_timer_key(shipment), shipment.last_movement_at + policy.stale_after)
    # Scans that came before ReturnShipped (the carrier is often faster than the buyer's app)
    # were kept under the carrier and tracking number: they are applied now.
    shipment = await take_parked_scans(uow, shipment, now=now, policy=policy)
    await uow.flush()
    return shipment
