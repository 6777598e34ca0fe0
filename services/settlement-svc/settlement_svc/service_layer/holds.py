"""Holds: signed-off funds in pending until their release date, then available (less the
rolling reserve, released later by its own timer).

A hold of an order with an open refund does not release when it falls due: it is frozen, and
released once the order's last open refund ends (completed or closed), so money a refund may
take back is never applied for in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from settlement_svc.adapters.repositories.ledger import posted_event
from settlement_svc.adapters.tables import ApplicationRow
from settlement_svc.domain import postings
from settlement_svc.domain.ledger import LedgerTransaction
from settlement_svc.domain.payouts import ApplicationStatus, ReviewRules, application_terms
from settlement_svc.domain.policies import policy_in_force
from settlement_svc.service_layer import applications, notifications, payouts
from settlement_svc.service_layer.repositories import DueHold, NewHold, ReleaseFacts
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.outbox import StagedEvent, stage_event
from shipsettle_shared.timers import LOCK_KEY, DueTimer, TimerSpec

PRODUCER = "settlement-svc"
HOLD_RELEASE = "hold_release"
RESERVE_RELEASE = "reserve_release"
ORDER_KEY = "order_id"  # a hold_release timer's payload names the hold's order (and LOCK_KEY its merchant)


def hold_release_payload(merchant_id: str, order_id: str) -> dict[str, str]:
    """What the release locks before it reads anything: its merchant, in the order instances
    fire timers (LOCK_KEY), and its order."""
    return {LOCK_KEY: merchant_id, ORDER_KEY: order_id}


async def release_hold(uow: SettlementUnitOfWork, timer: DueTimer, *, now: datetime, rules: ReviewRules) -> None:
    """The hold's timer: pending to available (less the rolling reserve), and the automatic
    application where the merchant's policy asks for one; frozen instead while a refund of the
    order is open. A handful of statements: the locks, the hold claimed, one read of what the
    release and the application depend on, then the writes."""
    order_id, merchant_id = timer.payload.get(ORDER_KEY), timer.payload.get(LOCK_KEY)
    if order_id is None or merchant_id is None:  # a timer scheduled before its payload named them
        hold = await uow.holds.hold(timer.timer_key)
        if hold is None or hold.released_at is not None:
            return
        order_id, merchant_id = hold.order_id, hold.merchant_id
    # The order lock orders this against refund events of the same order: a refund opened
    # concurrently either sees the hold still pending, or the claim sees the open refund. The
    # merchant's lock serialises the automatic application with the merchant's other ones.
    await uow.locks.lock_order_and_merchant(str(order_id), str(merchant_id))
    due = await uow.holds.claim_due_hold(timer.timer_key, now=now)
    if due is None or due.refund_open:
        return  # unknown, released before, or frozen until the order's refunds end
    await _release(uow, [due], now=now, rules=rules)


async def release_due_frozen_holds(
    uow: SettlementUnitOfWork, order_id: str, *, now: datetime, rules: ReviewRules
) -> None:
    """Release the order's holds that fell due while a refund was open, once none is open.
    The caller holds the order lock."""
    if await uow.refunds.open_refunds(order_id):
        return
    frozen = [hold for hold in reversed(await uow.holds.unreleased_holds(order_id)) if hold.frozen_at is not None]
    if not frozen:
        return
    order = await uow.orders.order(order_id)
    await uow.locks.lock_merchant(frozen[0].merchant_id)
    for hold in frozen:  # earliest due first
        hold.released_at = now
    await uow.flush()
    currency = order.currency if order else "CNY"
    await _release(uow, [DueHold.of(hold, currency) for hold in frozen], now=now, rules=rules)


async def _release(uow: SettlementUnitOfWork, due: Sequence[DueHold], *, now: datetime, rules: ReviewRules) -> None:
    """The money of holds of one merchant marked released, in their order (``plan_releases``),
    written at once (``write_releases``). The caller holds the orders' and the merchant's locks."""
    funds = None
    if any(hold.amount_minor > 0 for hold in due):
        funds = MerchantFunds.of(await uow.holds.release_facts(due[0].merchant_id))
    releases = Releases()
    for hold in due:
        plan_release(releases, hold, funds, now=now, rules=rules)
    await write_releases(uow, releases, now=now)


async def release_at_sign_off(
    uow: SettlementUnitOfWork,
    holds: Sequence[NewHold],
    currency_by_order: Mapping[str, str],
    *,
    now: datetime,
    rules: ReviewRules,
) -> tuple[Releases, set[str]]:
    """Holds due at once (a policy of 0 hold days) released in their sign-off's transaction, as
    their timer would release them: (the releases to write, the ids of the holds released). The
    caller holds the orders' locks and writes the releases' transactions after its own.

    A hold is left to its timer (the fallback, due now) when its order has an open refund (the
    timer freezes it) or its merchant's lock is taken (an application, a payout or a release of
    the merchant is under way: this path does not wait for it, see ``try_lock_merchants``)."""
    releases = Releases()
    due = [hold for hold in holds if hold.release_at <= now and hold.amount_minor > 0]
    if not due:
        return releases, set()
    locked, refund_open = await uow.locks.try_lock_merchants(
        [hold.merchant_id for hold in due], orders=[hold.order_id for hold in due]
    )
    due = [hold for hold in due if hold.merchant_id in locked and hold.order_id not in refund_open]
    if not due:
        return releases, set()
    funds = {
        merchant: MerchantFunds.of(facts)
        for merchant, facts in (await uow.holds.release_facts_of([hold.merchant_id for hold in due])).items()
    }
    for hold in due:
        released = DueHold(
            hold_id=hold.hold_id,
            merchant_id=hold.merchant_id,
            order_id=hold.order_id,
            amount_minor=hold.amount_minor,
            reversed_minor=0,
            policy_version=hold.policy_version,
            signed_off_at=hold.signed_off_at,
            frozen_at=None,
            currency=currency_by_order[hold.order_id],
        )
        plan_release(releases, released, funds[hold.merchant_id], now=now, rules=rules)
    return releases, {hold.hold_id for hold in due}


@dataclass
class MerchantFunds:
    """What a merchant's releases depend on (read under its lock), moved in memory as each
    release of a run adds to available and each automatic application takes from it."""

    facts: ReleaseFacts
    available_minor: int
    negative_balance_minor: int

    @classmethod
    def of(cls, facts: ReleaseFacts) -> MerchantFunds:
        return cls(facts, facts.available_minor, facts.negative_balance_minor)


@dataclass
class Releases:
    """The effects of releasing holds, gathered to be written in a handful of statements."""

    transactions: list[LedgerTransaction] = field(default_factory=list)
    staged: list[StagedEvent] = field(default_factory=list)
    applications: list[ApplicationRow] = field(default_factory=list)
    reserve_timers: list[TimerSpec] = field(default_factory=list)
    notifications: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # merchant, data

    @property
    def approved(self) -> list[str]:
        """The applications approved at once: their payouts need not wait for the batch interval."""
        return [app.application_id for app in self.applications if app.status == ApplicationStatus.APPROVED.value]


def plan_release(
    releases: Releases, hold: DueHold, funds: MerchantFunds | None, *, now: datetime, rules: ReviewRules
) -> None:
    """Pending to available less the rolling reserve (its own release scheduled), the merchant's
    automatic application, the merchant's notification and FundsReleased, added to ``releases``.
    ``funds``: the merchant's, read under its lock (None only for a hold of 0 fen)."""
    merchant = hold.merchant_id
    reserve = 0
    if hold.amount_minor > 0:  # else refunds took all of it back before the release: nothing to move
        assert funds is not None
        facts = funds.facts
        policy = policy_in_force(facts.policies, merchant, hold.signed_off_at)
        reserve = policy.reserve_minor(hold.amount_minor)
        released = postings.hold_release(
            hold.hold_id,
            merchant,
            hold.order_id,
            hold.amount_minor,
            reserve,
            policy_version=hold.policy_version,
            reversed_minor=hold.reversed_minor,
            after_refunds=hold.frozen_at is not None,
        )
        releases.transactions.append(released)
        releases.staged.append(_stage(posted_event(released, now=now), now=now))
        if reserve:
            releases.reserve_timers.append(
                (
                    hold.hold_id,
                    now + timedelta(days=policy.reserve_days),
                    {"amount_minor": reserve, "order_id": hold.order_id, "merchant_id": merchant, LOCK_KEY: merchant},
                )
            )
        # Under the merchant's lock only its own movements take from available, so what was
        # there before plus what this release adds is there to apply for.
        funds.available_minor += hold.amount_minor - reserve
        application = _auto_application(hold, funds, now=now, rules=rules)
        if application is not None:
            releases.applications.append(application)
            applied = applications.apply_transaction(application)
            releases.transactions.append(applied)
            releases.staged.append(_stage(posted_event(applied, now=now), now=now))
            funds.available_minor -= application.amount_minor
            funds.negative_balance_minor += application.clawback_deducted_minor
        if facts.has_webhook_endpoint:
            releases.notifications.append(
                (
                    merchant,
                    {
                        "order_id": hold.order_id,
                        "hold_id": hold.hold_id,
                        "available_minor": hold.amount_minor - reserve,
                        "reserved_minor": reserve,
                        "currency": hold.currency,
                    },
                )
            )
    # Announced even at 0: the hold has ended, and recon's window check waits for its end (a
    # parcel refunded whole before its release once left a finding open for a settled hold).
    releases.staged.append(
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


async def write_releases(
    uow: SettlementUnitOfWork, releases: Releases, *, now: datetime, transactions_follow: bool = False
) -> None:
    """Write what ``plan_release`` gathered: the reserves' timers, the applications, the
    notifications, the events, then the ledger (the postings' trigger updates the merchants'
    balance rows; the commit follows). ``transactions_follow``: the caller inserts
    ``releases.transactions`` itself, with its own, in one statement."""
    await uow.schedule_timers(RESERVE_RELEASE, releases.reserve_timers)
    await uow.payouts.add_applications(releases.applications)
    if releases.approved:
        await payouts.start_payout_batch_now(uow, releases.approved, now=now)
    for merchant, data in releases.notifications:
        await notifications.notify(uow, merchant, "settlement.available", data, now=now, endpoint_known=True)
    if transactions_follow:
        return
    await uow.add_events(releases.staged)
    inserted = await uow.ledger.insert_transactions(releases.transactions, now=now)
    if len(inserted) != len(releases.transactions):
        # Each hold was claimed under its order's lock: its release cannot be on the ledger yet.
        raise RuntimeError(f"holds released twice: {sorted({tx.key for tx in releases.transactions} - inserted)}")


def _auto_application(
    hold: DueHold, funds: MerchantFunds, *, now: datetime, rules: ReviewRules
) -> ApplicationRow | None:
    """The merchant's policy applies for it when funds become available: everything available,
    to its most recently verified account, through the same review rules as a manual one.
    Nothing happens without a verified account or below the minimum payout."""
    facts = funds.facts
    policy = policy_in_force(facts.policies, hold.merchant_id, now)
    available = funds.available_minor
    if not policy.auto_apply or facts.bank_account_id is None or available < max(policy.min_payout_minor, 1):
        return None
    terms = application_terms(
        amount_minor=available,
        negative_balance_minor=funds.negative_balance_minor,
        first_payout_to_account=not facts.paid_to_account_before,
        risk_flagged=facts.risk_flagged,
        voucher_count=0,
        rules=rules,
    )
    return applications.new_application(hold.merchant_id, facts.bank_account_id, terms, [], now=now)


def _stage(payload: contracts.EventPayload, *, now: datetime) -> StagedEvent:
    return stage_event(payload, producer=PRODUCER, occurred_at=now)


async def release_reserve(uow: SettlementUnitOfWork, timer: DueTimer, *, now: datetime) -> None:
    payload: dict[str, Any] = timer.payload
    merchant = str(payload["merchant_id"])
    amount = int(payload["amount_minor"])
    await uow.ledger.post(
        postings.reserve_release(timer.timer_key, merchant, str(payload["order_id"]), amount),
        now=now,
    )
