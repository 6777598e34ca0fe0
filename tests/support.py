"""Helpers the test layers share: fresh databases, bounded polling, the test broker address."""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from local import recreate_service_database
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shipsettle_shared.contracts import Topic, partitions_of
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.field_crypto import BlindIndex, LocalKeyring
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.settings import DEVELOPMENT_PII_BLIND_INDEX_KEY, DEVELOPMENT_PII_KEYRING
from shipsettle_shared.topology import SERVICES_BY_NAME, database_url

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

TEST_KAFKA = os.environ.get("SHIPSETTLE_TEST_KAFKA", "127.0.0.1:19092")
ADMIN_DSN = "postgresql://shipsettle:shipsettle@127.0.0.1:5432/postgres"


async def recreate_database(name: str) -> str:
    """Drop and create ``name``; returns its SQLAlchemy URL."""
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        await connection.execute(f'drop database if exists "{name}" with (force)')
        await connection.execute(f'create database "{name}"')
    finally:
        await connection.close()
    return database_url(name)


def migrations_dir(service_name: str) -> Path:
    return ROOT / SERVICES_BY_NAME[service_name].directory / "migrations"


async def fresh_service_database(service_name: str, suffix: str) -> str:
    """A new database for ``service_name`` with its real migrations applied, as ``make run`` has
    it (owned by the service's migration owner, its runtime role granted what it needs: see
    ``local.recreate_service_database``); returns the owner's URL, for tests that look inside.
    A service process started on it (``local.service_process``) serves as the runtime role."""
    urls = await recreate_service_database(SERVICES_BY_NAME[service_name], suffix)
    return urls.owner


async def eventually(check: Callable[[], Awaitable[T | None]], *, timeout_s: float = 30, interval_s: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout_s``.

    For eventual consistency across the bus: a bounded wait, never a fixed sleep.
    """
    deadline = time.monotonic() + timeout_s
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s}s (last value: {last!r})")


async def envelopes_on_topic(topic: Topic) -> list[tuple[ConsumerRecord, EventEnvelope]]:
    """Every well-formed envelope on ``topic`` so far (read without a group, commits nothing).
    Malformed records, which some tests publish on purpose, are skipped."""
    consumer = AIOKafkaConsumer(**tooling_client_config(TEST_KAFKA), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(str(topic), p) for p in partitions_of(topic)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        found: list[tuple[ConsumerRecord, EventEnvelope]] = []
        while [p for p in partitions if await consumer.position(p) < end[p]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    try:
                        found.append((record, EventEnvelope.from_bytes(record.value)))
                    except ValidationError:
                        continue
        return found
    finally:
        await consumer.stop()


@asynccontextmanager
async def engine_for(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def statement_calls(database: str) -> dict[str, int]:
    """pg_stat_statements' calls per statement text (whitespace folded, lower case) in ``database``
    alone: what PostgreSQL ran, an executemany's every row included."""
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        rows = await connection.fetch(
            "select s.query, s.calls from pg_stat_statements s join pg_database d on d.oid = s.dbid "
            "where d.datname = $1",
            database,
        )
    finally:
        await connection.close()
    return {" ".join(str(row["query"]).split()).lower(): int(row["calls"]) for row in rows}


async def reset_statement_calls(database: str) -> None:
    """Forget ``database``'s statement statistics (only that database's)."""
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        await connection.execute(
            "select pg_stat_statements_reset(0, d.oid, 0) from pg_database d where d.datname = $1", database
        )
    finally:
        await connection.close()


def development_vault(lane: ConnectionLane) -> PersonalDataVault:
    """A personal-data vault on ``lane`` with the development keyring (what the test services use)."""
    return PersonalDataVault(lane, LocalKeyring.parse(DEVELOPMENT_PII_KEYRING), ttl_s=5.0)


def development_blind_index() -> BlindIndex:
    return BlindIndex(base64.b64decode(DEVELOPMENT_PII_BLIND_INDEX_KEY))
