"""Holds: signed-off funds in pending until their release date, then available (less the
rolling reserve, released later by its own timer).

A hold of an order with an open refund does not release when it falls due: it is frozen, and
released once the order's last open refund ends (completed or closed), so money a refund may
take back is never applied for in between.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.adapters.repository import (
    DueHold,
    ReleaseFacts,
    SettlementRepository,
    policy_in_force,
    posted_event,
)
from settlement_svc.adapters.tables import ApplicationRow
from settlement_svc.domain.ledger import LedgerTransaction, MerchantAccount, merchant_account, transaction
from settlement_svc.domain.payouts import ReviewRules, application_terms
from settlement_svc.service_layer import notifications, payouts
from shipsettle_shared import contracts
from shipsettle_shared.outbox import StagedEvent, add_staged_to_outbox, stage_event
from shipsettle_shared.timers import LOCK_KEY, DueTimer, schedule_timer

PRODUCER = "settlement-svc"
HOLD_RELEASE = "hold_release"
RESERVE_RELEASE = "reserve_release"
ORDER_KEY = "order_id"  # a hold_release timer's payload names the hold's order (and LOCK_KEY its merchant)


def hold_release_payload(merchant_id: str, order_id: str) -> dict[str, str]:
    """What the release locks before it reads anything: its merchant, in the order instances
    fire timers (LOCK_KEY), and its order."""
    return {LOCK_KEY: merchant_id, ORDER_KEY: order_id}


async def release_hold(session: AsyncSession, timer: DueTimer, *, now: datetime, rules: ReviewRules) -> None:
    """The hold's timer: pending to available (less the rolling reserve), and the automatic
    application where the merchant's policy asks for one; frozen instead while a refund of the
    order is open. A handful of statements: the locks, the hold claimed, one read of what the
    release and the application depend on, then the writes."""
    repository = SettlementRepository(session)
    order_id, merchant_id = timer.payload.get(ORDER_KEY), timer.payload.get(LOCK_KEY)
    if order_id is None or merchant_id is None:  # a timer scheduled before its payload named them
        hold = await repository.hold(timer.timer_key)
        if hold is None or hold.released_at is not None:
            return
        order_id, merchant_id = hold.order_id, hold.merchant_id
    # The order lock orders this against refund events of the same order: a refund opened
    # concurrently either sees the hold still pending, or the claim sees the open refund. The
    # merchant's lock serialises the automatic application with the merchant's other ones.
    await repository.lock_order_and_merchant(str(order_id), str(merchant_id))
    due = await repository.claim_due_hold(timer.timer_key, now=now)
    if due is None or due.refund_open:
        return  # unknown, released before, or frozen until the order's refunds end
    await _release(session, due, now=now, rules=rules)


async def release_due_frozen_holds(session: AsyncSession, order_id: str, *, now: datetime, rules: ReviewRules) -> None:
    """Release the order's holds that fell due while a refund was open, once none is open.
    The caller holds the order lock."""
    repository = SettlementRepository(session)
    if await repository.open_refunds(order_id):
        return
    frozen = [hold for hold in reversed(await repository.unreleased_holds(order_id)) if hold.frozen_at is not None]
    if not frozen:
        return
    order = await repository.order(order_id)
    await repository.lock_merchant(frozen[0].merchant_id)
    for hold in frozen:  # earliest due first
        hold.released_at = now
        await session.flush()
        await _release(session, DueHold.of(hold, order.currency if order else "CNY"), now=now, rules=rules)


async def _release(session: AsyncSession, hold: DueHold, *, now: datetime, rules: ReviewRules) -> None:
    """The money of a hold marked released: pending to available less the rolling reserve (its
    own release scheduled), the merchant's automatic application, the merchant's notification
    and FundsReleased. The caller holds the order's and the merchant's locks."""
    repository = SettlementRepository(session)
    merchant = hold.merchant_id
    transactions: list[LedgerTransaction] = []
    staged: list[StagedEvent] = []
    reserve = 0
    if hold.amount_minor > 0:  # else refunds took all of it back before the release: nothing to move
        facts = await repository.release_facts(merchant)
        policy = policy_in_force(facts.policies, merchant, hold.signed_off_at)
        reserve = policy.reserve_minor(hold.amount_minor)
        released = transaction(
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
        )
        transactions.append(released)
        if reserve:
            await schedule_timer(
                session,
                RESERVE_RELEASE,
                hold.hold_id,
                now + timedelta(days=policy.reserve_days),
                {"amount_minor": reserve, "order_id": hold.order_id, "merchant_id": merchant, LOCK_KEY: merchant},
            )
        # Under the merchant's lock only its own movements take from available, so what was
        # there before plus what this release adds is there to apply for.
        available = facts.available_minor + hold.amount_minor - reserve
        application = await _auto_apply(session, hold, facts, available, now=now, rules=rules)
        if application is not None:
            transactions.append(payouts.apply_transaction(application))
        if facts.has_webhook_endpoint:
            await notifications.notify(
                session,
                merchant,
                "settlement.available",
                {
                    "order_id": hold.order_id,
                    "hold_id": hold.hold_id,
                    "available_minor": hold.amount_minor - reserve,
                    "reserved_minor": reserve,
                    "currency": hold.currency,
                },
                now=now,
                endpoint_known=True,
            )
    staged.extend(_stage(posted_event(tx, now=now), now=now) for tx in transactions if tx.postings)
    # Announced even at 0: the hold has ended, and recon's window check waits for its end (a
    # parcel refunded whole before its release once left a finding open for a settled hold).
    staged.append(
        _stage(
            contracts.FundsReleased(
                order_id=hold.order_id,
                merchant_id=merchant,
                hold_id=hold.hold_id,
                currency=hold.currency,
                released_minor=hold.amount_minor,
                available_minor=hold.amount_minor - reserve,
                reserved_minor=reserve,
                released_at=now,
            ),
            now=now,
        )
    )
    await add_staged_to_outbox(session, staged)
    # Last: the postings' trigger updates the merchant's balance rows; the commit follows.
    inserted = await repository.insert_transactions(transactions, now=now)
    if len(inserted) != len(transactions):
        # The hold was claimed under its order's lock: its release cannot be on the ledger yet.
        raise RuntimeError(f"hold {hold.hold_id} released twice: {sorted({tx.key for tx in transactions} - inserted)}")


async def _auto_apply(
    session: AsyncSession, hold: DueHold, facts: ReleaseFacts, available: int, *, now: datetime, rules: ReviewRules
) -> ApplicationRow | None:
    """The merchant's policy applies for it when funds become available: everything available,
    to its most recently verified account, through the same review rules as a manual one.
    Nothing happens without a verified account or below the minimum payout."""
    policy = policy_in_force(facts.policies, hold.merchant_id, now)
    if not policy.auto_apply or facts.bank_account_id is None or available < max(policy.min_payout_minor, 1):
        return None
    terms = application_terms(
        amount_minor=available,
        negative_balance_minor=facts.negative_balance_minor,
        first_payout_to_account=not facts.paid_to_account_before,
        risk_flagged=facts.risk_flagged,
        voucher_count=0,
        rules=rules,
    )
    application = payouts.new_application(hold.merchant_id, facts.bank_account_id, terms, [], now=now)
    await session.execute(
        insert(ApplicationRow.__table__),
        {column.name: getattr(application, column.name) for column in ApplicationRow.__table__.columns},
    )
    return application


def _stage(payload: contracts.EventPayload, *, now: datetime) -> StagedEvent:
    return stage_event(payload, producer=PRODUCER, occurred_at=now)


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
