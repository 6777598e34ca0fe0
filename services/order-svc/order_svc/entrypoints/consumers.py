"""Kafka entrypoints of order-svc: parse the event, hand it to the service layer.

One consumer group reads every order-keyed topic: the timeline records every event, and
ShipmentDispatched also moves the order (the shipping information becomes final). A poll without a
dispatch (most of them) is one autocommitted statement, its inbox rows included; a poll with one
is a transaction, its dispatches locking and moving their orders. A second group
reading shipment.events only for dispatches delivered and inbox-recorded every shipment event
twice; in one group the dispatch and its timeline entry commit together, in partition order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.adapters import timeline as timeline_statements
from order_svc.adapters.unit_of_work import SqlOrderUnitOfWork
from order_svc.config import OrderSettings
from order_svc.service_layer import erasure, messagebus
from order_svc.service_layer.timeline import TIMELINE_EVENT_TYPES, TIMELINE_TOPICS, ReportedEvent, timeline_rows
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import OneStatementPoll, Subscription
from shipsettle_shared.messaging.events import EventMetadata
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import DueTimer, TimerHandler


def by_event_type(envelope: EventEnvelope) -> str:
    """The timeline's batch order: a poll grouped by event type, so each type is one statement.
    Events of one type keep their order (the sort is stable); between types the order does not
    matter here (the timeline is a set of rows, and only ShipmentDispatched moves an order)."""
    return envelope.event_type


def reported(envelope: EventEnvelope) -> ReportedEvent:
    return ReportedEvent(EventMetadata.of(envelope), envelope.payload)


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    async def on_events(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        uow = SqlOrderUnitOfWork(session, runtime.personal_data)
        await messagebus.handle(uow, [reported(envelope) for envelope in envelopes], now=runtime.clock.now())

    async def on_event(session: AsyncSession, envelope: EventEnvelope) -> None:
        await on_events(session, [envelope])

    async def timeline_only_poll(group: str, envelopes: list[EventEnvelope]) -> set[Any]:
        return await timeline_statements.record_poll(
            runtime.lane,
            group,
            [envelope.event_id for envelope in envelopes],
            [envelope.event_type for envelope in envelopes],
            timeline_rows([reported(envelope) for envelope in envelopes]),
        )

    return (
        Subscription(
            group_id="order-svc.timeline",
            topics=TIMELINE_TOPICS,
            batch_handlers=dict.fromkeys(TIMELINE_EVENT_TYPES, on_events),
            fallback=on_event,  # event types added after this consumer was written
            lock_order=by_event_type,
            # a poll without an event that changes an order (most of them) only adds to the
            # timeline: inbox and timeline in one statement
            one_statement=OneStatementPoll(
                event_types=frozenset(TIMELINE_EVENT_TYPES) - set(messagebus.EVENT_TYPES),
                apply=timeline_only_poll,
            ),
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> Mapping[str, TimerHandler]:
    settings = cast(OrderSettings, runtime.settings)
    retention = timedelta(days=settings.pii_retention_days)
    interval = timedelta(seconds=settings.pii_purge_interval_s)

    async def purge(session: AsyncSession, timer: DueTimer) -> None:
        await erasure.fire_purge(
            session, timer, runtime.personal_data, retention=retention, interval=interval, now=runtime.clock.now()
        )

    return {erasure.PII_PURGE: purge}


async def start_timers(runtime: ServiceRuntime) -> None:
    async with unit_of_work(runtime.sessions) as session:
        await erasure.start_purge_timer(session, runtime.clock.now())
