"""Sign-off (签收 / 确认收货): the buyer confirms receipt, or the auto-confirm timer signs a delivered
parcel off; each parcel signed off is announced (OrderSignedOff), saying whether the whole order is
signed off with it. Settlement waits for exactly this."""

from __future__ import annotations

from datetime import datetime

from logistics_svc.domain.order_shipments import SignOffContext
from logistics_svc.domain.shipments import Shipment, ShipmentRuleViolation, ShipmentStatus, SignOffHow
from logistics_svc.service_layer.timers import reschedule_auto_confirm, shipment_id_of_timer
from logistics_svc.service_layer.unit_of_work import PRODUCER, LogisticsUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.timers import DueTimer


async def confirm_receipt(uow: LogisticsUnitOfWork, order_id: str, *, now: datetime) -> list[Shipment]:
    """The buyer confirmed receipt (posted by the platform): every shipment of the order not yet
    signed off is signed off now. Raises ShipmentRuleViolation if nothing can be signed off."""
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
        reschedule_auto_confirm(uow, shipment, signed_shipment, now)
        signed.append(signed_shipment)
    await uow.flush()
    return signed


async def fire_auto_confirm(uow: LogisticsUnitOfWork, timer: DueTimer, *, now: datetime) -> None:
    """Re-checks everything: signed off by the buyer meanwhile, paused by a refund, a return
    parcel, or a timer of an earlier schedule all do nothing."""
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
