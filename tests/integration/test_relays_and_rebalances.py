"""Several relays at once, a correlation id that flows from a consumed event into the events its
handler emits, and a consumer frozen (SIGSTOP) past its session timeout that comes back without
a commit-failure loop and without duplicate effects. The relay claims its shards in one statement and
sends the stored envelope as written."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from bus_support import (
    bus_service,
    group_caught_up,
    receipts_per_probe,
    start_group_at_end,
    write_probes,
)
from local import ServiceProcess
from sqlalchemy import func, make_url, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import (
    TEST_KAFKA,
    engine_for,
    envelopes_on_topic,
    eventually,
    fresh_service_database,
    reset_statement_calls,
    statement_calls,
)

from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import BusProbeSent, Topic
from shipsettle_shared.db import outbox_table
from shipsettle_shared.diagnostics import diagnostics_group
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.kafka_access import admin_credentials
from shipsettle_shared.messaging.consumer import ConsumerLoop, Subscription
from shipsettle_shared.messaging.kafka_config import producer_config
from shipsettle_shared.messaging.relay import OutboxRelay
from shipsettle_shared.outbox import OUTBOX_SHARDS, add_to_outbox, shard_of
from shipsettle_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra


def _settings(url: str, **overrides: object) -> ServiceSettings:
    # as the broker's super user: these tests consume with groups of their own (corr-…, …)
    return ServiceSettings(
        service_name="order-svc",
        database_url=url,
        kafka_bootstrap_servers=TEST_KAFKA,
        **{**admin_credentials().as_settings(), **overrides},
    )


async def test_two_relays_publish_every_event_once_and_keep_each_keys_order() -> None:
    url = await fresh_service_database("order-svc", "_relays")
    keys = [f"order-{uuid.uuid4().hex[:8]}" for _ in range(20)]
    async with engine_for(url) as engine, AsyncSession(engine) as session, session.begin():
        for round_number in range(25):
            for key in keys:
                probe = BusProbeSent(probe_id=key, target_service="nobody", sent_by="order-svc", note=str(round_number))
                await add_to_outbox(session, probe, producer="order-svc", occurred_at=SystemClock().now())

    settings = _settings(url, outbox_batch_size=37)  # small batches: the relays interleave
    relays = []
    async with engine_for(url) as engine_a, engine_for(url) as engine_b:
        for engine in (engine_a, engine_b):
            producer = AIOKafkaProducer(**producer_config(settings))
            await producer.start()
            relays.append((OutboxRelay(settings, engine, producer, SystemClock()), producer))
        try:
            published = await asyncio.gather(*(_drain(relay) for relay, _ in relays))
        finally:
            for relay, producer in relays:
                await relay.close()
                await producer.stop()
        assert sum(published) == 500
        async with engine_a.connect() as connection:
            pending = await connection.scalar(
                select(func.count()).select_from(outbox_table).where(outbox_table.c.published_at.is_(None))
            )
        assert pending == 0

    by_key: dict[str, list[str]] = defaultdict(list)
    for _, envelope in await envelopes_on_topic(Topic.DIAGNOSTICS):
        if envelope.aggregate_id in keys:
            by_key[envelope.aggregate_id].append(envelope.payload["note"])
    assert set(by_key) == set(keys)
    for key in keys:
        assert by_key[key] == [str(n) for n in range(25)], f"{key} out of order or duplicated"


async def _drain(relay: OutboxRelay) -> int:
    total = 0
    idle_passes = 0
    while idle_passes < 5:
        published = await relay.publish_pending()
        total += published
        idle_passes = idle_passes + 1 if published == 0 else 0
        await asyncio.sleep(0)
    return total


async def test_events_a_handler_emits_carry_the_correlation_id_of_the_event_it_consumed() -> None:
    url = await fresh_service_database("settlement-svc", "_correlation")
    settings = _settings(url, consumer_group_prefix=f"corr-{uuid.uuid4().hex[:8]}.")
    follow_ups: list[EventEnvelope] = []

    async def forward(session: AsyncSession, envelope: EventEnvelope) -> None:
        probe = BusProbeSent(
            probe_id=f"follow-up-{envelope.aggregate_id}", target_service="nobody", sent_by="settlement-svc"
        )
        follow_ups.append(
            await add_to_outbox(
                session, probe, producer="settlement-svc", occurred_at=datetime.now(UTC), causation_id=envelope.event_id
            )
        )

    subscription = Subscription(group_id="correlation-test", topics=(Topic.DIAGNOSTICS,), handlers={})
    group = settings.consumer_group_prefix + subscription.group_id
    await start_group_at_end(group, Topic.DIAGNOSTICS)
    incoming = (await write_probes(url, 1, target="nobody"))[0]
    subscription.handlers[BusProbeSent.event_type] = forward

    async with engine_for(url) as engine:
        producer = AIOKafkaProducer(**producer_config(settings))
        await producer.start()
        loop = ConsumerLoop(settings, async_sessionmaker(engine, expire_on_commit=False), subscription, producer)
        task = asyncio.create_task(loop.run())
        try:
            await producer.send_and_wait(
                str(Topic.DIAGNOSTICS), incoming.to_bytes(), key=incoming.aggregate_id.encode()
            )
            await eventually(lambda: _async(bool(follow_ups)), timeout_s=30)
        finally:
            loop.stop()
            await task
            await producer.stop()
    assert follow_ups[0].correlation_id == incoming.correlation_id
    assert follow_ups[0].causation_id == incoming.event_id


async def _async(value: bool) -> bool:
    return value


@pytest.fixture
def processes() -> list[ServiceProcess]:
    started: list[ServiceProcess] = []
    yield started
    for process in started:
        if process.process is not None and process.alive():
            process.process.send_signal(signal.SIGCONT)
        process.kill()


async def test_a_consumer_frozen_past_its_session_timeout_rejoins_without_duplicate_effects(
    processes: list[ServiceProcess],
) -> None:
    source = await fresh_service_database("order-svc", "_freeze")
    sink = await fresh_service_database("settlement-svc", "_freeze")
    prefix = f"freeze-{uuid.uuid4().hex[:8]}."
    group = prefix + diagnostics_group("settlement-svc")
    await start_group_at_end(group, Topic.DIAGNOSTICS)
    env = {
        "SHIPSETTLE_CONSUMER_SESSION_TIMEOUT_MS": "6000",
        "SHIPSETTLE_CONSUMER_HEARTBEAT_INTERVAL_MS": "500",
        "SHIPSETTLE_CONSUMER_MAX_POLL_INTERVAL_MS": "8000",
    }
    members = [
        bus_service(
            "settlement-svc", roles="consumer", group_prefix=prefix, db_suffix="_freeze", extra_port_offset=n, **env
        )
        for n in (0, 100)
    ]
    relay = bus_service("order-svc", roles="relay", db_suffix="_freeze")
    for process in (*members, relay):
        processes.append(process)
        process.start()
    await asyncio.gather(*(asyncio.to_thread(process.wait_ready) for process in members))

    first = await write_probes(source, 30)
    await eventually(lambda: _all_received(sink, first), timeout_s=60)

    frozen = members[0]
    assert frozen.process is not None
    frozen.process.send_signal(signal.SIGSTOP)
    second = await write_probes(source, 30)  # the other member must take over the partitions
    await eventually(lambda: _all_received(sink, second), timeout_s=60)
    frozen.process.send_signal(signal.SIGCONT)

    third = await write_probes(source, 30)

    async def settled() -> bool:
        return await _all_received(sink, third) and await group_caught_up(group, Topic.DIAGNOSTICS)

    await eventually(settled, timeout_s=60)
    assert frozen.alive(), "the thawed member must keep running, not crash"
    probe_ids = [envelope.payload["probe_id"] for envelope in (*first, *second, *third)]
    receipts = await receipts_per_probe(sink, probe_ids)
    assert len(receipts) == 90
    assert set(receipts.values()) == {1}


async def _all_received(sink: str, envelopes: list[EventEnvelope]) -> bool:
    probe_ids = [envelope.payload["probe_id"] for envelope in envelopes]
    return len(await receipts_per_probe(sink, probe_ids)) == len(probe_ids)


async def test_a_commit_of_outbox_rows_wakes_the_relay_and_a_rollback_does_not() -> None:
    """The relay polls only every ten minutes here, so a row published within the bounded wait
    below can only have been published because its commit woke the relay."""
    from shipsettle_shared.outbox import relay_wakeup

    url = await fresh_service_database("order-svc", "_relay_wakeup")
    settings = _settings(url, outbox_idle_poll_ms=600_000)
    async with engine_for(url) as engine:
        producer = AIOKafkaProducer(**producer_config(settings))
        await producer.start()
        relay = OutboxRelay(settings, engine, producer, SystemClock())
        running = asyncio.create_task(relay.run())
        try:
            # Its first pass found nothing and it now waits for a wake or its ten-minute poll: a
            # row committed before that would be published by the first pass, proving nothing.
            async def relay_waiting() -> int | None:
                return relay_wakeup.waiting or None

            assert await eventually(relay_waiting, timeout_s=30) == 1

            def probe(note: str) -> BusProbeSent:
                return BusProbeSent(
                    probe_id=f"wake-{uuid.uuid4().hex[:8]}", target_service="nobody", sent_by="order-svc", note=note
                )

            rolled_back = relay_wakeup.generation
            async with AsyncSession(engine) as session:  # begins with its first statement
                await add_to_outbox(
                    session, probe("rolled back"), producer="order-svc", occurred_at=SystemClock().now()
                )
                await session.rollback()
            assert relay_wakeup.generation == rolled_back  # nothing committed, nobody woken

            async with AsyncSession(engine) as session, session.begin():
                await add_to_outbox(session, probe("committed"), producer="order-svc", occurred_at=SystemClock().now())
            assert relay_wakeup.generation == rolled_back + 1

            async def published() -> list[str] | None:
                async with engine.connect() as connection:
                    rows = (
                        (
                            await connection.execute(
                                select(outbox_table.c.envelope["payload"]["note"].astext).where(
                                    outbox_table.c.published_at.is_not(None)
                                )
                            )
                        )
                        .scalars()
                        .all()
                    )
                return list(rows) or None

            assert await eventually(published, timeout_s=60) == ["committed"]
        finally:
            relay.stop()
            await asyncio.wait_for(running, 30)  # stop() wakes it too: no ten-minute wait
            await producer.stop()


async def test_the_relay_sends_the_stored_envelope_as_written_with_fields_this_version_does_not_know() -> None:
    """The relay forwards what the producer committed, unparsed: a field a newer producer added
    (unknown to this version's EventEnvelope) reaches the consumers, who read it tolerantly, and
    the headers are those of the row."""
    url = await fresh_service_database("order-svc", "_relay_bytes")
    probe = BusProbeSent(probe_id=f"bytes-{uuid.uuid4().hex[:8]}", target_service="nobody", sent_by="order-svc")
    async with engine_for(url) as engine:
        async with AsyncSession(engine) as session, session.begin():
            written = await add_to_outbox(session, probe, producer="order-svc", occurred_at=SystemClock().now())
            await session.execute(
                update(outbox_table)
                .where(outbox_table.c.event_id == written.event_id)
                .values(envelope=outbox_table.c.envelope.op("||")(func.jsonb_build_object("tenant", "tmall-cn")))
            )
        settings = _settings(url)
        producer = AIOKafkaProducer(**producer_config(settings))
        await producer.start()
        try:
            relay = OutboxRelay(settings, engine, producer, SystemClock())
            assert await relay.publish_pending() == 1
        finally:
            await relay.close()
            await producer.stop()

    [(record, envelope)] = [
        (record, envelope)
        for record, envelope in await envelopes_on_topic(Topic.DIAGNOSTICS)
        if envelope.event_id == written.event_id
    ]
    assert json.loads(record.value) == {**written.model_dump(mode="json"), "tenant": "tmall-cn"}
    assert envelope == written
    assert record.key == written.aggregate_id.encode()
    assert dict(record.headers) == dict(written.kafka_headers())


async def test_a_relay_pass_claims_every_pending_shard_in_one_statement() -> None:
    """Rows in every outbox shard: one pass claims the shards, reads the rows and marks them in
    three statements (besides BEGIN and COMMIT), not one advisory-lock round trip per shard."""
    url = await fresh_service_database("order-svc", "_relay_claim")
    async with engine_for(url) as engine:
        async with AsyncSession(engine) as session, session.begin():
            keys: set[int] = set()
            while len(keys) < OUTBOX_SHARDS:
                key = f"order-{uuid.uuid4().hex[:8]}"
                keys.add(shard_of(key))
                probe = BusProbeSent(probe_id=key, target_service="nobody", sent_by="order-svc")
                await add_to_outbox(session, probe, producer="order-svc", occurred_at=SystemClock().now())
        settings = _settings(url)
        producer = AIOKafkaProducer(**producer_config(settings))
        await producer.start()
        relay = OutboxRelay(settings, engine, producer, SystemClock())
        database = make_url(url).database
        assert database is not None
        await reset_statement_calls(database)  # the relay's statements go over its own connection
        try:
            published = await relay.publish_pending()
            calls = await statement_calls(database)
        finally:
            await relay.close()
            await producer.stop()
        # the pass's own statements (a new connection also reads type information once)
        statements = {statement: count for statement, count in calls.items() if "outbox" in statement}
        async with engine.connect() as connection:
            pending = await connection.scalar(
                select(func.count()).select_from(outbox_table).where(outbox_table.c.published_at.is_(None))
            )
    assert pending == 0
    assert published >= OUTBOX_SHARDS
    assert sorted(statements.values()) == [1, 1, 1], statements  # claim, read, mark: once each
