"""Must show (Foundation): a poison message lands on the dead-letter topic with its error after
the configured retries, the other messages keep flowing, and the replay CLI re-applies it once
the cause is fixed, exactly once. Each replay is audited in the transaction that makes it
(issue 20): the producer's outbox row and the audit row commit together or not at all.

The poison is realistic: the sink's database refuses one probe (a check constraint stands in for
a bug or a bad reference), so the handler fails on every attempt. Malformed bytes on the topic
go to the dead-letter topic at once, without retries.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from bus_support import (
    bus_service,
    group_caught_up,
    receipts_per_probe,
    start_group_at_end,
    write_probes,
)
from local import PYTHON, ROOT, ServiceProcess
from sqlalchemy import insert, text
from support import TEST_KAFKA, engine_for, eventually, fresh_service_database

from chaos.tcp_proxy import Fault as LinkFault
from chaos.tcp_proxy import FaultProxy
from shipsettle_shared.auth import generate_key
from shipsettle_shared.contracts import Topic
from shipsettle_shared.db import api_keys_table
from shipsettle_shared.diagnostics import diagnostics_group
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.settings import DEVELOPMENT_API_KEY_PEPPER
from shipsettle_shared.topology import POSTGRES_PORT, database_url
from simulators.child_process import free_port

pytestmark = pytest.mark.infra

MAX_ATTEMPTS = 3


def _run_dead_letters_cli(*arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "shipsettle_shared.dead_letters", *arguments, "--bootstrap", TEST_KAFKA],
        cwd=ROOT,
        check=check,
        capture_output=True,
        text=True,
    )


def _dead_letters_cli(*arguments: str) -> str:
    return _run_dead_letters_cli(*arguments).stdout


async def _replay_state(database: str, event_id: uuid.UUID) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the event's outbox row waits to be published, and the audit log's replay rows."""
    async with engine_for(database) as engine, engine.connect() as connection:
        waiting = await connection.scalar(
            text("select published_at is null from outbox where event_id = :event_id"), {"event_id": event_id}
        )
        rows = await connection.execute(
            text(
                "select actor_key_id, actor_role, target_type, target_id, after_state, reason from audit_log"
                " where action = 'dead_letters.replay' order by seq"
            )
        )
        return bool(waiting), [dict(row._mapping) for row in rows]


async def _letters(group: str) -> list[dict[str, str]]:
    output = await asyncio.to_thread(_dead_letters_cli, "list", "--group", group)
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture
def processes() -> list[ServiceProcess]:
    started: list[ServiceProcess] = []
    yield started
    for process in started:
        process.kill()


async def test_a_poison_message_is_dead_lettered_after_its_retries_and_replayed_once_fixed(
    processes: list[ServiceProcess],
) -> None:
    source = await fresh_service_database("order-svc", "_dlq")
    sink = await fresh_service_database("settlement-svc", "_dlq")
    prefix = f"dlq-{uuid.uuid4().hex[:8]}."
    group = prefix + diagnostics_group("settlement-svc")
    await start_group_at_end(group, Topic.DIAGNOSTICS)

    envelopes = await write_probes(source, 20)
    poison = envelopes[7]
    async with engine_for(sink) as engine, engine.begin() as connection:
        await connection.execute(
            text(
                "alter table bus_probe_receipts add constraint refuses_one_probe "
                f"check (probe_id <> '{poison.payload['probe_id']}')"
            )
        )

    env = {"SHIPSETTLE_HANDLER_MAX_ATTEMPTS": str(MAX_ATTEMPTS), "SHIPSETTLE_HANDLER_BACKOFF_INITIAL_MS": "50"}
    for name, roles in (("settlement-svc", "consumer"), ("order-svc", "relay")):
        process = bus_service(name, roles=roles, group_prefix=prefix, db_suffix="_dlq", **env)
        processes.append(process)
        process.start()

    healthy_ids = [envelope.payload["probe_id"] for envelope in envelopes if envelope is not poison]

    async def others_applied_and_poison_lettered() -> list[dict[str, str]] | None:
        receipts = await receipts_per_probe(sink, healthy_ids)
        letters = await _letters(group)
        if len(receipts) == len(healthy_ids) and letters and await group_caught_up(group, Topic.DIAGNOSTICS):
            return letters
        return None

    letters = await eventually(others_applied_and_poison_lettered, timeout_s=60)
    assert set((await receipts_per_probe(sink, healthy_ids)).values()) == {1}
    assert len(letters) == 1
    letter = letters[0]
    assert letter["event_id"] == str(poison.event_id)
    assert letter["event_type"] == "BusProbeSent"
    assert letter["attempts"] == str(MAX_ATTEMPTS)
    assert "refuses_one_probe" in letter["error"]
    assert letter["origin"].startswith("diagnostics.events[")
    assert await receipts_per_probe(sink, [poison.payload["probe_id"]]) == {}

    # Fix the cause, then replay: applied once, and a second replay changes nothing.
    async with engine_for(sink) as engine, engine.begin() as connection:
        await connection.execute(text("alter table bus_probe_receipts drop constraint refuses_one_probe"))
    replay = ["replay", "--event-id", str(poison.event_id), "--service", "order-svc", "--database-url", source]
    reason = ["--reason", "bus_probe_receipts constraint dropped (ticket 42)"]
    # no reason, no replay: refused before anything is read or written
    unexplained = await asyncio.to_thread(_run_dead_letters_cli, *replay, "--actor", "li.wei", check=False)
    assert unexplained.returncode == 2
    assert "--reason" in unexplained.stderr
    # the audit row cannot be written (the owner makes the log refuse it): the event is not put
    # back in the outbox either, one transaction
    async with engine_for(source) as engine, engine.begin() as connection:
        await connection.execute(
            text("alter table audit_log add constraint refuses_replays check (action <> 'dead_letters.replay')")
        )
    unaudited = await asyncio.to_thread(_run_dead_letters_cli, *replay, "--actor", "li.wei", *reason, check=False)
    assert unaudited.returncode != 0
    assert "refuses_replays" in unaudited.stderr
    assert await _replay_state(source, poison.event_id) == (False, [])
    async with engine_for(source) as engine, engine.begin() as connection:
        await connection.execute(text("alter table audit_log drop constraint refuses_replays"))
    for _ in range(2):
        output = await asyncio.to_thread(_dead_letters_cli, *replay, "--actor", "li.wei", *reason)
        assert "replayed 1" in output

        async def replay_consumed() -> bool:
            return await group_caught_up(group, Topic.DIAGNOSTICS)

        await eventually(replay_consumed, timeout_s=30)
    assert await receipts_per_probe(sink, [poison.payload["probe_id"]]) == {poison.payload["probe_id"]: 1}
    # each replay, and only they, in the producer's audit log: who, which letter, what, why
    _, audited = await _replay_state(source, poison.event_id)
    where = f"{Topic.DEAD_LETTER}/{letter['partition']}/{letter['offset']}"
    assert [
        (row["actor_key_id"], row["actor_role"], row["target_type"], row["target_id"], row["reason"]) for row in audited
    ] == [("cli:li.wei", "ops", "dead_letter", where, reason[1])] * 2
    assert json.loads(audited[0]["after_state"]) == {
        "consumer_group": group,
        "event_id": str(poison.event_id),
        "event_type": "BusProbeSent",
        "origin": letter["origin"],
    }


async def test_malformed_bytes_are_dead_lettered_at_once_and_the_partition_moves_on(
    processes: list[ServiceProcess],
) -> None:
    source = await fresh_service_database("order-svc", "_dlq2")
    sink = await fresh_service_database("settlement-svc", "_dlq2")
    prefix = f"dlq2-{uuid.uuid4().hex[:8]}."
    group = prefix + diagnostics_group("settlement-svc")
    await start_group_at_end(group, Topic.DIAGNOSTICS)

    envelopes = await write_probes(source, 2)
    producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        key = envelopes[0].aggregate_id.encode()
        await producer.send_and_wait(str(Topic.DIAGNOSTICS), envelopes[0].to_bytes(), key=key)
        await producer.send_and_wait(str(Topic.DIAGNOSTICS), b'{"not": "an envelope"', key=key)
        await producer.send_and_wait(str(Topic.DIAGNOSTICS), envelopes[1].to_bytes(), key=key)
    finally:
        await producer.stop()

    consumer = bus_service("settlement-svc", roles="consumer", group_prefix=prefix, db_suffix="_dlq2")
    processes.append(consumer)
    consumer.start()

    async def done() -> list[dict[str, str]] | None:
        letters = await _letters(group)
        return letters if letters and await group_caught_up(group, Topic.DIAGNOSTICS) else None

    letters = await eventually(done, timeout_s=60)
    assert len(letters) == 1
    assert letters[0]["attempts"] == "1"
    assert "malformed envelope" in letters[0]["error"]
    probe_ids = [envelope.payload["probe_id"] for envelope in envelopes]
    assert await receipts_per_probe(sink, probe_ids) == dict.fromkeys(probe_ids, 1)


async def test_a_flood_of_bad_messages_halts_the_group_with_an_alert_until_ops_resume_it(
    processes: list[ServiceProcess],
) -> None:
    """A few bad messages are dead-lettered and the rest flows; past the threshold (here more than
    half of the last 20, once 10 were seen) the group stops consuming: the gauge says so, and the
    messages behind wait, not dead-lettered, until ops resume the group."""
    source = await fresh_service_database("order-svc", "_dlq3")
    sink = await fresh_service_database("settlement-svc", "_dlq3")
    ops = generate_key(DEVELOPMENT_API_KEY_PEPPER)
    async with engine_for(sink) as engine, engine.begin() as connection:
        await connection.execute(
            insert(api_keys_table).values(key_id=ops.key_id, secret_hash=ops.secret_hash, role="ops", label="test ops")
        )
    prefix = f"dlq3-{uuid.uuid4().hex[:8]}."
    group = prefix + diagnostics_group("settlement-svc")
    await start_group_at_end(group, Topic.DIAGNOSTICS)

    before, after = await write_probes(source, 4), await write_probes(source, 3)
    key = before[0].aggregate_id.encode()  # one partition: the order below is the order consumed
    producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for index in range(16):
            await producer.send_and_wait(str(Topic.DIAGNOSTICS), f"not an envelope {index}".encode(), key=key)
        for envelope in before:
            await producer.send_and_wait(str(Topic.DIAGNOSTICS), envelope.to_bytes(), key=key)

        consumer = bus_service(
            "settlement-svc",
            roles="consumer",
            group_prefix=prefix,
            db_suffix="_dlq3",
            SHIPSETTLE_CONSUMER_HALT_BAD_SHARE="0.5",
            SHIPSETTLE_CONSUMER_HALT_WINDOW="20",
            SHIPSETTLE_CONSUMER_HALT_MIN_MESSAGES="10",
        )
        processes.append(consumer)
        consumer.start()
        await asyncio.to_thread(consumer.wait_ready)
        headers = {"Authorization": f"Bearer {ops.api_key}"}

        async def halted() -> dict[str, object] | None:
            async with httpx.AsyncClient() as client:
                listed = (await client.get(f"{consumer.base_url}/v1/consumers", headers=headers)).json()
            mine = next(view for view in listed if view["group"] == group)
            return mine if mine["halted"] else None

        view = await eventually(halted, timeout_s=60)
        assert "dead-lettered" in str(view["halted_because"])
        async with httpx.AsyncClient() as client:
            metrics_text = (await client.get(f"{consumer.base_url}/metrics")).text
        assert f'shipsettle_consumer_halted{{group="{group}"}} 1.0' in metrics_text

        # Halted: what arrives now waits on the partition, neither applied nor dead-lettered.
        for envelope in after:
            await producer.send_and_wait(str(Topic.DIAGNOSTICS), envelope.to_bytes(), key=key)
    finally:
        await producer.stop()
    after_ids = [envelope.payload["probe_id"] for envelope in after]
    await asyncio.sleep(2)  # a halted group would have applied them by now; it must not have
    assert await receipts_per_probe(sink, after_ids) == {}
    assert not await group_caught_up(group, Topic.DIAGNOSTICS)

    async with httpx.AsyncClient() as client:
        refused = await client.post(f"{consumer.base_url}/v1/consumers/{group}/resume")
        assert refused.status_code == 401  # ops only
        resumed = await client.post(f"{consumer.base_url}/v1/consumers/{group}/resume", headers=headers)
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["halted"] is False
        again = await client.post(f"{consumer.base_url}/v1/consumers/{group}/resume", headers=headers)
        assert again.status_code == 409
        assert again.headers["content-type"] == "application/problem+json"

    all_ids = [envelope.payload["probe_id"] for envelope in (*before, *after)]

    async def all_applied() -> bool:
        receipts = await receipts_per_probe(sink, all_ids)
        return len(receipts) == len(all_ids) and await group_caught_up(group, Topic.DIAGNOSTICS)

    await eventually(all_applied, timeout_s=60)
    assert await receipts_per_probe(sink, all_ids) == dict.fromkeys(all_ids, 1)
    assert len(await _letters(group)) == 16


async def test_a_database_outage_longer_than_the_retries_dead_letters_nothing(processes: list[ServiceProcess]) -> None:
    """The consumer's PostgreSQL connections go through a fault proxy that resets every
    connection for longer than three attempts with backoff take. Those failures are the
    database's, not the events': the events wait and are applied once it is back, none is
    dead-lettered (the chaos run found healthy events dead-lettered during such a reset)."""
    source = await fresh_service_database("order-svc", "_dlq4")
    sink = await fresh_service_database("settlement-svc", "_dlq4")
    prefix = f"dlq4-{uuid.uuid4().hex[:8]}."
    group = prefix + diagnostics_group("settlement-svc")
    await start_group_at_end(group, Topic.DIAGNOSTICS)
    proxy = FaultProxy(listen_port=free_port(), target_port=POSTGRES_PORT)
    await proxy.start()
    try:
        consumer = bus_service(
            "settlement-svc",
            roles="consumer",
            group_prefix=prefix,
            db_suffix="_dlq4",
            SHIPSETTLE_DATABASE_URL=database_url("settlement_svc_dlq4", port=proxy.listen_port),
            SHIPSETTLE_HANDLER_MAX_ATTEMPTS=str(MAX_ATTEMPTS),
            SHIPSETTLE_HANDLER_BACKOFF_INITIAL_MS="50",
            SHIPSETTLE_HANDLER_BACKOFF_MAX_MS="200",
        )
        processes.append(consumer)
        consumer.start()
        await asyncio.to_thread(consumer.wait_ready)

        proxy.set(LinkFault.RESET)  # from here every database connection is cut at once
        envelopes = await write_probes(source, 5)
        producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
        await producer.start()
        try:
            for envelope in envelopes:
                key = envelope.aggregate_id.encode()
                await producer.send_and_wait(str(Topic.DIAGNOSTICS), envelope.to_bytes(), key=key)
        finally:
            await producer.stop()

        async def consumer_retrying() -> bool:
            async with httpx.AsyncClient() as client:
                metrics_text = (await client.get(f"{consumer.base_url}/metrics")).text
            return f'shipsettle_handler_retries_total{{event_type="BusProbeSent",group="{group}"}}' in metrics_text

        await eventually(consumer_retrying, timeout_s=60)
        await asyncio.sleep(3)  # well past 3 attempts at 50-200 ms: the old consumer gave up here
        proxy.set(LinkFault.NONE)

        probe_ids = [envelope.payload["probe_id"] for envelope in envelopes]

        async def all_applied() -> bool:
            receipts = await receipts_per_probe(sink, probe_ids)
            return len(receipts) == len(probe_ids) and await group_caught_up(group, Topic.DIAGNOSTICS)

        await eventually(all_applied, timeout_s=60)
        assert await receipts_per_probe(sink, probe_ids) == dict.fromkeys(probe_ids, 1)
        assert await _letters(group) == []
    finally:
        await proxy.stop()
