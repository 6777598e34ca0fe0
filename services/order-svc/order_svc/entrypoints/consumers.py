"""Kafka entrypoints of order-svc: parse the event, hand it to the service layer.

One consumer group reads every order-keyed topic: the timeline records every event, and
ShipmentDispatched also moves the order (the shipping information becomes final). A poll without a
dispatch (most of them) is one autocommitted statement, its inbox rows included; a poll with one
is a transaction, its dispatches locking and moving their orders. A second group
reading shipment.events only for dispatches delivered and inbox-recorded every shipment event
twice; in one group the dispatch and its timeline entry commit together, in partition order.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.config import OrderSettings
from order_svc.service_layer import erasure, orders
from order_svc.service_layer.timeline import (
    TIMELINE_EVENT_TYPES,
    TIMELINE_TOPICS,
    record_many_on_timeline,
    record_on_timeline,
    record_poll_on_timeline,
)
from shipsettle_shared.contracts import ShipmentDispatched, read_payload
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import BatchEventHandler, OneStatementPoll, PermanentEventError, Subscription
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import DueTimer, TimerHandler


def by_event_type(envelope: EventEnvelope) -> str:
    """The timeline's batch order: a poll grouped by event type, so each type is one statement.
    Events of one type keep their order (the sort is stable); between types the order does not
    matter here (the timeline is a set of rows, and only ShipmentDispatched moves an order)."""
    return envelope.event_type


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    async def on_dispatched(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        await record_many_on_timeline(session, envelopes)
        try:
            await orders.record_dispatches(
                session,
                runtime.personal_data,
                [read_payload(envelope.payload, ShipmentDispatched) for envelope in envelopes],
                now=runtime.clock.now(),
            )
        except orders.OrderNotFound as error:
            # Logistics dispatches only orders it learned from us: no retry can make this one
            # exist, so it goes to the dead-letter topic at once instead of stalling the partition
            # (a batch that holds it is retried one event at a time, the others applied).
            raise PermanentEventError(f"dispatch of unknown order {error.order_id}") from error

    batch_handlers: dict[str, BatchEventHandler] = {
        event_type: record_many_on_timeline for event_type in TIMELINE_EVENT_TYPES
    }
    batch_handlers[ShipmentDispatched.event_type] = on_dispatched
    return (
        Subscription(
            group_id="order-svc.timeline",
            topics=TIMELINE_TOPICS,
            batch_handlers=batch_handlers,
            fallback=record_on_timeline,  # event types added after this consumer was written
            lock_order=by_event_type,
            # a poll without a dispatch only adds to the timeline: inbox and timeline in one statement
            one_statement=OneStatementPoll(
                event_types=frozenset(TIMELINE_EVENT_TYPES) - {ShipmentDispatched.event_type},
                apply=functools.partial(record_poll_on_timeline, runtime.lane),
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
