"""Outbox relay: publishes committed outbox rows to Kafka, then marks them published.

Several relay instances may run at once (one per service instance). Each pass claims the outbox
shards with pending rows that nobody else holds, with transaction-scoped advisory locks, publishes those
shards' oldest rows in id order, waits for the broker's acks, and marks them published in the
same transaction. Per-key order holds because a key always maps to one shard and one shard is
published by one relay at a time.

A crash between publish and mark leaves the rows unpublished; the next pass publishes them
again, and the consumers' inbox drops the duplicates. That is the at-least-once half of
exactly-once effects.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shipsettle_shared import metrics
from shipsettle_shared.clock import Clock
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn, outbox_table
from shipsettle_shared.envelope import kafka_headers
from shipsettle_shared.failpoints import failpoint
from shipsettle_shared.loop_slices import in_slices
from shipsettle_shared.outbox import relay_wakeup
from shipsettle_shared.settings import ServiceSettings

logger = logging.getLogger(__name__)

# Namespace of the relay's advisory locks (first key of the two-int form).
_RELAY_LOCK_NAMESPACE = 0x5E7_0B0

# The relay's statements go over a connection of its own, straight through asyncpg ($1, $2, ...):
# a pass is a transaction of three statements at every commit of this process that wrote events,
# and SQLAlchemy's session and statement layers cost the client about twice what the work did
# (bench/db_client_overhead.py, docs/benchmarks.md).
#
# Claims, in one statement, every shard that has pending rows and that no other relay holds: the
# lock function is volatile, so PostgreSQL calls it once per pending shard and never pushes it
# below the DISTINCT. The rows are read by the next statement, whose snapshot is taken after the
# locks are held: rows another relay marked published just before are not published again.
_CLAIM_SHARDS = (
    "select shard from (select distinct shard from outbox where published_at is null) pending "
    "where pg_try_advisory_xact_lock($1, shard)"
)
# The stored envelope is sent as the database renders it (valid JSON, which
# EventEnvelope.from_bytes reads), never parsed and serialised again here: it was validated when
# it was written. The headers come from the row's columns and two fields of the envelope.
_PENDING_ROWS = (
    "select id, topic, message_key, event_id, event_type, envelope::text as envelope_json, "
    "envelope->>'schema_version' as schema_version, envelope->>'correlation_id' as correlation_id "
    "from outbox where published_at is null and shard = any($1::smallint[]) order by id limit $2"
)
_MARK_PUBLISHED = "update outbox set published_at = now() where id = any($1::bigint[])"
# Whether anything waits, in one autocommitted round trip (the partial index of unpublished rows):
# an idle relay's poll costs this statement alone, not a transaction claiming shards.
_ANY_PENDING = "select exists (select from outbox where published_at is null)"


class OutboxRelay:
    def __init__(
        self, settings: ServiceSettings, engine: AsyncEngine, producer: AIOKafkaProducer, clock: Clock
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._producer = producer
        self._clock = clock
        self._stopping = asyncio.Event()
        # one connection, opened at the first pass; a lost one is opened again at the next
        self._lane = ConnectionLane(asyncpg_dsn(engine.url.render_as_string(hide_password=False)), 1)

    def stop(self) -> None:
        self._stopping.set()
        relay_wakeup.notify()

    async def run(self) -> None:
        try:
            await self._relay()
        finally:
            await self.close()

    async def close(self) -> None:
        """Close the relay's connection (``run`` does, when it stops)."""
        await self._lane.close()

    async def _relay(self) -> None:
        # Woken by this process's commits of outbox rows; the idle poll only finds rows that
        # other processes wrote (another instance, a CLI), so it can be slow.
        idle_s = self._settings.outbox_idle_poll_ms / 1000
        passes = 0
        idle_poll = True  # the first pass, like every poll no commit of this process woke, looks first
        while not self._stopping.is_set():
            seen = relay_wakeup.generation
            try:
                published = await self.publish_pending(look_first=idle_poll)
                passes += 1
                if passes % 500 == 0:
                    await self.purge_published()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("outbox relay pass failed; rows stay pending and are retried")
                published = 0
                await asyncio.sleep(1.0)
            idle_poll = False
            if published == 0 and not self._stopping.is_set():
                await relay_wakeup.wait_past(seen, idle_s)
                idle_poll = relay_wakeup.generation == seen  # not woken by a commit of this process

    async def publish_pending(self, *, look_first: bool = False) -> int:
        """One pass: publish up to a batch of pending rows from the shards this relay holds.
        ``look_first``: an idle poll, that first asks whether any row waits at all."""
        async with self._lane.connection() as connection:
            if look_first and not await connection.fetchval(_ANY_PENDING):
                return 0
            async with connection.transaction():
                shards = [row["shard"] for row in await connection.fetch(_CLAIM_SHARDS, _RELAY_LOCK_NAMESPACE)]
                if not shards:
                    return 0
                rows = await connection.fetch(_PENDING_ROWS, shards, self._settings.outbox_batch_size)
                if not rows:
                    return 0
                # in slices: a batch of rows handed to the producer's buffer never waits, and would
                # hold the event loop (and the requests it serves) for the whole batch
                deliveries = [
                    await self._producer.send(
                        row["topic"],
                        value=row["envelope_json"].encode(),
                        key=row["message_key"].encode(),
                        headers=kafka_headers(
                            row["event_type"], row["schema_version"], row["correlation_id"], row["event_id"]
                        ),
                    )
                    async for row in in_slices(rows)
                ]
                # Wait for every ack before marking anything: an unacknowledged row stays pending.
                await asyncio.gather(*deliveries)
                failpoint("relay.after_publish")
                await connection.execute(_MARK_PUBLISHED, [row["id"] for row in rows])
        metrics.outbox_published_total.inc(len(rows))
        return len(rows)

    async def backlog(self) -> int:
        async with self._engine.connect() as connection:
            count = await connection.scalar(
                select(func.count()).select_from(outbox_table).where(outbox_table.c.published_at.is_(None))
            )
        metrics.outbox_backlog_rows.set(count or 0)
        return int(count or 0)

    async def purge_published(self) -> None:
        """Published rows are kept a while for investigation, then removed."""
        cutoff = self._clock.now() - timedelta(hours=self._settings.outbox_retention_hours)
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(outbox_table).where(
                    outbox_table.c.published_at.is_not(None), outbox_table.c.published_at < cutoff
                )
            )
