"""The order timeline (客服 view): every event about an order, from every service, in one list.

order-svc reads all order-keyed topics into ``order_timeline``. Event types it knows get a
sentence a customer-service agent can read; types added later by other services still appear
(with their type as the summary), because the read model records every event with an order id.

A poll's events are written in one statement per event type (the consumer groups a poll by type
for this projection: see entrypoints/consumers.py), not one statement per event. The timeline is
a set of rows keyed by event id and read in occurred_at order, so the order in which a poll's
rows are written does not matter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from order_svc.service_layer.unit_of_work import OrderUnitOfWork
from shipsettle_shared.contracts import EVENT_PAYLOADS, EventPayload, Topic, read_payload
from shipsettle_shared.messaging.events import EventMetadata, Received
from shipsettle_shared.money import Money

TIMELINE_TOPICS = (Topic.ORDER, Topic.SHIPMENT, Topic.SETTLEMENT, Topic.REFUND, Topic.PAYOUT)
# Every event type of those topics the contract knows today (later ones reach the fallback).
TIMELINE_EVENT_TYPES = tuple(name for name, model in EVENT_PAYLOADS.items() if model.topic in TIMELINE_TOPICS)

KindT = TypeVar("KindT", bound=EventPayload)


@dataclass(frozen=True)
class ReportedEvent:
    """An event as the timeline takes it: its metadata and its payload as sent. The timeline keeps
    every field of every type, those this service's contract does not know (yet) included, so the
    payload is not read into the contract's model here; ``read`` does that for a handler that acts
    on the event (service_layer/messagebus.py)."""

    meta: EventMetadata
    payload: dict[str, Any]

    def read(self, kind: type[KindT]) -> Received[KindT]:
        """The event as a handler takes it: its payload read (tolerantly) into ``kind``."""
        return Received(read_payload(self.payload, kind), self.meta)


def _money(payload: dict[str, Any], name: str) -> str:
    return f"¥{Money(int(payload[name]), payload.get('currency', 'CNY')).to_decimal_string()}"


_SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "OrderPlaced": lambda p: (
        f"Order placed and paid: {_money(p, 'payable_minor')} via {p['payment']['channel']} "
        f"({len(p['lines'])} lines, {len(p['coupons'])} coupons)"
    ),
    "ShippingInfoConfirmed": lambda p: f"Shipping information confirmed (核对发货信息) by {p['confirmed_by']}",
    "ShippingInfoCorrected": lambda p: (
        f"Shipping information corrected by {p['corrected_by']}: {', '.join(p['changed_fields'])} ({p['reason']})"
    ),
    "OrderCancelled": lambda p: f"Order cancelled ({p['reason']}); full refund of {_money(p, 'refund_minor')} due",
    "ShipmentDispatched": lambda p: (
        f"Dispatched with {p['carrier_code']}, tracking number {p['tracking_number']} "
        f"({sum(line['quantity'] for line in p['lines'])} items)"
    ),
    "RefundRequested": lambda p: (
        f"Refund {p['refund_id']} requested ({p['kind']}): {_money(p, 'refund_minor')} for "
        f"{sum(line['units'] for line in p['lines'])} units; {p['reason']}"
    ),
    "RefundApproved": lambda p: f"Refund {p['refund_id']} approved ({p['how']})",
    "RefundRejected": lambda p: f"Refund {p['refund_id']} rejected: {p['reason']}; the buyer may escalate",
    "ReturnShipped": lambda p: (
        f"Goods of refund {p['refund_id']} shipped back with {p['carrier_code']}, tracking number {p['tracking_number']}"
    ),
    "RefundCompleted": lambda p: f"Refund {p['refund_id']} paid to the buyer: {_money(p, 'refund_minor')}",
    "RefundClosed": lambda p: f"Refund {p['refund_id']} closed ({p['outcome']}): {p['reason']}",
}


def summarize(event: ReportedEvent) -> str:
    event_type = event.meta.event_type
    formatter = _SUMMARIES.get(event_type)
    if formatter is None:
        return event_type
    try:
        return formatter(event.payload)
    except (KeyError, TypeError, ValueError):
        return event_type  # a newer payload shape: still listed, just less eloquent


def timeline_row(event: ReportedEvent) -> dict[str, Any] | None:
    """The event's timeline entry; None for an event not about one order (payout batches)."""
    payload, meta = event.payload, event.meta
    order_id = payload.get("order_id")
    if not isinstance(order_id, str):
        return None
    merchant_id = payload.get("merchant_id")
    return {
        "event_id": str(meta.event_id),
        "order_id": order_id,
        "merchant_id": merchant_id if isinstance(merchant_id, str) else None,
        "occurred_at": meta.occurred_at,
        "event_type": meta.event_type,
        "producer": meta.producer,
        "summary": summarize(event),
        "details": timeline_details(payload),
    }


# The timeline is read by customer service, merchants and auditors; none needs the consignee
# (the order has it, masked by role), so the timeline keeps none of it (minimum necessary).
_NOT_ON_THE_TIMELINE = frozenset({"consignee", "consignee_sealed"})


def timeline_details(payload: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in payload.items() if name not in _NOT_ON_THE_TIMELINE}


def timeline_rows(events: Sequence[ReportedEvent]) -> list[dict[str, Any]]:
    """The events' timeline entries, leaving out those not about one order (payout batches)."""
    return [row for row in map(timeline_row, events) if row is not None]


async def record_on_timeline(uow: OrderUnitOfWork, events: Sequence[ReportedEvent]) -> None:
    """Every event about an order onto its timeline, in one statement; redelivered ones are kept
    once (the event id is the key)."""
    await uow.timeline.record(timeline_rows(events))
