"""Helpers for the bus tests: real service processes, probes in an outbox, receipts in a sink."""

from __future__ import annotations

import os
import uuid
from collections import Counter

from aiokafka import AIOKafkaConsumer, TopicPartition
from local import ServiceProcess, service_process
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from support import TEST_KAFKA, engine_for, envelopes_on_topic

from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import BusProbeSent, Topic, partitions_of
from shipsettle_shared.db import bus_probe_receipts_table, outbox_table, processed_events_table
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.topology import SERVICES_BY_NAME

BUS_PORT_OFFSET = int(
    os.environ.get("SHIPSETTLE_BUS_PORT_OFFSET", "20000")
)  # services on 28101...: below the ephemeral ports


async def write_probes(source_url: str, count: int, target: str = "settlement-svc") -> list[EventEnvelope]:
    """Commit ``count`` probe events to the source service's outbox, as a request would."""
    envelopes = []
    async with engine_for(source_url) as engine, AsyncSession(engine) as session, session.begin():
        for _ in range(count):
            probe = BusProbeSent(probe_id=f"probe-{uuid.uuid4()}", target_service=target, sent_by="order-svc")
            envelopes.append(await add_to_outbox(session, probe, producer="order-svc", occurred_at=SystemClock().now()))
    return envelopes


async def receipts_per_probe(sink_url: str, probe_ids: list[str]) -> Counter[str]:
    async with engine_for(sink_url) as engine, engine.connect() as connection:
        rows = await connection.execute(
            select(bus_probe_receipts_table.c.probe_id, func.count())
            .where(bus_probe_receipts_table.c.probe_id.in_(probe_ids))
            .group_by(bus_probe_receipts_table.c.probe_id)
        )
        return Counter({probe_id: count for probe_id, count in rows})


async def inbox_count(sink_url: str, group: str, event_ids: list[uuid.UUID]) -> int:
    async with engine_for(sink_url) as engine, engine.connect() as connection:
        return int(
            await connection.scalar(
                select(func.count())
                .select_from(processed_events_table)
                .where(processed_events_table.c.consumer == group, processed_events_table.c.event_id.in_(event_ids))
            )
            or 0
        )


async def unpublished_count(source_url: str, event_ids: list[uuid.UUID]) -> int:
    async with engine_for(source_url) as engine, engine.connect() as connection:
        return int(
            await connection.scalar(
                select(func.count())
                .select_from(outbox_table)
                .where(outbox_table.c.event_id.in_(event_ids), outbox_table.c.published_at.is_(None))
            )
            or 0
        )


async def start_group_at_end(group: str, topic: Topic) -> None:
    """Commit the group's offsets at the topic's current end, like a deployment that starts
    now: the test then sees only its own events, not those of earlier tests on the broker."""
    consumer = AIOKafkaConsumer(**tooling_client_config(TEST_KAFKA), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(str(topic), p) for p in partitions_of(topic)]
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        await consumer.commit({partition: offset for partition, offset in end.items()})
    finally:
        await consumer.stop()


async def group_caught_up(group: str, topic: Topic) -> bool:
    """True when the group's committed offsets reach the end of every partition."""
    consumer = AIOKafkaConsumer(**tooling_client_config(TEST_KAFKA), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(str(topic), p) for p in partitions_of(topic)]
        end = await consumer.end_offsets(partitions)
        for partition in partitions:
            committed = await consumer.committed(partition)
            if (committed or 0) < end[partition]:
                return False
        return True
    finally:
        await consumer.stop()


async def copies_on_topic(topic: Topic, event_ids: set[uuid.UUID]) -> Counter[uuid.UUID]:
    """How many times each event id was published to ``topic``."""
    return Counter(
        envelope.event_id for _, envelope in await envelopes_on_topic(topic) if envelope.event_id in event_ids
    )


def bus_service(
    name: str,
    *,
    roles: str,
    group_prefix: str = "",
    failpoints: str = "",
    db_suffix: str = "_bus",
    extra_port_offset: int = 0,
    **env: str,
) -> ServiceProcess:
    extra = {
        "SHIPSETTLE_ROLES": roles,
        "SHIPSETTLE_CONSUMER_GROUP_PREFIX": group_prefix,
        "SHIPSETTLE_FAILPOINTS": failpoints,
        **env,
    }
    return service_process(
        SERVICES_BY_NAME[name],
        bootstrap=TEST_KAFKA,
        db_suffix=db_suffix,
        port_offset=BUS_PORT_OFFSET + extra_port_offset,
        environment="test",
        extra_env=extra,
        instance=f"bus-{uuid.uuid4().hex[:6]}",
    )
