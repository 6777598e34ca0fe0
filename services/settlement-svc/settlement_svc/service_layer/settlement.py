"""Sign-off-gated settlement: orders are remembered off the ledger; only a sign-off posts money.

- OrderPlaced: remember the order's per-line figures. Nothing is posted: no ledger entry for an
  order's funds exists before its sign-off (SPEC section 2, step 6).
- OrderSignedOff: post the signed-off units' net to the merchant's pending account, under the
  policy in force now; fix the release date; start the hold timer. A sign-off for an order not
  seen yet is parked and applied when the order arrives.
- Refund events (service_layer/refunds.py) for an order not seen yet are parked the same way;
  parked events are applied in the order they arrived once the order comes.
- hold_release timer (service_layer/holds.py): pending → available, less the rolling reserve.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.adapters.repository import SettlementRepository
from settlement_svc.adapters.tables import HoldRow
from settlement_svc.domain.ledger import (
    MerchantAccount,
    PlatformAccount,
    merchant_account,
    platform_account,
    transaction,
)
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.payouts import ReviewRules
from settlement_svc.service_layer import progress, refunds
from settlement_svc.service_layer.holds import HOLD_RELEASE, PRODUCER
from shipsettle_shared import contracts
from shipsettle_shared.contracts import read_payload
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import PermanentEventError
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import schedule_timer

logger = logging.getLogger(__name__)


async def apply_event(session: AsyncSession, envelope: EventEnvelope, *, now: datetime, rules: ReviewRules) -> None:
    """Apply an event that depends on its order (a sign-off, a refund event)."""
    event_type = envelope.event_type
    if event_type == contracts.OrderSignedOff.event_type:
        await on_signed_off(session, envelope, now=now)
    elif event_type == contracts.RefundRequested.event_type:
        await refunds.on_refund_requested(session, envelope, now=now)
    elif event_type == contracts.RefundCompleted.event_type:
        await refunds.on_refund_completed(session, envelope, now=now, rules=rules)
    elif event_type == contracts.RefundClosed.event_type:
        await refunds.on_refund_closed(session, envelope, now=now, rules=rules)
    elif event_type in refunds.PROGRESS_EVENTS:
        await refunds.on_refund_progress(session, envelope, now=now)
    else:
        raise ValueError(f"no handler for parked {event_type}")


async def on_order_placed(session: AsyncSession, envelope: EventEnvelope, *, now: datetime, rules: ReviewRules) -> None:
    event = read_payload(envelope.payload, contracts.OrderPlaced)
    order = SettlementOrder(
        order_id=event.order_id,
        merchant_id=event.merchant_id,
        currency=event.currency,
        shipping_fee_minor=event.shipping_fee_minor,
        lines={
            line.line_id: SettlementLine(
                line_id=line.line_id,
                category=line.category,
                quantity=line.quantity,
                paid_minor=line.paid_amount_minor,
                subsidy_minor=line.platform_discount_minor,
                commission_base_minor=line.commission_base_minor,
            )
            for line in event.lines
        },
    )
    repository = SettlementRepository(session)
    await repository.lock_order(event.order_id)
    if not await repository.add_order(order, placed_at=event.placed_at, event_id=str(envelope.event_id)):
        return
    for parked in await repository.take_parked(event.order_id):
        try:
            async with session.begin_nested():
                await apply_event(session, EventEnvelope.model_validate(parked), now=now, rules=rules)
        except (ValueError, PermanentEventError) as error:
            # One event that does not fit the order must not lose the order itself: it stays
            # parked, with the reason, for ops (GET /v1/ledger/check lists parked events).
            logger.error("parked %s for order %s does not apply: %s", parked["event_type"], event.order_id, error)
            await repository.park(event.order_id, parked, f"does not fit the order: {error}", now=now)


async def on_signed_off(session: AsyncSession, envelope: EventEnvelope, *, now: datetime) -> None:
    event = read_payload(envelope.payload, contracts.OrderSignedOff)
    repository = SettlementRepository(session)
    await repository.lock_order(event.order_id)
    order = await repository.order(event.order_id, for_update=True)
    if order is None:
        await repository.park(
            event.order_id, envelope.model_dump(mode="json"), "sign-off before the order was known", now=now
        )
        return
    policy = await repository.policy(order.merchant_id, event.signed_off_at)
    updated, amounts = order.sign_off({line.line_id: line.quantity for line in event.lines}, policy)
    merchant = order.merchant_id
    booked = await repository.post(
        transaction(
            f"sign_off:{event.shipment_id}",
            "sign_off",
            merchant,
            [
                (platform_account(PlatformAccount.CLEARING), -(amounts.paid_minor + amounts.shipping_minor)),
                (platform_account(PlatformAccount.SUBSIDY), -amounts.subsidy_minor),
                (platform_account(PlatformAccount.COMMISSION), amounts.commission_minor),
                (merchant_account(merchant, MerchantAccount.PENDING), amounts.net_minor),
            ],
            order_id=order.order_id,
            description=(
                f"signed off ({event.how}): paid {amounts.paid_minor} + shipping {amounts.shipping_minor} + "
                f"platform subsidy {amounts.subsidy_minor} - commission {amounts.commission_minor}"
            ),
            caused_by_event_id=str(envelope.event_id),
        ),
        now=now,
    )
    if not booked:
        return  # this shipment's sign-off is already on the ledger
    await repository.save_order(updated)
    await progress.record_booking(
        session,
        order_id=order.order_id,
        merchant_id=merchant,
        shipment_id=event.shipment_id,
        amounts=amounts,
        event_id=str(envelope.event_id),
        now=now,
    )
    if amounts.net_minor == 0:
        return  # every unit of it was refunded before the sign-off: nothing to hold
    release_at = policy.release_at(event.signed_off_at)
    hold_id = f"H-{uuid.uuid4().hex[:16]}"
    await repository.add_hold(
        HoldRow(
            hold_id=hold_id,
            merchant_id=merchant,
            order_id=order.order_id,
            shipment_id=event.shipment_id,
            amount_minor=amounts.net_minor,
            policy_version=policy.version,
            signed_off_at=event.signed_off_at,
            release_at=release_at,
        )
    )
    await schedule_timer(session, HOLD_RELEASE, hold_id, release_at)
    await add_to_outbox(
        session,
        contracts.SettlementPending(
            order_id=order.order_id,
            merchant_id=merchant,
            shipment_id=event.shipment_id,
            hold_id=hold_id,
            currency=order.currency,
            paid_minor=amounts.paid_minor,
            shipping_minor=amounts.shipping_minor,
            subsidy_minor=amounts.subsidy_minor,
            commission_minor=amounts.commission_minor,
            net_minor=amounts.net_minor,
            release_at=release_at,
            policy_version=policy.version,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )
