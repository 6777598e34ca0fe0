"""The order projection: what refunds know of orders (placed, dispatched, signed off, cancelled)
and of return parcels, from order-svc's and logistics-svc's events.

A poll's placements, dispatches, sign-offs and parcel statuses are applied by one batch handler
in a constant number of statements (rather than a get, a locked get and a flush per event).
Dispatches and sign-offs commute (a flag, sums of units, the latest time), so a batch applies its
placements first and then every dispatch and sign-off at once; a fact about an order not known
yet is parked and applied when the order arrives, as one at a time would. A cancellation is
applied alone, in its place: it refunds every unit left at once (domain/refund.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from refund_svc.adapters.unit_of_work import SqlRefundUnitOfWork
from refund_svc.domain.refund import Refund
from refund_svc.domain.refund_orders import Rules
from refund_svc.service_layer.unit_of_work import RefundUnitOfWork, keep, keep_new
from shipsettle_shared import contracts
from shipsettle_shared.contracts import read_payload
from shipsettle_shared.envelope import EventEnvelope

_SHIPMENT_FACTS = (contracts.ShipmentDispatched.event_type, contracts.OrderSignedOff.event_type)
PROJECTED_EVENTS = tuple(
    sorted({contracts.OrderPlaced.event_type, *_SHIPMENT_FACTS, contracts.ShipmentStatusChanged.event_type})
)


async def on_order_events(
    uow: SqlRefundUnitOfWork, envelopes: Sequence[EventEnvelope], *, now: datetime, rules: Rules
) -> None:
    """Placements, dispatches, sign-offs and parcel statuses (PROJECTED_EVENTS), in their order.
    Raises pydantic's ValidationError for a payload that breaks its contract."""
    placed: dict[str, contracts.OrderPlaced] = {}
    for envelope in envelopes:
        if envelope.event_type == contracts.OrderPlaced.event_type:
            event = read_payload(envelope.payload, contracts.OrderPlaced)
            placed.setdefault(event.order_id, event)  # a replay under a new event id changes nothing
    if placed:
        # Facts that came before their order (rare: topics are not ordered with each other),
        # applied now in the order they came, one at a time.
        for parked in await uow.refunds.insert_orders(list(placed.values())):
            if parked.event_type in _SHIPMENT_FACTS:
                await uow.refunds.apply_shipment_facts(_shipment_changes([parked]))
            else:
                await _cancel(uow, parked, now=now, rules=rules)
        await uow.flush()  # before the batch's statements write the same rows
    shipment_facts = [envelope for envelope in envelopes if envelope.event_type in _SHIPMENT_FACTS]
    if shipment_facts:
        found = await uow.refunds.apply_shipment_facts(_shipment_changes(shipment_facts))
        unknown = [envelope for envelope in shipment_facts if str(envelope.payload["order_id"]) not in found]
        if unknown:
            await uow.refunds.park(unknown, now=now)
    for envelope in envelopes:
        if envelope.event_type == contracts.ShipmentStatusChanged.event_type:
            await _return_parcel_status(
                uow, read_payload(envelope.payload, contracts.ShipmentStatusChanged), now=now, rules=rules
            )
    await uow.flush()


def _shipment_changes(envelopes: Sequence[EventEnvelope]) -> list[dict[str, Any]]:
    """Per order: dispatched or not, units signed off per line, the latest sign-off."""
    changes: dict[str, dict[str, Any]] = {}
    for envelope in envelopes:
        order_id = str(envelope.payload["order_id"])
        change = changes.setdefault(
            order_id, {"order_id": order_id, "dispatched": False, "units": {}, "signed_off_at": None}
        )
        if envelope.event_type == contracts.ShipmentDispatched.event_type:
            change["dispatched"] = True
            continue
        signed = read_payload(envelope.payload, contracts.OrderSignedOff)
        for line in signed.lines:
            change["units"][line.line_id] = change["units"].get(line.line_id, 0) + line.quantity
        if change["signed_off_at"] is None or signed.signed_off_at > change["signed_off_at"]:
            change["signed_off_at"] = signed.signed_off_at
    return list(changes.values())


async def on_order_cancelled(uow: SqlRefundUnitOfWork, envelope: EventEnvelope, *, now: datetime, rules: Rules) -> None:
    """A cancellation of an order; parked if the order is not known yet."""
    if not await _cancel(uow, envelope, now=now, rules=rules):
        await uow.refunds.park([envelope], now=now)
    await uow.flush()


async def _cancel(uow: RefundUnitOfWork, envelope: EventEnvelope, *, now: datetime, rules: Rules) -> bool:
    """False for an order not known yet."""
    event = read_payload(envelope.payload, contracts.OrderCancelled)
    return await refund_cancelled_order(uow, event, now=now, rules=rules)


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


async def _return_parcel_status(
    uow: RefundUnitOfWork, event: contracts.ShipmentStatusChanged, *, now: datetime, rules: Rules
) -> None:
    """A return parcel's news from the carrier (outbound parcels are not refunds' business)."""
    if event.direction != "return":
        return
    refund = await uow.refunds.refund_returning(event.shipment_id)
    if refund is None:
        return
    refund.return_parcel_status(
        event.status,
        tracking_number=event.tracking_number,
        scan_time=event.scan_time,
        now=now,
        deadlines=rules.deadlines,
    )
    await keep(uow, refund)
