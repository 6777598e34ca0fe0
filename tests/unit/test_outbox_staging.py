"""Staged outbox events (written many per statement by batch handlers) are the same rows
add_to_outbox writes, with the causing event's correlation id when one is given."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from shipsettle_shared import contracts
from shipsettle_shared.logs import correlation_id_var
from shipsettle_shared.outbox import shard_of, stage_event

AT = datetime(2026, 11, 27, 8, tzinfo=UTC)


def _probe() -> contracts.BusProbeSent:
    return contracts.BusProbeSent(probe_id="p-1", target_service="recon-svc", sent_by="order-svc")


def test_a_staged_event_row_carries_the_envelope_as_json_text_and_its_key_s_shard() -> None:
    staged = stage_event(_probe(), producer="order-svc", occurred_at=AT, correlation_id="corr-1")
    row = staged.row()
    assert json.loads(row["envelope_json"]) == staged.envelope.model_dump(mode="json")
    assert row["topic"] == str(contracts.BusProbeSent.topic)
    assert row["message_key"] == staged.envelope.aggregate_id
    assert row["shard"] == shard_of(staged.envelope.aggregate_id)
    assert row["event_id"] == staged.envelope.event_id


def test_a_given_correlation_id_wins_over_the_current_one() -> None:
    token = correlation_id_var.set("request-7")
    try:
        assert stage_event(_probe(), producer="order-svc", occurred_at=AT).envelope.correlation_id == "request-7"
        given = stage_event(_probe(), producer="order-svc", occurred_at=AT, correlation_id="sign-off-3")
        assert given.envelope.correlation_id == "sign-off-3"
    finally:
        correlation_id_var.reset(token)
