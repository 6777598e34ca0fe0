"""recon-svc's unit of work in PostgreSQL: its repositories over one session, in the caller's
transaction (the consumer's batch, the timer's, the request's), which commits it.
service_layer/unit_of_work.py says what the use cases may ask of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event as session_events
from sqlalchemy.ext.asyncio import AsyncSession

from recon_svc.adapters.repositories.audit_heads import AuditHeadRepository
from recon_svc.adapters.repositories.facts import FactRepository
from recon_svc.adapters.repositories.findings import FindingRepository
from recon_svc.adapters.repositories.imports import ImportRepository
from recon_svc.adapters.repositories.movements import MovementRepository
from recon_svc.adapters.repositories.report_facts import ReportFactRepository
from recon_svc.adapters.repositories.statements import StatementRepository
from shipsettle_shared import contracts
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import TimerSpec, rearm_timers, schedule_timer, schedule_timers

PRODUCER = "recon-svc"


class SqlReconUnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.facts = FactRepository(session)
        self.findings = FindingRepository(session)
        self.imports = ImportRepository(session)
        self.audit_heads = AuditHeadRepository(session)
        self.movements = MovementRepository(session)
        self.report_facts = ReportFactRepository(session)
        self.statements = StatementRepository(session)

    async def add_event(self, payload: contracts.EventPayload, *, occurred_at: datetime) -> None:
        await add_to_outbox(self.session, payload, producer=PRODUCER, occurred_at=occurred_at)

    async def schedule_timer(
        self, timer_kind: str, timer_key: str, due_at: datetime, payload: Mapping[str, Any] | None = None
    ) -> None:
        await schedule_timer(self.session, timer_kind, timer_key, due_at, payload)

    async def schedule_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        await schedule_timers(self.session, timer_kind, timers)

    async def rearm_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        await rearm_timers(self.session, timer_kind, timers)

    def after_commit(self, callback: Callable[[], None]) -> None:
        def committed(_: object) -> None:
            callback()

        session_events.listen(self.session.sync_session, "after_commit", committed, once=True)
