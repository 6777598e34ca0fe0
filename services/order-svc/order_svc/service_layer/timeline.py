"""The order timeline (客服 view): every event about an order, from every service, in one list.

order-svc reads all order-keyed topics into ``order_timeline``. Event types it knows get a
sentence a customer-service agent can read; types added later by other services still appear
(with their type as the summary), because the read model records every event with an order id.

A poll's events are written in one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per event type
(the consumer groups a poll by type for this projection: see entrypoints/consumers.py), not one
statement per event. The timeline is a set of rows keyed by event id and read in occurred_at
order, so the order in which a poll's rows are written does not matter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.adapters.order_watch import ORDER_CHANGED_CHANNEL, wakes_long_polls
from shipsettle_shared.contracts import EVENT_PAYLOADS, Topic
from shipsettle_shared.db import ConnectionLane, json_rows
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.money import Money

TIMELINE_TOPICS = (Topic.ORDER, Topic.SHIPMENT, Topic.SETTLEMENT, Topic.REFUND, Topic.PAYOUT)
# Every event type of those topics the contract knows today (later ones reach the fallback).
TIMELINE_EVENT_TYPES = tuple(name for name, model in EVENT_PAYLOADS.items() if model.topic in TIMELINE_TOPICS)


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


def summarize(envelope: EventEnvelope) -> str:
    formatter = _SUMMARIES.get(envelope.event_type)
    if formatter is None:
        return envelope.event_type
    try:
        return formatter(envelope.payload)
    except (KeyError, TypeError, ValueError):
        return envelope.event_type  # a newer payload shape: still listed, just less eloquent


def timeline_row(envelope: EventEnvelope) -> dict[str, Any] | None:
    """The event's timeline entry; None for an event not about one order (payout batches)."""
    order_id = envelope.payload.get("order_id")
    if not isinstance(order_id, str):
        return None
    merchant_id = envelope.payload.get("merchant_id")
    return {
        "event_id": str(envelope.event_id),
        "order_id": order_id,
        "merchant_id": merchant_id if isinstance(merchant_id, str) else None,
        "occurred_at": envelope.occurred_at,
        "event_type": envelope.event_type,
        "producer": envelope.producer,
        "summary": summarize(envelope),
        "details": timeline_details(envelope.payload),
    }


# The timeline is read by customer service, merchants and auditors; none needs the consignee
# (the order has it, masked by role), so the timeline keeps none of it (minimum necessary).
_NOT_ON_THE_TIMELINE = frozenset({"consignee", "consignee_sealed"})


def timeline_details(payload: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in payload.items() if name not in _NOT_ON_THE_TIMELINE}


def waking_event_ids(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The timeline rows whose event may bring their order to a stage a long-poll waits for."""
    return [row["event_id"] for row in rows if wakes_long_polls(row["event_type"], row["details"])]


# One statement text for any number of rows (a multi-row VALUES is compiled and prepared again
# for every row count); a row added that may bring its order to a stage (its event id among
# :waking) returns a notification for the order's long-polls.
_RECORD_ON_TIMELINE = text(
    """
    insert into order_timeline (event_id, order_id, merchant_id, occurred_at, event_type, producer, summary, details)
    select r.event_id, r.order_id, r.merchant_id, r.occurred_at, r.event_type, r.producer, r.summary, r.details
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        event_id text, order_id text, merchant_id text, occurred_at timestamptz, event_type text, producer text,
        summary text, details jsonb
    )
    on conflict (event_id) do nothing
    returning case when event_id = any(cast(:waking as text[])) then pg_notify(cast(:channel as text), order_id) end
    """
)


# A poll of events whose only effect is the timeline, with its inbox rows, in one autocommitted
# statement (OneStatementPoll): only the events whose inbox row is new reach the timeline.
_RECORD_POLL = """
with fresh as (
    insert into processed_events (consumer, event_id, event_type)
    select $1, e.event_id, e.event_type from unnest($2::uuid[], $3::text[]) as e(event_id, event_type)
    on conflict do nothing
    returning event_id
), recorded as (
    insert into order_timeline (event_id, order_id, merchant_id, occurred_at, event_type, producer, summary, details)
    select r.event_id, r.order_id, r.merchant_id, r.occurred_at, r.event_type, r.producer, r.summary, r.details
    from jsonb_to_recordset($4::jsonb) as r(
        event_id text, order_id text, merchant_id text, occurred_at timestamptz, event_type text, producer text,
        summary text, details jsonb
    )
    where r.event_id::uuid in (select event_id from fresh)
    on conflict (event_id) do nothing
    returning case when event_id = any($6::text[]) then pg_notify($5, order_id) end
)
select event_id, (select count(*) from recorded) as recorded from fresh
"""


async def record_poll_on_timeline(lane: ConnectionLane, group: str, envelopes: Sequence[EventEnvelope]) -> set[Any]:
    """A poll's events into the inbox of ``group`` and, those new there, onto their orders'
    timelines (waking their long-polls), in one statement; returns the ids new in the inbox."""
    rows = [row for row in map(timeline_row, envelopes) if row is not None]
    async with lane.connection() as connection:
        inserted = await connection.fetch(
            _RECORD_POLL,
            group,
            [envelope.event_id for envelope in envelopes],
            [envelope.event_type for envelope in envelopes],
            json_rows(rows),
            ORDER_CHANGED_CHANNEL,
            waking_event_ids(rows),
        )
    return {record["event_id"] for record in inserted}


async def record_many_on_timeline(session: AsyncSession, envelopes: Sequence[EventEnvelope]) -> None:
    """Every event about an order onto its timeline, in one statement; redelivered ones are kept
    once (the event id is the key)."""
    rows = [row for row in map(timeline_row, envelopes) if row is not None]
    if rows:
        # a row that may bring its order to a stage wakes the order's long-polls, in any instance, once this commits
        await session.execute(
            _RECORD_ON_TIMELINE,
            {"rows": json_rows(rows), "channel": ORDER_CHANGED_CHANNEL, "waking": waking_event_ids(rows)},
        )


async def record_on_timeline(session: AsyncSession, envelope: EventEnvelope) -> None:
    await record_many_on_timeline(session, [envelope])
