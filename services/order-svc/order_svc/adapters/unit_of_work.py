"""order-svc's unit of work in PostgreSQL: the orders and the timeline over one session, with the
outbox every service's has (shipsettle_shared.session_work), in the caller's transaction.
service_layer/unit_of_work.py says what the use cases may ask of it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.adapters.repository import OrderRepository
from order_svc.adapters.timeline import TimelineRepository
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.session_work import SessionUnitOfWork


class SqlOrderUnitOfWork(SessionUnitOfWork):
    PRODUCER = "order-svc"

    def __init__(self, session: AsyncSession, vault: PersonalDataVault) -> None:
        super().__init__(session)
        self.orders = OrderRepository(session, vault)
        self.timeline = TimelineRepository(session)
