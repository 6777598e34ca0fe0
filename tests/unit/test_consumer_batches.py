from __future__ import annotations

from datetime import UTC, datetime

from aiokafka.structs import ConsumerRecord

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


def _for_merchant(merchant_id: str, order_id: str) -> EventEnvelope:
    event = _event("OrderSignedOff")
    return event.model_copy(update={"payload": {"merchant_id": merchant_id, "order_id": order_id}})


def test_a_batch_is_put_in_lock_order_and_one_orders_events_keep_theirs() -> None:
    from shipsettle_shared.messaging.consumer import in_lock_order

    batch = [
        _for_merchant("m-2", "o-1"),
        _for_merchant("m-1", "o-2"),
        _for_merchant("m-2", "o-1"),  # the same order again: must stay after its first event
        _for_merchant("m-1", "o-3"),
    ]
    ordered = in_lock_order(batch, lambda e: str(e.payload["merchant_id"]))
    assert [e.payload["merchant_id"] for e in ordered] == ["m-1", "m-1", "m-2", "m-2"]
    assert [e.event_id for e in ordered if e.payload["order_id"] == "o-1"] == [batch[0].event_id, batch[2].event_id]
    assert [e.event_id for e in ordered if e.payload["merchant_id"] == "m-1"] == [batch[1].event_id, batch[3].event_id]
    assert in_lock_order(batch, None) is batch


async def _fold(*_: object) -> None:
    return None


def test_across_types_consecutive_events_sharing_one_batch_handler_form_one_run() -> None:
    events = [_event(t) for t in ("A", "B", "A", "C", "B", "D", "D")]
    handlers = {"A": _fold, "B": _fold, "D": _noop}
    runs = _runs_of_batchable(events, handlers, across_types=True)
    assert [[e.event_type for e in run] for run in runs] == [["A", "B", "A"], ["C"], ["B"], ["D", "D"]]
    assert [e for run in runs for e in run] == events
    # without the option, a run is still one type
    assert len(_runs_of_batchable(events, handlers)) == 6


def _record(topic: str, partition: int, offset: int) -> ConsumerRecord:
    return ConsumerRecord(topic, partition, offset, 0, 0, None, b"", None, 0, 0, [])


def test_a_polls_lanes_follow_partition_numbers_so_an_orders_events_across_topics_share_one() -> None:
    from shipsettle_shared.messaging.consumer import split_into_lanes

    # order.events and shipment.events are keyed alike: partition 5 of each holds the same orders
    poll = [
        _record("order.events", 5, 10),
        _record("order.events", 2, 7),
        _record("shipment.events", 5, 3),
        _record("order.events", 5, 11),
        _record("refund.events", 9, 1),
    ]
    lanes = split_into_lanes(poll, 3)  # lanes 5 % 3 = 2, 2 % 3 = 2, 9 % 3 = 0
    assert [[(r.topic, r.partition, r.offset) for r in lane] for lane in lanes] == [
        [("refund.events", 9, 1)],
        [("order.events", 5, 10), ("order.events", 2, 7), ("shipment.events", 5, 3), ("order.events", 5, 11)],
    ]
    # one lane: the whole poll, as it came
    assert split_into_lanes(poll, 1) == [poll]
    # as many lanes as partitions: each partition alone, its records in order
    by_partition = split_into_lanes(poll, 12)
    assert [[r.offset for r in lane] for lane in by_partition] == [[7], [10, 3, 11], [1]]
