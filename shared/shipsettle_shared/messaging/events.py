"""An event as a handler takes it: its typed payload and its metadata, never the envelope.

The entrypoint (a service's consumers, or its replay of events it parked) reads the envelope once
(``received``): the payload tolerantly into the contract's model of its type, the rest into
``EventMetadata``. Below it, handlers see ``(payload, metadata)``; an event a handler must keep
for later (parked until its order is known) is kept in its stored form, ``parked_form``, and
read back with ``received`` again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from shipsettle_shared import contracts
from shipsettle_shared.envelope import EventEnvelope

PayloadT = TypeVar("PayloadT", bound=contracts.EventPayload)
KindT = TypeVar("KindT", bound=contracts.EventPayload)


@dataclass(frozen=True)
class EventMetadata:
    """Who said it, when, about what and in answer to what: the envelope without its payload."""

    event_id: uuid.UUID
    event_type: str
    schema_version: int
    occurred_at: datetime
    producer: str
    aggregate_type: str
    aggregate_id: str
    correlation_id: str
    causation_id: uuid.UUID | None = None

    @classmethod
    def of(cls, envelope: EventEnvelope) -> EventMetadata:
        return cls(
            event_id=envelope.event_id,
            event_type=envelope.event_type,
            schema_version=envelope.schema_version,
            occurred_at=envelope.occurred_at,
            producer=envelope.producer,
            aggregate_type=envelope.aggregate_type,
            aggregate_id=envelope.aggregate_id,
            correlation_id=envelope.correlation_id,
            causation_id=envelope.causation_id,
        )


@dataclass(frozen=True)
class Received(Generic[PayloadT]):
    """One event as its handler takes it."""

    payload: PayloadT
    meta: EventMetadata

    def of_kind(self, kind: type[KindT]) -> Received[KindT]:
        """This event, known to carry a ``kind`` (raises ValueError if it does not)."""
        if not isinstance(self.payload, kind):
            raise ValueError(f"{self.meta.event_type} is not a {kind.event_type}")
        return cast(Received[KindT], self)

    def parked_form(self) -> dict[str, Any]:
        """The event as an envelope's JSON, to keep and read back with ``received``: the metadata
        and the payload's fields this service knows (what it did not know it could not use)."""
        meta = self.meta
        return EventEnvelope(
            event_id=meta.event_id,
            event_type=meta.event_type,
            schema_version=meta.schema_version,
            occurred_at=meta.occurred_at,
            producer=meta.producer,
            aggregate_type=meta.aggregate_type,
            aggregate_id=meta.aggregate_id,
            correlation_id=meta.correlation_id,
            causation_id=meta.causation_id,
            payload=self.payload.model_dump(mode="json"),
        ).model_dump(mode="json")


def received(envelope: EventEnvelope | Mapping[str, Any]) -> Received[contracts.EventPayload]:
    """The envelope (or its stored JSON) read into the contract's model of its type (tolerantly:
    unknown fields are dropped) and its metadata. Raises ValueError for a type the contract does
    not know, pydantic's ValidationError (a ValueError) for one that breaks its contract."""
    if not isinstance(envelope, EventEnvelope):
        envelope = EventEnvelope.model_validate(envelope)
    model = contracts.EVENT_PAYLOADS.get(envelope.event_type)
    if model is None:
        raise ValueError(f"no contract for event type {envelope.event_type}")
    payload = contracts.read_payload(envelope.payload, model)
    return Received(payload, EventMetadata.of(envelope))
