"""Durable timers: auto-confirm after 7 days, hold release, refund deadlines.

The due time is a row in the owning service's database, so a restart forgets nothing. The
scheduler claims due rows with ``FOR UPDATE SKIP LOCKED`` and marks each fired in the same
transaction as the handler's effect: with several instances running, each timer fires once.
Time comes from the service's clock, so a test moves the clock instead of waiting a week.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, event, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from shipsettle_shared import metrics
from shipsettle_shared.clock import Clock
from shipsettle_shared.db import any_of, json_rows, timers_table
from shipsettle_shared.logs import correlation_id_var

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueTimer:
    timer_kind: str
    timer_key: str
    due_at: datetime
    payload: dict[str, Any]


TimerHandler = Callable[[AsyncSession, DueTimer], Awaitable[None]]


@dataclass(frozen=True)
class CallsOut:
    """A timer handler that calls a system outside ShipSettle (a payment provider, a merchant's
    endpoint) inside its transaction. It never fires in a batch: a batch is one transaction, so
    every row its handlers lock (a hold release's balance rows, a payout) would stay locked for
    every call of the batch, up to a merchant endpoint's 10 s timeout. Such timers fire one per
    transaction, a few at once (``timer_schedulers``), each holding its own locks for its one call."""

    handler: TimerHandler


BatchTimerHandler = Callable[[AsyncSession, Sequence[DueTimer]], Awaitable[None]]


@dataclass(frozen=True)
class InBatches:
    """A timer handler that takes every timer of its kind a pass claims in one call, with
    set-based statements: a burst of due timers (recon's judgements after a surge) costs the
    statements of one, not a savepoint, a read and a release each. The pass's timers of the kind
    fire together, or fail and are retried together. A handler that locks rows locks them in one
    sorted order (its timers come in (lock key, key) order)."""

    handler: BatchTimerHandler


TimerHandlers = Mapping[str, TimerHandler | CallsOut | InBatches]
LocalTimerHandlers = Mapping[str, TimerHandler | InBatches]  # what fires in a pass's transaction


# Create the timer, or move it if it has not fired yet (pause/resume re-schedules).
_UPSERT_TIMERS = """
    insert into timers (timer_kind, timer_key, due_at, payload)
    select cast(:kind as text), t.timer_key, t.due_at, t.payload
    from jsonb_to_recordset(cast(:timers as jsonb)) as t(timer_key text, due_at timestamptz, payload jsonb)
    on conflict on constraint timers_kind_key do update set due_at = excluded.due_at, payload = excluded.payload
"""
_SCHEDULE_TIMERS = text(_UPSERT_TIMERS + ", cancelled_at = null where timers.fired_at is null")
# A debounced timer: moved on every call, and armed again once it has fired (one row per key for
# good, however many times it fires).
_REARM_TIMERS = text(_UPSERT_TIMERS + ", fired_at = null, cancelled_at = null, attempts = 0, last_error = null")
# A payload key naming what a timer's handler locks besides its own rows, when its key does not
# (a hold release locks its merchant's balance rows; its key is the hold's id): a batch fires in
# (lock key, timer key) order, so every instance takes those locks in one order.
LOCK_KEY = "lock_key"
# A batch's fired timers, marked in one statement (one text whatever the batch's size).
_MARK_FIRED = text("update timers set fired_at = :now where id = any(:ids)")
_RETRY_LATER = text(
    "update timers set attempts = :attempts, last_error = :error, due_at = :due_at where id = :id and fired_at is null"
)

TimerSpec = tuple[str, datetime, Mapping[str, Any] | None]  # key, due at, payload

# This process's schedulers, woken when a commit makes a timer due before their next look (a
# hold released at once after a sign-off fires at once, not a poll later). Timers other
# processes schedule are found by the poll.
_schedulers: weakref.WeakSet[TimerScheduler] = weakref.WeakSet()
_EARLIEST_DUE = "shipsettle.earliest_timer_due"


@event.listens_for(Session, "after_commit")
def _wake_schedulers(session: Session) -> None:
    due_at = session.info.pop(_EARLIEST_DUE, None)
    if due_at is not None:
        for scheduler in list(_schedulers):
            scheduler.timer_committed(due_at)


@event.listens_for(Session, "after_soft_rollback")
def _forget_due(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback keeps what was written before it
        session.info.pop(_EARLIEST_DUE, None)


async def schedule_timer(
    session: AsyncSession, timer_kind: str, timer_key: str, due_at: datetime, payload: Mapping[str, Any] | None = None
) -> None:
    """Create the timer, or move it if it has not fired yet (pause/resume re-schedules)."""
    await schedule_timers(session, timer_kind, [(timer_key, due_at, payload)])


async def schedule_timers(session: AsyncSession, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
    """``schedule_timer`` for many (key, due at, payload) of one kind, in one statement."""
    await _upsert_timers(session, timer_kind, timers, rearm=False)


async def rearm_timers(session: AsyncSession, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
    """Debounced timers, in one statement: each key's timer is due at the given time whether it
    is pending (moved), fired or cancelled (armed again), or new. A burst of calls fires it once,
    after the last; a call after it fired makes it fire once more."""
    await _upsert_timers(session, timer_kind, timers, rearm=True)


async def _upsert_timers(session: AsyncSession, timer_kind: str, timers: Sequence[TimerSpec], *, rearm: bool) -> None:
    # One row per key, the last call winning as if they ran in turn (a statement may not touch a
    # row twice), in key order so that concurrent transactions lock timer rows in one order.
    latest = {key: (due_at, payload) for key, due_at, payload in timers}
    if not latest:
        return
    rows = [
        {"timer_key": key, "due_at": due_at, "payload": dict(payload or {})}
        for key, (due_at, payload) in sorted(latest.items())
    ]
    await session.execute(_REARM_TIMERS if rearm else _SCHEDULE_TIMERS, {"kind": timer_kind, "timers": json_rows(rows)})
    wake_schedulers_after_commit(session, min(due_at for due_at, _ in latest.values()))


def wake_schedulers_after_commit(session: AsyncSession, due_at: datetime) -> None:
    """Marks the transaction: its commit tells this process's schedulers a timer is due at
    ``due_at`` (they look at once if that is before their next look); a rollback tells nobody.
    For code that writes timers with statements of its own."""
    info = session.sync_session.info
    info[_EARLIEST_DUE] = min(info.get(_EARLIEST_DUE, due_at), due_at)


_CANCEL_TIMERS = text(
    "update timers set cancelled_at = :at where timer_kind = :kind and timer_key = any(:keys)"
    " and fired_at is null and cancelled_at is null"
)


async def cancel_timers(session: AsyncSession, timer_kind: str, timer_keys: Sequence[str], at: datetime) -> None:
    """``cancel_timer`` for many of one kind, in one statement (none for no keys)."""
    if timer_keys:
        await session.execute(_CANCEL_TIMERS, {"at": at, "kind": timer_kind, "keys": list(timer_keys)})


async def cancel_timer(session: AsyncSession, timer_kind: str, timer_key: str, at: datetime) -> bool:
    result = await session.execute(
        update(timers_table)
        .where(
            timers_table.c.timer_kind == timer_kind,
            timers_table.c.timer_key == timer_key,
            timers_table.c.fired_at.is_(None),
            timers_table.c.cancelled_at.is_(None),
        )
        .values(cancelled_at=at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


class TimerScheduler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        handlers: LocalTimerHandlers,
        *,
        poll_ms: int = 200,
        batch_size: int = 100,
        one_per_transaction: int = 0,
    ) -> None:
        """``one_per_transaction``: 0 fires due timers in batches of ``batch_size``, one
        transaction each; n > 0 fires each due timer in a transaction of its own, n at once, up to
        ``batch_size`` per pass (for handlers that call out: ``CallsOut``), never ``InBatches``."""
        if one_per_transaction and any(isinstance(handler, InBatches) for handler in handlers.values()):
            raise ValueError("a timer fired one per transaction cannot be fired in batches")
        self._sessions = sessions
        self._clock = clock
        self._handlers = dict(handlers)
        self._poll_s = poll_ms / 1000
        self._batch_size = batch_size
        self._one_per_transaction = one_per_transaction
        self._stopping = asyncio.Event()
        # the earliest due time a commit of this process announced and no pass has covered yet
        self._due_hint: datetime | None = None
        self._wake = asyncio.Event()
        self._wake_at: datetime | None = None  # when the sleeping scheduler looks again
        self._next_due = select(func.min(timers_table.c.due_at)).where(
            timers_table.c.fired_at.is_(None),
            timers_table.c.cancelled_at.is_(None),
            any_of(timers_table.c.timer_kind, self._handlers),
        )
        _schedulers.add(self)
        self._due_timers = (
            select(timers_table)
            .where(
                timers_table.c.fired_at.is_(None),
                timers_table.c.cancelled_at.is_(None),
                timers_table.c.due_at <= bindparam("now"),
                any_of(timers_table.c.timer_kind, self._handlers),
            )
            .order_by(timers_table.c.due_at)
            .limit(1 if one_per_transaction else self._batch_size)
            .with_for_update(skip_locked=True)
        )

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def timer_committed(self, due_at: datetime) -> None:
        """A commit in this process scheduled a timer due at ``due_at``: wake at once if that is
        before the sleeping scheduler's next look."""
        self._due_hint = due_at if self._due_hint is None else min(self._due_hint, due_at)
        if self._wake_at is not None and due_at < self._wake_at:
            self._wake.set()

    async def run(self) -> None:
        """Idle, one autocommitted statement per poll (the earliest pending due time); a claiming
        transaction only when something is due. Between polls it sleeps until the earliest due
        time it knows of, or until a commit of this process schedules an earlier one."""
        claim_at_once = False  # after a busy pass, or a wake for a timer due now: no look first
        while not self._stopping.is_set():
            hint, self._due_hint = self._due_hint, None  # commits from now on are not covered yet
            looked_at = self._clock.now()
            next_due: datetime | None = None
            try:
                if not claim_at_once:
                    next_due = await self._earliest_due()
                due = claim_at_once or (next_due is not None and next_due <= self._clock.now())
                fired = await self.fire_due() if due else 0
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("timer pass failed; due timers stay due")
                fired = 0
            claim_at_once = fired > 0
            if fired:
                continue
            for due_at in (hint, next_due):  # still to come: sleep no longer than until then
                if due_at is not None and due_at > looked_at:
                    self._due_hint = due_at if self._due_hint is None else min(self._due_hint, due_at)
            await self._sleep()
            claim_at_once = self._due_hint is not None and self._due_hint <= self._clock.now()

    async def _earliest_due(self) -> datetime | None:
        async with self._sessions() as session:
            # autocommit: one round trip, no BEGIN and ROLLBACK around it
            connection = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            due_at: datetime | None = await connection.scalar(self._next_due)
            return due_at

    async def _sleep(self) -> None:
        now = self._clock.now()
        wake_at = now + timedelta(seconds=self._poll_s)
        if self._due_hint is not None:
            wake_at = max(now, min(wake_at, self._due_hint))
        self._wake.clear()
        self._wake_at = wake_at
        try:
            if wake_at > now and not self._stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=(wake_at - now).total_seconds())
        finally:
            self._wake_at = None

    async def fire_due(self) -> int:
        """Fire the timers due now that no other instance holds (up to the batch size); returns
        how many fired."""
        if self._one_per_transaction:
            return await self._fire_one_per_transaction()
        return await self._fire_batch()

    async def _fire_one_per_transaction(self) -> int:
        """Workers claim one due timer each, fire it and commit, until none is due or the pass's
        budget is spent: a handler waiting on its call holds up only its own timer."""
        budget = self._batch_size
        fired = 0

        async def worker() -> None:
            nonlocal budget, fired
            while budget > 0 and not self._stopping.is_set():
                budget -= 1
                outcome = await self._fire_one()
                if outcome is None:
                    return
                fired += outcome

        await asyncio.gather(*(worker() for _ in range(self._one_per_transaction)))
        return fired

    async def _fire_one(self) -> int | None:
        """One due timer fired in a transaction of its own: 1; it failed (due again after a
        backoff): 0; none due: None.

        The handler runs in a savepoint: when its call fails, its writes are undone and the
        backoff is recorded in the same transaction, the timer's row locked throughout. Rolled
        back whole instead, the row would be free and still due until a second transaction
        recorded the backoff, and the pass's other workers (whose claims may already be on their
        way) would call out again at once (seen: the refused call sent twice in one pass)."""
        now = self._clock.now()
        row: Any = None
        failure: Exception | None = None
        try:
            async with self._sessions() as session, session.begin():
                row = (await session.execute(self._due_timers, {"now": now})).first()
                if row is None:
                    return None
                try:
                    async with session.begin_nested():
                        await self._fire([row], session)
                except Exception as error:
                    failure = error
                    logger.exception("timer handler failed; retried later", extra={"fields": {"timer": row.timer_key}})
                    await session.execute(*self._retry_later(row, error, now))
                else:
                    await session.execute(_MARK_FIRED, {"ids": [row.id], "now": now})
        except Exception as error:
            if row is None:
                raise  # the claim itself failed: the pass fails, nothing fired
            # the transaction itself failed (the connection, the commit): record the backoff anew
            logger.exception("timer transaction failed; retried later", extra={"fields": {"timer": row.timer_key}})
            async with self._sessions() as session, session.begin():
                await session.execute(*self._retry_later(row, failure or error, now))
            return 0
        if failure is not None:
            return 0
        metrics.timers_fired_total.labels(row.timer_kind).inc()
        return 1

    async def _fire_batch(self) -> int:
        """Fire every timer due now that no other instance holds; returns how many fired.

        The batch is one transaction and its fired timers are marked in one statement. With
        several timers, each handler runs in a savepoint, so a failing one is rolled back alone,
        stays due and is retried later while the others fire. A batch of one (most passes outside
        a surge) needs no savepoint: a failure rolls the transaction back and is recorded in one of
        its own. Either way no handler runs twice because another one failed (some call out:
        payouts, refunds, merchant notifications)."""
        now = self._clock.now()
        fired: list[Any] = []
        failed: tuple[list[Any], Exception] | None = None
        try:
            async with self._sessions() as session, session.begin():
                rows = (await session.execute(self._due_timers, {"now": now})).all()
                # Fire in lock order. The batch is one transaction, so every row a handler locks
                # stays locked until the whole batch commits; two instances firing the same rows in
                # different orders deadlock (PostgreSQL ends one after a second, and the timer
                # waits for its retry). Timer keys start with what their handler locks (a shipment
                # id), or the payload names it (LOCK_KEY: a hold release's merchant), so (lock key,
                # key) is one lock order for every instance. Seen at N=1000: 3,198 due logistics
                # timers drained at 9 a second; at N=10000, settlement's hold releases of the same
                # merchants.
                ordered = sorted(rows, key=lambda row: (str(row.payload.get(LOCK_KEY, "")), row.timer_key))
                calls = self._calls(ordered)
                isolated = len(calls) > 1
                for call in calls:
                    try:
                        if isolated:
                            async with session.begin_nested():
                                await self._fire(call, session)
                        else:
                            await self._fire(call, session)
                        fired += call
                    except Exception as error:
                        logger.exception(
                            "timer handler failed; retried later",
                            extra={"fields": {"timer": call[0].timer_key, "timers": len(call)}},
                        )
                        if not isolated:
                            failed = (call, error)
                            raise _RollBack from error
                        for row in call:
                            await session.execute(*self._retry_later(row, error, now))
                if fired:
                    await session.execute(_MARK_FIRED, {"ids": [row.id for row in fired], "now": now})
        except _RollBack:
            assert failed is not None
            rows_failed, failure = failed
            async with self._sessions() as session, session.begin():
                for row in rows_failed:
                    await session.execute(*self._retry_later(row, failure, now))
            return 0
        for row in fired:
            metrics.timers_fired_total.labels(row.timer_kind).inc()
        return len(fired)

    def _calls(self, ordered: Sequence[Any]) -> list[list[Any]]:
        """The handler calls a pass's claimed rows make, in their lock order: one row each, except
        that every row of an ``InBatches`` kind goes in one call, where its first row stands."""
        calls: list[list[Any]] = []
        batched: dict[str, list[Any]] = {}
        for row in ordered:
            if not isinstance(self._handlers[row.timer_kind], InBatches):
                calls.append([row])
            elif row.timer_kind in batched:
                batched[row.timer_kind].append(row)
            else:
                batched[row.timer_kind] = [row]
                calls.append(batched[row.timer_kind])
        return calls

    async def _fire(self, call: Sequence[Any], session: AsyncSession) -> None:
        handler = self._handlers[call[0].timer_kind]
        if isinstance(handler, InBatches):
            with _firing_together(call) as timers:
                await handler.handler(session, timers)
        else:
            [row] = call
            with _firing(row) as timer:
                await handler(session, timer)

    @staticmethod
    def _retry_later(row: Any, error: Exception, now: datetime) -> tuple[Any, dict[str, Any]]:
        """The failed timer due again after a backoff, with its error (unless it fired meanwhile)."""
        retry_in = timedelta(seconds=min(2 ** min(row.attempts, 10), 600))
        return _RETRY_LATER, {
            "id": row.id,
            "attempts": row.attempts + 1,
            "error": str(error)[:2000],
            "due_at": now + retry_in,
        }


def timer_schedulers(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    handlers: TimerHandlers,
    *,
    poll_ms: int = 200,
    batch_size: int = 100,
    calls_out_at_once: int = 4,
) -> list[TimerScheduler]:
    """A service's schedulers: one firing its local handlers in batches, one firing its
    ``CallsOut`` handlers one per transaction, ``calls_out_at_once`` at a time. Each sleeps and
    wakes on its own, so a slow call never delays a hold release."""
    local = {kind: handler for kind, handler in handlers.items() if not isinstance(handler, CallsOut)}
    calling_out = {kind: handler.handler for kind, handler in handlers.items() if isinstance(handler, CallsOut)}
    schedulers = []
    if local:
        schedulers.append(TimerScheduler(sessions, clock, local, poll_ms=poll_ms, batch_size=batch_size))
    if calling_out:
        schedulers.append(
            TimerScheduler(
                sessions,
                clock,
                calling_out,
                poll_ms=poll_ms,
                batch_size=batch_size,
                one_per_transaction=calls_out_at_once,
            )
        )
    return schedulers


@contextlib.contextmanager
def _firing(row: Any) -> Iterator[DueTimer]:
    """A claimed row as the timer its handler gets, with the timer as the correlation id of
    everything the handler does and logs."""
    token = correlation_id_var.set(f"timer:{row.timer_kind}:{row.timer_key}")
    try:
        yield DueTimer(row.timer_kind, row.timer_key, row.due_at, dict(row.payload))
    finally:
        correlation_id_var.reset(token)


@contextlib.contextmanager
def _firing_together(rows: Sequence[Any]) -> Iterator[list[DueTimer]]:
    """Claimed rows of one kind as the timers their batch handler gets, with the first timer
    and their number as the correlation id."""
    first = rows[0]
    token = correlation_id_var.set(f"timer:{first.timer_kind}:{first.timer_key}+{len(rows) - 1}")
    try:
        yield [DueTimer(row.timer_kind, row.timer_key, row.due_at, dict(row.payload)) for row in rows]
    finally:
        correlation_id_var.reset(token)


class _RollBack(Exception):
    """The only timer of a batch failed: its transaction is rolled back whole."""
