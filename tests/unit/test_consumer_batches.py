from __future__ import annotations

from datetime import UTC, datetime

from shipsettle_shared.envelope import EventEnvelope, uuid7
from shipsettle_shared.messaging.consumer import _runs_of_batchable


def _event(event_type: str) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid7(),
        event_type=event_type,
        schema_version=1,
        occurred_at=datetime.now(UTC),
        producer="test",
        aggregate_type="x",
        aggregate_id="1",
        correlation_id="c",
        payload={},
    )


async def _noop(*_: object) -> None:
    return None


def test_batch_handled_events_are_grouped_only_while_consecutive_so_order_is_kept() -> None:
    events = [_event(t) for t in ("A", "A", "B", "A", "B", "B")]
    runs = _runs_of_batchable(events, {"A": _noop})
    assert [[e.event_type for e in run] for run in runs] == [["A", "A"], ["B"], ["A"], ["B"], ["B"]]
    assert [e for run in runs for e in run] == events
