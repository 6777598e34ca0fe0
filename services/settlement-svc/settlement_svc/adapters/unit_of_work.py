"""settlement-svc's unit of work in PostgreSQL: its repositories over one session, with the outbox,
timers and savepoints every service's has (shipsettle_shared.session_work), in the caller's
transaction. service_layer/unit_of_work.py says what the use cases may ask of it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

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
from shipsettle_shared.session_work import SessionUnitOfWork


class SqlSettlementUnitOfWork(SessionUnitOfWork):
    PRODUCER = "settlement-svc"

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
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
        self.approvals = ApprovalRepository(session)
