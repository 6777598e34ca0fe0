"""logistics-svc's one table of the events it handles: the consumer (entrypoints/consumers.py)
looks an event's handler up here, by the type of its payload.

Each handler takes the unit of work, the event as ``Received`` (its typed payload and its metadata,
shipsettle_shared.messaging.events), never the envelope, and what it needs of the service
(``Dependencies``). The known-orders projection takes consecutive events of one type at once
(``BATCH_HANDLERS``): one statement per run, whatever its length.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.service_layer import known_orders, refunds, tracking
from logistics_svc.service_layer.timers import TrackingPolicy
from logistics_svc.service_layer.unit_of_work import LogisticsUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.messaging.events import Received


@dataclass(frozen=True)
class Dependencies:
    """What handlers need besides the unit of work and the event. The tracking settings and the
    carrier registry come through a short-lived cache that may read the database: they are read
    only by the handlers that use them, when they run."""

    now: datetime
    vault: PersonalDataVault
    tracking_policy: Callable[[], Awaitable[TrackingPolicy]]
    carriers: Callable[[], Awaitable[CarrierRegistrySnapshot]]


EventHandler = Callable[[LogisticsUnitOfWork, Received[Any], Dependencies], Awaitable[None]]
BatchHandler = Callable[[LogisticsUnitOfWork, Sequence[Received[Any]], Dependencies], Awaitable[None]]


async def _scans_received(
    uow: LogisticsUnitOfWork, event: Received[contracts.CarrierScansReceived], deps: Dependencies
) -> None:
    policy = await deps.tracking_policy()
    await tracking.apply_received_scans(uow, event, now=deps.now, policy=policy, carriers=await deps.carriers())


async def _return_shipped(
    uow: LogisticsUnitOfWork, event: Received[contracts.ReturnShipped], deps: Dependencies
) -> None:
    policy = await deps.tracking_policy()
    await refunds.register_return_shipment(uow, event, now=deps.now, policy=policy, carriers=await deps.carriers())


HANDLERS: dict[type[contracts.EventPayload], EventHandler] = {
    contracts.BuyerErased: lambda uow, event, deps: known_orders.erase_buyer(uow, event, vault=deps.vault),
    contracts.RefundRequested: lambda uow, event, deps: refunds.record_refund_requested(uow, event, now=deps.now),
    contracts.RefundCompleted: lambda uow, event, deps: refunds.record_refund_completed(uow, event, now=deps.now),
    contracts.RefundClosed: lambda uow, event, deps: refunds.record_refund_closed(uow, event, now=deps.now),
    contracts.ReturnShipped: _return_shipped,
    contracts.CarrierScansReceived: _scans_received,
}

BATCH_HANDLERS: dict[type[contracts.EventPayload], BatchHandler] = {
    contracts.OrderPlaced: lambda uow, events, deps: known_orders.record_orders_placed(uow, events),
    contracts.ShippingInfoConfirmed: lambda uow, events, deps: known_orders.record_shipping_confirmed(
        uow, events, vault=deps.vault
    ),
    contracts.ShippingInfoCorrected: lambda uow, events, deps: known_orders.record_shipping_corrected(
        uow, events, vault=deps.vault
    ),
    contracts.OrderCancelled: lambda uow, events, deps: known_orders.record_orders_cancelled(uow, events),
}


async def handle(uow: LogisticsUnitOfWork, event: Received[contracts.EventPayload], deps: Dependencies) -> None:
    """Apply one event. Raises ValueError for a type with no handler here, and what its handler
    raises."""
    handler = HANDLERS.get(type(event.payload))
    if handler is None:
        raise ValueError(f"no handler for {event.meta.event_type}")
    await handler(uow, event, deps)


async def handle_batch(
    uow: LogisticsUnitOfWork, events: Sequence[Received[contracts.EventPayload]], deps: Dependencies
) -> None:
    """Apply consecutive events of one type at once (the consumer retries a batch that fails one
    event at a time). Raises ValueError for a type with no batch handler here, and what its
    handler raises."""
    kinds = {type(event.payload) for event in events}
    handler = BATCH_HANDLERS.get(kinds.pop()) if len(kinds) == 1 else None
    if handler is None:
        raise ValueError(f"no batch handler for {sorted({event.meta.event_type for event in events})}")
    await handler(uow, events, deps)
