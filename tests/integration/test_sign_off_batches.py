"""Must show (settlement, issue #5): the consumer's batch path for sign-offs books exactly what
applying the same events one at a time books, to the fen, on real PostgreSQL (no Kafka: the
consumer's own ``ConsumerLoop.apply`` is driven directly, as it is for each poll).

The figures are worked by hand (the order of tests/unit/settlement/test_settlement_domain.py):
PO-1 and PO-3 of merchant m-1 have L1 tea 2 units paid 211.89 subsidy 18.51 base 230.40, L2 books
1 unit paid 48.84 subsidy 4.26 base 53.10, L3 services 3 units paid 82.76 subsidy 7.23 base 89.99,
shipping 10.00; m-1's policy in force at sign-off charges 5% (books 3%, services 8%) and holds 3
days (a later version, not yet in force then, charges 10% and holds 10 days). PO-2 and PO-4 of
m-2 (platform default policy: 5%, 7 days) have one apparel unit paid 99.00 subsidy 5.00 base
94.00, shipping 8.00.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import fact_events
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from support import engine_for, fresh_service_database

from settlement_svc.adapters.tables import ApplicationRow, RefundRow
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.config import SettlementSettings
from settlement_svc.domain.ledger import transaction
from settlement_svc.domain.payouts import AccountType
from settlement_svc.domain.policies import MerchantPolicy
from settlement_svc.entrypoints.consumers import subscriptions, timer_handlers
from settlement_svc.service_layer import applications, payouts, settlement
from settlement_svc.service_layer.holds import HOLD_RELEASE
from shipsettle_shared import contracts
from shipsettle_shared.db import ConnectionLane, unit_of_work
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import ConsumerLoop
from shipsettle_shared.messaging.events import Received, received
from shipsettle_shared.outbox import build_envelope
from shipsettle_shared.service import ServiceRuntime, outbound_http_client
from shipsettle_shared.timers import LOCK_KEY, TimerScheduler

pytestmark = pytest.mark.infra

PLACED_AT = datetime(2026, 11, 20, 8, tzinfo=UTC)
POLICY_AT = datetime(2026, 11, 21, tzinfo=UTC)
SIGNED_AT = datetime(2026, 11, 25, 10, tzinfo=UTC)
LATER_POLICY_AT = datetime(2026, 11, 26, tzinfo=UTC)
NOW = datetime(2026, 11, 27, tzinfo=UTC)

BIG_LINES = [  # (line id, category, units, paid, subsidy, commission base)
    ("L1", "tea", 2, 21189, 1851, 23040),
    ("L2", "books", 1, 4884, 426, 5310),
    ("L3", "services", 3, 8276, 723, 8999),
]
SMALL_LINES = [("L1", "apparel", 1, 9900, 500, 9400)]

# tx key -> the postings a sign-off must book (fen)
EXPECTED_SIGN_OFFS: dict[str, dict[str, int]] = {
    # PO-1, L1 x2: paid 21189 + shipping 1000; commission 23040 x 5% = 1152; net 22888
    "sign_off:SH-1a": {
        "platform:clearing": -22189,
        "platform:subsidy": -1851,
        "platform:commission": 1152,
        "merchant:m-1:pending": 22888,
    },
    # PO-1, L2 x1 + L3 x2: paid 4884 + 2759 + 2759; subsidy 426 + 241 + 241;
    # commission 5310 x 3% + 6000 x 8% = 159.3 + 480 = 639.3 -> 639; net 10402 + 908 - 639 = 10671
    "sign_off:SH-1b": {
        "platform:clearing": -10402,
        "platform:subsidy": -908,
        "platform:commission": 639,
        "merchant:m-1:pending": 10671,
    },
    # PO-1, the last L3 unit: paid 2758, subsidy 241, commission 2999 x 8% = 239.92 -> 240; net 2759
    "sign_off:SH-1c": {
        "platform:clearing": -2758,
        "platform:subsidy": -241,
        "platform:commission": 240,
        "merchant:m-1:pending": 2759,
    },
    # PO-2: paid 9900 + shipping 800; commission 9400 x 5% = 470; net 9900 + 800 + 500 - 470 = 10730
    "sign_off:SH-2": {
        "platform:clearing": -10700,
        "platform:subsidy": -500,
        "platform:commission": 470,
        "merchant:m-2:pending": 10730,
    },
    # PO-3 at once: paid 34349 + shipping 1000; subsidy 3000;
    # commission 1152 + 159.3 + 719.92 = 2031.22 -> 2031; net 36318
    "sign_off:SH-3": {
        "platform:clearing": -35349,
        "platform:subsidy": -3000,
        "platform:commission": 2031,
        "merchant:m-1:pending": 36318,
    },
    # PO-4, signed off before its order arrived (parked), booked when it came: as PO-2
    "sign_off:SH-4": {
        "platform:clearing": -10700,
        "platform:subsidy": -500,
        "platform:commission": 470,
        "merchant:m-2:pending": 10730,
    },
}
# 22888 + 10671 + 2759 + 36318 = 72636; 10730 + 10730 = 21460
EXPECTED_BALANCES = {"merchant:m-1:pending": 72636, "merchant:m-2:pending": 21460}
# (order, shipment, amount, release): m-1 holds 3 days, m-2 the default 7
EXPECTED_HOLDS = sorted(
    [
        ("PO-1", "SH-1a", 22888, SIGNED_AT + timedelta(days=3)),
        ("PO-1", "SH-1b", 10671, SIGNED_AT + timedelta(days=3)),
        ("PO-1", "SH-1c", 2759, SIGNED_AT + timedelta(days=3)),
        ("PO-2", "SH-2", 10730, SIGNED_AT + timedelta(days=7)),
        ("PO-3", "SH-3", 36318, SIGNED_AT + timedelta(days=3)),
        ("PO-4", "SH-4", 10730, SIGNED_AT + timedelta(days=7)),
    ]
)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def placed(
    order_id: str, merchant_id: str, lines: list[tuple[str, str, int, int, int, int]], shipping: int
) -> EventEnvelope:
    """As order-svc publishes it; lines: (line id, category, units, paid, subsidy, commission base)."""

    def from_order_svc(event: contracts.EventPayload, at: datetime) -> EventEnvelope:
        return build_envelope(event, producer="order-svc", occurred_at=at, correlation_id=f"corr-{order_id}")

    return fact_events.placed(order_id, lines, shipping, merchant_id, at=PLACED_AT, envelope=from_order_svc)


def signed_off(order_id: str, merchant_id: str, shipment_id: str, units: dict[str, int]) -> EventEnvelope:
    event = contracts.OrderSignedOff(
        order_id=order_id,
        merchant_id=merchant_id,
        shipment_id=shipment_id,
        how="buyer_confirmed",
        signed_off_at=SIGNED_AT,
        lines=[contracts.ShipmentLine(line_id=line_id, quantity=quantity) for line_id, quantity in units.items()],
        order_fully_signed_off=False,
    )
    return build_envelope(event, producer="logistics-svc", occurred_at=SIGNED_AT, correlation_id=f"corr-{shipment_id}")


PLACED = [
    placed("PO-1", "m-1", BIG_LINES, 1000),
    placed("PO-2", "m-2", SMALL_LINES, 800),
    placed("PO-3", "m-1", BIG_LINES, 1000),
]
PLACED_LATE = placed("PO-4", "m-2", SMALL_LINES, 800)
SH_1A = signed_off("PO-1", "m-1", "SH-1a", {"L1": 2})
SH_1B = signed_off("PO-1", "m-1", "SH-1b", {"L2": 1, "L3": 2})
SH_1C = signed_off("PO-1", "m-1", "SH-1c", {"L3": 1})
SH_2 = signed_off("PO-2", "m-2", "SH-2", {"L1": 1})
SH_3 = signed_off("PO-3", "m-1", "SH-3", {"L1": 2, "L2": 1, "L3": 3})
SH_4 = signed_off("PO-4", "m-2", "SH-4", {"L1": 1})
# logistics sending SH-2's sign-off again under a new event id: the shipment is booked once
SH_2_AGAIN = signed_off("PO-2", "m-2", "SH-2", {"L1": 1})
SIGN_OFFS = [SH_1A, SH_1B, SH_1C, SH_2, SH_3, SH_4]


async def _seed_policies(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        uow = SqlSettlementUnitOfWork(session)
        rates = {"books": 300, "services": 800}
        await uow.policies.add_policy(
            MerchantPolicy("m-1", hold_days=3, default_commission_bp=500, commission_bp_by_category=rates),
            by="test",
            now=POLICY_AT,
        )
        await uow.policies.add_policy(
            MerchantPolicy("m-1", hold_days=10, default_commission_bp=1000, commission_bp_by_category=rates),
            by="test",
            now=LATER_POLICY_AT,
        )


class Settlement:
    """A fresh settlement database and the service's real order consumer on it (no Kafka)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        settings = SettlementSettings(
            service_name="settlement-svc", database_url=engine.url.render_as_string(hide_password=False)
        )
        runtime = ServiceRuntime(
            settings=settings,
            clock=FixedClock(),
            engine=engine,
            sessions=self.sessions,
            producer=None,  # type: ignore[arg-type]  # nothing here produces to Kafka
            lane=ConnectionLane.for_settings(settings),
            http=outbound_http_client(),  # opens no connection: nothing here calls out
        )
        self.runtime = runtime
        (subscription,) = subscriptions(runtime)
        # apply() never dead-letters (that is the retry path around it)
        self.consumer = ConsumerLoop(settings, self.sessions, subscription, dead_letter_producer=None)  # type: ignore[arg-type]

    async def poll(self, *envelopes: EventEnvelope) -> None:
        await self.consumer.apply(list(envelopes))

    async def release_due_holds(self) -> int:
        """The service's scheduler with its hold_release handler, once: how many timers fired."""
        handler = timer_handlers(self.runtime)[HOLD_RELEASE]
        return await TimerScheduler(self.sessions, FixedClock(), {HOLD_RELEASE: handler}).fire_due()

    async def snapshot(self) -> dict[str, Any]:
        """Everything a sign-off writes, in a form two databases can be compared by."""
        async with self.sessions() as session:

            async def rows(sql: str) -> list[dict[str, Any]]:
                return [dict(row._mapping) for row in await session.execute(text(sql))]

            transactions: dict[str, dict[str, Any]] = {}
            for row in await rows(
                "select t.tx_key, t.kind, t.merchant_id, t.order_id, t.caused_by_event_id, t.description,"
                " p.account_id, p.amount_minor from ledger_transactions t"
                " join ledger_postings p on p.tx_id = t.id order by t.tx_key, p.id"
            ):
                tx = transactions.setdefault(
                    row["tx_key"],
                    {
                        "kind": row["kind"],
                        "merchant_id": row["merchant_id"],
                        "order_id": row["order_id"],
                        "caused_by_event_id": row["caused_by_event_id"],
                        "description": row["description"],
                        "postings": {},
                    },
                )
                tx["postings"][row["account_id"]] = row["amount_minor"]
            outbox = await rows("select event_type, envelope from outbox order by id")
            pending = sorted(
                (
                    row["envelope"]["payload"]["shipment_id"],
                    row["envelope"]["payload"]["net_minor"],
                    row["envelope"]["payload"]["release_at"],
                    row["envelope"]["payload"]["policy_version"],
                    row["envelope"]["correlation_id"],
                )
                for row in outbox
                if row["event_type"] == "SettlementPending"
            )
            posted = sorted(
                (
                    row["envelope"]["payload"]["tx_key"],
                    tuple((p["account_id"], p["amount_minor"]) for p in row["envelope"]["payload"]["postings"]),
                    row["envelope"]["correlation_id"],
                )
                for row in outbox
                if row["event_type"] == "LedgerTransactionPosted"
            )
            uow = SqlSettlementUnitOfWork(session)
            hold_ids = {row["hold_id"] for row in await rows("select hold_id from holds")}
            return {
                "transactions": transactions,
                "balances": {
                    row["account_id"]: row["balance_minor"]
                    for row in await rows("select account_id, balance_minor from account_balances")
                },
                "unbalanced": await uow.ledger.unbalanced_transactions(),
                "balances_off_postings": await uow.ledger.balances_that_differ_from_postings(),
                "holds": sorted(
                    (row["order_id"], row["shipment_id"], row["amount_minor"], row["release_at"], row["policy_version"])
                    for row in await rows("select * from holds")
                ),
                "hold_timers": sorted(
                    (row["timer_key"] in hold_ids, row["due_at"], row["payload"].get(LOCK_KEY))
                    for row in await rows("select * from timers where timer_kind = 'hold_release'")
                ),
                "outbox_types": Counter(row["event_type"] for row in outbox),
                "settlement_pending": pending,
                "ledger_posted": posted,
                "orders": {
                    row["order_id"]: (row["lines"], row["shipping_booked"], row["commission_booked_minor"])
                    for row in await rows("select * from settlement_orders")
                },
                "progress": {
                    row["order_id"]: (row["merchant_id"], row["shipments"], row["bookings"], row["placed_at"])
                    for row in await rows("select * from order_progress")
                },
                "parked": [
                    (row["order_id"], row["event_id"], row["reason"])
                    for row in await rows("select * from parked_events order by id")
                ],
            }


@asynccontextmanager
async def fresh_settlement(suffix: str) -> AsyncIterator[Settlement]:
    # the e2e suffix keeps two checkouts' runs of this file on one machine apart
    url = await fresh_service_database("settlement-svc", suffix + os.environ.get("SHIPSETTLE_E2E_DB_SUFFIX", ""))
    async with engine_for(url) as engine:
        await _seed_policies(async_sessionmaker(engine, expire_on_commit=False))
        yield Settlement(engine)


@pytest.fixture
async def settlement_db() -> AsyncIterator[Settlement]:
    async with fresh_settlement("_sign_off_batches") as settlement_db:
        yield settlement_db


def assert_hand_worked(snapshot: dict[str, Any]) -> None:
    sign_offs = {key: tx for key, tx in snapshot["transactions"].items() if tx["kind"] == "sign_off"}
    assert {key: tx["postings"] for key, tx in sign_offs.items()} == EXPECTED_SIGN_OFFS
    assert snapshot["balances"] == EXPECTED_BALANCES
    assert snapshot["unbalanced"] == []
    assert snapshot["balances_off_postings"] == []
    assert [(o, s, a, r) for o, s, a, r, _ in snapshot["holds"]] == EXPECTED_HOLDS
    # the policy version in force at the sign-off (m-1: 1; m-2: the unstored default, 0)
    assert {s: v for _, s, _, _, v in snapshot["holds"]} == {
        "SH-1a": 1,
        "SH-1b": 1,
        "SH-1c": 1,
        "SH-2": 0,
        "SH-3": 1,
        "SH-4": 0,
    }
    # each release names its merchant, whose balance rows it locks: the order instances fire them in
    merchant_of = {"PO-1": "m-1", "PO-2": "m-2", "PO-3": "m-1", "PO-4": "m-2"}
    assert snapshot["hold_timers"] == sorted(
        (True, release, merchant_of[order_id]) for order_id, *_, release in EXPECTED_HOLDS
    )
    assert snapshot["outbox_types"]["LedgerTransactionPosted"] == 6
    assert snapshot["outbox_types"]["SettlementPending"] == 6
    # every effect's events carry the correlation id of the sign-off that caused it
    assert [(shipment, net, corr) for shipment, net, _, _, corr in snapshot["settlement_pending"]] == [
        ("SH-1a", 22888, "corr-SH-1a"),
        ("SH-1b", 10671, "corr-SH-1b"),
        ("SH-1c", 2759, "corr-SH-1c"),
        ("SH-2", 10730, "corr-SH-2"),
        ("SH-3", 36318, "corr-SH-3"),
        ("SH-4", 10730, "corr-SH-4"),
    ]
    assert [(key, dict(postings), corr) for key, postings, corr in snapshot["ledger_posted"]] == [
        (key, EXPECTED_SIGN_OFFS[key], f"corr-{key.split(':')[1]}") for key in sorted(EXPECTED_SIGN_OFFS)
    ]
    assert {key: tx["caused_by_event_id"] for key, tx in sign_offs.items()} == {
        f"sign_off:{e.payload['shipment_id']}": str(e.event_id) for e in SIGN_OFFS
    }
    # the orders' figures: every unit signed off, shipping booked once, commission as booked
    assert {order_id: (booked, commission) for order_id, (_, booked, commission) in snapshot["orders"].items()} == {
        "PO-1": (True, 1152 + 639 + 240),
        "PO-2": (True, 470),
        "PO-3": (True, 2031),
        "PO-4": (True, 470),
    }
    assert snapshot["orders"]["PO-1"][0]["L3"]["units_signed_off"] == 3
    assert snapshot["orders"]["PO-1"][0]["L3"]["booked_bp"] == [800, 800, 800]
    # progress: each shipment signed off, and what each booked (net) with its event
    bookings = {
        shipment: (booking["net_minor"], booking["event_id"])
        for _, _, order_bookings, _ in snapshot["progress"].values()
        for shipment, booking in order_bookings.items()
    }
    assert bookings == {
        "SH-1a": (22888, str(SH_1A.event_id)),
        "SH-1b": (10671, str(SH_1B.event_id)),
        "SH-1c": (2759, str(SH_1C.event_id)),
        "SH-2": (10730, str(SH_2.event_id)),
        "SH-3": (36318, str(SH_3.event_id)),
        "SH-4": (10730, str(SH_4.event_id)),
    }
    signed = {
        shipment: progress["signed_off_at"]
        for _, shipments, _, _ in snapshot["progress"].values()
        for shipment, progress in shipments.items()
    }
    assert signed == dict.fromkeys(["SH-1a", "SH-1b", "SH-1c", "SH-2", "SH-3", "SH-4"], SIGNED_AT.isoformat())
    assert snapshot["parked"] == []


async def test_a_batch_of_sign_offs_books_to_the_fen_what_one_at_a_time_books(settlement_db: Settlement) -> None:
    one_at_a_time = settlement_db
    for envelope in [*PLACED, *SIGN_OFFS, PLACED_LATE]:
        await one_at_a_time.poll(envelope)
    expected = await one_at_a_time.snapshot()
    assert_hand_worked(expected)

    async with fresh_settlement("_sign_off_batches_b") as batched:
        await batched.poll(*PLACED)
        # one poll: both merchants interleaved, PO-1's three sign-offs in order, a duplicate of
        # SH-1a inside the batch, and SH-4 for an order not known yet
        poll = [SH_2, SH_1A, SH_3, SH_1B, SH_4, SH_1A, SH_1C]
        await batched.poll(*poll)
        parked = await batched.snapshot()
        assert parked["parked"] == [("PO-4", str(SH_4.event_id), "sign-off before the order was known")]
        assert "sign_off:SH-4" not in parked["transactions"]
        assert parked["progress"]["PO-4"][1]["SH-4"]["signed_off_at"] == SIGNED_AT.isoformat()
        # the same poll redelivered, and SH-2 sent again under a new event id: no-ops
        await batched.poll(*poll)
        await batched.poll(SH_2_AGAIN, SH_1C)
        assert await batched.snapshot() == parked
        await batched.poll(PLACED_LATE)  # the parked sign-off applies when its order comes
        actual = await batched.snapshot()
    assert_hand_worked(actual)
    assert actual == expected


async def test_a_run_of_orders_placed_applies_each_orders_parked_sign_off(settlement_db: Settlement) -> None:
    await settlement_db.poll(SH_2, SH_4)  # neither order is known yet: both parked
    assert [order_id for order_id, *_ in (await settlement_db.snapshot())["parked"]] == ["PO-2", "PO-4"]
    # one poll, one run of OrderPlaced (PO-2 twice: the inbox drops the repeat)
    await settlement_db.poll(PLACED[1], PLACED_LATE, PLACED[1])
    snapshot = await settlement_db.snapshot()
    assert snapshot["parked"] == []
    booked = {key: tx["postings"] for key, tx in snapshot["transactions"].items() if tx["kind"] == "sign_off"}
    assert booked == {key: EXPECTED_SIGN_OFFS[key] for key in ("sign_off:SH-2", "sign_off:SH-4")}
    assert snapshot["balances"] == {"merchant:m-2:pending": 10730 + 10730}
    # redelivered: the orders are known, nothing is taken or booked again
    await settlement_db.poll(placed("PO-2", "m-2", SMALL_LINES, 800), placed("PO-4", "m-2", SMALL_LINES, 800))
    assert await settlement_db.snapshot() == snapshot


def sign_offs(*envelopes: EventEnvelope) -> list[Received[contracts.OrderSignedOff]]:
    """The sign-offs as the consumer hands them to the service layer."""
    return [received(envelope).of_kind(contracts.OrderSignedOff) for envelope in envelopes]


async def test_the_same_sign_off_twice_in_one_handler_call_is_booked_once(settlement_db: Settlement) -> None:
    await settlement_db.poll(PLACED[1])
    # straight to the handler, without the consumer's inbox: the same event twice, and the same
    # shipment under a new event id, in one call
    async with unit_of_work(settlement_db.sessions) as session:
        await settlement.on_signed_off_batch(
            SqlSettlementUnitOfWork(session), sign_offs(SH_2, SH_2, SH_2_AGAIN), now=NOW, with_progress=True
        )
    async with unit_of_work(settlement_db.sessions) as session:
        await settlement.on_signed_off_batch(
            SqlSettlementUnitOfWork(session), sign_offs(SH_2_AGAIN), now=NOW
        )  # and in a later call
    snapshot = await settlement_db.snapshot()
    assert {key: tx["postings"] for key, tx in snapshot["transactions"].items()} == {
        "sign_off:SH-2": EXPECTED_SIGN_OFFS["sign_off:SH-2"]
    }
    assert snapshot["balances"] == {"merchant:m-2:pending": 10730}
    assert [(o, s, a) for o, s, a, _, _ in snapshot["holds"]] == [("PO-2", "SH-2", 10730)]
    assert snapshot["outbox_types"] == Counter({"LedgerTransactionPosted": 1, "SettlementPending": 1})


async def test_a_sign_off_of_units_the_order_does_not_have_fails_the_whole_batch(settlement_db: Settlement) -> None:
    await settlement_db.poll(*PLACED)
    too_many = signed_off("PO-3", "m-1", "SH-3x", {"L1": 3})  # PO-3 has 2 units of L1
    with pytest.raises(ValueError, match="cannot sign off 3 more of 2 left"):
        async with unit_of_work(settlement_db.sessions) as session:
            await settlement.on_signed_off_batch(
                SqlSettlementUnitOfWork(session), sign_offs(SH_2, SH_1A, too_many), now=NOW, with_progress=True
            )
    snapshot = await settlement_db.snapshot()
    # nothing of the batch committed; the consumer then retries its events one at a time
    assert snapshot["transactions"] == {}
    assert snapshot["balances"] == {}
    assert snapshot["holds"] == []
    assert snapshot["outbox_types"] == Counter()
    await settlement_db.poll(SH_2)
    await settlement_db.poll(SH_1A)
    assert set((await settlement_db.snapshot())["transactions"]) == {"sign_off:SH-2", "sign_off:SH-1a"}


async def test_the_balance_trigger_adds_a_statement_of_postings_once_per_account(settlement_db: Settlement) -> None:
    # Two transactions on one merchant account in one insert: the statement trigger sums them.
    async with unit_of_work(settlement_db.sessions) as session:
        inserted = await SqlSettlementUnitOfWork(session).ledger.insert_transactions(
            [
                transaction("t:1", "test", "m-9", [("merchant:m-9:available", 120), ("platform:clearing", -120)]),
                transaction("t:2", "test", "m-9", [("merchant:m-9:available", 35), ("platform:clearing", -35)]),
                transaction("t:3", "test", "m-9", [("merchant:m-9:pending", -7), ("merchant:m-9:available", 7)]),
            ],
            now=NOW,
        )
    assert inserted == {"t:1", "t:2", "t:3"}
    snapshot = await settlement_db.snapshot()
    assert snapshot["balances"] == {"merchant:m-9:available": 162, "merchant:m-9:pending": -7}
    assert snapshot["balances_off_postings"] == []


# --- the release that follows a sign-off ---------------------------------------------------------
# m-7 holds 0 days, keeps a 10% rolling reserve and applies for payout by itself, to a verified
# account it was paid to before; it has 1000 available and owes 3000 (a claw-back). PO-7 is
# PO-2's order: its sign-off books 9900 + 800 + 500 - 470 = 10730 to pending.


async def _seed_auto_applying_merchant(settlement_db: Settlement, *, merchant_lock_taken: bool = True) -> None:
    """m-7 as above, and PO-7 placed and signed off. ``merchant_lock_taken``: another transaction
    holds m-7's lock during the sign-off (an application or a payout of m-7 under way), so the
    sign-off leaves its hold, due at once, to the hold's timer (the fallback path)."""
    async with unit_of_work(settlement_db.sessions) as session:
        uow = SqlSettlementUnitOfWork(session)
        await uow.policies.add_policy(
            MerchantPolicy("m-7", hold_days=0, reserve_bp=1000, auto_apply=True), by="test", now=POLICY_AT
        )
        await uow.ledger.post(
            transaction(
                "seed:m-7",
                "seed",
                "m-7",
                [
                    ("platform:clearing", -1000),
                    ("merchant:m-7:available", 1000),
                    ("platform:refunds", 3000),
                    ("merchant:m-7:negative_balance", -3000),
                ],
            ),
            now=POLICY_AT,
        )
        account = await payouts.register_bank_account(
            SqlSettlementUnitOfWork(session),
            "m-7",
            holder_name="杭州七号商贸有限公司",
            bank_name="招商银行杭州分行",
            account_type=AccountType.CORPORATE,
            account_number="755912345678",
            now=POLICY_AT,
            vault=settlement_db.runtime.personal_data,
            blind_index=settlement_db.runtime.settings.blind_index(),
        )
        await payouts.verify_bank_account(
            SqlSettlementUnitOfWork(session), account.bank_account_id, by="ops", now=POLICY_AT
        )
        session.add(
            ApplicationRow(
                application_id="SA-m7-earlier",
                merchant_id="m-7",
                bank_account_id=account.bank_account_id,
                amount_minor=500,
                currency="CNY",
                order_ids=[],
                voucher_ids=[],
                status="paid",
                review_reasons=[],
                created_at=POLICY_AT,
                updated_at=POLICY_AT,
            )
        )
    await settlement_db.poll(placed("PO-7", "m-7", SMALL_LINES, 800))
    if not merchant_lock_taken:
        await settlement_db.poll(signed_off("PO-7", "m-7", "SH-7", {"L1": 1}))
        return
    async with settlement_db.sessions() as session, session.begin():
        await SqlSettlementUnitOfWork(session).locks.lock_merchant("m-7")
        await settlement_db.poll(signed_off("PO-7", "m-7", "SH-7", {"L1": 1}))


async def _balances(settlement_db: Settlement, merchant_id: str) -> dict[str, int]:
    async with settlement_db.sessions() as session:
        return {
            kind: amount
            for kind, amount in (await SqlSettlementUnitOfWork(session).ledger.merchant_balances(merchant_id)).items()
            if amount
        }


async def test_a_release_keeps_the_reserve_and_applies_for_everything_available_after_the_debt(
    settlement_db: Settlement,
) -> None:
    await _seed_auto_applying_merchant(settlement_db)
    assert await _balances(settlement_db, "m-7") == {"pending": 10730, "available": 1000, "negative_balance": -3000}
    assert await settlement_db.release_due_holds() == 1
    # release: reserve 10% of 10730 = 1073, available + 9657; then the application takes
    # 1000 + 9657 = 10657 of which 3000 pays the debt and 7657 goes to the bank
    assert await _balances(settlement_db, "m-7") == {"reserved": 1073, "in_payout": 7657}
    snapshot = await settlement_db.snapshot()
    assert snapshot["unbalanced"] == []
    assert snapshot["balances_off_postings"] == []
    release = next(tx for tx in snapshot["transactions"].values() if tx["kind"] == "hold_release")
    assert release["postings"] == {
        "merchant:m-7:pending": -10730,
        "merchant:m-7:available": 9657,
        "merchant:m-7:reserved": 1073,
    }
    async with settlement_db.sessions() as session:
        application = (
            await session.execute(text("select * from settlement_applications where application_id <> 'SA-m7-earlier'"))
        ).one()
        released = (await session.execute(text("select * from holds where order_id = 'PO-7'"))).one()
        reserve = (await session.execute(text("select * from timers where timer_kind = 'reserve_release'"))).one()
        funds = [
            row.envelope["payload"]
            for row in await session.execute(text("select envelope from outbox where event_type = 'FundsReleased'"))
        ]
    assert (application.amount_minor, application.clawback_deducted_minor, application.status) == (
        10657,
        3000,
        "approved",
    )
    apply = snapshot["transactions"][f"apply:{application.application_id}"]
    assert apply["postings"] == {
        "merchant:m-7:available": -10657,
        "merchant:m-7:negative_balance": 3000,
        "merchant:m-7:in_payout": 7657,
    }
    assert released.released_at == NOW
    assert released.frozen_at is None
    assert (reserve.payload["amount_minor"], reserve.due_at) == (1073, NOW + timedelta(days=90))
    assert [(f["released_minor"], f["available_minor"], f["reserved_minor"]) for f in funds] == [(10730, 9657, 1073)]
    assert snapshot["outbox_types"]["LedgerTransactionPosted"] == 1 + 1 + 2  # seed, sign-off, release and apply
    assert await settlement_db.release_due_holds() == 0  # fired once


async def test_a_hold_due_while_a_refund_of_its_order_is_open_is_frozen_and_moves_nothing(
    settlement_db: Settlement,
) -> None:
    await _seed_auto_applying_merchant(settlement_db)
    async with unit_of_work(settlement_db.sessions) as session:
        session.add(
            RefundRow(
                refund_id="RF-7",
                order_id="PO-7",
                merchant_id="m-7",
                status="open",
                stage="RefundRequested",
                opened_at=NOW,
                updated_at=NOW,
            )
        )
    assert await settlement_db.release_due_holds() == 1
    assert await _balances(settlement_db, "m-7") == {"pending": 10730, "available": 1000, "negative_balance": -3000}
    async with settlement_db.sessions() as session:
        held = (await session.execute(text("select * from holds where order_id = 'PO-7'"))).one()
        applications = await session.scalar(text("select count(*) from settlement_applications"))
    assert (held.released_at, held.frozen_at) == (None, NOW)
    assert applications == 1  # the earlier one only


async def test_a_hold_timer_scheduled_before_it_named_its_order_still_releases(settlement_db: Settlement) -> None:
    await _seed_auto_applying_merchant(settlement_db)
    async with unit_of_work(settlement_db.sessions) as session:
        await session.execute(
            text("update timers set payload = cast(:payload as jsonb) where timer_kind = 'hold_release'"),
            {"payload": '{"lock_key": "m-7"}'},
        )
    assert await settlement_db.release_due_holds() == 1
    assert await _balances(settlement_db, "m-7") == {"reserved": 1073, "in_payout": 7657}


async def test_a_hold_due_at_once_is_released_in_its_sign_offs_transaction(settlement_db: Settlement) -> None:
    await _seed_auto_applying_merchant(settlement_db, merchant_lock_taken=False)
    # the same figures as the timer's release above: reserve 10% of 10730 = 1073, available
    # 1000 + 9657 = 10657 applied for, of which 3000 pays the debt and 7657 goes to the bank
    assert await _balances(settlement_db, "m-7") == {"reserved": 1073, "in_payout": 7657}
    snapshot = await settlement_db.snapshot()
    assert snapshot["unbalanced"] == []
    assert snapshot["balances_off_postings"] == []
    release = next(tx for tx in snapshot["transactions"].values() if tx["kind"] == "hold_release")
    assert release["postings"] == {
        "merchant:m-7:pending": -10730,
        "merchant:m-7:available": 9657,
        "merchant:m-7:reserved": 1073,
    }
    assert snapshot["hold_timers"] == []  # no timer: nothing is left to release
    async with settlement_db.sessions() as session:
        application = (
            await session.execute(text("select * from settlement_applications where application_id <> 'SA-m7-earlier'"))
        ).one()
        released = (await session.execute(text("select * from holds where order_id = 'PO-7'"))).one()
        batch = (await session.execute(text("select * from timers where timer_kind = 'payout_batch'"))).one()
        outbox = [row.event_type for row in await session.execute(text("select event_type from outbox order by id"))]
    assert (application.amount_minor, application.clawback_deducted_minor, application.status) == (
        10657,
        3000,
        "approved",
    )
    assert (released.released_at, released.frozen_at) == (NOW, None)
    # the approved application starts a payout batch now, not at the next interval
    assert (batch.timer_key, batch.due_at, batch.fired_at) == (f"approved:{application.application_id}", NOW, None)
    # the sign-off's events, then the release's, in the order the timer's path writes them
    assert outbox[-5:] == [
        "LedgerTransactionPosted",
        "SettlementPending",
        "LedgerTransactionPosted",
        "LedgerTransactionPosted",
        "FundsReleased",
    ]
    assert await settlement_db.release_due_holds() == 0


async def test_a_hold_due_at_once_of_an_order_with_an_open_refund_is_left_to_its_timer(
    settlement_db: Settlement,
) -> None:
    async with unit_of_work(settlement_db.sessions) as session:
        session.add(
            RefundRow(
                refund_id="RF-7",
                order_id="PO-7",
                merchant_id="m-7",
                status="open",
                stage="RefundRequested",
                opened_at=NOW,
                updated_at=NOW,
            )
        )
    await _seed_auto_applying_merchant(settlement_db, merchant_lock_taken=False)
    assert await _balances(settlement_db, "m-7") == {"pending": 10730, "available": 1000, "negative_balance": -3000}
    assert await settlement_db.release_due_holds() == 1  # the timer freezes it
    async with settlement_db.sessions() as session:
        held = (await session.execute(text("select * from holds where order_id = 'PO-7'"))).one()
    assert (held.released_at, held.frozen_at) == (None, NOW)
    assert await _balances(settlement_db, "m-7") == {"pending": 10730, "available": 1000, "negative_balance": -3000}


async def test_a_batch_started_by_an_approval_pays_it_and_starts_no_second_interval(
    settlement_db: Settlement,
) -> None:
    await _seed_auto_applying_merchant(settlement_db, merchant_lock_taken=False)
    handler = timer_handlers(settlement_db.runtime)[payouts.PAYOUT_BATCH]
    assert await TimerScheduler(settlement_db.sessions, FixedClock(), {payouts.PAYOUT_BATCH: handler}).fire_due() == 1
    async with settlement_db.sessions() as session:
        payout = (await session.execute(text("select * from payouts"))).one()
        timers = (
            await session.execute(
                text("select timer_kind, timer_key, due_at, fired_at from timers where timer_kind like 'payout%'")
            )
        ).all()
    assert (payout.amount_minor, payout.status) == (7657, "sending")
    assert sorted(timers) == [
        ("payout_batch", f"approved:{payout.application_id}", NOW, NOW),  # fired, and no batch@ timer
        ("payout_send", payout.payout_id, NOW, None),
    ]


async def test_an_application_ops_approve_starts_a_payout_batch_now(settlement_db: Settlement) -> None:
    await _seed_auto_applying_merchant(settlement_db)
    async with unit_of_work(settlement_db.sessions) as session:
        account = await session.scalar(text("select bank_account_id from bank_accounts where merchant_id = 'm-7'"))
        session.add(
            ApplicationRow(
                application_id="SA-m7-review",
                merchant_id="m-7",
                bank_account_id=account,
                amount_minor=1000,
                currency="CNY",
                order_ids=[],
                voucher_ids=[],
                status="in_review",
                review_reasons=["risk_flagged"],
                created_at=NOW,
                updated_at=NOW,
            )
        )
    async with unit_of_work(settlement_db.sessions) as session:
        await applications.decide(
            SqlSettlementUnitOfWork(session), "SA-m7-review", approve=True, reason="checked", by="ops", now=NOW
        )
    async with settlement_db.sessions() as session:
        batches = (
            await session.execute(text("select timer_key, due_at from timers where timer_kind = 'payout_batch'"))
        ).all()
    assert batches == [("approved:SA-m7-review", NOW)]


# --- order progress (the ETA's read model) from runs of one event type ----------------------------


def dispatched(order_id: str, merchant_id: str, shipment_id: str, tracking_number: str) -> EventEnvelope:
    event = contracts.ShipmentDispatched(
        order_id=order_id,
        merchant_id=merchant_id,
        shipment_id=shipment_id,
        carrier_code="SF",
        tracking_number=tracking_number,
        lines=[contracts.ShipmentLine(line_id="L1", quantity=1)],
        dispatched_at=PLACED_AT + timedelta(hours=2),
    )
    return build_envelope(event, producer="logistics-svc", occurred_at=PLACED_AT, correlation_id=f"corr-{shipment_id}")


def delivered(order_id: str, merchant_id: str, shipment_id: str, tracking_number: str) -> EventEnvelope:
    event = contracts.ShipmentStatusChanged(
        order_id=order_id,
        merchant_id=merchant_id,
        shipment_id=shipment_id,
        tracking_number=tracking_number,
        previous_status="dispatched",
        status="delivered",
        scan_time=PLACED_AT + timedelta(days=2),
        description="已签收",
        location="杭州",
    )
    return build_envelope(event, producer="logistics-svc", occurred_at=PLACED_AT, correlation_id=f"corr-{shipment_id}")


async def test_runs_of_progress_events_move_each_order_as_one_at_a_time_does(settlement_db: Settlement) -> None:
    # PO-4's parcel is dispatched and delivered before its OrderPlaced reaches settlement
    dispatches = [dispatched("PO-2", "m-2", "SH-2", "SF1002"), dispatched("PO-4", "m-2", "SH-4", "SF1004")]
    deliveries = [delivered("PO-2", "m-2", "SH-2", "SF1002"), delivered("PO-4", "m-2", "SH-4", "SF1004")]
    one_at_a_time = settlement_db
    for envelope in [PLACED[1], *dispatches, *deliveries, PLACED_LATE]:
        await one_at_a_time.poll(envelope)
    expected = (await one_at_a_time.snapshot())["progress"]
    async with fresh_settlement("_sign_off_batches_b") as batched:
        await batched.poll(PLACED[1])
        await batched.poll(*dispatches)  # one run of two ShipmentDispatched
        await batched.poll(*deliveries)
        await batched.poll(PLACED_LATE)  # its row exists: moved, not created
        actual = (await batched.snapshot())["progress"]
        async with batched.sessions() as session:
            figures = (await session.execute(text("select figures from order_progress where order_id = 'PO-4'"))).one()
    async with fresh_settlement("_sign_off_batches_c") as mixed:
        await mixed.poll(PLACED[1])
        # one poll of both types interleaved, as a busy consumer gets them: one run across the
        # types, so one locked read and one write for the four events
        sent = await fact_events.statements_sent(
            mixed.engine, lambda: mixed.poll(dispatches[0], deliveries[0], dispatches[1], deliveries[1])
        )
        progress_writes = [
            statement for statement in sent if statement.lstrip().lower().startswith("update order_progress")
        ]
        assert len(progress_writes) == 1
        await mixed.poll(PLACED_LATE)
        assert (await mixed.snapshot())["progress"] == expected
    assert actual == expected
    for order_id, shipment_id, tracking in (("PO-2", "SH-2", "SF1002"), ("PO-4", "SH-4", "SF1004")):
        merchant, shipments, bookings, placed_at = actual[order_id]
        assert (merchant, placed_at, bookings) == ("m-2", PLACED_AT, {})
        shipment = shipments[shipment_id]
        assert (shipment["tracking_number"], shipment["status"], shipment["lines"]) == (
            tracking,
            "delivered",
            {"L1": 1},
        )
        assert shipment["dispatched_at"] == (PLACED_AT + timedelta(hours=2)).isoformat()
        assert shipment["delivered_at"] == (PLACED_AT + timedelta(days=2)).isoformat()
    # PO-4's OrderPlaced came last and still recorded the order as priced: 9900 + 500 subsidy, shipping 800
    assert (
        figures.figures["goods_total_minor"],
        figures.figures["platform_discount_minor"],
        figures.figures["shipping_fee_minor"],
    ) == (10400, 500, 800)
