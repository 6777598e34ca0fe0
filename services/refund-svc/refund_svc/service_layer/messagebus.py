"""refund-svc's one table of the events it consumes: the order projection's facts (placements,
dispatches, sign-offs, parcel statuses) and cancellations. The consumer hands a poll's events
here, and the replay of the facts parked for an order once its OrderPlaced arrives goes through
the same table, so both apply an event the same way.

Each handler takes the unit of work and a run of events as ``Received`` (typed payload and
metadata, shipsettle_shared.messaging.events), never the envelope. ``handle`` calls the handlers
in the table's order, each once with every event of the poll it takes (in their order): the
placements first, so the facts after them find their orders; dispatches and sign-offs commute,
so they are applied at once (service_layer/orders.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from refund_svc.domain.refund_orders import Rules
from refund_svc.service_layer import orders
from refund_svc.service_layer.unit_of_work import RefundUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received

RunHandler = Callable[[RefundUnitOfWork, Sequence[Received[Any]], datetime, Rules], Awaitable[None]]


async def _orders_placed(
    uow: RefundUnitOfWork, placed: Sequence[Received[contracts.OrderPlaced]], now: datetime, rules: Rules
) -> None:
    """Orders not known yet, then the facts parked for them (rare: topics are not ordered with
    each other), in the order they came, one at a time, through this table."""
    for parked in await uow.refunds.insert_orders(orders.placements(placed)):
        await _apply(uow, [parked], now=now, rules=rules)
    await uow.flush()  # before the batch's statements write the same rows


async def _shipment_facts(
    uow: RefundUnitOfWork, facts: Sequence[Received[orders.ShipmentFact]], now: datetime, rules: Rules
) -> None:
    await orders.record_shipment_facts(uow, facts, now=now, rules=rules)


async def _cancellations(
    uow: RefundUnitOfWork, cancellations: Sequence[Received[contracts.OrderCancelled]], now: datetime, rules: Rules
) -> None:
    await orders.record_cancellations(uow, cancellations, now=now, rules=rules)


async def _parcel_statuses(
    uow: RefundUnitOfWork,
    statuses: Sequence[Received[contracts.ShipmentStatusChanged]],
    now: datetime,
    rules: Rules,
) -> None:
    await orders.record_parcel_statuses(uow, statuses, now=now, rules=rules)


HANDLERS: dict[type[contracts.EventPayload], RunHandler] = {
    contracts.OrderPlaced: _orders_placed,
    contracts.ShipmentDispatched: _shipment_facts,
    contracts.OrderSignedOff: _shipment_facts,
    contracts.ShipmentStatusChanged: _parcel_statuses,
    contracts.OrderCancelled: _cancellations,
}
EVENT_TYPES = tuple(kind.event_type for kind in HANDLERS)
# the projection's facts, applied a poll at a time (a cancellation is applied alone, in its place)
PROJECTED_EVENTS = tuple(sorted(set(EVENT_TYPES) - {contracts.OrderCancelled.event_type}))
_IN_ORDER = list(dict.fromkeys(HANDLERS.values()))


async def _apply(
    uow: RefundUnitOfWork, events: Sequence[Received[contracts.EventPayload]], *, now: datetime, rules: Rules
) -> None:
    runs: dict[RunHandler, list[Received[Any]]] = {}
    for event in events:
        handler = HANDLERS.get(type(event.payload))
        if handler is None:
            raise ValueError(f"no handler for {event.meta.event_type}")
        runs.setdefault(handler, []).append(event)
    for handler in _IN_ORDER:
        run = runs.get(handler)
        if run:
            await handler(uow, run, now, rules)


async def handle(
    uow: RefundUnitOfWork, events: Sequence[Received[contracts.EventPayload]], *, now: datetime, rules: Rules
) -> None:
    """Apply a poll's events (see the module docstring) and write what they staged. Raises
    ValueError for a type with no handler here, pydantic's ValidationError (a ValueError) for a
    payload that breaks its contract."""
    await _apply(uow, events, now=now, rules=rules)
    await uow.flush()
