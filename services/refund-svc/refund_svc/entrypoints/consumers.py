"""Kafka entrypoints and timer handlers of refund-svc."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from refund_svc.config import RefundSettings
from refund_svc.service_layer import refunds
from refund_svc.service_layer.refunds import Rules
from shipsettle_shared import contracts
from shipsettle_shared.contracts import Topic
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import Subscription
from shipsettle_shared.provider_client import ProviderClient
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import CallsOut, DueTimer, TimerHandlers


def rules_of(settings: RefundSettings) -> Rules:
    return Rules(settings.deadlines, frozenset(settings.no_reason_excluded_categories))


def _settings(runtime: ServiceRuntime) -> RefundSettings:
    assert isinstance(runtime.settings, RefundSettings)
    return runtime.settings


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    rules = rules_of(_settings(runtime))

    def handler(
        use_case: Callable[..., Awaitable[None]],
    ) -> Callable[[AsyncSession, EventEnvelope], Awaitable[None]]:
        async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
            await use_case(session, envelope, now=runtime.clock.now(), rules=rules)

        return handle

    async def project(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        await refunds.on_order_events(session, envelopes, now=runtime.clock.now(), rules=rules)

    # One group for both topics: an order and the facts about it (dispatch, sign-off, return
    # parcel) are applied by the same consumer, so parking never races between two groups. A
    # poll's consecutive placements, dispatches, sign-offs and parcel statuses go to one batch
    # handler; a cancellation is applied alone, in its place. Other types on these topics
    # (ShippingInfoConfirmed, ...) are passed over by their header, unread.
    return (
        Subscription(
            group_id="refund-svc.orders",
            topics=(Topic.ORDER, Topic.SHIPMENT),
            handlers={contracts.OrderCancelled.event_type: handler(refunds.on_order_fact)},
            batch_handlers=dict.fromkeys(refunds.PROJECTED_EVENTS, project),
            batch_across_types=True,
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> TimerHandlers:
    settings = _settings(runtime)
    rules = rules_of(settings)
    provider = ProviderClient(runtime.http, settings.refund_provider_url, settings.refund_provider_api_key, "refunds")

    async def deadline(session: AsyncSession, timer: DueTimer) -> None:
        await refunds.deadline_passed(session, timer, now=runtime.clock.now(), rules=rules)

    async def send(session: AsyncSession, timer: DueTimer) -> None:
        await refunds.send_refund(
            session,
            timer,
            provider=provider,
            callback_url=settings.refund_callback_url,
            now=runtime.clock.now(),
            deadlines=rules.deadlines,
        )

    async def status_check(session: AsyncSession, timer: DueTimer) -> None:
        await refunds.check_refund_status(session, timer, provider=provider, now=runtime.clock.now())

    return {
        refunds.REFUND_DEADLINE: deadline,
        refunds.REFUND_SEND: CallsOut(send),
        refunds.REFUND_STATUS_CHECK: CallsOut(status_check),
    }
