"""Corrections after dispatch: a tracking number mistyped by the merchant (before the first scan),
and an ops flag checked and cleared by ops."""

from __future__ import annotations

from datetime import datetime

from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.domain.carriers import normalise_tracking_number
from logistics_svc.domain.shipments import Shipment, ShipmentRuleViolation
from logistics_svc.service_layer.dispatching import NUMBER_IN_USE
from logistics_svc.service_layer.timers import TrackingPolicy, reschedule_auto_confirm
from logistics_svc.service_layer.tracking import take_parked_scans
from logistics_svc.service_layer.unit_of_work import PRODUCER, LogisticsUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.domain_errors import Refusal


async def correct_tracking_number(
    uow: LogisticsUnitOfWork,
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
        raise ShipmentRuleViolation(Refusal.CONFLICT, "tracking-number-in-use", NUMBER_IN_USE)
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
    corrected = await take_parked_scans(uow, corrected, now=now, policy=policy)
    await uow.flush()
    return corrected


async def clear_ops_flag(
    uow: LogisticsUnitOfWork,
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
    repository = uow.shipments
    shipment = (await repository.shipment(shipment_id, for_update=True)).first
    if shipment is None:
        raise ShipmentRuleViolation.not_found("shipment", shipment_id)
    cleared = shipment.clear_flag(flag_code, by=cleared_by, reason=reason, at=now)
    if cleared.awaiting_sign_off:
        holds = await uow.refund_holds.of_order(cleared.order_id)
        cleared = cleared.with_open_refunds(len(holds.open_refund_ids), now)
        cleared = cleared.start_auto_confirm(policy.auto_confirm_after, now)
    uow.save_shipment(cleared)
    reschedule_auto_confirm(uow, shipment, cleared, now)
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
