"""Writing events: into the outbox, in the caller's transaction. Never straight to Kafka.

A state change and the event that announces it commit together or not at all; the relay
(messaging/relay.py) publishes committed rows later. See SPEC section 4.

A commit that wrote outbox rows wakes this process's relay at once (``relay_wakeup``), so the
relay need not poll often: polling stays only for rows other processes write.
"""

from __future__ import annotations

import asyncio
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, event, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from shipsettle_shared.contracts import EventPayload
from shipsettle_shared.db import outbox_table
from shipsettle_shared.envelope import EventEnvelope, uuid7
from shipsettle_shared.logs import current_correlation_id

OUTBOX_SHARDS = 16
# The envelope goes in as JSON text serialised by pydantic (in Rust) and cast by the database:
# a quarter of the cost of a dict dumped again by the json module, on every state change.
_INSERT_OUTBOX_ROW = insert(outbox_table).values(envelope=cast(bindparam("envelope_json", type_=Text), JSONB))


class RelayWakeup:
    """A generation counter that commits of outbox rows advance. A relay remembers the
    generation it has seen and waits for a newer one (or its idle timeout): a commit that lands
    while it publishes is never missed, and several relays in one process all wake."""

    def __init__(self) -> None:
        self.generation = 0
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        self.generation += 1
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    @property
    def waiting(self) -> int:
        """How many relays wait for a commit now (what a test waits for before it commits)."""
        return len(self._waiters)

    async def wait_past(self, seen: int, timeout_s: float) -> None:
        """Return once the generation differs from ``seen``, or after ``timeout_s``."""
        if self.generation != seen:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, timeout_s)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)


relay_wakeup = RelayWakeup()
_WAKES_RELAY = "shipsettle.wakes_relay"


def wake_relay_after_commit(session: AsyncSession) -> None:
    """Marks the transaction: its commit (not the write, which may still roll back) wakes the
    relay. A flag per write, read by one listener for every session."""
    session.sync_session.info[_WAKES_RELAY] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(_WAKES_RELAY, False):
        relay_wakeup.notify()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback keeps the writes made before it
        session.info.pop(_WAKES_RELAY, None)  # nothing was committed: nobody to wake


def shard_of(message_key: str) -> int:
    """Stable across processes and restarts (unlike ``hash()``), so a key keeps its shard."""
    return zlib.crc32(message_key.encode()) % OUTBOX_SHARDS


def build_envelope(
    payload: EventPayload,
    *,
    producer: str,
    occurred_at: datetime,
    causation_id: uuid.UUID | None = None,
    correlation_id: str | None = None,
) -> EventEnvelope:
    """``correlation_id``: the causing event's, for batch handlers that apply several events at
    once; by default the current one (a request's, or the event the consumer is applying)."""
    # Validate again on the way out: a payload built with model_construct must not slip by.
    checked = type(payload).model_validate(payload.model_dump())
    return EventEnvelope(
        event_id=uuid7(),
        event_type=checked.event_type,
        schema_version=checked.schema_version,
        occurred_at=occurred_at,
        producer=producer,
        aggregate_type=checked.aggregate_type,
        aggregate_id=checked.aggregate_id(),
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id,
        payload=checked.model_dump(mode="json"),
    )


@dataclass(frozen=True)
class StagedEvent:
    """An event built for the outbox but not written yet: batch handlers build one per effect,
    then write them all in one statement (``add_staged_to_outbox``)."""

    topic: str
    envelope: EventEnvelope

    def row(self) -> dict[str, Any]:
        message_key = self.envelope.aggregate_id
        return {
            "event_id": self.envelope.event_id,
            "topic": self.topic,
            "message_key": message_key,
            "shard": shard_of(message_key),
            "event_type": self.envelope.event_type,
            "envelope_json": self.envelope.model_dump_json(),
        }


def stage_event(
    payload: EventPayload,
    *,
    producer: str,
    occurred_at: datetime,
    causation_id: uuid.UUID | None = None,
    correlation_id: str | None = None,
) -> StagedEvent:
    envelope = build_envelope(
        payload, producer=producer, occurred_at=occurred_at, causation_id=causation_id, correlation_id=correlation_id
    )
    return StagedEvent(str(payload.topic), envelope)


# Staged events in one statement whose text is the same for any number of them (an executemany
# ran, and pg_stat_statements counted, one INSERT per event). Ids follow the staged order. A unit
# of work that writes all it staged in one statement (logistics', refund-svc's) runs it as one of
# its data-modifying CTEs, with ``outbox_parameters``.
OUTBOX_INSERT = """
    insert into outbox (event_id, topic, message_key, shard, event_type, envelope)
    select r.event_id, r.topic, r.message_key, r.shard, r.event_type, cast(r.envelope_json as jsonb)
    from unnest(
        cast(:event_ids as uuid[]), cast(:topics as text[]), cast(:message_keys as text[]),
        cast(:shards as integer[]), cast(:event_types as text[]), cast(:envelopes as text[])
    ) with ordinality as r(event_id, topic, message_key, shard, event_type, envelope_json, position)
    order by r.position
"""
_INSERT_OUTBOX_ROWS = text(OUTBOX_INSERT)


def outbox_parameters(staged: Sequence[StagedEvent]) -> dict[str, list[Any]]:
    """``OUTBOX_INSERT``'s parameters: the staged events' columns, one array each."""
    rows = [staged_event.row() for staged_event in staged]
    return {
        "event_ids": [row["event_id"] for row in rows],
        "topics": [row["topic"] for row in rows],
        "message_keys": [row["message_key"] for row in rows],
        "shards": [row["shard"] for row in rows],
        "event_types": [row["event_type"] for row in rows],
        "envelopes": [row["envelope_json"] for row in rows],
    }


async def add_staged_to_outbox(session: AsyncSession, staged: Sequence[StagedEvent]) -> None:
    """Write staged events into the outbox in the session's current transaction, in their order
    (the relay publishes by id), in one statement."""
    if not staged:
        return
    connection = await session.connection()
    await connection.execute(_INSERT_OUTBOX_ROWS, outbox_parameters(staged))
    wake_relay_after_commit(session)


async def add_to_outbox(
    session: AsyncSession,
    payload: EventPayload,
    *,
    producer: str,
    occurred_at: datetime,
    causation_id: uuid.UUID | None = None,
) -> EventEnvelope:
    """Stage ``payload`` for publication in the session's current transaction."""
    staged = stage_event(payload, producer=producer, occurred_at=occurred_at, causation_id=causation_id)
    # A prebuilt statement on the session's connection: about half the cost of an ORM execute,
    # and this runs in every state-changing transaction.
    connection = await session.connection()
    await connection.execute(_INSERT_OUTBOX_ROW, staged.row())
    wake_relay_after_commit(session)
    return staged.envelope
