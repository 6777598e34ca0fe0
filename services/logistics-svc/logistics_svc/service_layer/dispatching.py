"""Dispatch (发货): a parcel of a confirmed order leaves with a carrier under a tracking number.

Whose scans (issue 16): a scan moves only the shipment of its own carrier with its tracking number,
so a shipment dispatched takes its own carrier's scans of the number kept from before (parked);
dating: see domain/shipments.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.domain.carriers import normalise_tracking_number
from logistics_svc.domain.order_shipments import LoadedShipments
from logistics_svc.domain.shipments import Shipment, ShipmentRuleViolation, ShipmentStatus, check_dispatch
from logistics_svc.service_layer.timers import STALE_CHECK, TrackingPolicy, stale_timer_key
from logistics_svc.service_layer.tracking import take_parked_scans
from logistics_svc.service_layer.unit_of_work import PRODUCER, LogisticsUnitOfWork, ShipmentStore
from shipsettle_shared import contracts
from shipsettle_shared.domain_errors import Refusal


@dataclass(frozen=True)
class Dispatch:
    order_id: str
    carrier_code: str
    tracking_number: str
    lines: dict[str, int]


async def _same_dispatch(
    repository: ShipmentStore, command: Dispatch, holder_id: str, merchant_scope: str | None
) -> LoadedShipments | None:
    """The shipment this very dispatch already made: a platform retrying after a timeout (the
    first attempt committed, its answer was lost) gets the parcel back instead of a refusal.
    Another order or other lines under the tracking number stay a 409."""
    loaded = await repository.shipment(holder_id)
    existing = loaded.first
    same = (
        existing is not None
        and existing.order_id == command.order_id
        and existing.lines == dict(command.lines)
        and merchant_scope in (None, existing.merchant_id)
    )
    return loaded if same else None


async def dispatch(
    uow: LogisticsUnitOfWork,
    command: Dispatch,
    *,
    merchant_scope: str | None,
    now: datetime,
    policy: TrackingPolicy,
    carriers: CarrierRegistrySnapshot,
) -> LoadedShipments:
    """A parcel leaves. Raises ShipmentRuleViolation: unknown or inactive carrier, a tracking number
    not in the carrier's format or already held by another shipment of that carrier (any
    order, whatever its state: a number is never used twice), an unconfirmed or cancelled
    order, lines or quantities the order does not have left. The same dispatch sent again (same
    order, carrier, tracking number and lines) returns the shipment it made: retries are safe.
    The carrier's scans of the number kept from before are taken now; a delivery among them
    dated before this dispatch flags the shipment instead (see domain/shipments.py). Returns the
    shipment with the order's open refunds (for the view)."""
    carrier = carriers.get(command.carrier_code)
    if carrier is None or not carrier.active:
        raise ShipmentRuleViolation(
            Refusal.RULE, "unknown-carrier", "unknown or inactive carrier; see GET /v1/carriers", field="carrier_code"
        )
    tracking_number = normalise_tracking_number(command.tracking_number)
    if not carrier.validate_tracking_number(tracking_number):
        raise ShipmentRuleViolation(
            Refusal.RULE,
            "bad-tracking-number",
            f"not a {carrier.code} tracking number (expected {carrier.tracking_pattern})",
            field="tracking_number",
        )
    command = replace(command, carrier_code=carrier.code, tracking_number=tracking_number)
    repository = uow.shipments
    order = await uow.orders.lock_number_and_order_for_dispatch(tracking_number, command.order_id)
    if order is None or order.status == "placed":
        # Refused without reading more (a platform polls here until the confirmation arrives):
        # an order never confirmed has no shipment to replay, since only a confirmed one ships
        # and a confirmed one never goes back to placed.
        check_dispatch(command.order_id, order, command.lines, {}, merchant_scope)
    context = await repository.dispatch_context(command.order_id, command.carrier_code, command.tracking_number)
    if context.holder_id is not None:
        replayed = await _same_dispatch(repository, command, context.holder_id, merchant_scope)
        if replayed is not None:
            return replayed
    check_dispatch(command.order_id, order, command.lines, context.already_dispatched, merchant_scope)
    assert order is not None
    if context.holder_id is not None:
        raise ShipmentRuleViolation(Refusal.CONFLICT, "tracking-number-in-use", NUMBER_IN_USE)
    shipment = Shipment(
        shipment_id=f"SH-{uuid.uuid4().hex[:16]}",
        order_id=order.order_id,
        merchant_id=order.merchant_id,
        carrier_code=command.carrier_code,
        tracking_number=command.tracking_number,
        lines=dict(command.lines),
        status=ShipmentStatus.DISPATCHED,
        dispatched_at=now,
        last_movement_at=now,
    )
    uow.add_shipment(shipment)
    uow.add_to_outbox(
        contracts.ShipmentDispatched(
            order_id=shipment.order_id,
            merchant_id=shipment.merchant_id,
            shipment_id=shipment.shipment_id,
            carrier_code=shipment.carrier_code,
            tracking_number=shipment.tracking_number,
            lines=[contracts.ShipmentLine(line_id=k, quantity=v) for k, v in shipment.lines.items()],
            dispatched_at=now,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )
    uow.schedule_timer(STALE_CHECK, stale_timer_key(shipment), now + policy.stale_after)
    if context.has_parked_scans:
        shipment = await take_parked_scans(uow, shipment, now=now, policy=policy)
    await uow.flush()
    return LoadedShipments([shipment], context.open_refund_ids)


NUMBER_IN_USE = (
    "this carrier's tracking number is already held by another shipment (of this or another order); "
    "a tracking number is never used for a second parcel"
)
