"""Must show (Foundation): a timer due in 7 days fires exactly once when the test clock is moved
forward, with two scheduler instances running (each with its own connection pool, contending
through PostgreSQL). The effect counted is the outbox event the timer's handler writes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from bus_support import bus_service
from fact_events import statements_sent
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import engine_for, eventually, fresh_service_database

from shipsettle_shared.clock import Clock, FrozenClock, ShiftableClock
from shipsettle_shared.contracts import BusProbeSent
from shipsettle_shared.db import outbox_table, timers_table, unit_of_work
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import (
    LOCK_KEY,
    CallsOut,
    DueTimer,
    InBatches,
    TimerScheduler,
    cancel_timer,
    schedule_timer,
    timer_schedulers,
)

pytestmark = pytest.mark.infra

SEVEN_DAYS = timedelta(days=7)


def _handler(clock: Clock):
    async def announce(session: AsyncSession, timer: DueTimer) -> None:
        probe = BusProbeSent(probe_id=timer.timer_key, target_service="settlement-svc", sent_by="timer")
        await add_to_outbox(session, probe, producer="order-svc", occurred_at=clock.now())

    return announce


async def _outbox_rows(sessions: async_sessionmaker[AsyncSession], probe_id: str) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(outbox_table)
            .where(outbox_table.c.envelope["payload"]["probe_id"].astext == probe_id)
        )
    return int(count or 0)


async def test_a_timer_due_in_seven_days_fires_once_with_two_schedulers_when_the_clock_moves() -> None:
    url = await fresh_service_database("order-svc", "_timers")
    async with engine_for(url) as engine_a, engine_for(url) as engine_b:
        sessions_a = async_sessionmaker(engine_a, expire_on_commit=False)
        sessions_b = async_sessionmaker(engine_b, expire_on_commit=False)
        clock_a, clock_b = ShiftableClock(), ShiftableClock()
        async with unit_of_work(sessions_a) as session:
            await schedule_timer(session, "auto_confirm", "order-7d", clock_a.now() + SEVEN_DAYS, {"order_id": "o-1"})
            await schedule_timer(session, "auto_confirm", "order-cancelled", clock_a.now() + SEVEN_DAYS)
            await cancel_timer(session, "auto_confirm", "order-cancelled", clock_a.now())

        schedulers = [
            TimerScheduler(sessions_a, clock_a, {"auto_confirm": _handler(clock_a)}, poll_ms=20),
            TimerScheduler(sessions_b, clock_b, {"auto_confirm": _handler(clock_b)}, poll_ms=20),
        ]
        tasks = [asyncio.create_task(scheduler.run()) for scheduler in schedulers]
        try:
            # Not due yet: explicit passes on both instances fire nothing.
            assert [await scheduler.fire_due() for scheduler in schedulers] == [0, 0]
            assert await _outbox_rows(sessions_a, "order-7d") == 0

            for clock in (clock_a, clock_b):
                clock.advance(SEVEN_DAYS + timedelta(seconds=1))

            async def fired() -> bool:
                async with sessions_a() as session:
                    fired_at = await session.scalar(
                        select(timers_table.c.fired_at).where(timers_table.c.timer_key == "order-7d")
                    )
                return fired_at is not None

            await eventually(fired, timeout_s=10, interval_s=0.02)
            # Both instances keep polling: give them many more chances to fire it again.
            for _ in range(20):
                await asyncio.gather(*(scheduler.fire_due() for scheduler in schedulers))
            assert await _outbox_rows(sessions_a, "order-7d") == 1
            assert await _outbox_rows(sessions_a, "order-cancelled") == 0
        finally:
            for scheduler in schedulers:
                scheduler.stop()
            await asyncio.gather(*tasks)


async def test_a_failing_timer_handler_is_retried_later_and_does_not_block_other_timers() -> None:
    url = await fresh_service_database("order-svc", "_timers2")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ShiftableClock()
        calls: list[str] = []

        async def flaky(session: AsyncSession, timer: DueTimer) -> None:
            calls.append(timer.timer_key)
            if timer.timer_key == "broken" and calls.count("broken") == 1:
                raise RuntimeError("carrier API down")
            await _handler(clock)(session, timer)

        async with unit_of_work(sessions) as session:
            for key in ("broken", "healthy"):
                await schedule_timer(session, "reminder", key, clock.now() + timedelta(hours=1))
        scheduler = TimerScheduler(sessions, clock, {"reminder": flaky})
        clock.advance(timedelta(hours=2))
        assert await scheduler.fire_due() == 1
        assert await _outbox_rows(sessions, "healthy") == 1
        assert await _outbox_rows(sessions, "broken") == 0
        async with sessions() as session:
            row = (await session.execute(select(timers_table).where(timers_table.c.timer_key == "broken"))).one()
        assert row.attempts == 1
        assert "carrier API down" in row.last_error
        assert row.fired_at is None

        clock.advance(timedelta(seconds=2))  # past the first retry backoff
        assert await scheduler.fire_due() == 1
        assert await _outbox_rows(sessions, "broken") == 1


ScheduleRow = Callable[[AsyncSession, int, datetime], Awaitable[None]]


async def _two_schedulers_fire_crossing_batches(
    suffix: str, schedule_row: ScheduleRow, row_of: Callable[[DueTimer], str]
) -> None:
    """50 rows, two timers each (``schedule_row`` makes them; due first: 50 of them, then the
    other 50), each handler locking its row until its batch commits; two schedulers with
    batches of 50, the second starting while the first fires. Neither may fail or deadlock."""
    url = await fresh_service_database("order-svc", suffix)
    async with engine_for(url) as engine_a, engine_for(url) as engine_b:
        sessions_a = async_sessionmaker(engine_a, expire_on_commit=False)
        sessions_b = async_sessionmaker(engine_b, expire_on_commit=False)
        clock = ShiftableClock()
        start = clock.now() + timedelta(hours=1)
        async with unit_of_work(sessions_a) as session:
            await session.execute(text("create table locked_rows (row_key text primary key, fired int not null)"))
            for index in range(50):
                await session.execute(text("insert into locked_rows values (:key, 0)"), {"key": f"row-{index:02d}"})
                await schedule_row(session, index, start)
        failures: list[str] = []

        async def touch(session: AsyncSession, timer: DueTimer) -> None:
            try:
                await session.execute(
                    text("update locked_rows set fired = fired + 1 where row_key = :key"), {"key": row_of(timer)}
                )
            except Exception as error:
                failures.append(f"{timer.timer_key}: {type(error).__name__}")
                raise
            await asyncio.sleep(0.01)  # the other instance moves on meanwhile

        first = TimerScheduler(sessions_a, clock, {"touch": touch}, batch_size=50)
        second = TimerScheduler(sessions_b, clock, {"touch": touch}, batch_size=50)
        clock.advance(timedelta(hours=2))

        async def second_a_moment_later() -> int:
            await asyncio.sleep(0.1)  # the first has claimed its batch and is firing it
            return await second.fire_due()

        fired = await asyncio.gather(first.fire_due(), second_a_moment_later())

        assert failures == []
        assert sorted(fired) == [50, 50]
        async with sessions_a() as session:
            counts = (await session.execute(text("select distinct fired from locked_rows"))).scalars().all()
            attempts = await session.scalar(select(func.max(timers_table.c.attempts)))
        assert counts == [2]
        assert attempts == 0


async def test_two_schedulers_firing_timers_that_lock_the_same_rows_in_opposite_orders_do_not_deadlock() -> None:
    # Timers "a" come due in row order, timers "b" in the reverse order. With batches of 50 one
    # instance claims the a's and the other the b's. Fired in claim order, the two batches meet
    # in the middle and deadlock; fired in key order (keys start with the row), they do not.
    async def schedule_row(session: AsyncSession, index: int, start: datetime) -> None:
        row = f"row-{index:02d}"
        await schedule_timer(session, "touch", f"{row}#a", start + timedelta(seconds=index))
        await schedule_timer(session, "touch", f"{row}#b", start + timedelta(seconds=100 - index))

    await _two_schedulers_fire_crossing_batches("_timer_locks", schedule_row, lambda t: t.timer_key.split("#")[0])


async def test_timers_whose_payload_names_what_they_lock_fire_in_that_order_and_do_not_deadlock() -> None:
    # A hold release's key is the hold's id, but it locks its merchant's balance rows. Here the
    # "a" timers' keys run with their rows, the "b" timers' keys against them (b-00 locks row-49):
    # fired in key order, the two batches meet in the middle and deadlock. Their payloads name the
    # row (LOCK_KEY), and both batches take the rows in that order.
    async def schedule_row(session: AsyncSession, index: int, start: datetime) -> None:
        lock = {LOCK_KEY: f"row-{index:02d}"}
        await schedule_timer(session, "touch", f"a-{index:02d}", start + timedelta(seconds=index), lock)
        await schedule_timer(session, "touch", f"b-{49 - index:02d}", start + timedelta(seconds=100 + index), lock)

    await _two_schedulers_fire_crossing_batches("_timer_lock_keys", schedule_row, lambda t: str(t.payload[LOCK_KEY]))


async def test_a_driver_moving_the_clock_can_see_the_timers_it_made_due_and_not_yet_fired() -> None:
    """``GET /_test/timers/due`` counts timers due by the service's own clock and not fired or
    cancelled, so a test driver can wait for a deadline's effects before it moves time again. A
    process started with ``SHIPSETTLE_TEST_CLOCK_OFFSET_S`` (a restart mid-test) keeps the time."""
    url = await fresh_service_database("settlement-svc", "_due")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with unit_of_work(sessions) as session:
            now = datetime.now(UTC)
            await schedule_timer(session, "hold_release", "past", now - timedelta(minutes=1))
            await schedule_timer(session, "hold_release", "in-2-days", now + timedelta(days=2))
            await schedule_timer(session, "hold_release", "in-9-days", now + timedelta(days=9))
            await schedule_timer(session, "hold_release", "cancelled", now - timedelta(minutes=1))
            await cancel_timer(session, "hold_release", "cancelled", now)
    # no scheduler role: nothing fires, so the count is the clock's alone
    service = bus_service("settlement-svc", roles="", db_suffix="_due", SHIPSETTLE_TEST_CLOCK_OFFSET_S=str(3 * 86400))
    service.start()
    try:
        await asyncio.to_thread(service.wait_ready)
        async with httpx.AsyncClient(base_url=service.base_url) as client:
            assert (await client.get("/_test/clock")).json()["offset_s"] == 3 * 86400
            # past, in-2-days, and the three timers settlement-svc sets at start (due now): the
            # payout batch, the audit chain's head and the Idempotency-Keys' expiry
            assert (await client.get("/_test/timers/due")).json() == {"due": 5}
            await client.post("/_test/clock/advance", json={"seconds": 7 * 86400})
            assert (await client.get("/_test/timers/due")).json() == {"due": 6}  # and in-9-days
    finally:
        service.kill()


async def test_a_batch_of_fired_timers_is_marked_in_one_statement() -> None:
    url = await fresh_service_database("order-svc", "_timer_marks")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ShiftableClock()
        keys = [f"order-{index}" for index in range(5)]
        async with unit_of_work(sessions) as session:
            for key in keys:
                await schedule_timer(session, "reminder", key, clock.now() + timedelta(hours=1))
        scheduler = TimerScheduler(sessions, clock, {"reminder": _handler(clock)})
        clock.advance(timedelta(hours=2))
        fired: list[int] = []

        async def fire() -> None:
            fired.append(await scheduler.fire_due())

        sent = [" ".join(statement.split()).lower() for statement in await statements_sent(engine, fire)]
        assert fired == [5]

        assert [await _outbox_rows(sessions, key) for key in keys] == [1] * 5
        marks = [statement for statement in sent if statement.startswith("update timers")]
        assert len(marks) == 1  # one per batch, not one per timer
        async with sessions() as session:
            unfired = await session.scalar(select(func.count()).where(timers_table.c.fired_at.is_(None)))
        assert unfired == 0


async def test_a_kind_fired_in_batches_gets_every_due_timer_of_a_pass_in_one_call_and_they_fail_together() -> None:
    url = await fresh_service_database("order-svc", "_timer_batches")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ShiftableClock()
        calls: list[list[str]] = []
        failing = {"first": True}

        async def judge_all(session: AsyncSession, timers: Sequence[DueTimer]) -> None:
            calls.append([timer.timer_key for timer in timers])
            for timer in timers:
                await _handler(clock)(session, timer)  # written, then undone if the call fails
            if failing["first"]:
                failing["first"] = False
                raise RuntimeError("judge failed")

        async with unit_of_work(sessions) as session:
            for key in ("o-3", "o-1", "o-2"):
                await schedule_timer(session, "judge", key, clock.now() + timedelta(hours=1))
            await schedule_timer(session, "reminder", "r-1", clock.now() + timedelta(hours=1))
        scheduler = TimerScheduler(sessions, clock, {"judge": InBatches(judge_all), "reminder": _handler(clock)})
        clock.advance(timedelta(hours=2))

        # The batch fails: its three timers are retried later together; the reminder fires.
        assert await scheduler.fire_due() == 1
        assert calls == [["o-1", "o-2", "o-3"]]  # one call, in key order
        assert [await _outbox_rows(sessions, key) for key in ("o-1", "o-2", "o-3", "r-1")] == [0, 0, 0, 1]
        async with sessions() as session:
            judged = (
                await session.execute(
                    select(timers_table.c.timer_key, timers_table.c.attempts, timers_table.c.fired_at)
                    .where(timers_table.c.timer_kind == "judge")
                    .order_by(timers_table.c.timer_key)
                )
            ).all()
        assert [(row.timer_key, row.attempts, row.fired_at) for row in judged] == [
            ("o-1", 1, None),
            ("o-2", 1, None),
            ("o-3", 1, None),
        ]

        clock.advance(timedelta(seconds=2))  # past the first retry backoff
        fired: list[int] = []

        async def fire() -> None:
            fired.append(await scheduler.fire_due())

        sent = [" ".join(statement.split()).lower() for statement in await statements_sent(engine, fire)]
        assert fired == [3]
        assert calls[1:] == [["o-1", "o-2", "o-3"]]
        assert [await _outbox_rows(sessions, key) for key in ("o-1", "o-2", "o-3")] == [1, 1, 1]
        assert not [statement for statement in sent if statement.startswith("savepoint")]  # one call, alone


def test_a_kind_fired_in_batches_cannot_be_fired_one_per_transaction() -> None:
    async def judge_all(session: AsyncSession, timers: Sequence[DueTimer]) -> None:
        return None

    with pytest.raises(ValueError, match="one per transaction"):
        TimerScheduler(
            async_sessionmaker(), FrozenClock(datetime.now(UTC)), {"judge": InBatches(judge_all)}, one_per_transaction=2
        )


async def test_the_only_due_timer_runs_without_a_savepoint_and_its_failure_rolls_its_effect_back() -> None:
    url = await fresh_service_database("order-svc", "_timer_alone")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ShiftableClock()
        calls: list[str] = []

        async def fails_once(session: AsyncSession, timer: DueTimer) -> None:
            calls.append(timer.timer_key)
            await _handler(clock)(session, timer)  # written, then undone by the failure
            if len(calls) == 1:
                raise RuntimeError("provider down")

        async with unit_of_work(sessions) as session:
            await schedule_timer(session, "reminder", "alone", clock.now() + timedelta(hours=1))
        scheduler = TimerScheduler(sessions, clock, {"reminder": fails_once})
        clock.advance(timedelta(hours=2))
        fired: list[int] = []

        async def fire() -> None:
            fired.append(await scheduler.fire_due())

        sent = [" ".join(statement.split()).lower() for statement in await statements_sent(engine, fire)]
        assert fired == [0]
        assert calls == ["alone"]  # run once, not again in a second pass
        assert await _outbox_rows(sessions, "alone") == 0
        async with sessions() as session:
            row = (await session.execute(select(timers_table).where(timers_table.c.timer_key == "alone"))).one()
        assert (row.attempts, row.fired_at) == (1, None)
        assert "provider down" in row.last_error

        assert not [statement for statement in sent if statement.startswith("savepoint")]
        clock.advance(timedelta(seconds=2))  # past the first retry backoff
        assert await scheduler.fire_due() == 1
        assert await _outbox_rows(sessions, "alone") == 1


async def test_a_timer_whose_call_hangs_holds_up_neither_local_timers_nor_other_calls() -> None:
    """A merchant endpoint that does not answer (its handler waits up to 10 s) must not keep a
    hold release's balance rows locked, nor the payouts due beside it. The schedulers are those
    the service assembles (``timer_schedulers``): local handlers in batches, ``CallsOut``
    handlers one per transaction. Fired as one batch, the release and the quick call would commit
    only when the hanging call returned."""
    url = await fresh_service_database("order-svc", "_timer_calls")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ShiftableClock()
        async with unit_of_work(sessions) as session:
            await session.execute(text("create table locked_rows (row_key text primary key, fired int not null)"))
            for key in ("merchant-1", "payout-slow", "payout-quick"):
                await session.execute(text("insert into locked_rows values (:key, 0)"), {"key": key})
            for kind, key in (("release", "merchant-1"), ("call", "payout-slow"), ("call", "payout-quick")):
                await schedule_timer(session, kind, key, clock.now() + timedelta(minutes=1), {LOCK_KEY: key})
        answer = asyncio.Event()  # the hanging endpoint answers when the test sets it
        calls_waiting: list[str] = []

        async def touch(session: AsyncSession, timer: DueTimer) -> None:
            await session.execute(
                text("update locked_rows set fired = fired + 1 where row_key = :key"), {"key": timer.timer_key}
            )

        async def call(session: AsyncSession, timer: DueTimer) -> None:
            await touch(session, timer)  # the payout row, locked until this transaction ends
            if timer.timer_key == "payout-slow":
                calls_waiting.append(timer.timer_key)
                await answer.wait()

        schedulers = timer_schedulers(sessions, clock, {"release": touch, "call": CallsOut(call)}, poll_ms=20)
        assert len(schedulers) == 2
        clock.advance(timedelta(minutes=2))
        tasks = [asyncio.create_task(scheduler.run()) for scheduler in schedulers]

        async def committed(key: str) -> bool:
            async with sessions() as session:
                return bool(
                    await session.scalar(text("select fired from locked_rows where row_key = :key"), {"key": key})
                )

        try:
            await eventually(lambda: committed("merchant-1"), timeout_s=10, interval_s=0.02)
            await eventually(lambda: committed("payout-quick"), timeout_s=10, interval_s=0.02)
            assert calls_waiting == ["payout-slow"]  # still waiting on its call
            assert not await committed("payout-slow")
            answer.set()
            await eventually(lambda: committed("payout-slow"), timeout_s=10, interval_s=0.02)
        finally:
            answer.set()
            for scheduler in schedulers:
                scheduler.stop()
            await asyncio.gather(*tasks)
        async with sessions() as session:
            unfired = await session.scalar(select(func.count()).where(timers_table.c.fired_at.is_(None)))
        assert unfired == 0


async def test_calling_out_timers_fire_one_per_transaction_and_a_failing_one_is_retried_alone() -> None:
    url = await fresh_service_database("order-svc", "_timer_calls_fail")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        # Frozen, not shifted wall time: the refused timer's retry is due 1 s after its failure, and
        # a pass slower than that (a loaded machine) would otherwise find it due again and fire it.
        clock = FrozenClock(datetime.now(UTC))
        calls: list[str] = []

        async def send(session: AsyncSession, timer: DueTimer) -> None:
            calls.append(timer.timer_key)
            await _handler(clock)(session, timer)  # written, then undone if the call fails
            if timer.timer_key == "refused" and calls.count("refused") == 1:
                raise RuntimeError("provider down")

        keys = ("first", "refused", "third")
        async with unit_of_work(sessions) as session:
            for key in keys:
                await schedule_timer(session, "send", key, clock.now() + timedelta(hours=1))
        (scheduler,) = timer_schedulers(sessions, clock, {"send": CallsOut(send)}, calls_out_at_once=2)
        clock.advance(timedelta(hours=2))
        fired: list[int] = []

        async def fire() -> None:
            fired.append(await scheduler.fire_due())

        sent = [" ".join(statement.split()).lower() for statement in await statements_sent(engine, fire)]
        assert fired == [2]
        assert sorted(calls) == sorted(keys)  # each called once in the pass
        assert [await _outbox_rows(sessions, key) for key in keys] == [1, 0, 1]
        assert len([statement for statement in sent if statement.startswith("update timers set fired_at")]) == 2
        # each call in a savepoint: the refused one's writes undone, its backoff in its own
        # transaction while its row stays locked
        assert len([statement for statement in sent if statement.startswith("savepoint")]) == 3
        assert len([statement for statement in sent if statement.startswith("rollback to savepoint")]) == 1
        async with sessions() as session:
            row = (await session.execute(select(timers_table).where(timers_table.c.timer_key == "refused"))).one()
        assert (row.attempts, row.fired_at) == (1, None)
        assert "provider down" in row.last_error

        clock.advance(timedelta(seconds=2))  # past the first retry backoff
        assert await scheduler.fire_due() == 1
        assert await _outbox_rows(sessions, "refused") == 1


async def test_a_failing_calling_out_timer_is_not_fired_again_before_its_backoff_is_recorded() -> None:
    """A failed call's timer must not be found due by the pass's other worker before its backoff
    is recorded: it would call out again at once. Were the backoff recorded in a transaction of
    its own after a rollback (the row free and still due meanwhile, as before), that transaction
    is held back here until the other worker fired the others and claimed again: the refused
    call was sent twice. Recorded in the failed call's own transaction, there is no window."""
    url = await fresh_service_database("order-svc", "_timer_calls_window")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = FrozenClock(datetime.now(UTC))
        calls: list[str] = []
        failed = asyncio.Event()
        others_fired = asyncio.Event()
        failed_in: list[asyncio.Task[Any] | None] = []  # the worker whose call failed

        async def send(session: AsyncSession, timer: DueTimer) -> None:
            calls.append(timer.timer_key)
            if timer.timer_key == "refused" and calls.count("refused") == 1:
                failed_in.append(asyncio.current_task())
                failed.set()
                raise RuntimeError("provider down")
            if failed.is_set() and len(calls) == len(keys):
                others_fired.set()

        keys = ("refused", "second", "third")
        async with unit_of_work(sessions) as session:
            for number, key in enumerate(keys):  # "refused" is due first
                await schedule_timer(session, "send", key, clock.now() + timedelta(minutes=number))
        (scheduler,) = timer_schedulers(sessions, clock, {"send": CallsOut(send)}, calls_out_at_once=2)
        clock.advance(timedelta(hours=2))

        class BackoffWaits:
            """A session of the scheduler's; the one the failed worker opens next (its backoff's)
            begins once the other worker fired the others and had time to claim again."""

            def __init__(self) -> None:
                self.session = sessions()

            async def __aenter__(self) -> AsyncSession:
                if failed_in == [asyncio.current_task()] and not others_fired.is_set():
                    await asyncio.wait_for(others_fired.wait(), 30)
                    await asyncio.sleep(0.2)  # the other worker's next claim runs meanwhile
                return await self.session.__aenter__()

            async def __aexit__(self, *exc: object) -> None:
                await self.session.__aexit__(*exc)

        scheduler._sessions = BackoffWaits  # type: ignore[assignment]
        fired = await scheduler.fire_due()
        assert (fired, sorted(calls)) == (2, sorted(keys))  # the refused one called once, not twice
        async with sessions() as session:
            row = (await session.execute(select(timers_table).where(timers_table.c.timer_key == "refused"))).one()
        assert (row.attempts, row.fired_at) == (1, None)
