"""Merchant statements in PostgreSQL: the ledger entries a statement is built from, and the
versions issued of a closed period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import LedgerEntryRow, StatementRow


class StatementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ledger_entries(self, merchant_id: str, before: datetime) -> list[LedgerEntryRow]:
        """The merchant's ledger entries posted before ``before``, in posting order."""
        rows = await self.session.execute(
            select(LedgerEntryRow)
            .where(col(LedgerEntryRow.merchant_id) == merchant_id, col(LedgerEntryRow.posted_at) < before)
            .order_by(col(LedgerEntryRow.posted_at), col(LedgerEntryRow.id))
        )
        return list(rows.scalars())

    async def versions(self, merchant_id: str, start: datetime, end: datetime) -> list[StatementRow]:
        """The versions issued of the merchant's statement of [start, end), oldest first, locked."""
        rows = await self.session.execute(
            select(StatementRow)
            .where(
                col(StatementRow.merchant_id) == merchant_id,
                col(StatementRow.period_start) == start,
                col(StatementRow.period_end) == end,
            )
            .order_by(col(StatementRow.version))
            .with_for_update()
        )
        return list(rows.scalars())

    async def add(self, statement: StatementRow) -> None:
        self.session.add(statement)
        await self.session.flush()
