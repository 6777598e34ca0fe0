from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shipsettle_shared import contracts
from shipsettle_shared.auth import generate_key, hash_secret, split_key
from shipsettle_shared.envelope import EventEnvelope, uuid7
from shipsettle_shared.outbox import OUTBOX_SHARDS, shard_of, stage_event


def test_event_ids_are_version_7_uuids_ordered_by_creation_time() -> None:
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert first.version == 7
    assert second.version == 7
    assert first.variant == uuid.RFC_4122
    assert first < second


def test_an_envelope_survives_the_wire_and_ignores_fields_it_does_not_know() -> None:
    envelope = EventEnvelope(
        event_id=uuid7(),
        event_type="BusProbeSent",
        schema_version=1,
        occurred_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        producer="order-svc",
        aggregate_type="bus_probe",
        aggregate_id="p-1",
        correlation_id="c-1",
        payload={"probe_id": "p-1"},
    )
    assert EventEnvelope.from_bytes(envelope.to_bytes()) == envelope
    newer = envelope.to_bytes().replace(b'"payload"', b'"added_in_a_later_version":1,"payload"')
    assert EventEnvelope.from_bytes(newer) == envelope


def test_api_keys_store_only_a_keyed_hash_and_split_into_id_and_secret() -> None:
    issued = generate_key("pepper")
    key_id, secret = split_key(issued.api_key)  # type: ignore[misc]
    assert key_id == issued.key_id
    assert secret not in issued.secret_hash
    assert issued.secret_hash == hash_secret(secret, "pepper")
    assert issued.secret_hash != hash_secret(secret, "another-pepper")
    assert split_key("not-a-key") is None
    assert split_key("ss_onlyid") is None


def test_a_message_key_always_maps_to_the_same_outbox_shard() -> None:
    assert shard_of("order-42") == shard_of("order-42")
    assert {shard_of(f"order-{n}") for n in range(500)} == set(range(OUTBOX_SHARDS))


def test_a_staged_outbox_event_refuses_a_payload_that_bypassed_validation() -> None:
    unchecked = contracts.CarrierScansReceived.model_construct(source="aftership", delivery_id="evt-1", scans=[])
    with pytest.raises(ValidationError, match="tracking_number"):
        stage_event(unchecked, producer="logistics-svc", occurred_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
