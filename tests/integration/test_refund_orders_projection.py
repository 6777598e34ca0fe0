"""Must show (refunds, issue #17): refund-svc's order projection applies a poll of placements,
dispatches, sign-offs and parcel statuses at once, with the same result as one event at a time;
facts that come before their order are parked and applied when it arrives. Real PostgreSQL; the
service's own consumer is driven directly (``ConsumerLoop.apply``, as for each poll), no Kafka.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from fact_events import (
    SIGNED_AT,
    T0,
    SteppedClock,
    consumer_without_kafka,
    dispatched,
    placed,
    runtime_without_kafka,
    signed_off,
    statements_sent,
    status_changed,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from support import engine_for, fresh_service_database

from refund_svc.config import RefundSettings
from refund_svc.entrypoints.consumers import subscriptions
from shipsettle_shared.envelope import EventEnvelope

pytestmark = pytest.mark.infra

LATER = SIGNED_AT + timedelta(hours=5)
O1 = placed("O-1", [("L1", "tea", 2, 21189, 1851), ("L2", "books", 1, 4884, 426)], 1000)
O2 = placed("O-2", [("L1", "apparel", 1, 9900, 500)], 800)
# O-1 ships in two parcels signed off hours apart; O-2's dispatch and sign-off come before its order.
EARLY = [
    dispatched("O-2", "SH-3", {"L1": 1}),
    signed_off("O-2", "SH-3", {"L1": 1}),
]
POLL = [
    O1,
    dispatched("O-1", "SH-1", {"L1": 2}),
    status_changed("O-1", "SH-1", "delivered"),  # an outbound parcel: nothing for refunds
    dispatched("O-1", "SH-2", {"L2": 1}),
    signed_off("O-1", "SH-2", {"L2": 1}, at=LATER),
    signed_off("O-1", "SH-1", {"L1": 2}),
    placed("O-1", [("L1", "tea", 2, 21189, 1851), ("L2", "books", 1, 4884, 426)], 1000),  # replayed
    O2,
]


class Refunds:
    def __init__(self, engine: AsyncEngine) -> None:
        settings = RefundSettings(service_name="refund-svc", database_url=str(engine.url))
        runtime = runtime_without_kafka(settings, engine, SteppedClock(T0 + timedelta(days=3)))
        self.sessions = runtime.sessions
        (subscription,) = subscriptions(runtime)
        self.consumer = consumer_without_kafka(settings, self.sessions, subscription)

    async def poll(self, *envelopes: EventEnvelope) -> None:
        await self.consumer.apply(list(envelopes))

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            return [dict(row._mapping) for row in await session.execute(text(sql))]


@pytest.fixture
async def databases() -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    batched = await fresh_service_database("refund-svc", "_orders_batched")
    single = await fresh_service_database("refund-svc", "_orders_single")
    async with engine_for(batched) as engine_a, engine_for(single) as engine_b:
        yield engine_a, engine_b


async def test_a_poll_of_order_facts_projects_what_one_fact_at_a_time_projects(
    databases: tuple[AsyncEngine, AsyncEngine],
) -> None:
    batched, single = Refunds(databases[0]), Refunds(databases[1])
    await batched.poll(*EARLY)
    assert [row["event_type"] for row in await batched.rows("select event_type from parked_events order by id")] == [
        "ShipmentDispatched",
        "OrderSignedOff",
    ]
    await batched.poll(*POLL)
    for envelope in [*EARLY, *POLL]:
        await single.poll(envelope)

    orders = await batched.rows("select * from refund_orders order by order_id")
    assert orders == await single.rows("select * from refund_orders order by order_id")
    o1, o2 = orders
    assert o1["dispatched"]
    assert o1["signed_off_units"] == {"L1": 2, "L2": 1}
    assert o1["last_signed_off_at"] == LATER  # the later of the two sign-offs, whatever their order
    assert o1["lines"]["L1"] == {
        "category": "tea",
        "quantity": 2,
        "paid_minor": 21189,
        "subsidy_minor": 1851,
        "commission_base_minor": 23040,  # 21189 + 1851
    }
    assert (o1["shipping_fee_minor"], o1["taken"], o1["payment_channel"]) == (1000, {}, "alipay")
    assert o2["dispatched"]  # parked, then applied when O-2 arrived
    assert o2["signed_off_units"] == {"L1": 1}
    assert o2["last_signed_off_at"] == SIGNED_AT
    assert await batched.rows("select * from parked_events") == []
    inbox = await batched.rows("select count(*) as events from processed_events")
    assert inbox == [{"events": len(EARLY) + len(POLL)}]


async def test_a_poll_of_five_orders_facts_costs_the_statements_of_one_orders() -> None:
    """Set-based: the statements a poll sends do not grow with the orders in it."""
    url = await fresh_service_database("refund-svc", "_orders_statements")

    def lifecycle(order_id: str) -> list[EventEnvelope]:
        return [
            placed(order_id, [("L1", "tea", 2, 21189, 1851)], 1000),
            dispatched(order_id, f"SH-{order_id}", {"L1": 2}),
            status_changed(order_id, f"SH-{order_id}", "delivered"),
            signed_off(order_id, f"SH-{order_id}", {"L1": 2}),
        ]

    async with engine_for(url) as engine:
        refunds = Refunds(engine)
        one = await statements_sent(engine, lambda: refunds.poll(*lifecycle("A-1")))
        five = await statements_sent(engine, lambda: refunds.poll(*[e for n in range(5) for e in lifecycle(f"B-{n}")]))
    assert len(five) == len(one), five
