"""The event envelope every message on the bus carries (SPEC section 4).

Event ids are UUIDv7 (RFC 9562): unique and time-ordered, so ids sort by creation time and
index well. The payload schema of each event type lives in ``contracts``; the envelope only
carries it as a JSON object.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48-bit Unix ms, then 74 random bits."""
    unix_ms = time.time_ns() // 1_000_000
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((random_bits >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= random_bits & ((1 << 62) - 1)  # rand_b
    return uuid.UUID(int=value)


class EventEnvelope(BaseModel):
    """What goes on the wire. Consumers read tolerantly: unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: uuid.UUID
    event_type: str
    schema_version: int = Field(ge=1)
    occurred_at: datetime
    producer: str
    aggregate_type: str
    aggregate_id: str
    correlation_id: str
    causation_id: uuid.UUID | None = None
    payload: dict[str, Any]

    def to_bytes(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> EventEnvelope:
        return cls.model_validate_json(raw)

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return kafka_headers(self.event_type, self.schema_version, self.correlation_id, self.event_id)


def kafka_headers(
    event_type: str, schema_version: int | str, correlation_id: str, event_id: uuid.UUID | str
) -> list[tuple[str, bytes]]:
    """The headers every record on the bus carries beside its envelope: consumers route on
    ``event_type`` before they read the body. The relay builds them from the outbox row's columns
    without parsing the stored envelope."""
    return [
        ("event_type", event_type.encode()),
        ("schema_version", str(schema_version).encode()),
        ("correlation_id", correlation_id.encode()),
        ("event_id", str(event_id).encode()),
    ]
