"""Kafka entrypoints and timer handlers of logistics-svc: read the envelope once into its typed
payload and metadata, then hand it to the service layer through its one handler table
(service_layer/messagebus.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot, reference_data
from logistics_svc.adapters.unit_of_work import SqlLogisticsUnitOfWork
from logistics_svc.service_layer import messagebus, sign_off, tracking
from logistics_svc.service_layer.timers import AUTO_CONFIRM, STALE_CHECK, TrackingPolicy
from shipsettle_shared import contracts
from shipsettle_shared.contracts import Topic
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import BatchEventHandler, EventHandler, Subscription
from shipsettle_shared.messaging.events import received
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import DueTimer, TimerHandler


async def tracking_policy(runtime: ServiceRuntime) -> TrackingPolicy:
    """The tracking settings (cached for a few seconds: adapters/reference_data.py)."""
    return TrackingPolicy.from_settings(await reference_data(runtime).tracking_settings())


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    async def policy() -> TrackingPolicy:
        return await tracking_policy(runtime)

    async def carriers() -> CarrierRegistrySnapshot:
        return await reference_data(runtime).carriers()

    def dependencies() -> messagebus.Dependencies:
        return messagebus.Dependencies(runtime.clock.now(), runtime.personal_data, policy, carriers)

    async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
        await messagebus.handle(SqlLogisticsUnitOfWork(session), received(envelope), dependencies())

    async def handle_batch(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        # Consecutive events of one type, applied with one statement (the known-orders
        # projection): a batch that fails is retried one event at a time by the consumer.
        events = [received(envelope) for envelope in envelopes]
        await messagebus.handle_batch(SqlLogisticsUnitOfWork(session), events, dependencies())

    def handlers(*kinds: type[contracts.EventPayload]) -> dict[str, EventHandler]:
        return {kind.event_type: handle for kind in kinds}

    def batch_handlers(*kinds: type[contracts.EventPayload]) -> dict[str, BatchEventHandler]:
        return {kind.event_type: handle_batch for kind in kinds}

    tracked = (contracts.CarrierScansReceived,)
    return (
        # Order and refund events of one order share the order id as key; one group reads both
        # (RefundApproved/RefundRejected change nothing here: only an ended refund resumes).
        Subscription(
            group_id="logistics-svc.orders",
            topics=(Topic.ORDER, Topic.REFUND),
            handlers=handlers(*(kind for kind in messagebus.HANDLERS if kind not in tracked)),
            # The known-orders projection: one statement per run of one type.
            batch_handlers=batch_handlers(*messagebus.BATCH_HANDLERS),
        ),
        Subscription(
            group_id="logistics-svc.tracking",
            topics=(Topic.TRACKING,),
            handlers=handlers(*tracked),
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> Mapping[str, TimerHandler]:
    async def auto_confirm(session: AsyncSession, timer: DueTimer) -> None:
        await sign_off.fire_auto_confirm(SqlLogisticsUnitOfWork(session), timer, now=runtime.clock.now())

    async def stale_check(session: AsyncSession, timer: DueTimer) -> None:
        await tracking.fire_stale_check(
            SqlLogisticsUnitOfWork(session), timer, now=runtime.clock.now(), policy=await tracking_policy(runtime)
        )

    return {AUTO_CONFIRM: auto_confirm, STALE_CHECK: stale_check}
