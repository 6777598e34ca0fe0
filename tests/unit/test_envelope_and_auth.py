from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shipsettle_shared import contracts
from shipsettle_shared.auth import generate_key, hash_secret, split_key
from shipsettle_shared.envelope import EventEnvelope, uuid7
from shipsettle_shared.outbox import OUTBOX_SHARDS, outbox_row, shard_of


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


def test_an_outbox_row_for_a_single_statement_writer_holds_the_envelope_as_the_relay_reads_it() -> None:
    payload = contracts.CarrierScansReceived(
        source="aftership",
        delivery_id="evt-1",
        tracking_number="SF1234567890123",
        scans=[contracts.ReceivedScan(status="in_transit", occurred_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))],
    )
    row = outbox_row(payload, producer="logistics-svc", occurred_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC))

    assert (row.topic, row.message_key, row.event_type) == (
        "tracking.events",
        "SF1234567890123",
        "CarrierScansReceived",
    )
    assert row.shard == shard_of("SF1234567890123")
    stored = json.loads(row.envelope_json)
    envelope = EventEnvelope.model_validate(stored)
    # The same JSON add_to_outbox stores (model_dump(mode="json")), so the relay cannot tell them apart.
    assert stored == envelope.model_dump(mode="json")
    assert envelope.event_id == row.event_id
    assert contracts.CarrierScansReceived.model_validate(envelope.payload) == payload


def test_an_outbox_row_refuses_a_payload_that_bypassed_validation() -> None:
    unchecked = contracts.CarrierScansReceived.model_construct(source="aftership", delivery_id="evt-1", scans=[])
    with pytest.raises(ValidationError, match="tracking_number"):
        outbox_row(unchecked, producer="logistics-svc", occurred_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
