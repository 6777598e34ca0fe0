"""recon-svc's unit of work in PostgreSQL: its repositories over one session, with the outbox,
timers and commit hooks every service's has (shipsettle_shared.session_work), in the caller's
transaction. service_layer/unit_of_work.py says what the use cases may ask of it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from recon_svc.adapters.repositories.audit_heads import AuditHeadRepository
from recon_svc.adapters.repositories.facts import FactRepository
from recon_svc.adapters.repositories.findings import FindingRepository
from recon_svc.adapters.repositories.imports import ImportRepository
from recon_svc.adapters.repositories.movements import MovementRepository
from recon_svc.adapters.repositories.report_facts import ReportFactRepository
from recon_svc.adapters.repositories.statements import StatementRepository
from shipsettle_shared.session_work import SessionUnitOfWork


class SqlReconUnitOfWork(SessionUnitOfWork):
    PRODUCER = "recon-svc"

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self.facts = FactRepository(session)
        self.findings = FindingRepository(session)
        self.imports = ImportRepository(session)
        self.audit_heads = AuditHeadRepository(session)
        self.movements = MovementRepository(session)
        self.report_facts = ReportFactRepository(session)
        self.statements = StatementRepository(session)
