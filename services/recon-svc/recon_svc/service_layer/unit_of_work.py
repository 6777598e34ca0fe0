"""What recon use cases need of storage: a unit of work carrying the repositories, one per
concern, each a Protocol of service_layer/repositories.py (adapters/unit_of_work.py in PostgreSQL;
an in-memory fake in unit tests).

A use case reads and writes through ``uow.<repository>``, adds its events to the outbox
(``add_event``), schedules its timers and names what happens once the caller's transaction has
committed (``after_commit``); the caller commits. The repositories make the statements the use
cases made before they took a unit of work: the unit of work adds no round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from recon_svc.service_layer.repositories import (
    AuditHeadStore,
    FactStore,
    FindingStore,
    ImportStore,
    MovementStore,
    ReportFactStore,
    StatementStore,
)
from shipsettle_shared import contracts
from shipsettle_shared.timers import TimerSpec


class ReconUnitOfWork(Protocol):
    @property
    def facts(self) -> FactStore: ...

    @property
    def findings(self) -> FindingStore: ...

    @property
    def imports(self) -> ImportStore: ...

    @property
    def audit_heads(self) -> AuditHeadStore: ...

    @property
    def movements(self) -> MovementStore: ...

    @property
    def report_facts(self) -> ReportFactStore: ...

    @property
    def statements(self) -> StatementStore: ...

    async def add_event(self, payload: contracts.EventPayload, *, occurred_at: datetime) -> None:
        """An event for the outbox, in the caller's transaction."""

    async def schedule_timer(
        self, timer_kind: str, timer_key: str, due_at: datetime, payload: Mapping[str, Any] | None = None
    ) -> None:
        """Create the timer, or move it if it has not fired yet."""

    async def schedule_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        """``schedule_timer`` for many of one kind."""

    async def rearm_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        """Timers due again (a fired one armed once more), moved if pending."""

    async def cancel_timers(self, timer_kind: str, timer_keys: Sequence[str], at: datetime) -> None:
        """Those of the timers that have neither fired nor been cancelled, cancelled."""

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the caller's transaction has committed (never if it rolls back)."""
