"""Imported statements and merchant records, and the discrepancies matching opened, in PostgreSQL;
with the reads of recon's copy of the facts the import and the discrepancy workflow check against."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import DiscrepancyRow, LedgerEntryRow, ReconOrderRow, StatementImportRow


class ImportRepository:
    """Statement imports and their discrepancies (added to the session, written by its flush)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def import_of(self, source: str, sha256: str) -> StatementImportRow | None:
        """The import of this very file (by its source and content hash), if it was imported before."""
        return (
            await self.session.execute(
                select(StatementImportRow).where(
                    col(StatementImportRow.source) == source, col(StatementImportRow.sha256) == sha256
                )
            )
        ).scalar_one_or_none()

    def add_import(self, row: StatementImportRow) -> None:
        self.session.add(row)

    def add_discrepancy(self, row: DiscrepancyRow) -> None:
        self.session.add(row)

    async def discrepancy(self, discrepancy_id: str, *, for_update: bool = False) -> DiscrepancyRow | None:
        return await self.session.get(DiscrepancyRow, discrepancy_id, with_for_update=for_update or None)

    async def ledger_entry_known(self, tx_key: str | None) -> bool:
        """Whether recon's copy of the ledger has the transaction."""
        found = await self.session.scalar(
            select(col(LedgerEntryRow.tx_key)).where(col(LedgerEntryRow.tx_key) == tx_key)
        )
        return found is not None

    async def orders_placed(self, merchant_id: str, start: datetime, end: datetime) -> list[ReconOrderRow]:
        """The merchant's orders placed in [start, end)."""
        orders = await self.session.execute(
            select(ReconOrderRow).where(
                col(ReconOrderRow.merchant_id) == merchant_id,
                col(ReconOrderRow.placed_at) >= start,
                col(ReconOrderRow.placed_at) < end,
            )
        )
        return list(orders.scalars())

    async def flush(self) -> None:
        await self.session.flush()
