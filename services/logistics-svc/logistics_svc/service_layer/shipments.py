"""Logistics use cases, each inside the caller's transaction; events go to the outbox.

Timers (durable, in this service's database):
- ``auto_confirm`` per outbound shipment: N days (platform setting, default 7) after delivery it
  signs the shipment off, unless the buyer confirmed first or a refund/dispute is open. A refund
  pauses the clock (the time left is kept on the shipment, the timer cancelled); when the last
  open refund of the order ends, a new timer (new key: a fired or cancelled one is never
  revived) is set for now + the time left. The handler checks the shipment's own due time, so
  a timer of an earlier schedule does nothing.
- ``stale_check`` per shipment: moved forward by every scan; when it fires with no movement
  since, the shipment is reported stale.

Whose scans (issue 16): a scan moves only the shipment of its own carrier with its tracking
number. The carrier is the native endpoint's path carrier (authenticated by that carrier's
secret), or the aggregator's carrier code (Kuaidi100 ``com``, AfterShip ``slug``) mapped through
the carrier registry; a code the registry does not know attributes the scans to no carrier.
Scans no shipment takes are kept (parked) and listed for ops (``GET /v1/scans-parked``); a
shipment dispatched later takes its own carrier's parked scans. Dating: see domain/shipments.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from logistics_svc.adapters.personal_data import kept_consignee
from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.adapters.repository import (
    LoadedShipments,
    LogisticsRepository,
    ParkedScans,
    SignOffContext,
    ops_flag_json,
)
from logistics_svc.adapters.unit_of_work import LogisticsUnitOfWork
from logistics_svc.adapters.webhook_deliveries import DeliveryRecord
from logistics_svc.domain.carriers import normalise_tracking_number
from logistics_svc.domain.shipments import (
    DEFAULT_SCAN_CLOCK_TOLERANCE,
    Direction,
    OpsFlag,
    Shipment,
    ShipmentRuleViolation,
    ShipmentStatus,
    SignOffHow,
    auto_confirm_summary,
    check_dispatch,
    return_parcel_flags,
)
from logistics_svc.domain.tracking import Scan, TrackingStatus, WebhookDelivery
from shipsettle_shared import contracts
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject, destroy_subject_keys
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.messaging.consumer import PermanentEventError
from shipsettle_shared.outbox import StagedEvent, stage_event
from shipsettle_shared.timers import DueTimer

PRODUCER = "logistics-svc"


@dataclass(frozen=True)
class TrackingPolicy:
    """Platform settings that drive the timers (GET/PUT /v1/settings/tracking)."""

    auto_confirm_after: timedelta
    stale_after: timedelta
    scan_clock_tolerance: timedelta = DEFAULT_SCAN_CLOCK_TOLERANCE

    @classmethod
    def from_settings(cls, settings: dict[str, int]) -> TrackingPolicy:
        return cls(
            timedelta(days=settings["auto_confirm_days"]),
            timedelta(hours=settings["stale_after_hours"]),
            timedelta(minutes=settings["scan_clock_tolerance_minutes"]),
        )


def stale_timer_key(shipment: Shipment) -> str:
    """One stale check per movement: an older check that fires after a newer movement finds
    the shipment moved and does nothing."""
    return f"{shipment.shipment_id}#{int(shipment.last_movement_at.timestamp())}"


def auto_confirm_timer_key(shipment_id: str, due_at: datetime) -> str:
    """One key per schedule (pause/resume makes a new one); the shipment id comes first."""
    return f"{shipment_id}#{int(due_at.timestamp() * 1_000_000)}"


def shipment_id_of_timer(timer_key: str) -> str:
    return timer_key.split("#", 1)[0]  # keys set before 0003 were the bare shipment id (re-keyed by 0005)


AUTO_CONFIRM = "auto_confirm"
STALE_CHECK = "stale_check"


# --- orders, from order events --------------------------------------------------------


# Batches: the consumer hands over consecutive events of one type (one event when it retries one
# alone); each batch is one statement, whatever its size.


async def record_orders_placed(session: AsyncSession, events: Sequence[contracts.OrderPlaced]) -> None:
    """An order already known (a second OrderPlaced) is left as it is. Its consignee comes with
    the confirmation of its shipping information (OrderPlaced carries none since version 2)."""
    await LogisticsRepository(session).add_known_orders(
        [
            {
                "order_id": event.order_id,
                "merchant_id": event.merchant_id,
                "lines": {line.line_id: {"quantity": line.quantity, "spec": line.spec} for line in event.lines},
                "consignee": {},
                "placed_at": event.placed_at,
            }
            for event in events
        ]
    )


async def record_shipping_confirmed(
    session: AsyncSession, events: Sequence[contracts.ShippingInfoConfirmed], *, vault: PersonalDataVault
) -> None:
    """A cancelled order stays cancelled (its consignee is updated). The consignee is kept
    sealed under this service's key of the buyer. Raises PermanentEventError for an order never
    placed (dead-lettered, not retried)."""
    # Applied in order, the last event of an order decides: the same as the last one alone.
    last = {event.order_id: event for event in events}
    latest = {
        order_id: (await kept_consignee(vault, event.buyer_ref, order_id, event.consignee_sealed), event.confirmed_at)
        for order_id, event in last.items()
    }
    _all_known(latest, await LogisticsRepository(session).confirm_known_orders(latest))


async def record_shipping_corrected(
    session: AsyncSession, events: Sequence[contracts.ShippingInfoCorrected], *, vault: PersonalDataVault
) -> None:
    """Raises PermanentEventError for an order never placed."""
    last = {event.order_id: event for event in events}
    latest = {
        order_id: await kept_consignee(vault, event.buyer_ref, order_id, event.consignee_sealed)
        for order_id, event in last.items()
    }
    _all_known(latest, await LogisticsRepository(session).correct_known_orders(latest))


async def erase_buyer(session: AsyncSession, vault: PersonalDataVault, buyer_ref: str, *, now: datetime) -> None:
    """BuyerErased: destroy this service's data key of the buyer (their consignees, kept for
    dispatch, read as erased from then on); shipments and their timelines are unchanged."""
    subject = buyer_subject(buyer_ref)
    vault.forget(subject, await destroy_subject_keys(session, subject, now))


async def record_orders_cancelled(session: AsyncSession, events: Sequence[contracts.OrderCancelled]) -> None:
    """Raises PermanentEventError for an order never placed."""
    order_ids = list(dict.fromkeys(event.order_id for event in events))
    _all_known(order_ids, await LogisticsRepository(session).cancel_known_orders(order_ids))


def _all_known(order_ids: Iterable[str], known: set[str]) -> None:
    never_placed = [order_id for order_id in order_ids if order_id not in known]
    if never_placed:
        # An order's events share one partition of order.events, so OrderPlaced always comes
        # first: a later event for an order never placed cannot be fixed by retrying. (In a
        # batch, the consumer then applies its events one by one: only this one is dead-lettered.)
        raise PermanentEventError(f"order {', '.join(never_placed)} was never placed")


# --- dispatch ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dispatch:
    order_id: str
    carrier_code: str
    tracking_number: str
    lines: dict[str, int]


async def _same_dispatch(
    repository: LogisticsRepository, command: Dispatch, holder_id: str, merchant_scope: str | None
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
    session: AsyncSession,
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
    uow = LogisticsUnitOfWork(session)
    repository = uow.shipments
    order = await repository.lock_number_and_order_for_dispatch(tracking_number, command.order_id)
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
        raise ShipmentRuleViolation(Refusal.CONFLICT, "tracking-number-in-use", _NUMBER_IN_USE)
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
        shipment = await _take_parked_scans(uow, shipment, now=now, policy=policy)
    await uow.flush()
    return LoadedShipments([shipment], context.open_refund_ids)


_NUMBER_IN_USE = (
    "this carrier's tracking number is already held by another shipment (of this or another order); "
    "a tracking number is never used for a second parcel"
)


async def _take_parked_scans(
    uow: LogisticsUnitOfWork, shipment: Shipment, *, now: datetime, policy: TrackingPolicy
) -> Shipment:
    """Scans of the shipment's carrier and number that arrived before the shipment was known are
    applied now, never dropped (dispatch, a corrected number, a return parcel's registration).
    The caller holds the tracking number's lock, so no scan of it is stored meanwhile, and has
    staged the shipment (new, or with its new number): its scans are all of its carrier's number."""
    scans = await uow.shipments.scans_of(shipment.carrier_code, shipment.tracking_number)
    if not scans:
        return shipment
    return await _apply(uow, replace(shipment, scans=()), scans, now=now, policy=policy)


async def correct_tracking_number(
    session: AsyncSession,
    shipment_id: str,
    tracking_number: str,
    *,
    merchant_scope: str | None,
    now: datetime,
    policy: TrackingPolicy,
    carriers: CarrierRegistrySnapshot,
) -> Shipment:
    """Raises ShipmentRuleViolation: unknown shipment, a number not in the carrier's format,
    already scanned, number in use. The carrier's scans kept under the new number
    are taken as at dispatch."""
    uow = LogisticsUnitOfWork(session)
    repository = uow.shipments
    shipment = (await repository.shipment(shipment_id, for_update=True, with_scans=False)).first
    if shipment is None or (merchant_scope is not None and shipment.merchant_id != merchant_scope):
        raise ShipmentRuleViolation.not_found("shipment", shipment_id)
    carrier = carriers.get(shipment.carrier_code)
    tracking_number = normalise_tracking_number(tracking_number)
    if carrier is None or not carrier.validate_tracking_number(tracking_number):
        raise ShipmentRuleViolation(
            Refusal.RULE,
            "bad-tracking-number",
            f"not a {shipment.carrier_code} tracking number",
            field="tracking_number",
        )
    # Held until commit, like dispatch's: the scans kept under the new number are taken below.
    await repository.lock_tracking_number(tracking_number)
    if await repository.shipment_using(shipment.carrier_code, tracking_number) is not None:
        raise ShipmentRuleViolation(Refusal.CONFLICT, "tracking-number-in-use", _NUMBER_IN_USE)
    corrected = shipment.correct_tracking_number(tracking_number)
    uow.save_shipment(corrected)
    uow.add_to_outbox(
        contracts.TrackingNumberCorrected(
            order_id=shipment.order_id,
            merchant_id=shipment.merchant_id,
            shipment_id=shipment_id,
            carrier_code=shipment.carrier_code,
            old_tracking_number=shipment.tracking_number,
            tracking_number=tracking_number,
            corrected_at=now,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )
    corrected = await _take_parked_scans(uow, corrected, now=now, policy=policy)
    await uow.flush()
    return corrected


# --- carrier webhooks ---------------------------------------------------------------------


class DeliveryStore(Protocol):
    """Where verified deliveries are kept (adapters/webhook_deliveries.py; a fake in unit tests)."""

    async def record(self, delivery: DeliveryRecord, announcement: StagedEvent | None) -> bool: ...


async def accept_webhook(store: DeliveryStore, delivery: WebhookDelivery, raw_body: bytes, *, now: datetime) -> bool:
    """Durably record a verified webhook and queue its scans (CarrierScansReceived, through the
    outbox, written with the delivery); False for a duplicate delivery (acknowledged and ignored)."""
    scans = [_scan_json(scan) for scan in delivery.scans]
    announcement = None
    if delivery.scans:
        announcement = stage_event(
            contracts.CarrierScansReceived(
                source=delivery.source,
                delivery_id=delivery.delivery_id,
                tracking_number=delivery.tracking_number,
                vendor_carrier_code=delivery.vendor_carrier_code,
                scans=[contracts.ReceivedScan.model_validate(scan) for scan in scans],
                carrier_code=delivery.carrier_code,
            ),
            producer=PRODUCER,
            occurred_at=now,
        )
    record = DeliveryRecord(
        source=delivery.source,
        delivery_id=delivery.delivery_id,
        tracking_number=delivery.tracking_number,
        vendor_carrier_code=delivery.vendor_carrier_code,
        scans=scans,
        raw_body=raw_body,
        received_at=now,
        carrier_code=delivery.carrier_code,
    )
    return await store.record(record, announcement)


def _scan_json(scan: Scan) -> dict[str, object]:
    return {
        "status": scan.status.value,
        "occurred_at": scan.occurred_at.isoformat(),
        "description": scan.description,
        "location": scan.location,
        "raw_status": scan.raw_status,
    }


async def apply_received_scans(
    session: AsyncSession,
    event: contracts.CarrierScansReceived,
    *,
    now: datetime,
    policy: TrackingPolicy,
    carriers: CarrierRegistrySnapshot,
) -> None:
    """Keep the scans under their carrier; if a shipment of that carrier has the tracking
    number, move it along. Scans of a carrier the registry does not know, or of a carrier none
    of whose shipments has the number, are kept apart and move nothing."""
    uow = LogisticsUnitOfWork(session)
    repository = uow.shipments
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
    # Takes the tracking number's lock first: see LogisticsRepository.lock_tracking_number.
    new = await repository.store_scans(
        scans,
        source=event.source,
        delivery_id=event.delivery_id,
        vendor_carrier_code=event.vendor_carrier_code,
        now=now,
    )
    if not new or carrier_code is None:
        return  # an unknown carrier's scans are kept for ops and never matched
    shipment = (await repository.live_shipment_holding(carrier_code, tracking_number)).first
    if shipment is None:
        return  # kept; matched when this carrier's shipment with the number is dispatched
    before = replace(shipment, scans=tuple(scan for scan in shipment.scans if scan not in new))
    await _apply(uow, before, new, now=now, policy=policy)
    await uow.flush()


def _carrier_of(event: contracts.CarrierScansReceived, carriers: CarrierRegistrySnapshot) -> str | None:
    """Our code of the carrier whose scans these are: the native endpoint's path carrier, or the
    aggregator's code mapped through the registry. A native delivery queued before the path
    carrier was recorded names its carrier only in its body, which any carrier's secret could
    sign: it is attributed to no carrier (kept for ops) rather than trusted."""
    if event.carrier_code:
        return str(event.carrier_code).upper()
    return carriers.for_vendor_code(event.source, event.vendor_carrier_code)


# A shipment in one of these states never goes stale (fire_stale_check does nothing for it).
_NEVER_STALE = (ShipmentStatus.DELIVERED, ShipmentStatus.SIGNED_OFF, ShipmentStatus.RETURNED_TO_SENDER)


async def _apply(
    uow: LogisticsUnitOfWork, shipment: Shipment, scans: list[Scan], *, now: datetime, policy: TrackingPolicy
) -> Shipment:
    """Move a shipment (its row locked by the caller, or staged new) by new scans of its own;
    returns it moved."""
    updated = shipment.apply_scans(scans, clock_tolerance=policy.scan_clock_tolerance, now=now)
    for flag in updated.ops_flags[len(shipment.ops_flags) :]:
        _announce_flag(uow, updated, flag, now)
    if updated.awaiting_sign_off and not shipment.awaiting_sign_off:
        # Delivered now: the clock starts, paused from the start if a refund is already open.
        # (Read after the shipment's lock, never beside it: see LogisticsRepository._shipments_query.)
        holds = await uow.shipments.refund_holds(updated.order_id)
        updated = updated.with_open_refunds(len(holds.open_refund_ids), now)
        updated = updated.start_auto_confirm(policy.auto_confirm_after, now)
    uow.save_shipment(updated, moved=updated.last_movement_at > shipment.last_movement_at)
    _follow_stale_check(uow, shipment, updated, now=now, policy=policy)
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
    _reschedule_auto_confirm(uow, shipment, updated, now)
    return updated


def _follow_stale_check(
    uow: LogisticsUnitOfWork, before: Shipment, after: Shipment, *, now: datetime, policy: TrackingPolicy
) -> None:
    """Keep one stale check pending per shipment that can still go stale, due ``stale_after``
    after its last movement. The check set at the previous movement would only find the shipment
    moved (or delivered) and do nothing: it is cancelled now, one statement, rather than fired
    for nothing later, a transaction of the scheduler."""
    if before.status in _NEVER_STALE:
        return  # its check was cancelled when it got there
    moved = after.last_movement_at > before.last_movement_at
    if moved or after.status in _NEVER_STALE:
        uow.cancel_timer(STALE_CHECK, stale_timer_key(before), now)
    if moved and after.status not in _NEVER_STALE:
        uow.schedule_timer(STALE_CHECK, stale_timer_key(after), after.last_movement_at + policy.stale_after)


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


async def clear_ops_flag(
    session: AsyncSession,
    shipment_id: str,
    flag_code: str,
    *,
    cleared_by: str,
    reason: str,
    now: datetime,
    policy: TrackingPolicy,
) -> Shipment:
    """Ops checked a flagged shipment (e.g. with the carrier: the number was recycled and this
    parcel was really delivered): the flag is cleared with who and why, and a delivered shipment
    it held gets its auto-confirm clock (from the delivery, paused if a refund is open).
    Raises ShipmentRuleViolation: unknown shipment or flag, flag already cleared."""
    uow = LogisticsUnitOfWork(session)
    repository = uow.shipments
    shipment = (await repository.shipment(shipment_id, for_update=True)).first
    if shipment is None:
        raise ShipmentRuleViolation.not_found("shipment", shipment_id)
    cleared = shipment.clear_flag(flag_code, by=cleared_by, reason=reason, at=now)
    if cleared.awaiting_sign_off:
        holds = await repository.refund_holds(cleared.order_id)
        cleared = cleared.with_open_refunds(len(holds.open_refund_ids), now)
        cleared = cleared.start_auto_confirm(policy.auto_confirm_after, now)
    uow.save_shipment(cleared)
    _reschedule_auto_confirm(uow, shipment, cleared, now)
    uow.add_to_outbox(
        contracts.ShipmentFlagCleared(
            order_id=shipment.order_id,
            merchant_id=shipment.merchant_id,
            shipment_id=shipment.shipment_id,
            flag=flag_code,
            cleared_by=cleared_by,
            reason=reason,
            cleared_at=now,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )
    await uow.flush()
    return cleared


def _reschedule_auto_confirm(uow: LogisticsUnitOfWork, before: Shipment, after: Shipment, now: datetime) -> None:
    """Make the timers follow the shipment's due time: cancel the old schedule, set the new one
    (written with the rest of the use case's writes, in one statement)."""
    if before.auto_confirm_due_at == after.auto_confirm_due_at:
        return
    if before.auto_confirm_due_at is not None:
        key = auto_confirm_timer_key(before.shipment_id, before.auto_confirm_due_at)
        uow.cancel_timer(AUTO_CONFIRM, key, now)
    if after.auto_confirm_due_at is not None:
        key = auto_confirm_timer_key(after.shipment_id, after.auto_confirm_due_at)
        uow.schedule_timer(AUTO_CONFIRM, key, after.auto_confirm_due_at)


# --- sign-off -----------------------------------------------------------------------------


async def confirm_receipt(session: AsyncSession, order_id: str, *, now: datetime) -> list[Shipment]:
    """The buyer confirmed receipt (posted by the platform): every shipment of the order not yet
    signed off is signed off now. Raises ShipmentRuleViolation if nothing can be signed off."""
    uow = LogisticsUnitOfWork(session)
    # Return parcels are never signed off: only the outbound ones count here. Their scans come
    # along for the answer's view only. The order's sign-off state comes with the locked rows.
    shipments, context = await uow.shipments.lock_outbound_for_sign_off(order_id)
    if not shipments:
        raise ShipmentRuleViolation.not_found("order", order_id)  # no shipment of it is known
    # Deliberately NOT blocked by an open refund: only the automatic sign-off waits for refunds
    # (SPEC section 2, step 5). A buyer who confirms receipt during a refund has chosen to;
    # settlement still releases nothing while the refund is open (step 6).
    signable = [s for s in shipments if s.signed_off_at is None and s.status is not ShipmentStatus.RETURNED_TO_SENDER]
    if not signable:
        raise ShipmentRuleViolation(
            Refusal.CONFLICT, "nothing-to-sign-off", "every shipment of this order is already signed off"
        )
    signed = []
    for shipment in signable:
        signed_shipment, context = _sign_off(uow, shipment, SignOffHow.BUYER_CONFIRMED, now, context)
        _reschedule_auto_confirm(uow, shipment, signed_shipment, now)
        signed.append(signed_shipment)
    await uow.flush()
    return signed


async def fire_auto_confirm(session: AsyncSession, timer: DueTimer, *, now: datetime) -> None:
    """Re-checks everything: signed off by the buyer meanwhile, paused by a refund, a return
    parcel, or a timer of an earlier schedule all do nothing."""
    uow = LogisticsUnitOfWork(session)
    repository = uow.shipments
    loaded = await repository.shipment(shipment_id_of_timer(timer.timer_key), for_update=True, with_scans=False)
    shipment = loaded.first
    if shipment is None or not shipment.auto_confirm_is_due(now):
        return
    # After the lock, in a statement of its own: sign-offs of the order's other parcels that
    # committed while this one waited for its lock are seen (only this parcel is locked).
    context = await repository.sign_off_context(shipment.order_id)
    _sign_off(uow, shipment, SignOffHow.AUTO_CONFIRMED, now, context)
    await uow.flush()


def _sign_off(
    uow: LogisticsUnitOfWork,
    shipment: Shipment,
    how: SignOffHow,
    now: datetime,
    context: SignOffContext,
) -> tuple[Shipment, SignOffContext]:
    """Returns the shipment signed off and the order's sign-off state after it."""
    signed = shipment.sign_off(how, now)
    uow.save_shipment(signed)
    context = context.after(signed)
    uow.add_to_outbox(
        contracts.OrderSignedOff(
            order_id=shipment.order_id,
            merchant_id=shipment.merchant_id,
            shipment_id=shipment.shipment_id,
            how=how.value,
            signed_off_at=now,
            lines=[contracts.ShipmentLine(line_id=k, quantity=v) for k, v in shipment.lines.items()],
            order_fully_signed_off=context.order_fully_signed_off,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )
    return signed, context


# --- refunds and return parcels (refund.events) --------------------------------------------


async def record_refund_requested(session: AsyncSession, event: contracts.RefundRequested, *, now: datetime) -> None:
    """A refund opened on the order: its delivered outbound shipments' auto-confirm pauses. No
    domain error: an order logistics has not heard of yet is held all the same (refund.events
    and order.events are separate topics, so either may be ahead)."""
    repository = LogisticsRepository(session)
    before = await repository.refund_holds(event.order_id)
    after = before.requested(event.refund_id)
    await repository.save_refund_holds(event.order_id, before, after, now=now)
    await _follow_refund_holds(session, event.order_id, len(after.open_refund_ids), now)


async def record_refund_ended(session: AsyncSession, order_id: str, refund_id: str, *, how: str, now: datetime) -> None:
    """RefundCompleted or RefundClosed: the refund no longer holds the order; after the last one
    the auto-confirm resumes with the time that was left. Remembered even when it arrives first,
    so its RefundRequested coming later does not pause the order again."""
    repository = LogisticsRepository(session)
    before = await repository.refund_holds(order_id)
    after = before.ended(refund_id)
    await repository.save_refund_holds(order_id, before, after, now=now, ended_how=how)
    await _follow_refund_holds(session, order_id, len(after.open_refund_ids), now)


async def _follow_refund_holds(session: AsyncSession, order_id: str, open_refunds: int, now: datetime) -> None:
    uow = LogisticsUnitOfWork(session)
    loaded = await uow.shipments.order_shipments(order_id, for_update=True, outbound_only=True, with_scans=False)
    for shipment in loaded.shipments:
        updated = shipment.with_open_refunds(open_refunds, now)
        if updated == shipment:
            continue
        uow.save_shipment(updated)
        _reschedule_auto_confirm(uow, shipment, updated, now)
    await uow.flush()


async def register_return_shipment(
    session: AsyncSession,
    event: contracts.ReturnShipped,
    *,
    now: datetime,
    policy: TrackingPolicy,
    carriers: CarrierRegistrySnapshot,
) -> Shipment:
    """The buyer sent goods back (退货): the parcel is tracked like an outbound one, under the id
    refund-svc gave it, but never signed off. An unknown carrier, a number not in the carrier's
    format or a number already in use are flagged for ops, never refused: the parcel is on its
    way whatever the buyer typed. A second delivery of the event changes nothing."""
    uow = LogisticsUnitOfWork(session)
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
    shipment = await _take_parked_scans(uow, shipment, now=now, policy=policy)
    await uow.flush()
    return shipment


# --- stale shipments ----------------------------------------------------------------------


async def fire_stale_check(session: AsyncSession, timer: DueTimer, *, now: datetime, policy: TrackingPolicy) -> None:
    uow = LogisticsUnitOfWork(session)
    loaded = await uow.shipments.shipment(timer.timer_key.split("#", 1)[0], for_update=True, with_scans=False)
    shipment = loaded.first
    if shipment is None or shipment.status in _NEVER_STALE:
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


def shipment_view(
    shipment: Shipment,
    open_refund_ids: frozenset[str] = frozenset(),
    clock_tolerance: timedelta = DEFAULT_SCAN_CLOCK_TOLERANCE,
) -> dict[str, object]:
    """A shipment for the API, with its auto-confirm state, the refunds that hold it, its ops
    flags, and for each scan whether it ``counts`` (False: dated before the dispatch)."""
    view = asdict(shipment)
    view["scans"] = [
        {**_scan_json(scan), "counts": shipment.scan_counts(scan, clock_tolerance)} for scan in shipment.scans
    ]
    view["ops_flags"] = [ops_flag_json(flag) for flag in shipment.ops_flags]
    for name in (
        "dispatched_at",
        "last_movement_at",
        "first_scan_at",
        "delivered_at",
        "signed_off_at",
        "auto_confirm_due_at",
    ):
        value = view[name]
        view[name] = value.isoformat() if value else None
    view["auto_confirm"] = auto_confirm_summary(shipment, open_refund_ids)
    return view


def parked_scans_view(parked: ParkedScans) -> dict[str, object]:
    """Scans no shipment took, for ops (GET /v1/scans-parked)."""
    return {
        "carrier_code": parked.carrier_code,
        "tracking_number": parked.tracking_number,
        "reason": parked.reason,
        "vendor_carrier_codes": list(parked.vendor_carrier_codes),
        "sources": list(parked.sources),
        "held_by_other_carriers": [
            {"shipment_id": shipment_id, "carrier_code": carrier_code}
            for shipment_id, carrier_code in parked.held_by_other_carriers
        ],
        "scans": [_scan_json(scan) for scan in parked.scans],
    }
