"""What settlement use cases need of storage: a unit of work carrying the repositories, one per
concern, each a Protocol of service_layer/repositories.py (adapters/unit_of_work.py in PostgreSQL;
an in-memory fake in unit tests).

A use case takes the unit of work, reads and writes through ``uow.<repository>``, adds its events
to the outbox (``add_events``) and schedules its timers (``schedule_timer(s)``); the caller's
transaction commits. Every repository statement is the one the use case made before it took a
unit of work: the unit of work adds no round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

from settlement_svc.service_layer.repositories import (
    ApprovalStore,
    HoldStore,
    LedgerStore,
    LockStore,
    NotificationStore,
    OrderStore,
    ParkedEventStore,
    PayoutStore,
    PolicyStore,
    ProgressStore,
    RefundStore,
)
from shipsettle_shared.outbox import StagedEvent
from shipsettle_shared.timers import TimerSpec


class SettlementUnitOfWork(Protocol):
    @property
    def ledger(self) -> LedgerStore: ...

    @property
    def locks(self) -> LockStore: ...

    @property
    def orders(self) -> OrderStore: ...

    @property
    def parked(self) -> ParkedEventStore: ...

    @property
    def policies(self) -> PolicyStore: ...

    @property
    def holds(self) -> HoldStore: ...

    @property
    def refunds(self) -> RefundStore: ...

    @property
    def progress(self) -> ProgressStore: ...

    @property
    def payouts(self) -> PayoutStore: ...

    @property
    def notifications(self) -> NotificationStore: ...

    @property
    def approvals(self) -> ApprovalStore: ...

    async def add_events(self, staged: Sequence[StagedEvent]) -> None:
        """Events for the outbox, in their order, in the caller's transaction."""

    async def schedule_timer(
        self, timer_kind: str, timer_key: str, due_at: datetime, payload: Mapping[str, Any] | None = None
    ) -> None:
        """Create the timer, or move it if it has not fired yet."""

    async def schedule_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        """``schedule_timer`` for many of one kind."""

    async def cancel_timer(self, timer_kind: str, timer_key: str, at: datetime) -> bool:
        """Cancel the timer if it has neither fired nor been cancelled: whether it was."""
        ...

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        """A nested transaction: what happens inside is undone alone if it raises."""
        ...

    async def flush(self) -> None:
        """ORM changes made so far sent to the database (read by the statements that follow)."""
