"""Kafka entrypoints and timer handlers of settlement-svc."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.adapters.webhook_transport import notification_client
from settlement_svc.config import SettlementSettings
from settlement_svc.domain.payouts import ReviewRules
from settlement_svc.service_layer import holds, messagebus, notifications, payouts, progress, refunds, settlement
from shipsettle_shared import contracts
from shipsettle_shared.contracts import Topic
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import Subscription
from shipsettle_shared.messaging.events import received
from shipsettle_shared.provider_client import ProviderClient
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import CallsOut, DueTimer, TimerHandlers, schedule_timer


def _review_rules(runtime: ServiceRuntime) -> ReviewRules:
    settings = runtime.settings
    assert isinstance(settings, SettlementSettings)
    return ReviewRules(settings.review_over_minor, settings.vouchers_over_minor)


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    review_rules = _review_rules(runtime)

    async def order_placed(session: AsyncSession, envelope: EventEnvelope) -> None:
        await orders_placed(session, [envelope])

    async def depends_on_order(session: AsyncSession, envelope: EventEnvelope) -> None:
        uow, event = SqlSettlementUnitOfWork(session), received(envelope)
        # progress first: a sign-off parked for an unknown order still shows as signed off
        await progress.record_progress(uow, event.payload, now=runtime.clock.now())
        await messagebus.handle(uow, event, now=runtime.clock.now(), rules=review_rules)

    async def balance_credit_requested(session: AsyncSession, envelope: EventEnvelope) -> None:
        event = received(envelope).of_kind(contracts.BalanceCreditRequested)
        await refunds.on_balance_credit_requested(SqlSettlementUnitOfWork(session), event, now=runtime.clock.now())

    async def balance_credit_cancelled(session: AsyncSession, envelope: EventEnvelope) -> None:
        event = received(envelope).of_kind(contracts.BalanceCreditCancelled)
        await refunds.on_balance_credit_cancelled(SqlSettlementUnitOfWork(session), event, now=runtime.clock.now())

    async def order_progress(session: AsyncSession, envelope: EventEnvelope) -> None:
        await order_progress_run(session, [envelope])

    async def order_progress_run(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        # A poll's consecutive progress events of one type at once: one read and one write of
        # their orders' rows, whatever their number.
        events = [received(envelope).payload for envelope in envelopes]
        await progress.record_progress_batch(SqlSettlementUnitOfWork(session), events, now=runtime.clock.now())

    async def orders_placed(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        # A poll's consecutive OrderPlaced at once: their progress rows in one insert, then the
        # orders' locks and one statement for the orders and their parked events.
        uow = SqlSettlementUnitOfWork(session)
        placed = [received(envelope).of_kind(contracts.OrderPlaced) for envelope in envelopes]
        await progress.record_progress_batch(uow, [event.payload for event in placed], now=runtime.clock.now())
        await messagebus.orders_placed(uow, placed, now=runtime.clock.now(), rules=review_rules)

    async def signed_off(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        # A poll's consecutive sign-offs at once (set-based: a constant number of statements for
        # the run), with the same effects as depends_on_order applied to each in turn.
        sign_offs = [received(envelope).of_kind(contracts.OrderSignedOff) for envelope in envelopes]
        await settlement.on_signed_off_batch(
            SqlSettlementUnitOfWork(session), sign_offs, now=runtime.clock.now(), with_progress=True, rules=review_rules
        )

    # One group for the three topics: a sign-off or a refund event and its order are applied by
    # the same consumer, so parking and un-parking never race between two groups. The order's
    # progress (confirmed, dispatched, delivered...) is read in the same group, for its ETA.
    return (
        Subscription(
            group_id="settlement-svc.orders",
            topics=(Topic.ORDER, Topic.SHIPMENT, Topic.REFUND),
            handlers={
                contracts.OrderPlaced.event_type: order_placed,
                **dict.fromkeys(messagebus.EVENT_TYPES, depends_on_order),
                contracts.BalanceCreditRequested.event_type: balance_credit_requested,
                contracts.BalanceCreditCancelled.event_type: balance_credit_cancelled,
                **dict.fromkeys(progress.PROGRESS_EVENTS, order_progress),
            },
            batch_handlers={
                contracts.OrderPlaced.event_type: orders_placed,
                contracts.OrderSignedOff.event_type: signed_off,
                **dict.fromkeys(progress.PROGRESS_EVENTS, order_progress_run),
            },
            # A poll's consecutive progress events of different types (dispatched, delivered, ...)
            # are one run of order_progress_run: one read and one write of their orders' rows.
            batch_across_types=True,
            # Every event here carries its merchant and one order's events share it: batches lock
            # merchants' balance rows in merchant order, so two instances never deadlock on them.
            lock_order=lambda envelope: str(envelope.payload.get("merchant_id", "")),
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> TimerHandlers:
    async def hold_release(session: AsyncSession, timer: DueTimer) -> None:
        await holds.release_hold(SqlSettlementUnitOfWork(session), timer, now=runtime.clock.now(), rules=review_rules)

    async def reserve_release(session: AsyncSession, timer: DueTimer) -> None:
        await holds.release_reserve(SqlSettlementUnitOfWork(session), timer, now=runtime.clock.now())

    settings = runtime.settings
    assert isinstance(settings, SettlementSettings)
    provider = ProviderClient(runtime.http, settings.payout_provider_url, settings.payout_provider_api_key, "payouts")
    review_rules = _review_rules(runtime)
    batch_interval = timedelta(seconds=settings.payout_batch_interval_s)

    async def payout_batch(session: AsyncSession, timer: DueTimer) -> None:
        await payouts.run_payout_batch(
            SqlSettlementUnitOfWork(session),
            now=runtime.clock.now(),
            interval=batch_interval,
            reschedule=timer.timer_key.startswith(payouts.BATCH_KEY),
        )

    async def payout_send(session: AsyncSession, timer: DueTimer) -> None:
        await payouts.send_payout(
            SqlSettlementUnitOfWork(session),
            timer,
            provider=provider,
            callback_url=settings.payout_callback_url,
            now=runtime.clock.now(),
            vault=runtime.personal_data,
        )

    async def payout_status_check(session: AsyncSession, timer: DueTimer) -> None:
        await payouts.check_payout_status(
            SqlSettlementUnitOfWork(session), timer, provider=provider, now=runtime.clock.now()
        )

    # Notifications go through their own client: every connection checked against the endpoint
    # policy, no redirects (adapters/webhook_transport.py).
    notification_http = notification_client(settings.webhook_endpoint_policy)
    runtime.closers.append(notification_http.aclose)

    async def notify(session: AsyncSession, timer: DueTimer) -> None:
        await notifications.deliver(
            SqlSettlementUnitOfWork(session),
            timer,
            http=notification_http,
            policy=settings.webhook_endpoint_policy,
            now=runtime.clock.now(),
        )

    return {
        notifications.NOTIFY: CallsOut(notify),
        holds.HOLD_RELEASE: hold_release,
        holds.RESERVE_RELEASE: reserve_release,
        payouts.PAYOUT_BATCH: payout_batch,
        payouts.PAYOUT_SEND: CallsOut(payout_send),
        payouts.PAYOUT_STATUS_CHECK: CallsOut(payout_status_check),
    }


async def start_payout_batches(runtime: ServiceRuntime) -> None:
    """The batch timer reschedules itself; this creates the first one (idempotent: same key)."""
    async with unit_of_work(runtime.sessions) as session:
        await schedule_timer(session, payouts.PAYOUT_BATCH, "batch@first", runtime.clock.now())
