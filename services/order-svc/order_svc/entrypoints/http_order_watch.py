"""HTTP: watching an order: the order now, or as soon as it reaches a stage (long-poll), and its
timeline, every event about it from every service (客服 view)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from order_svc.adapters.order_watch import order_watch
from order_svc.adapters.repository import OrderRepository
from order_svc.domain.orders import Order, OrderStatus
from order_svc.entrypoints.http_common import order_for_reader, statements
from order_svc.entrypoints.http_models import OrderRead, OrderTimelinePage
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import Principal, Readers
from shipsettle_shared.db import snapshot
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, PageQuery, page_body
from shipsettle_shared.problems import NotFound, validation_problem
from shipsettle_shared.service import ServiceRuntime

router = APIRouter(prefix="/v1/orders", tags=["orders"])


MAX_WAIT_S = 25


class OrderStage(StrEnum):
    """What a long-poll can wait for: the order's own statuses, and ``delivered`` (every parcel
    dispatched so far reported delivered or signed off by logistics, on the order's timeline)."""

    PLACED = OrderStatus.PLACED.value
    CONFIRMED = OrderStatus.CONFIRMED.value
    PARTIALLY_DISPATCHED = OrderStatus.PARTIALLY_DISPATCHED.value
    DISPATCHED = OrderStatus.DISPATCHED.value
    CANCELLED = OrderStatus.CANCELLED.value
    DELIVERED = "delivered"


async def _reached(
    runtime: ServiceRuntime, order_id: str, principal: Principal, until: set[OrderStage]
) -> tuple[Order, bool]:
    """The order and whether it is at one of the stages ``until`` names: one read (the order, and
    its parcels' delivery from its timeline only when ``delivered`` is asked for)."""
    look = await statements(runtime).look(order_id, with_parcels=OrderStage.DELIVERED in until)
    if look is None:
        raise NotFound("order", order_id)
    order = look.order
    principal.require_merchant_access(order.merchant_id, "order", order_id)
    if order.status.value in until:
        return order, True
    delivered = bool(look.shipments) and look.delivered_shipments == look.shipments
    return order, order.status is OrderStatus.DISPATCHED and OrderStage.DELIVERED in until and delivered


@router.get(
    "/{order_id}",
    operation_id="orders.read",
    summary="One order with its priced breakdown; with ?until=&wait=, as soon as it reaches a stage (long-poll)",
    **answers(OrderRead, 404),
)
async def read_order(
    order_id: IdPath,
    request: Request,
    principal: Readers,
    until: Annotated[
        list[OrderStage] | None,
        Query(
            description="Long-poll: answer as soon as the order is at one of these stages (repeat the "
            "parameter for several). `delivered`: every parcel dispatched so far delivered or signed "
            "off, as logistics reported it. The answer then carries `reached`."
        ),
    ] = None,
    wait: Annotated[
        float | None,
        Query(
            gt=0,
            le=MAX_WAIT_S,
            description=f"Long-poll: the most seconds to wait for `until` (at most {MAX_WAIT_S}); "
            "at the end the order is answered as it is, with `reached: false`. Without it, no wait.",
        ),
    ] = None,
) -> dict[str, Any]:
    """Without ``until``: the order now. With it: the order once it reaches one of the stages, or
    after ``wait`` seconds (``reached`` says which), so a platform backend need not poll. An
    unknown order, or another merchant's: 404 at once."""
    runtime: ServiceRuntime = request.app.state.runtime
    if until is None:
        if wait is not None:
            raise validation_problem([("query.wait", "waits for the stages named in until; name at least one")])
        order, _ = await _reached(runtime, order_id, principal, set())
        return order_for_reader(order, principal)
    stages = set(until)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + (wait or 0.0)
    watch = order_watch(runtime)
    while True:
        order, reached = await _reached(runtime, order_id, principal, stages)
        remaining = deadline - loop.time()
        if reached or remaining <= 0:
            break
        await watch.changed(order_id, remaining)
    return {**order_for_reader(order, principal), "until": sorted(stages), "reached": reached}


@router.get(
    "/{order_id}/timeline",
    operation_id="orders.timeline",
    summary="The order's whole life, for customer service (客服), oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(OrderTimelinePage, 404),
)
async def order_timeline(order_id: IdPath, request: Request, principal: Readers, page: PageQuery) -> dict[str, Any]:
    """Another merchant's or an unknown order: 404; a cursor of another listing: 422."""
    after = page.after(datetime, str)
    runtime = request.app.state.runtime
    async with snapshot(runtime.sessions) as session:
        repository = OrderRepository(session, runtime.personal_data)
        order = await repository.get(order_id)
        if order is None:
            raise NotFound("order", order_id)
        principal.require_merchant_access(order.merchant_id, "order", order_id)
        entries = await repository.timeline(order_id, after=after, limit=page.limit + 1)
    shown, next_cursor = page.page(entries, lambda entry: (entry.occurred_at, entry.event_id))
    return page_body(
        [
            {
                "occurred_at": entry.occurred_at.isoformat(),
                "event_type": entry.event_type,
                "producer": entry.producer,
                "summary": entry.summary,
                "event_id": entry.event_id,
                "details": entry.details,
            }
            for entry in shown
        ],
        next_cursor,
        order_id=order_id,
        status=order.status.value,
    )
