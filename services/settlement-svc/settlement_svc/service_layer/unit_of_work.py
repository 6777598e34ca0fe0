"""What settlement use cases need of storage: a unit of work carrying the repositories, one per
concern (adapters/unit_of_work.py in PostgreSQL; an in-memory fake in unit tests).

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

from settlement_svc.adapters.repositories.approvals import ApprovalRepository
from settlement_svc.adapters.repositories.holds import HoldRepository
from settlement_svc.adapters.repositories.ledger import LedgerRepository
from settlement_svc.adapters.repositories.locks import Locks
from settlement_svc.adapters.repositories.notifications import NotificationRepository
from settlement_svc.adapters.repositories.orders import OrderRepository
from settlement_svc.adapters.repositories.parked_events import ParkedEventRepository
from settlement_svc.adapters.repositories.payouts import PayoutRepository
from settlement_svc.adapters.repositories.policies import PolicyRepository
from settlement_svc.adapters.repositories.progress import ProgressRepository
from settlement_svc.adapters.repositories.refunds import RefundRepository
from shipsettle_shared.outbox import StagedEvent
from shipsettle_shared.timers import TimerSpec


class SettlementUnitOfWork(Protocol):
    @property
    def ledger(self) -> LedgerRepository: ...

    @property
    def locks(self) -> Locks: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def parked(self) -> ParkedEventRepository: ...

    @property
    def policies(self) -> PolicyRepository: ...

    @property
    def holds(self) -> HoldRepository: ...

    @property
    def refunds(self) -> RefundRepository: ...

    @property
    def progress(self) -> ProgressRepository: ...

    @property
    def payouts(self) -> PayoutRepository: ...

    @property
    def notifications(self) -> NotificationRepository: ...

    @property
    def approvals(self) -> ApprovalRepository: ...

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
