"""Holds: signed-off funds in pending until their release date, then available (less the
rolling reserve, released later by its own timer).

A hold of an order with an open refund does not release when it falls due: it is frozen, and
released once the order's last open refund ends (completed or closed), so money a refund may
take back is never applied for in between.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.adapters.repository import SettlementRepository
from settlement_svc.adapters.tables import HoldRow
from settlement_svc.domain.ledger import MerchantAccount, merchant_account, transaction
from settlement_svc.domain.payouts import ReviewRules
from settlement_svc.service_layer import notifications, payouts
from shipsettle_shared import contracts
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import LOCK_KEY, DueTimer, schedule_timer

PRODUCER = "settlement-svc"
HOLD_RELEASE = "hold_release"
RESERVE_RELEASE = "reserve_release"


async def release_hold(session: AsyncSession, timer: DueTimer, *, now: datetime, rules: ReviewRules) -> None:
    repository = SettlementRepository(session)
    hold = await repository.hold(timer.timer_key)
    if hold is None or hold.released_at is not None:
        return
    # The order lock orders this against refund events of the same order: a refund opened
    # concurrently either sees the hold still pending, or the hold sees the open refund.
    await repository.lock_order(hold.order_id)
    hold = await repository.hold(timer.timer_key, for_update=True)
    if hold is None or hold.released_at is not None:
        return
    if await repository.open_refunds(hold.order_id):
        hold.frozen_at = hold.frozen_at or now
        return
    await _release(session, hold, now=now, rules=rules)


async def release_due_frozen_holds(session: AsyncSession, order_id: str, *, now: datetime, rules: ReviewRules) -> None:
    """Release the order's holds that fell due while a refund was open, once none is open.
    The caller holds the order lock."""
    repository = SettlementRepository(session)
    if await repository.open_refunds(order_id):
        return
    for hold in reversed(await repository.unreleased_holds(order_id)):  # earliest due first
        if hold.frozen_at is not None:
            await _release(session, hold, now=now, rules=rules)


async def _release(session: AsyncSession, hold: HoldRow, *, now: datetime, rules: ReviewRules) -> None:
    repository = SettlementRepository(session)
    hold.released_at = now
    order = await repository.order(hold.order_id)
    reserve = 0
    if hold.amount_minor > 0:  # else refunds took all of it back before the release: nothing to move
        reserve = await _move_to_available(session, hold, now=now, rules=rules)
        await notifications.notify(
            session,
            hold.merchant_id,
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
    # Announced even at 0: the hold has ended, and recon's window check waits for its end (a
    # parcel refunded whole before its release once left a finding open for a settled hold).
    await add_to_outbox(
        session,
        contracts.FundsReleased(
            order_id=hold.order_id,
            merchant_id=hold.merchant_id,
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


async def _move_to_available(session: AsyncSession, hold: HoldRow, *, now: datetime, rules: ReviewRules) -> int:
    """Post the hold's amount from pending to available less the rolling reserve (its own
    release scheduled), and apply automatically where the merchant's policy says so; the reserve."""
    repository = SettlementRepository(session)
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
            description=(
                f"hold ended (policy v{hold.policy_version}); rolling reserve {reserve}"
                + (f"; {hold.reversed_minor} taken back by refunds before the release" if hold.reversed_minor else "")
                + ("; released after the order's refunds ended" if hold.frozen_at else "")
            ),
        ),
        now=now,
    )
    if reserve:
        await schedule_timer(
            session,
            RESERVE_RELEASE,
            hold.hold_id,
            now + timedelta(days=policy.reserve_days),
            {"amount_minor": reserve, "order_id": hold.order_id, "merchant_id": merchant, LOCK_KEY: merchant},
        )
    await payouts.auto_apply(session, merchant, now=now, rules=rules)
    return reserve


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
