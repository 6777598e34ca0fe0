"""Must show (recon, issue #17): recon folds a poll of facts of every type at once, to the fen what
applying them one at a time folds, and judges each order once per burst of facts — one debounced
invariant timer per order, due a grace period after the order's latest fact, armed again by a
fact that comes after it fired. Real PostgreSQL; the service's own consumer (``ConsumerLoop.apply``,
as for each poll) and timer scheduler are driven directly, no Kafka.

The figures (fen), worked by hand:
- O-1 of m-1: L1 tea 2 units paid 21189 (subsidy 1851), L2 books 1 unit paid 4884 (subsidy 426),
  shipping 1000: the buyer paid 21189 + 4884 + 1000 = 27073. Its sign-off books clearing -27073,
  subsidy -2277 (1851 + 426), commission 1300 and the merchant's pending 28050 (27073 + 2277 - 1300);
  the hold's release moves 28050 from pending to available (the merchant's net stays 28050).
  Escrow: 27073 + 2277 - 0 - 1300 - 28050 = 0.
- O-2 of m-1: one apparel unit paid 9900 (subsidy 500), shipping 800: paid 10700, refunded in
  full (10700) before its sign-off. Escrow: 10700 + 0 - 10700 - 0 - 0 = 0.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fact_events import (
    SIGNED_AT,
    T0,
    SteppedClock,
    consumer_without_kafka,
    dispatched,
    envelope_of,
    placed,
    runtime_without_kafka,
    signed_off,
    statements_sent,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from support import engine_for, fresh_service_database

from recon_svc.config import ReconSettings
from recon_svc.entrypoints.consumers import subscriptions, timer_handlers
from shipsettle_shared import contracts
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.timers import TimerScheduler

pytestmark = pytest.mark.infra

GRACE = timedelta(seconds=30)
RELEASE_AT = SIGNED_AT + timedelta(days=3)


def posted(tx_key: str, kind: str, order_id: str, postings: dict[str, int], at: datetime) -> EventEnvelope:
    event = contracts.LedgerTransactionPosted(
        tx_key=tx_key,
        kind=kind,
        merchant_id="m-1",
        order_id=order_id,
        description=kind,
        posted_at=at,
        postings=[contracts.LedgerPostingLine(account_id=a, amount_minor=m) for a, m in postings.items()],
    )
    return envelope_of(event, at)


def pending(order_id: str, hold_id: str) -> EventEnvelope:
    event = contracts.SettlementPending(
        order_id=order_id,
        merchant_id="m-1",
        shipment_id="SH-1",
        hold_id=hold_id,
        currency="CNY",
        paid_minor=26073,
        shipping_minor=1000,
        subsidy_minor=2277,
        commission_minor=1300,
        net_minor=28050,
        release_at=RELEASE_AT,
        policy_version=1,
    )
    return envelope_of(event, SIGNED_AT)


def released(order_id: str, hold_id: str, at: datetime = RELEASE_AT) -> EventEnvelope:
    event = contracts.FundsReleased(
        order_id=order_id,
        merchant_id="m-1",
        hold_id=hold_id,
        currency="CNY",
        released_minor=28050,
        available_minor=28050,
        reserved_minor=0,
        released_at=at,
    )
    return envelope_of(event, at)


def refund_line() -> contracts.RefundLine:
    return contracts.RefundLine(line_id="L1", units=1, paid_minor=9900, subsidy_minor=500, commission_base_minor=10400)


def refund_requested(order_id: str, refund_id: str) -> EventEnvelope:
    event = contracts.RefundRequested(
        order_id=order_id,
        merchant_id="m-1",
        refund_id=refund_id,
        kind="refund_only",
        currency="CNY",
        lines=[refund_line()],
        shipping_minor=800,
        refund_minor=10700,
        reason="not as described",
        requested_at=T0 + timedelta(hours=2),
    )
    return envelope_of(event, T0)


def refund_completed(order_id: str, refund_id: str) -> EventEnvelope:
    event = contracts.RefundCompleted(
        order_id=order_id,
        merchant_id="m-1",
        refund_id=refund_id,
        kind="refund_only",
        currency="CNY",
        lines=[refund_line()],
        shipping_minor=800,
        refund_minor=10700,
        provider_reference=f"RP-{refund_id}",
        completed_at=T0 + timedelta(hours=3),
    )
    return envelope_of(event, T0)


def payout(status: str, at: datetime, reason: str | None = None) -> EventEnvelope:
    event = contracts.PayoutSettled(
        payout_id="PO-1",
        application_id="SA-1",
        merchant_id="m-1",
        currency="CNY",
        amount_minor=28050,
        status=status,
        provider_reference="BANK-1",
        reason=reason,
        settled_at=at,
    )
    return envelope_of(event, at)


SIGN_OFF_POSTINGS = {
    "platform:clearing": -27073,
    "platform:subsidy": -2277,
    "platform:commission": 1300,
    "merchant:m-1:pending": 28050,
}
RELEASE_POSTINGS = {"merchant:m-1:pending": -28050, "merchant:m-1:available": 28050}
SIGN_OFF_TX = posted("sign_off:SH-1", "sign_off", "O-1", SIGN_OFF_POSTINGS, SIGNED_AT)
# every fact type, both orders interleaved, with replays under new event ids (a ledger
# transaction and a dispatch line settlement and logistics sent twice): each counts once
FACTS = [
    placed("O-1", [("L1", "tea", 2, 21189, 1851), ("L2", "books", 1, 4884, 426)], 1000),
    placed("O-2", [("L1", "apparel", 1, 9900, 500)], 800),
    dispatched("O-1", "SH-1", {"L1": 2, "L2": 1}),
    refund_requested("O-2", "R-2"),
    dispatched("O-1", "SH-1", {"L1": 2, "L2": 1}),
    signed_off("O-1", "SH-1", {"L1": 2, "L2": 1}),
    SIGN_OFF_TX,
    refund_completed("O-2", "R-2"),
    pending("O-1", "H-1"),
    posted("sign_off:SH-1", "sign_off", "O-1", SIGN_OFF_POSTINGS, SIGNED_AT),
    refund_requested("O-2", "R-2"),  # late and again: the refund is known completed, it stays closed
    released("O-1", "H-1"),
    posted("release:H-1", "hold_release", "O-1", RELEASE_POSTINGS, RELEASE_AT),
    payout("paid", RELEASE_AT + timedelta(days=1)),
    payout("returned", RELEASE_AT + timedelta(days=2), "account closed"),
    payout("paid", RELEASE_AT + timedelta(days=1)),  # a late "paid" after "returned" keeps returned
]


class Recon:
    """A fresh recon database with the service's real fact consumer and timer handlers on it."""

    def __init__(self, engine: AsyncEngine, clock: SteppedClock) -> None:
        self.clock = clock
        settings = ReconSettings(
            service_name="recon-svc", database_url=str(engine.url), invariant_grace_s=GRACE.total_seconds()
        )
        self.runtime = runtime_without_kafka(settings, engine, clock)
        self.sessions = self.runtime.sessions
        # the facts' group (recon's other group keeps the audit-chain heads)
        (subscription,) = [found for found in subscriptions(self.runtime) if found.group_id == "recon-svc.facts"]
        self.consumer = consumer_without_kafka(settings, self.sessions, subscription)
        self.scheduler = TimerScheduler(self.sessions, clock, timer_handlers(self.runtime))

    async def poll(self, *envelopes: EventEnvelope) -> None:
        await self.consumer.apply(list(envelopes))

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            return [dict(row._mapping) for row in await session.execute(text(sql))]

    async def snapshot(self) -> dict[str, Any]:
        """Everything the facts write, in a form two databases can be compared by."""
        return {
            "orders": await self.rows("select * from recon_orders order by order_id"),
            "ledger": await self.rows("select tx_key, order_id, postings from ledger_entries order by tx_key"),
            "refunds": await self.rows("select refund_id, refund_minor from refund_facts order by refund_id"),
            "payouts": await self.rows("select * from payout_facts order by payout_id"),
            "dispatched": await self.rows(
                "select shipment_id, line_id, quantity from recon_dispatch_lines order by shipment_id, line_id"
            ),
            "signed_off": await self.rows(
                "select shipment_id, line_id, quantity from recon_sign_off_lines order by shipment_id, line_id"
            ),
            "timers": await self.timers(),
        }

    async def timers(self) -> list[tuple[str, str, datetime, datetime | None]]:
        """The timers armed (not cancelled): kind, key, due, fired."""
        return [
            (row["timer_kind"], row["timer_key"], row["due_at"], row["fired_at"])
            for row in await self.rows("select * from timers where cancelled_at is null order by timer_kind, timer_key")
        ]

    async def open_findings(self) -> list[str]:
        rows = await self.rows("select check_name from invariant_violations where resolved_at is null order by id")
        return [row["check_name"] for row in rows]


@pytest.fixture
async def databases() -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    batched = await fresh_service_database("recon-svc", "_facts_batched")
    single = await fresh_service_database("recon-svc", "_facts_single")
    async with engine_for(batched) as engine_a, engine_for(single) as engine_b:
        yield engine_a, engine_b


async def test_a_poll_of_every_fact_type_folds_to_the_fen_what_one_fact_at_a_time_folds(
    databases: tuple[AsyncEngine, AsyncEngine],
) -> None:
    now = T0 + timedelta(days=10)
    batched, single = Recon(databases[0], SteppedClock(now)), Recon(databases[1], SteppedClock(now))
    await batched.poll(*FACTS)
    for envelope in FACTS:
        await single.poll(envelope)

    folded = await batched.snapshot()
    assert folded == await single.snapshot()
    o1, o2 = folded["orders"]
    assert {name: o1[name] for name in _MONEY} == {
        "buyer_paid_minor": 27073,  # 21189 + 4884 + 1000
        "subsidy_minor": 2277,  # 1851 + 426
        "commission_minor": 1300,
        "merchant_net_minor": 28050,  # 28050 pending, then moved to available: still the merchant's
        "clearing_released_minor": 27073,
        "refunded_to_buyer_minor": 0,
        "units_ordered": 3,
        "units_signed_off": 3,
        "units_refunded": 0,
        "open_refunds": [],
    }
    assert o1["signed_off"]
    assert o1["first_booked_at"] == SIGNED_AT
    assert o1["holds"] == {"H-1": {"release_at": RELEASE_AT.isoformat(), "released_at": RELEASE_AT.isoformat()}}
    assert {name: o2[name] for name in _MONEY} == {
        "buyer_paid_minor": 10700,  # 9900 + 800
        "subsidy_minor": 0,
        "commission_minor": 0,
        "merchant_net_minor": 0,
        "clearing_released_minor": 0,
        "refunded_to_buyer_minor": 10700,  # once, though requested twice
        "units_ordered": 1,
        "units_signed_off": 0,
        "units_refunded": 1,
        "open_refunds": [],
    }
    assert [row["tx_key"] for row in folded["ledger"]] == ["release:H-1", "sign_off:SH-1"]
    assert folded["refunds"] == [{"refund_id": "R-2", "refund_minor": 10700}]
    [settled] = folded["payouts"]
    assert (settled["status"], settled["reason"]) == ("returned", "account closed")
    assert (settled["paid_at"], settled["returned_at"]) == (
        RELEASE_AT + timedelta(days=1),
        RELEASE_AT + timedelta(days=2),
    )
    assert [(row["line_id"], row["quantity"]) for row in folded["dispatched"]] == [("L1", 2), ("L2", 1)]
    assert [(row["line_id"], row["quantity"]) for row in folded["signed_off"]] == [("L1", 2), ("L2", 1)]
    # H-1 was released in its window: its window's check is not armed (cancelled, one fact at a time)
    assert folded["timers"] == [
        ("invariant_check", "O-1", now + GRACE, None),
        ("invariant_check", "O-2", now + GRACE, None),
    ]

    batched.clock.at = now + GRACE
    assert await batched.scheduler.fire_due() == 2  # both orders judged once
    assert await batched.open_findings() == []  # both escrows are 0


async def test_a_holds_window_check_is_cancelled_by_its_release_in_the_window_and_kept_for_a_late_one() -> None:
    url = await fresh_service_database("recon-svc", "_facts_windows")
    async with engine_for(url) as engine:
        recon = Recon(engine, SteppedClock(SIGNED_AT))
        await recon.poll(pending("O-1", "H-1"), pending("O-2", "H-2"))
        window_end = RELEASE_AT + timedelta(hours=1)  # the slack: 3600 s
        windows = [timer for timer in await recon.timers() if timer[0] == "settlement_window"]
        assert windows == [
            ("settlement_window", "H-1", window_end, None),
            ("settlement_window", "H-2", window_end, None),
        ]

        recon.clock.at = RELEASE_AT
        await recon.poll(released("O-1", "H-1"))  # on time: nothing left for the check to find
        await recon.poll(released("O-2", "H-2", at=window_end + timedelta(seconds=1)))  # its check still looks
        windows = [timer for timer in await recon.timers() if timer[0] == "settlement_window"]
        assert windows == [("settlement_window", "H-2", window_end, None)]
        cancelled = await recon.rows(
            "select timer_key, cancelled_at from timers where timer_kind = 'settlement_window' and cancelled_at is not null"
        )
        assert cancelled == [{"timer_key": "H-1", "cancelled_at": RELEASE_AT}]


_MONEY = (
    "buyer_paid_minor",
    "subsidy_minor",
    "commission_minor",
    "merchant_net_minor",
    "clearing_released_minor",
    "refunded_to_buyer_minor",
    "units_ordered",
    "units_signed_off",
    "units_refunded",
    "open_refunds",
)


async def test_an_order_is_judged_once_after_its_last_fact_and_again_after_a_later_one() -> None:
    url = await fresh_service_database("recon-svc", "_facts_debounce")
    async with engine_for(url) as engine:
        clock = SteppedClock(T0)
        recon = Recon(engine, clock)
        # O-1's sign-off is booked before logistics' sign-off reaches recon: until it does, the
        # order looks settled without a sign-off. Three facts in three polls, within the grace.
        await recon.poll(placed("O-1", [("L1", "tea", 2, 21189, 1851), ("L2", "books", 1, 4884, 426)], 1000))
        clock.at = T0 + timedelta(seconds=1)
        await recon.poll(SIGN_OFF_TX)
        clock.at = last = T0 + timedelta(seconds=1, milliseconds=500)
        await recon.poll(pending("O-1", "H-1"))
        checks = [timer for timer in await recon.timers() if timer[0] == "invariant_check"]
        assert checks == [("invariant_check", "O-1", last + GRACE, None)]  # one timer, moved by each fact

        clock.at = last + GRACE - timedelta(milliseconds=1)
        assert await recon.scheduler.fire_due() == 0  # not before the grace after the LAST fact
        clock.at = last + GRACE
        assert await recon.scheduler.fire_due() == 1
        assert await recon.scheduler.fire_due() == 0  # once
        assert await recon.open_findings() == ["settled_without_sign_off"]

        # The sign-off arrives late: the same timer is armed again and judges the new state once.
        clock.at = later = last + timedelta(minutes=5)
        await recon.poll(signed_off("O-1", "SH-1", {"L1": 2, "L2": 1}))
        checks = [timer for timer in await recon.timers() if timer[0] == "invariant_check"]
        assert checks == [("invariant_check", "O-1", later + GRACE, None)]
        clock.at = later + GRACE
        assert await recon.scheduler.fire_due() == 1
        assert await recon.scheduler.fire_due() == 0
        assert await recon.open_findings() == []  # resolved: 27073 + 2277 - 1300 - 28050 = 0
        fired = await recon.rows("select fired_at from timers where timer_kind = 'invariant_check'")
        assert fired == [{"fired_at": later + GRACE}]


async def test_a_poll_of_five_orders_facts_costs_the_statements_of_one_orders() -> None:
    """Set-based: the statements a poll sends do not grow with the orders in it."""
    url = await fresh_service_database("recon-svc", "_facts_statements")

    def lifecycle(order_id: str) -> list[EventEnvelope]:
        return [
            placed(order_id, [("L1", "tea", 2, 21189, 1851), ("L2", "books", 1, 4884, 426)], 1000),
            dispatched(order_id, f"SH-{order_id}", {"L1": 2, "L2": 1}),
            signed_off(order_id, f"SH-{order_id}", {"L1": 2, "L2": 1}),
            posted(f"sign_off:SH-{order_id}", "sign_off", order_id, SIGN_OFF_POSTINGS, SIGNED_AT),
            pending(order_id, f"H-{order_id}"),
        ]

    async with engine_for(url) as engine:
        recon = Recon(engine, SteppedClock(T0 + timedelta(days=10)))
        one = await statements_sent(engine, lambda: recon.poll(*lifecycle("A-1")))
        five = await statements_sent(engine, lambda: recon.poll(*[e for n in range(5) for e in lifecycle(f"B-{n}")]))
    assert len(five) == len(one), five
