"""Kafka entrypoints of order-svc: parse the event, hand it to the service layer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.service_layer import orders
from order_svc.service_layer.timeline import timeline_subscription
from shipsettle_shared.contracts import ShipmentDispatched, Topic, read_payload
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import PermanentEventError, Subscription
from shipsettle_shared.service import ServiceRuntime


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    async def on_dispatched(session: AsyncSession, envelope: EventEnvelope) -> None:
        try:
            await orders.record_dispatch(
                session, read_payload(envelope.payload, ShipmentDispatched), now=runtime.clock.now()
            )
        except orders.OrderNotFound as error:
            # Logistics dispatches only orders it learned from us: no retry can make this one
            # exist, so it goes to the dead-letter topic at once instead of stalling the partition.
            raise PermanentEventError(f"dispatch of unknown order {error}") from error

    return (
        timeline_subscription(),
        Subscription(
            group_id="order-svc.shipments",
            topics=(Topic.SHIPMENT,),
            handlers={ShipmentDispatched.event_type: on_dispatched},
        ),
    )
