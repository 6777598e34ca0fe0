"""Consumers route on the ``event_type`` header the relay sets, before they read the body: a
record of a type no handler of the group wants is passed over without a parse, a transaction or
an inbox row. A record without the header is read and routed by its body, as before; a record
the group wants but cannot read still goes to the dead-letter topic at once.

Real broker and database; the consumer loop runs in this process so the test can count the
transactions it opens.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from bus_support import group_caught_up, start_group_at_end
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import TEST_KAFKA, engine_for, eventually, fresh_service_database

from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import BusProbeSent, Topic
from shipsettle_shared.db import processed_events_table
from shipsettle_shared.dead_letters import read_dead_letters
from shipsettle_shared.envelope import EventEnvelope, uuid7
from shipsettle_shared.kafka_access import admin_credentials
from shipsettle_shared.messaging.consumer import ConsumerLoop, Subscription
from shipsettle_shared.messaging.kafka_config import producer_config
from shipsettle_shared.outbox import build_envelope
from shipsettle_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra

KEY = b"routing-test"  # one key: one partition, so the records are consumed in the order sent


def _probe() -> EventEnvelope:
    probe = BusProbeSent(probe_id=f"route-{uuid.uuid4().hex[:8]}", target_service="nobody", sent_by="test")
    return build_envelope(probe, producer="order-svc", occurred_at=SystemClock().now())


def _unwanted() -> EventEnvelope:
    """A well-formed event of a type the group has no handler for."""
    return EventEnvelope(
        event_id=uuid7(),
        event_type="ProbeAnswered",
        schema_version=1,
        occurred_at=SystemClock().now(),
        producer="order-svc",
        aggregate_type="probe",
        aggregate_id="routing-test",
        correlation_id="routing-test",
        payload={"probe_id": "p-1"},
    )


async def test_a_consumer_passes_over_unwanted_types_by_header_and_reads_header_less_records_by_body() -> None:
    url = await fresh_service_database("settlement-svc", "_routing")
    settings = ServiceSettings(
        service_name="settlement-svc",
        database_url=url,
        kafka_bootstrap_servers=TEST_KAFKA,
        consumer_group_prefix=f"routing-{uuid.uuid4().hex[:8]}.",
        **admin_credentials().as_settings(),  # its own group (routing-…), as the broker's super user
    )
    applied: list[uuid.UUID] = []

    async def record(session: AsyncSession, envelope: EventEnvelope) -> None:
        applied.append(envelope.event_id)

    subscription = Subscription(
        group_id="routing-test", topics=(Topic.DIAGNOSTICS,), handlers={BusProbeSent.event_type: record}
    )
    group = settings.consumer_group_prefix + subscription.group_id
    await start_group_at_end(group, Topic.DIAGNOSTICS)

    unwanted, unwanted_unreadable_body = _unwanted(), _unwanted()
    bare_probe, bare_unwanted, unreadable_probe, probe = _probe(), _unwanted(), _probe(), _probe()

    async with engine_for(url) as engine:
        transactions = 0

        def began(_: object) -> None:
            nonlocal transactions
            transactions += 1

        event.listen(engine.sync_engine, "begin", began)
        producer = AIOKafkaProducer(**producer_config(settings))
        await producer.start()
        loop = ConsumerLoop(settings, async_sessionmaker(engine, expire_on_commit=False), subscription, producer)
        task = asyncio.create_task(loop.run())

        async def send(value: bytes, headers: list[tuple[str, bytes]] | None) -> int:
            sent = await producer.send_and_wait(str(Topic.DIAGNOSTICS), value, key=KEY, headers=headers)
            return int(sent.offset)

        async def caught_up() -> bool:
            return await group_caught_up(group, Topic.DIAGNOSTICS)

        try:
            # Only unwanted types, by header: one of them is not even an envelope, and is never read.
            await send(unwanted.to_bytes(), unwanted.kafka_headers())
            await send(b'{"event_id": "truncated', unwanted_unreadable_body.kafka_headers())
            await eventually(caught_up, timeout_s=60)
            assert transactions == 0, "a poll of unwanted events opened a transaction"
            assert await _inbox(url, group) == set()
            assert await read_dead_letters(TEST_KAFKA, group) == []

            await send(bare_probe.to_bytes(), None)  # no header: read, and wanted
            await send(bare_unwanted.to_bytes(), None)  # no header: read, and passed over
            malformed_offset = await send(b'{"not": "an envelope"', unreadable_probe.kafka_headers())
            await send(probe.to_bytes(), probe.kafka_headers())
            await eventually(caught_up, timeout_s=60)
        finally:
            loop.stop()
            await task
            await producer.stop()

    assert applied == [bare_probe.event_id, probe.event_id]
    assert await _inbox(url, group) == {bare_probe.event_id, probe.event_id}
    letters = await read_dead_letters(TEST_KAFKA, group)
    assert [(letter.header("dl_origin_offset"), letter.header("dl_attempts")) for letter in letters] == [
        (str(malformed_offset), "1")
    ]
    assert "malformed envelope" in (letters[0].header("dl_error") or "")


async def _inbox(url: str, group: str) -> set[uuid.UUID]:
    async with engine_for(url) as engine, engine.connect() as connection:
        rows = await connection.execute(
            select(processed_events_table.c.event_id).where(processed_events_table.c.consumer == group)
        )
        return {row[0] for row in rows}
