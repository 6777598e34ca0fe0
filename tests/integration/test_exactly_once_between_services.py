"""Must show (Foundation): an event committed to one service's outbox is applied by another
service's handler exactly once, on the real broker and database, with real processes killed
at the worst moments. Assertions count effects (receipt rows), never log lines.

The source is an order-svc process running only its outbox relay; the sink is a settlement-svc
process running only its consumers. The event is the diagnostics BusProbeSent, whose handler
appends a receipt row with no unique key of its own: only the inbox prevents a second row.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from bus_support import (
    bus_service,
    copies_on_topic,
    group_caught_up,
    inbox_count,
    receipts_per_probe,
    start_group_at_end,
    unpublished_count,
    write_probes,
)
from local import ServiceProcess
from support import TEST_KAFKA, eventually, fresh_service_database

from shipsettle_shared.contracts import Topic
from shipsettle_shared.diagnostics import diagnostics_group
from shipsettle_shared.kafka_access import tooling_client_config

pytestmark = pytest.mark.infra

PROBES = 40


@pytest.fixture(scope="module")
async def bus_databases() -> tuple[str, str]:
    source = await fresh_service_database("order-svc", "_bus")
    sink = await fresh_service_database("settlement-svc", "_bus")
    return source, sink


@pytest.fixture
async def group_prefix() -> str:
    prefix = f"eo-{uuid.uuid4().hex[:8]}."
    await start_group_at_end(prefix + diagnostics_group("settlement-svc"), Topic.DIAGNOSTICS)
    return prefix


@pytest.fixture
def processes() -> list[ServiceProcess]:
    started: list[ServiceProcess] = []
    yield started
    for process in started:
        process.kill()


def _start(processes: list[ServiceProcess], process: ServiceProcess) -> ServiceProcess:
    processes.append(process)
    process.start()
    return process


async def _exit_code(process: ServiceProcess, timeout_s: float = 60) -> int:
    async def exited() -> int | None:
        assert process.process is not None
        return process.process.poll()

    return await eventually(exited, timeout_s=timeout_s, interval_s=0.2)


async def test_an_event_is_applied_once_when_the_consumer_dies_after_its_effect_but_before_its_offset_commit(
    bus_databases: tuple[str, str], group_prefix: str, processes: list[ServiceProcess]
) -> None:
    source, sink = bus_databases
    group = group_prefix + diagnostics_group("settlement-svc")
    envelopes = await write_probes(source, PROBES)
    probe_ids = [envelope.payload["probe_id"] for envelope in envelopes]

    doomed_sink = _start(
        processes,
        bus_service(
            "settlement-svc",
            roles="consumer",
            group_prefix=group_prefix,
            failpoints=f"consumer.after_effect_commit.{group}",
        ),
    )
    _start(processes, bus_service("order-svc", roles="relay"))

    assert await _exit_code(doomed_sink) == 137
    applied_before_crash = sum((await receipts_per_probe(sink, probe_ids)).values())
    assert applied_before_crash > 0, "the crash must come after at least one effect committed"
    assert not await group_caught_up(group, Topic.DIAGNOSTICS), "its offsets must not have been committed"

    sink_process = _start(processes, bus_service("settlement-svc", roles="consumer", group_prefix=group_prefix))

    async def all_applied() -> bool:
        return len(await receipts_per_probe(sink, probe_ids)) == PROBES and await group_caught_up(
            group, Topic.DIAGNOSTICS
        )

    await eventually(all_applied, timeout_s=60)
    receipts = await receipts_per_probe(sink, probe_ids)
    assert set(receipts.values()) == {1}, receipts
    assert await inbox_count(sink, group, [envelope.event_id for envelope in envelopes]) == PROBES
    # The restarted consumer really was handed the already-applied events again, and skipped them.
    metrics = (await asyncio.to_thread(_get, f"{sink_process.base_url}/metrics")).splitlines()
    duplicates = _metric(metrics, "shipsettle_events_handled_total", group=group, outcome="duplicate")
    assert duplicates >= applied_before_crash


async def test_an_event_is_applied_once_when_the_relay_dies_after_publishing_but_before_marking_the_row(
    bus_databases: tuple[str, str], group_prefix: str, processes: list[ServiceProcess]
) -> None:
    source, sink = bus_databases
    group = group_prefix + diagnostics_group("settlement-svc")
    envelopes = await write_probes(source, PROBES)
    event_ids = [envelope.event_id for envelope in envelopes]
    probe_ids = [envelope.payload["probe_id"] for envelope in envelopes]

    _start(processes, bus_service("settlement-svc", roles="consumer", group_prefix=group_prefix))
    doomed_relay = _start(processes, bus_service("order-svc", roles="relay", failpoints="relay.after_publish"))
    assert await _exit_code(doomed_relay) == 137
    assert await unpublished_count(source, event_ids) == PROBES, "the rows must still look unpublished"

    _start(processes, bus_service("order-svc", roles="relay"))

    async def republished_and_applied() -> bool:
        return (
            await unpublished_count(source, event_ids) == 0
            and len(await receipts_per_probe(sink, probe_ids)) == PROBES
            and await group_caught_up(group, Topic.DIAGNOSTICS)
        )

    await eventually(republished_and_applied, timeout_s=60)
    copies = await copies_on_topic(Topic.DIAGNOSTICS, set(event_ids))
    # The doomed relay published the shards it held before dying; those events went out twice.
    assert set(copies) == set(event_ids)
    assert set(copies.values()) <= {1, 2}
    assert 2 in copies.values(), "the crash must have left published rows unmarked"
    receipts = await receipts_per_probe(sink, probe_ids)
    assert set(receipts.values()) == {1}, receipts


async def test_an_event_delivered_twice_is_applied_once(
    bus_databases: tuple[str, str], group_prefix: str, processes: list[ServiceProcess]
) -> None:
    source, sink = bus_databases
    group = group_prefix + diagnostics_group("settlement-svc")
    envelopes = await write_probes(source, 3)  # staged only to build real envelopes; no relay runs
    producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for _ in range(2):
            for envelope in envelopes:
                await producer.send_and_wait(
                    str(Topic.DIAGNOSTICS),
                    envelope.to_bytes(),
                    key=envelope.aggregate_id.encode(),
                    headers=envelope.kafka_headers(),
                )
    finally:
        await producer.stop()
    _start(processes, bus_service("settlement-svc", roles="consumer", group_prefix=group_prefix))

    async def consumed() -> bool:
        return await group_caught_up(group, Topic.DIAGNOSTICS)

    await eventually(consumed, timeout_s=60)
    receipts = await receipts_per_probe(sink, [envelope.payload["probe_id"] for envelope in envelopes])
    assert sorted(receipts.values()) == [1, 1, 1]


def _get(url: str) -> str:
    import httpx

    return httpx.get(url, timeout=5).text


def _metric(lines: list[str], name: str, **labels: str) -> float:
    total = 0.0
    for line in lines:
        if not line.startswith(name + "{"):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total
