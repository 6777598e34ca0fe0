"""Writing events: into the outbox, in the caller's transaction. Never straight to Kafka.

A state change and the event that announces it commit together or not at all; the relay
(messaging/relay.py) publishes committed rows later. See SPEC section 4.
"""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.contracts import EventPayload
from shipsettle_shared.db import outbox_table
from shipsettle_shared.envelope import EventEnvelope, uuid7
from shipsettle_shared.logs import current_correlation_id

OUTBOX_SHARDS = 16
_INSERT_OUTBOX_ROW = insert(outbox_table)


def shard_of(message_key: str) -> int:
    """Stable across processes and restarts (unlike ``hash()``), so a key keeps its shard."""
    return zlib.crc32(message_key.encode()) % OUTBOX_SHARDS


def build_envelope(
    payload: EventPayload,
    *,
    producer: str,
    occurred_at: datetime,
    causation_id: uuid.UUID | None = None,
) -> EventEnvelope:
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
        correlation_id=current_correlation_id(),
        causation_id=causation_id,
        payload=checked.model_dump(mode="json"),
    )


@dataclass(frozen=True)
class OutboxRow:
    """An outbox row's columns, for a writer that inserts the row within its own single statement
    (logistics' webhook acknowledgement) rather than through a session; ``envelope_json`` is the
    envelope as JSON text, the form asyncpg takes for JSONB."""

    event_id: uuid.UUID
    topic: str
    message_key: str
    shard: int
    event_type: str
    envelope_json: str


def outbox_row(
    payload: EventPayload,
    *,
    producer: str,
    occurred_at: datetime,
    causation_id: uuid.UUID | None = None,
) -> OutboxRow:
    """The row ``add_to_outbox`` would insert, for the caller to write in its own transaction."""
    envelope = build_envelope(payload, producer=producer, occurred_at=occurred_at, causation_id=causation_id)
    message_key = envelope.aggregate_id
    return OutboxRow(
        event_id=envelope.event_id,
        topic=str(payload.topic),
        message_key=message_key,
        shard=shard_of(message_key),
        event_type=envelope.event_type,
        # Serialised by pydantic itself: the same JSON as model_dump(mode="json"), without the
        # intermediate dicts.
        envelope_json=envelope.model_dump_json(),
    )


async def add_to_outbox(
    session: AsyncSession,
    payload: EventPayload,
    *,
    producer: str,
    occurred_at: datetime,
    causation_id: uuid.UUID | None = None,
) -> EventEnvelope:
    """Stage ``payload`` for publication in the session's current transaction."""
    envelope = build_envelope(payload, producer=producer, occurred_at=occurred_at, causation_id=causation_id)
    message_key = envelope.aggregate_id
    # A prebuilt statement on the session's connection: about half the cost of an ORM execute,
    # and this runs in every state-changing transaction.
    connection = await session.connection()
    await connection.execute(
        _INSERT_OUTBOX_ROW,
        {
            "event_id": envelope.event_id,
            "topic": str(payload.topic),
            "message_key": message_key,
            "shard": shard_of(message_key),
            "event_type": envelope.event_type,
            "envelope": envelope.model_dump(mode="json"),
        },
    )
    return envelope
