"""order-svc's one table of the events it consumes: each goes onto its order's timeline, and those
that change their order (a dispatch makes its shipping information final) go on to their handler
here, in the same transaction.

A handler takes the unit of work and a run of events of its type as ``Received`` (typed payload
and metadata, shipsettle_shared.messaging.events), never the envelope. order-svc parks nothing:
logistics dispatches only orders it learned from us.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from itertools import groupby

from order_svc.service_layer import orders
from order_svc.service_layer.timeline import ReportedEvent, record_on_timeline
from order_svc.service_layer.unit_of_work import OrderUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.consumer import PermanentEventError

RunHandler = Callable[[OrderUnitOfWork, Sequence[ReportedEvent], datetime], Awaitable[None]]


async def _dispatched(uow: OrderUnitOfWork, events: Sequence[ReportedEvent], now: datetime) -> None:
    try:
        await orders.record_dispatches(uow, [event.read(contracts.ShipmentDispatched) for event in events], now=now)
    except orders.OrderNotFound as error:
        # Logistics dispatches only orders it learned from us: no retry can make this one
        # exist, so it goes to the dead-letter topic at once instead of stalling the partition
        # (a batch that holds it is retried one event at a time, the others applied).
        raise PermanentEventError(f"dispatch of unknown order {error.order_id}") from error


HANDLERS: dict[type[contracts.EventPayload], RunHandler] = {contracts.ShipmentDispatched: _dispatched}
_BY_EVENT_TYPE = {kind.event_type: handler for kind, handler in HANDLERS.items()}
EVENT_TYPES = tuple(_BY_EVENT_TYPE)


async def handle(uow: OrderUnitOfWork, events: Sequence[ReportedEvent], *, now: datetime) -> None:
    """Every event about an order onto its timeline (one statement), then each run of events of
    one type that changes orders through its handler, in their order. Raises PermanentEventError
    for a dispatch of an order unknown here, and pydantic's ValidationError for a payload that
    breaks its contract."""
    await record_on_timeline(uow, events)
    for event_type, run in groupby(events, key=_event_type):
        handler = _BY_EVENT_TYPE.get(event_type)
        if handler is not None:
            await handler(uow, list(run), now)


def _event_type(event: ReportedEvent) -> str:
    return event.meta.event_type
