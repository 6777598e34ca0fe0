"""The order timeline (客服 view): every event about an order, from every service, in one list.

order-svc reads all order-keyed topics into ``order_timeline``. Event types it knows get a
sentence a customer-service agent can read; types added later by other services still appear
(with their type as the summary), because the read model records every event with an order id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.adapters.tables import TimelineEntryRow
from shipsettle_shared.contracts import Topic
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import Subscription
from shipsettle_shared.money import Money

TIMELINE_TOPICS = (Topic.ORDER, Topic.SHIPMENT, Topic.SETTLEMENT, Topic.REFUND, Topic.PAYOUT)


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


async def record_on_timeline(session: AsyncSession, envelope: EventEnvelope) -> None:
    order_id = envelope.payload.get("order_id")
    if not isinstance(order_id, str):
        return  # e.g. payout batches: not about one order
    merchant_id = envelope.payload.get("merchant_id")
    await session.execute(
        insert(TimelineEntryRow)
        .values(
            event_id=str(envelope.event_id),
            order_id=order_id,
            merchant_id=merchant_id if isinstance(merchant_id, str) else None,
            occurred_at=envelope.occurred_at,
            event_type=envelope.event_type,
            producer=envelope.producer,
            summary=summarize(envelope),
            details=envelope.payload,
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
    )


def timeline_subscription() -> Subscription:
    return Subscription(group_id="order-svc.timeline", topics=TIMELINE_TOPICS, fallback=record_on_timeline)
