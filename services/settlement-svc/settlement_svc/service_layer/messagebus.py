"""settlement-svc's one table of the events that depend on their order (a sign-off, a refund's
events): the consumer looks an event's handler up here, and so does the replay of the events
parked for an order once its OrderPlaced arrives, so both apply an event the same way.

Each handler takes the unit of work and the event as ``Received`` (its typed payload and its
metadata, shipsettle_shared.messaging.events), never the envelope.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from settlement_svc.domain.payouts import ReviewRules
from settlement_svc.service_layer import refunds, settlement
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.consumer import PermanentEventError
from shipsettle_shared.messaging.events import Received, received

logger = logging.getLogger(__name__)

OrderEventHandler = Callable[[SettlementUnitOfWork, Received[Any], datetime, ReviewRules], Awaitable[None]]

HANDLERS: dict[type[contracts.EventPayload], OrderEventHandler] = {
    contracts.OrderSignedOff: lambda uow, event, now, rules: settlement.on_signed_off(uow, event, now=now, rules=rules),
    contracts.RefundRequested: lambda uow, event, now, rules: refunds.on_refund_requested(uow, event, now=now),
    contracts.RefundCompleted: lambda uow, event, now, rules: refunds.on_refund_completed(
        uow, event, now=now, rules=rules
    ),
    contracts.RefundClosed: lambda uow, event, now, rules: refunds.on_refund_closed(uow, event, now=now, rules=rules),
    **{
        kind: lambda uow, event, now, rules: refunds.on_refund_progress(uow, event, now=now)
        for kind in refunds.PROGRESS_EVENTS.values()
    },
}
EVENT_TYPES = tuple(kind.event_type for kind in HANDLERS)


async def handle(
    uow: SettlementUnitOfWork, event: Received[contracts.EventPayload], *, now: datetime, rules: ReviewRules
) -> None:
    """Apply an event that depends on its order. Raises ValueError for a type with no handler
    here, and what its handler raises."""
    handler = HANDLERS.get(type(event.payload))
    if handler is None:
        raise ValueError(f"no handler for parked {event.meta.event_type}")
    await handler(uow, event, now, rules)


async def orders_placed(
    uow: SettlementUnitOfWork,
    placed: Sequence[Received[contracts.OrderPlaced]],
    *,
    now: datetime,
    rules: ReviewRules,
) -> None:
    """Remember a run of orders (settlement.remember_orders) and apply the events parked for
    them, in their order, each through ``handle``."""
    taken = await settlement.remember_orders(uow, placed, now=now)
    for order_id, parked_events in taken.items():
        for parked in parked_events:
            try:
                async with uow.savepoint():
                    await handle(uow, received(parked), now=now, rules=rules)
            except (ValueError, PermanentEventError) as error:
                # One event that does not fit the order must not lose the order itself: it stays
                # parked, with the reason, for ops (GET /v1/ledger/check lists parked events).
                logger.error("parked %s for order %s does not apply: %s", parked["event_type"], order_id, error)
                await uow.parked.park(order_id, parked, f"does not fit the order: {error}", now=now)
