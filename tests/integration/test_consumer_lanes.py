"""A consumer group applies one poll in lanes (``consumer_lanes``): one transaction per lane, at
once, on real PostgreSQL. The poll is driven through ``ConsumerLoop.process_poll`` (what the loop
calls with each poll from Kafka), so which records share a poll is the test's choice.

The proof that the lanes run at once: the event of partition 0 waits, inside its transaction,
until the event of partition 1 has been applied. With two lanes the poll completes; with one lane
the same poll can never complete (the second event waits behind the first in the one transaction).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.structs import ConsumerRecord
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import engine_for, fresh_service_database

from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import BusProbeSent, Topic
from shipsettle_shared.db import processed_events_table
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import ConsumerLoop, Subscription
from shipsettle_shared.outbox import build_envelope
from shipsettle_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra

GROUP = "lanes-test"


def _probe(probe_id: str) -> EventEnvelope:
    probe = BusProbeSent(probe_id=probe_id, target_service="nobody", sent_by="test")
    return build_envelope(probe, producer="order-svc", occurred_at=SystemClock().now())


def _record(envelope: EventEnvelope, partition: int, offset: int) -> ConsumerRecord:
    return ConsumerRecord(
        str(Topic.DIAGNOSTICS), partition, offset, 0, 0, None, envelope.to_bytes(), None, 0, 0,
        envelope.kafka_headers(),
    )  # fmt: skip


@pytest.fixture(scope="module")
async def database_url() -> str:
    return await fresh_service_database("settlement-svc", "_consumer_lanes")


async def _apply_poll(database_url: str, lanes: int) -> tuple[list[str], int, set[uuid.UUID]]:
    """The handlers' order of completion, the transactions begun, and the group's inbox."""
    settings = ServiceSettings(service_name="settlement-svc", database_url=database_url, consumer_lanes=lanes)
    first, second = _probe("waits-for-the-other"), _probe("sets-it-free")
    second_applied = asyncio.Event()
    completed: list[str] = []

    async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
        if envelope.event_id == first.event_id:
            await second_applied.wait()  # inside the first lane's open transaction
        else:
            second_applied.set()
        completed.append(str(envelope.payload["probe_id"]))

    subscription = Subscription(group_id=GROUP, topics=(Topic.DIAGNOSTICS,), handlers={BusProbeSent.event_type: handle})
    async with engine_for(database_url) as engine:
        transactions = 0

        def began(_: object) -> None:
            nonlocal transactions
            transactions += 1

        event.listen(engine.sync_engine, "begin", began)
        loop = ConsumerLoop(settings, async_sessionmaker(engine, expire_on_commit=False), subscription, None)  # type: ignore[arg-type]
        poll = [_record(first, partition=0, offset=0), _record(second, partition=1, offset=0)]
        # A bound only for the single-lane control below, which can never finish on its own.
        await asyncio.wait_for(loop.process_poll(poll), timeout=5 if lanes == 1 else 60)
        applying_transactions = transactions
        async with engine.connect() as connection:
            inbox = await connection.execute(
                select(processed_events_table.c.event_id).where(processed_events_table.c.consumer == GROUP)
            )
            return completed, applying_transactions, {row[0] for row in inbox} & {first.event_id, second.event_id}


async def test_two_lanes_apply_a_poll_in_two_transactions_at_once(database_url: str) -> None:
    completed, transactions, inbox = await _apply_poll(database_url, lanes=2)
    assert completed == ["sets-it-free", "waits-for-the-other"]
    assert transactions == 2  # one per lane (partition 0 % 2, partition 1 % 2)
    assert len(inbox) == 2  # both in the inbox: each lane's transaction committed


async def test_one_lane_applies_the_same_poll_in_one_transaction_so_it_cannot_finish(database_url: str) -> None:
    # The control: without lanes the first event waits for one queued behind it in the same
    # transaction. The poll is cancelled, nothing of it commits.
    with pytest.raises(TimeoutError):
        await _apply_poll(database_url, lanes=1)
