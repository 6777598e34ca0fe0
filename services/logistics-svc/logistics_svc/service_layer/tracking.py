"""Tracking: carriers' scans applied to the shipment of their carrier and tracking number, the ops
flags they raise, and the stale check.

Whose scans (issue 16): a scan moves only the shipment of its own carrier with its tracking
number. The carrier is the native endpoint's path carrier (authenticated by that carrier's
secret), or the aggregator's carrier code (Kuaidi100 ``com``, AfterShip ``slug``) mapped through
the carrier registry; a code the registry does not know attributes the scans to no carrier.
Scans no shipment takes are kept (parked) and listed for ops (``GET /v1/scans-parked``); a
shipment dispatched later takes its own carrier's parked scans. Dating: see domain/shipments.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.domain.carriers import normalise_tracking_number
from logistics_svc.domain.shipments import OpsFlag, Shipment
from logistics_svc.domain.tracking import Scan, TrackingStatus
from logistics_svc.service_layer.timers import (
    NEVER_STALE,
    TrackingPolicy,
    follow_stale_check,
    reschedule_auto_confirm,
)
from logistics_svc.service_layer.unit_of_work import PRODUCER, LogisticsUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received
from shipsettle_shared.timers import DueTimer


async def apply_received_scans(
    uow: LogisticsUnitOfWork,
    received: Received[contracts.CarrierScansReceived],
    *,
    now: datetime,
    policy: TrackingPolicy,
    carriers: CarrierRegistrySnapshot,
) -> None:
    """Keep the scans under their carrier; if a shipment of that carrier has the tracking
    number, move it along. Scans of a carrier the registry does not know, or of a carrier none
    of whose shipments has the number, are kept apart and move nothing."""
    event = received.payload
    tracking_number = normalise_tracking_number(event.tracking_number)
    carrier_code = _carrier_of(event, carriers)
    scans = [
        Scan(
            tracking_number=tracking_number,
            status=TrackingStatus(scan.status),
            occurred_at=scan.occurred_at,
            description=scan.description,
            location=scan.location,
            raw_status=scan.raw_status,
            carrier_code=carrier_code,
        )
        for scan in event.scans
    ]
    # Takes the tracking number's lock first: see ShipmentStore.lock_tracking_number.
    new = await uow.scans.store_scans(
        scans,
        source=event.source,
        delivery_id=event.delivery_id,
        vendor_carrier_code=event.vendor_carrier_code,
        now=now,
    )
    if not new or carrier_code is None:
        return  # an unknown carrier's scans are kept for ops and never matched
    shipment = (await uow.shipments.live_shipment_holding(carrier_code, tracking_number)).first
    if shipment is None:
        return  # kept; matched when this carrier's shipment with the number is dispatched
    before = replace(shipment, scans=tuple(scan for scan in shipment.scans if scan not in new))
    await apply_scans(uow, before, new, now=now, policy=policy)
    await uow.flush()


def _carrier_of(event: contracts.CarrierScansReceived, carriers: CarrierRegistrySnapshot) -> str | None:
    """Our code of the carrier whose scans these are: the native endpoint's path carrier, or the
    aggregator's code mapped through the registry. A native delivery queued before the path
    carrier was recorded names its carrier only in its body, which any carrier's secret could
    sign: it is attributed to no carrier (kept for ops) rather than trusted."""
    if event.carrier_code:
        return str(event.carrier_code).upper()
    return carriers.for_vendor_code(event.source, event.vendor_carrier_code)


async def apply_scans(
    uow: LogisticsUnitOfWork, shipment: Shipment, scans: list[Scan], *, now: datetime, policy: TrackingPolicy
) -> Shipment:
    """Move a shipment (its row locked by the caller, or staged new) by new scans of its own;
    returns it moved."""
    updated = shipment.apply_scans(scans, clock_tolerance=policy.scan_clock_tolerance, now=now)
    for flag in updated.ops_flags[len(shipment.ops_flags) :]:
        _announce_flag(uow, updated, flag, now)
    if updated.awaiting_sign_off and not shipment.awaiting_sign_off:
        # Delivered now: the clock starts, paused from the start if a refund is already open.
        # (Read after the shipment's lock, never beside it: see adapters/repositories/shipments.py.)
        holds = await uow.refund_holds.of_order(updated.order_id)
        updated = updated.with_open_refunds(len(holds.open_refund_ids), now)
        updated = updated.start_auto_confirm(policy.auto_confirm_after, now)
    uow.save_shipment(updated, moved=updated.last_movement_at > shipment.last_movement_at)
    follow_stale_check(uow, shipment, updated, now=now, policy=policy)
    if updated.status is not shipment.status:
        counted = [scan for scan in scans if updated.scan_counts(scan, policy.scan_clock_tolerance)] or scans
        newest = max(counted, key=lambda scan: scan.occurred_at)
        uow.add_to_outbox(
            contracts.ShipmentStatusChanged(
                order_id=updated.order_id,
                merchant_id=updated.merchant_id,
                shipment_id=updated.shipment_id,
                tracking_number=updated.tracking_number,
                previous_status=shipment.status.value,
                status=updated.status.value,
                scan_time=newest.occurred_at,
                description=newest.description,
                location=newest.location,
                direction=updated.direction.value,
            ),
            producer=PRODUCER,
            occurred_at=now,
        )
    reschedule_auto_confirm(uow, shipment, updated, now)
    return updated


def _announce_flag(uow: LogisticsUnitOfWork, shipment: Shipment, flag: OpsFlag, now: datetime) -> None:
    """ShipmentFlagged: settlement shows the order's money held by it (its ETA's blockers)."""
    uow.add_to_outbox(
        contracts.ShipmentFlagged(
            order_id=shipment.order_id,
            merchant_id=shipment.merchant_id,
            shipment_id=shipment.shipment_id,
            carrier_code=shipment.carrier_code,
            tracking_number=shipment.tracking_number,
            flag=flag.code,
            message=flag.message,
            blocks_sign_off=flag.blocks_sign_off,
            flagged_at=flag.raised_at or now,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )


async def take_parked_scans(
    uow: LogisticsUnitOfWork, shipment: Shipment, *, now: datetime, policy: TrackingPolicy
) -> Shipment:
    """Scans of the shipment's carrier and number that arrived before the shipment was known are
    applied now, never dropped (dispatch, a corrected number, a return parcel's registration).
    The caller holds the tracking number's lock, so no scan of it is stored meanwhile, and has
    staged the shipment (new, or with its new number): its scans are all of its carrier's number."""
    scans = await uow.scans.scans_of(shipment.carrier_code, shipment.tracking_number)
    if not scans:
        return shipment
    return await apply_scans(uow, replace(shipment, scans=()), scans, now=now, policy=policy)


async def fire_stale_check(uow: LogisticsUnitOfWork, timer: DueTimer, *, now: datetime, policy: TrackingPolicy) -> None:
    """The shipment has not moved for ``stale_after``: ShipmentStale, and it is listed for ops
    (GET /v1/shipments-stale). A shipment moved since, delivered or gone does nothing."""
    loaded = await uow.shipments.shipment(timer.timer_key.split("#", 1)[0], for_update=True, with_scans=False)
    shipment = loaded.first
    if shipment is None or shipment.status in NEVER_STALE:
        return
    if shipment.last_movement_at + policy.stale_after > now:
        return  # moved since this check was set; a newer check is scheduled
    uow.save_shipment(shipment, stale_alerted_at=now)
    uow.add_to_outbox(
        contracts.ShipmentStale(
            order_id=shipment.order_id,
            merchant_id=shipment.merchant_id,
            shipment_id=shipment.shipment_id,
            tracking_number=shipment.tracking_number,
            status=shipment.status.value,
            last_movement_at=shipment.last_movement_at,
            stale_after_hours=int(policy.stale_after.total_seconds() // 3600),
        ),
        producer=PRODUCER,
        occurred_at=now,
    )
    await uow.flush()
