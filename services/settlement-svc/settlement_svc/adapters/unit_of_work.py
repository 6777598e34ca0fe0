"""settlement-svc's unit of work in PostgreSQL: its repositories over one session, in the
caller's transaction (the consumer's batch, the timer's, the request's), which commits it.
service_layer/unit_of_work.py says what the use cases may ask of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

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
from shipsettle_shared.outbox import StagedEvent, add_staged_to_outbox
from shipsettle_shared.timers import TimerSpec, schedule_timer, schedule_timers


class SqlSettlementUnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.ledger = LedgerRepository(session)
        self.locks = Locks(session)
        self.orders = OrderRepository(session)
        self.parked = ParkedEventRepository(session)
        self.policies = PolicyRepository(session)
        self.holds = HoldRepository(session)
        self.refunds = RefundRepository(session)
        self.progress = ProgressRepository(session)
        self.payouts = PayoutRepository(session)
        self.notifications = NotificationRepository(session)

    async def add_events(self, staged: Sequence[StagedEvent]) -> None:
        await add_staged_to_outbox(self.session, staged)

    async def schedule_timer(
        self, timer_kind: str, timer_key: str, due_at: datetime, payload: Mapping[str, Any] | None = None
    ) -> None:
        await schedule_timer(self.session, timer_kind, timer_key, due_at, payload)

    async def schedule_timers(self, timer_kind: str, timers: Sequence[TimerSpec]) -> None:
        await schedule_timers(self.session, timer_kind, timers)

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        return self.session.begin_nested()

    async def flush(self) -> None:
        await self.session.flush()
