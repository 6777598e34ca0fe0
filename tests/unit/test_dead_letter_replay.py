"""Which dead letters a service may replay through its own outbox (dead_letters.py): only its
own events, as envelopes, on topics its principal writes. The audited replay itself, on real
PostgreSQL and Kafka: tests/integration/test_dead_letters.py."""

from __future__ import annotations

from datetime import UTC, datetime

from shipsettle_shared.contracts import BusProbeSent, Topic
from shipsettle_shared.dead_letters import DeadLetter, letter_target, why_not_replayable
from shipsettle_shared.outbox import build_envelope

SENT_AT = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)


def _letter(value: bytes, origin_topic: str = str(Topic.DIAGNOSTICS)) -> DeadLetter:
    headers = (("dl_origin_topic", origin_topic.encode()), ("dl_consumer_group", b"settlement-svc.diagnostics"))
    return DeadLetter(partition=2, offset=17, key=b"probe-1", value=value, headers=headers)


def _probe_by(producer: str) -> bytes:
    probe = BusProbeSent(probe_id="probe-1", target_service="settlement-svc", sent_by=producer)
    return build_envelope(probe, producer=producer, occurred_at=SENT_AT).model_dump_json().encode()


def test_a_service_replays_its_own_event_on_a_topic_it_writes() -> None:
    assert why_not_replayable(_letter(_probe_by("order-svc")), "order-svc") is None


def test_another_producers_event_is_left_to_that_producer() -> None:
    assert why_not_replayable(_letter(_probe_by("recon-svc")), "order-svc") == (
        "its event was produced by recon-svc, not order-svc"
    )


def test_a_topic_the_service_does_not_write_is_refused_before_the_body_is_read() -> None:
    assert why_not_replayable(_letter(b"{}", origin_topic=str(Topic.LEDGER)), "order-svc") == (
        "its origin topic 'ledger.events' is not written by order-svc"
    )


def test_bytes_that_are_no_envelope_are_refused_as_they_would_fail_again() -> None:
    assert why_not_replayable(_letter(b"not json"), "order-svc") == "it is not an event envelope (it would fail again)"


def test_the_audit_target_is_the_letters_place_on_the_dead_letter_topic() -> None:
    assert letter_target(_letter(b"")) == "deadletter.events/2/17"
