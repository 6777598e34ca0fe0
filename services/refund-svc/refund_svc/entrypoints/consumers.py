"""Kafka entrypoints and timer handlers of refund-svc: each builds the unit of work over the
session it is given and hands the events (read into their typed payload and metadata) to the
message bus, or the timer to its use case."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from refund_svc.adapters.unit_of_work import SqlRefundUnitOfWork
from refund_svc.config import RefundSettings
from refund_svc.domain.refund import Timer
from refund_svc.domain.refund_orders import Rules
from refund_svc.service_layer import decisions, messagebus, provider
from shipsettle_shared import contracts
from shipsettle_shared.contracts import Topic
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import Subscription
from shipsettle_shared.messaging.events import received
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

    async def apply(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        events = [received(envelope) for envelope in envelopes]
        await messagebus.handle(SqlRefundUnitOfWork(session), events, now=runtime.clock.now(), rules=rules)

    async def cancelled(session: AsyncSession, envelope: EventEnvelope) -> None:
        await apply(session, [envelope])

    # One group for both topics: an order and the facts about it (dispatch, sign-off, return
    # parcel) are applied by the same consumer, so parking never races between two groups. A
    # poll's consecutive placements, dispatches, sign-offs and parcel statuses go to one batch
    # handler; a cancellation is applied alone, in its place. Other types on these topics
    # (ShippingInfoConfirmed, ...) are passed over by their header, unread.
    return (
        Subscription(
            group_id="refund-svc.orders",
            topics=(Topic.ORDER, Topic.SHIPMENT),
            handlers={contracts.OrderCancelled.event_type: cancelled},
            batch_handlers=dict.fromkeys(messagebus.PROJECTED_EVENTS, apply),
            batch_across_types=True,
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> TimerHandlers:
    settings = _settings(runtime)
    rules = rules_of(settings)
    refund_provider = ProviderClient(
        runtime.http, settings.refund_provider_url, settings.refund_provider_api_key, "refunds"
    )

    async def deadline(session: AsyncSession, timer: DueTimer) -> None:
        credit_id = timer.payload.get("credit_id")
        await decisions.deadline_passed(
            SqlRefundUnitOfWork(session),
            str(timer.payload["refund_id"]),
            status=str(timer.payload["status"]),
            credit_id=str(credit_id) if credit_id is not None else None,
            now=runtime.clock.now(),
            rules=rules,
        )

    async def send(session: AsyncSession, timer: DueTimer) -> None:
        await provider.send_refund(
            SqlRefundUnitOfWork(session),
            timer.timer_key,
            provider=refund_provider,
            callback_url=settings.refund_callback_url,
            now=runtime.clock.now(),
            deadlines=rules.deadlines,
        )

    async def status_check(session: AsyncSession, timer: DueTimer) -> None:
        await provider.check_refund_status(
            SqlRefundUnitOfWork(session), timer.timer_key, provider=refund_provider, now=runtime.clock.now()
        )

    return {
        Timer.DEADLINE.value: deadline,
        Timer.SEND.value: CallsOut(send),
        Timer.STATUS_CHECK.value: CallsOut(status_check),
    }
