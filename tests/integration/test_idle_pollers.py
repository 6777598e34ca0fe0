"""The background loops of an idle service on real PostgreSQL: the timer scheduler and the outbox
relay each send one autocommitted statement per poll (no transaction around it), and a commit
of this process that schedules a timer due before the scheduler's next look wakes it at once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import TEST_KAFKA, engine_for, eventually, fresh_service_database, reset_statement_calls, statement_calls

from shipsettle_shared.clock import ShiftableClock
from shipsettle_shared.contracts import BusProbeSent
from shipsettle_shared.db import outbox_table, unit_of_work
from shipsettle_shared.messaging.kafka_config import producer_config
from shipsettle_shared.messaging.relay import OutboxRelay
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.settings import ServiceSettings
from shipsettle_shared.timers import DueTimer, TimerHandler, TimerScheduler, schedule_timer

pytestmark = pytest.mark.infra

TEN_MINUTES_MS = 600_000  # a poll so slow that anything faster was woken, not polled


def _announce(clock: ShiftableClock) -> TimerHandler:
    async def announce(session: AsyncSession, timer: DueTimer) -> None:
        probe = BusProbeSent(probe_id=timer.timer_key, target_service="nobody", sent_by="timer")
        await add_to_outbox(session, probe, producer="order-svc", occurred_at=clock.now())

    return announce


async def _announced(sessions: async_sessionmaker[AsyncSession], key: str) -> bool:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(outbox_table)
            .where(outbox_table.c.envelope["payload"]["probe_id"].astext == key)
        )
    return bool(count)


@pytest.mark.parametrize("due_in", [timedelta(0), timedelta(seconds=1)], ids=["due-now", "due-in-a-second"])
async def test_a_timer_committed_in_this_process_fires_when_due_not_a_poll_later(due_in: timedelta) -> None:
    url = await fresh_service_database("order-svc", "_timer_wake")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ShiftableClock()
        scheduler = TimerScheduler(sessions, clock, {"reminder": _announce(clock)}, poll_ms=TEN_MINUTES_MS)
        looked: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: looked.append("a look"))
        running = asyncio.create_task(scheduler.run())
        try:
            await eventually(lambda: asyncio.sleep(0, result=looked or None))  # its first look is done
            key = f"wake-{uuid.uuid4().hex[:8]}"
            async with unit_of_work(sessions) as session:
                await schedule_timer(session, "reminder", key, clock.now() + due_in)
            # a poll would take ten minutes: only the commit's wake-up (and the due time it
            # announced) can fire it within this bound
            await eventually(lambda: _announced(sessions, key), timeout_s=20)
        finally:
            scheduler.stop()
            await asyncio.wait_for(running, 30)


async def test_an_idle_scheduler_and_relay_poll_with_one_statement_and_no_transaction() -> None:
    database = "order_svc_idle_pollers"
    url = await fresh_service_database("order-svc", "_idle_pollers")
    settings = ServiceSettings(
        service_name="order-svc", database_url=url, kafka_bootstrap_servers=TEST_KAFKA, outbox_idle_poll_ms=20
    )
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ShiftableClock()
        async with unit_of_work(sessions) as session:  # pending, but not due for a week
            await schedule_timer(session, "reminder", "next-week", clock.now() + timedelta(days=7))
        producer = AIOKafkaProducer(**producer_config(settings))
        await producer.start()
        scheduler = TimerScheduler(sessions, clock, {"reminder": _announce(clock)}, poll_ms=20)
        relay = OutboxRelay(settings, engine, producer, clock)
        await reset_statement_calls(database)
        tasks = [asyncio.create_task(scheduler.run()), asyncio.create_task(relay.run())]
        try:

            async def polled_often() -> dict[str, int] | None:
                calls = await statement_calls(database)
                looks = [count for query, count in calls.items() if "min(timers.due_at)" in query or "exists" in query]
                return calls if len(looks) == 2 and min(looks) >= 10 else None

            calls = await eventually(polled_often, timeout_s=30)
        finally:
            scheduler.stop()
            relay.stop()
            await asyncio.wait_for(asyncio.gather(*tasks), 30)
            await producer.stop()
        transactions = {
            query: count for query, count in calls.items() if query.split()[0] in {"begin", "commit", "rollback"}
        }
        assert transactions == {}
        assert not [query for query in calls if "for update" in query or "pg_try_advisory_xact_lock" in query]
