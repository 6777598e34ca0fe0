"""What every service's SQL unit of work does over its session beside its repositories: events
into the outbox, durable timers, savepoints, flushes and what runs once the transaction has
committed. A service's unit of work (``adapters/unit_of_work.py``) adds its repositories to it;
the caller's transaction (the consumer's batch, the timer's, the request's) commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import event as session_events
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.contracts import EventPayload
from shipsettle_shared.outbox import StagedEvent, add_staged_to_outbox, add_to_outbox
from shipsettle_shared.timers import (
    TimerSpec,
    cancel_timer,
    cancel_timers,
    rearm_timers,
    schedule_timer,
    schedule_timers,
)


class SessionUnitOfWork:
    PRODUCER: ClassVar[str]  # the service the events it adds come from

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_event(self, payload: EventPayload, *, occurred_at: datetime) -> None:
        await add_to_outbox(self.session, payload, producer=self.PRODUCER, occurred_at=occurred_at)

    async def add_events(self, staged: Sequence[StagedEvent]) -> None:
        await add_staged_to_outbox(self.session, staged)

    async def schedule_timer(
        self, timer_kind: str, timer_key: str, due_at: datetime, payload: Mapping[str, Any] | None = None
    ) -> None:
        await schedule_timer(self.session, timer_kind, timer_key, due_at, payload)

    async def schedule_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        await schedule_timers(self.session, timer_kind, timers)

    async def rearm_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        await rearm_timers(self.session, timer_kind, timers)

    async def cancel_timer(self, timer_kind: str, timer_key: str, at: datetime) -> bool:
        return await cancel_timer(self.session, timer_kind, timer_key, at)

    async def cancel_timers(self, timer_kind: str, timer_keys: Sequence[str], at: datetime) -> None:
        await cancel_timers(self.session, timer_kind, timer_keys, at)

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        return self.session.begin_nested()

    async def flush(self) -> None:
        await self.session.flush()

    def after_commit(self, callback: Callable[[], None]) -> None:
        def committed(_: object) -> None:
            callback()

        session_events.listen(self.session.sync_session, "after_commit", committed, once=True)
