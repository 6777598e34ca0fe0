"""Sign-off-gated settlement: orders are remembered off the ledger; only a sign-off posts money.

- OrderPlaced: remember the order's per-line figures. Nothing is posted: no ledger entry for an
  order's funds exists before its sign-off (SPEC section 2, step 6).
- OrderSignedOff: post the signed-off units' net to the merchant's pending account, under the
  policy in force now; fix the release date; start the hold timer. A sign-off for an order not
  seen yet is parked and applied when the order arrives.
- hold_release timer: pending → available, less the rolling reserve (reserved, released later
  by the reserve_release timer).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

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
from settlement_svc.service_layer import notifications, payouts
from shipsettle_shared import contracts
from shipsettle_shared.contracts import read_payload
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import DueTimer, schedule_timer

PRODUCER = "settlement-svc"
HOLD_RELEASE = "hold_release"
RESERVE_RELEASE = "reserve_release"


async def on_order_placed(session: AsyncSession, envelope: EventEnvelope, *, now: datetime) -> None:
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
        await on_signed_off(session, EventEnvelope.model_validate(parked), now=now)


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


async def release_hold(session: AsyncSession, timer: DueTimer, *, now: datetime, rules: ReviewRules) -> None:
    repository = SettlementRepository(session)
    hold = await repository.hold(timer.timer_key, for_update=True)
    if hold is None or hold.released_at is not None:
        return
    policy = await repository.policy(hold.merchant_id, hold.signed_off_at)
    reserve = policy.reserve_minor(hold.amount_minor)
    merchant = hold.merchant_id
    await repository.post(
        transaction(
            f"release:{hold.hold_id}",
            "hold_release",
            merchant,
            [
                (merchant_account(merchant, MerchantAccount.PENDING), -hold.amount_minor),
                (merchant_account(merchant, MerchantAccount.AVAILABLE), hold.amount_minor - reserve),
                (merchant_account(merchant, MerchantAccount.RESERVED), reserve),
            ],
            order_id=hold.order_id,
            description=f"hold ended (policy v{hold.policy_version}); rolling reserve {reserve}",
        ),
        now=now,
    )
    hold.released_at = now
    order = await repository.order(hold.order_id)
    if reserve:
        await schedule_timer(
            session,
            RESERVE_RELEASE,
            hold.hold_id,
            now + timedelta(days=policy.reserve_days),
            {"amount_minor": reserve, "order_id": hold.order_id, "merchant_id": merchant},
        )
    await payouts.auto_apply(session, merchant, now=now, rules=rules)
    await notifications.notify(
        session,
        merchant,
        "settlement.available",
        {
            "order_id": hold.order_id,
            "hold_id": hold.hold_id,
            "available_minor": hold.amount_minor - reserve,
            "reserved_minor": reserve,
            "currency": order.currency if order else "CNY",
        },
        now=now,
    )
    await add_to_outbox(
        session,
        contracts.FundsReleased(
            order_id=hold.order_id,
            merchant_id=merchant,
            hold_id=hold.hold_id,
            currency=order.currency if order else "CNY",
            released_minor=hold.amount_minor,
            available_minor=hold.amount_minor - reserve,
            reserved_minor=reserve,
            released_at=now,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )


async def release_reserve(session: AsyncSession, timer: DueTimer, *, now: datetime) -> None:
    payload: dict[str, Any] = timer.payload
    merchant = str(payload["merchant_id"])
    amount = int(payload["amount_minor"])
    await SettlementRepository(session).post(
        transaction(
            f"reserve_release:{timer.timer_key}",
            "reserve_release",
            merchant,
            [
                (merchant_account(merchant, MerchantAccount.RESERVED), -amount),
                (merchant_account(merchant, MerchantAccount.AVAILABLE), amount),
            ],
            order_id=str(payload["order_id"]),
            description="rolling reserve released",
        ),
        now=now,
    )
