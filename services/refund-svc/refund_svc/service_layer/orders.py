"""The order projection: what refunds know of orders (placed, dispatched, signed off, cancelled)
and of return parcels, from order-svc's and logistics-svc's events.

A poll's placements, dispatches, sign-offs and parcel statuses are applied by one batch handler
in a constant number of statements (rather than a get, a locked get and a flush per event).
Dispatches and sign-offs commute (a flag, sums of units, the latest time), so a batch applies its
placements first and then every dispatch and sign-off at once (service_layer/messagebus.py); a
fact about an order not known yet is parked and applied when the order arrives, as one at a time
would. A cancellation is applied alone, in its place: it refunds every unit left at once
(domain/refund.py).

Each handler here takes a run of events as ``Received`` (typed payload and metadata) and stages
or writes its effects; the caller (the message bus) flushes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from refund_svc.domain.refund import Refund
from refund_svc.domain.refund_orders import Rules
from refund_svc.service_layer.unit_of_work import RefundUnitOfWork, keep, keep_new
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received

ShipmentFact = contracts.ShipmentDispatched | contracts.OrderSignedOff


def placements(placed: Sequence[Received[contracts.OrderPlaced]]) -> list[contracts.OrderPlaced]:
    """The orders placed, once each (a replay under a new event id changes nothing)."""
    orders: dict[str, contracts.OrderPlaced] = {}
    for event in placed:
        orders.setdefault(event.payload.order_id, event.payload)
    return list(orders.values())


async def record_shipment_facts(
    uow: RefundUnitOfWork, facts: Sequence[Received[ShipmentFact]], *, now: datetime, rules: Rules
) -> None:
    """Dispatches and sign-offs, all at once; those of orders not known yet parked."""
    found = await uow.refunds.apply_shipment_facts(_shipment_changes(facts))
    unknown = [fact for fact in facts if fact.payload.order_id not in found]
    if unknown:
        await uow.refunds.park(unknown, now=now)


def _shipment_changes(facts: Sequence[Received[ShipmentFact]]) -> list[dict[str, Any]]:
    """Per order: dispatched or not, units signed off per line, the latest sign-off."""
    changes: dict[str, dict[str, Any]] = {}
    for fact in facts:
        event = fact.payload
        change = changes.setdefault(
            event.order_id, {"order_id": event.order_id, "dispatched": False, "units": {}, "signed_off_at": None}
        )
        if isinstance(event, contracts.ShipmentDispatched):
            change["dispatched"] = True
            continue
        for line in event.lines:
            change["units"][line.line_id] = change["units"].get(line.line_id, 0) + line.quantity
        if change["signed_off_at"] is None or event.signed_off_at > change["signed_off_at"]:
            change["signed_off_at"] = event.signed_off_at
    return list(changes.values())


async def record_cancellations(
    uow: RefundUnitOfWork, cancellations: Sequence[Received[contracts.OrderCancelled]], *, now: datetime, rules: Rules
) -> None:
    """Cancellations of orders, each refunded whole; one of an order not known yet parked."""
    for cancellation in cancellations:
        if not await refund_cancelled_order(uow, cancellation.payload, now=now, rules=rules):
            await uow.refunds.park([cancellation], now=now)


async def refund_cancelled_order(
    uow: RefundUnitOfWork, event: contracts.OrderCancelled, *, now: datetime, rules: Rules
) -> bool:
    """A cancellation before dispatch refunds every unit not yet refunded, and the shipping fee, at
    once and without asking the merchant. False for an order refunds do not know yet."""
    order = await uow.refunds.order(event.order_id, for_update=True)
    if order is None:
        return False
    refund = Refund.cancellation(
        order, reason=event.reason, cancelled_by=event.cancelled_by, now=now, deadlines=rules.deadlines
    )
    if refund is not None:
        keep_new(uow, order, refund)
    return True


async def record_parcel_statuses(
    uow: RefundUnitOfWork,
    statuses: Sequence[Received[contracts.ShipmentStatusChanged]],
    *,
    now: datetime,
    rules: Rules,
) -> None:
    """Parcels' news from the carrier, in their order: a return parcel's moves its refund
    (outbound parcels are not refunds' business)."""
    for status in statuses:
        event = status.payload
        if event.direction != "return":
            continue
        refund = await uow.refunds.refund_returning(event.shipment_id)
        if refund is None:
            continue
        refund.return_parcel_status(
            event.status,
            tracking_number=event.tracking_number,
            scan_time=event.scan_time,
            now=now,
            deadlines=rules.deadlines,
        )
        await keep(uow, refund)
