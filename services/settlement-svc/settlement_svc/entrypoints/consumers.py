"""Kafka entrypoints and timer handlers of settlement-svc."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.service_layer import settlement
from shipsettle_shared import contracts
from shipsettle_shared.contracts import Topic
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import Subscription
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import DueTimer, TimerHandler


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    async def order_placed(session: AsyncSession, envelope: EventEnvelope) -> None:
        await settlement.on_order_placed(session, envelope, now=runtime.clock.now())

    async def signed_off(session: AsyncSession, envelope: EventEnvelope) -> None:
        await settlement.on_signed_off(session, envelope, now=runtime.clock.now())

    # One group for both topics: a sign-off and its order are applied by the same consumer, so
    # parking and un-parking never race between two groups.
    return (
        Subscription(
            group_id="settlement-svc.orders",
            topics=(Topic.ORDER, Topic.SHIPMENT),
            handlers={
                contracts.OrderPlaced.event_type: order_placed,
                contracts.OrderSignedOff.event_type: signed_off,
            },
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> Mapping[str, TimerHandler]:
    async def hold_release(session: AsyncSession, timer: DueTimer) -> None:
        await settlement.release_hold(session, timer, now=runtime.clock.now())

    async def reserve_release(session: AsyncSession, timer: DueTimer) -> None:
        await settlement.release_reserve(session, timer, now=runtime.clock.now())

    return {settlement.HOLD_RELEASE: hold_release, settlement.RESERVE_RELEASE: reserve_release}
