"""The session side of a fake unit of work (the real one: shipsettle_shared.session_work), shared
by the services' in-memory fakes: events as the outbox would get them, timers as the timer table
would keep them (a key scheduled again moves), savepoints, and what runs after a commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from shipsettle_shared import contracts
from shipsettle_shared.outbox import StagedEvent
from shipsettle_shared.timers import TimerSpec


class FakeSessionWork:
    def __init__(self) -> None:
        self.events: list[contracts.EventPayload] = []
        self.timers: dict[tuple[str, str], tuple[datetime, Mapping[str, Any] | None]] = {}
        self.on_commit: list[Callable[[], None]] = []
        self.cancelled_timers: dict[tuple[str, str], datetime] = {}

    async def add_event(self, payload: contracts.EventPayload, *, occurred_at: datetime) -> None:
        self.events.append(payload)

    async def add_events(self, staged: Sequence[StagedEvent]) -> None:
        self.events += [
            contracts.read_payload(s.envelope.payload, contracts.EVENT_PAYLOADS[s.envelope.event_type]) for s in staged
        ]

    async def schedule_timer(
        self, timer_kind: str, timer_key: str, due_at: datetime, payload: Mapping[str, Any] | None = None
    ) -> None:
        self.timers[timer_kind, timer_key] = (due_at, payload)

    async def schedule_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        for key, due_at, payload in timers:
            await self.schedule_timer(timer_kind, key, due_at, payload)

    async def rearm_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        await self.schedule_timers(timer_kind, timers)

    async def cancel_timer(self, timer_kind: str, timer_key: str, at: datetime) -> bool:
        if self.timers.pop((timer_kind, timer_key), None) is None:
            return False
        self.cancelled_timers[timer_kind, timer_key] = at
        return True

    async def cancel_timers(self, timer_kind: str, timer_keys: Sequence[str], at: datetime) -> None:
        for key in timer_keys:
            await self.cancel_timer(timer_kind, key, at)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[object]:
        yield self

    async def flush(self) -> None:
        return None

    def after_commit(self, callback: Callable[[], None]) -> None:
        self.on_commit.append(callback)

    def commit(self) -> None:
        """Run what waited for the commit, as the real session's after_commit does."""
        for callback in self.on_commit:
            callback()
        self.on_commit.clear()

    def of_type(self, kind: type[contracts.EventPayload]) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]
