"""Kafka entrypoints and timer handlers of logistics-svc: parse, then hand to the service layer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from logistics_svc.adapters.reference_data import reference_data
from logistics_svc.service_layer import shipments
from logistics_svc.service_layer.shipments import TrackingPolicy
from shipsettle_shared import contracts
from shipsettle_shared.contracts import PayloadT, Topic, read_payload
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import BatchEventHandler, EventHandler, Subscription
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import DueTimer, TimerHandler


async def tracking_policy(runtime: ServiceRuntime) -> TrackingPolicy:
    """The tracking settings (cached for a few seconds: adapters/reference_data.py)."""
    return TrackingPolicy.from_settings(await reference_data(runtime).tracking_settings())


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    def on(model: type[PayloadT], apply: Callable[[AsyncSession, PayloadT], Awaitable[None]]) -> EventHandler:
        async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
            await apply(session, read_payload(envelope.payload, model))

        return handle

    def on_many(
        model: type[PayloadT], apply: Callable[[AsyncSession, list[PayloadT]], Awaitable[None]]
    ) -> BatchEventHandler:
        """Consecutive events of one type, applied with one statement (the known-orders
        projection): a batch that fails is retried one event at a time by the consumer."""

        async def handle(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
            await apply(session, [read_payload(envelope.payload, model) for envelope in envelopes])

        return handle

    async def scans_received(session: AsyncSession, event: contracts.CarrierScansReceived) -> None:
        await shipments.apply_received_scans(
            session,
            event,
            now=runtime.clock.now(),
            policy=await tracking_policy(runtime),
            carriers=await reference_data(runtime).carriers(),
        )

    async def shipping_confirmed(session: AsyncSession, events: list[contracts.ShippingInfoConfirmed]) -> None:
        await shipments.record_shipping_confirmed(session, events, vault=runtime.personal_data)

    async def shipping_corrected(session: AsyncSession, events: list[contracts.ShippingInfoCorrected]) -> None:
        await shipments.record_shipping_corrected(session, events, vault=runtime.personal_data)

    async def buyer_erased(session: AsyncSession, event: contracts.BuyerErased) -> None:
        await shipments.erase_buyer(session, runtime.personal_data, event.buyer_ref, now=runtime.clock.now())

    async def refund_requested(session: AsyncSession, event: contracts.RefundRequested) -> None:
        await shipments.record_refund_requested(session, event, now=runtime.clock.now())

    async def refund_completed(session: AsyncSession, event: contracts.RefundCompleted) -> None:
        await shipments.record_refund_ended(
            session, event.order_id, event.refund_id, how="completed", now=runtime.clock.now()
        )

    async def refund_closed(session: AsyncSession, event: contracts.RefundClosed) -> None:
        await shipments.record_refund_ended(
            session, event.order_id, event.refund_id, how="closed", now=runtime.clock.now()
        )

    async def return_shipped(session: AsyncSession, event: contracts.ReturnShipped) -> None:
        await shipments.register_return_shipment(
            session,
            event,
            now=runtime.clock.now(),
            policy=await tracking_policy(runtime),
            carriers=await reference_data(runtime).carriers(),
        )

    return (
        # Order and refund events of one order share the order id as key; one group reads both
        # (RefundApproved/RefundRejected change nothing here: only an ended refund resumes).
        Subscription(
            group_id="logistics-svc.orders",
            topics=(Topic.ORDER, Topic.REFUND),
            handlers={
                contracts.BuyerErased.event_type: on(contracts.BuyerErased, buyer_erased),
                contracts.RefundRequested.event_type: on(contracts.RefundRequested, refund_requested),
                contracts.RefundCompleted.event_type: on(contracts.RefundCompleted, refund_completed),
                contracts.RefundClosed.event_type: on(contracts.RefundClosed, refund_closed),
                contracts.ReturnShipped.event_type: on(contracts.ReturnShipped, return_shipped),
            },
            # The known-orders projection: one statement per run of one type.
            batch_handlers={
                contracts.OrderPlaced.event_type: on_many(contracts.OrderPlaced, shipments.record_orders_placed),
                contracts.ShippingInfoConfirmed.event_type: on_many(
                    contracts.ShippingInfoConfirmed, shipping_confirmed
                ),
                contracts.ShippingInfoCorrected.event_type: on_many(
                    contracts.ShippingInfoCorrected, shipping_corrected
                ),
                contracts.OrderCancelled.event_type: on_many(
                    contracts.OrderCancelled, shipments.record_orders_cancelled
                ),
            },
        ),
        Subscription(
            group_id="logistics-svc.tracking",
            topics=(Topic.TRACKING,),
            handlers={contracts.CarrierScansReceived.event_type: on(contracts.CarrierScansReceived, scans_received)},
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> Mapping[str, TimerHandler]:
    async def auto_confirm(session: AsyncSession, timer: DueTimer) -> None:
        await shipments.fire_auto_confirm(session, timer, now=runtime.clock.now())

    async def stale_check(session: AsyncSession, timer: DueTimer) -> None:
        await shipments.fire_stale_check(session, timer, now=runtime.clock.now(), policy=await tracking_policy(runtime))

    return {shipments.AUTO_CONFIRM: auto_confirm, shipments.STALE_CHECK: stale_check}
