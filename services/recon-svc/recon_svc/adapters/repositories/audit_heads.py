"""Every service's audit-chain heads recon keeps, in PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from recon_svc.adapters.tables import AuditHeadRow

HEADS = AuditHeadRow.__table__


class AuditHeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def last_link(self, chain: str) -> Any:
        """(seq, row_hash) of the chain's last head kept."""
        return (
            await self.session.execute(
                select(HEADS.c.seq, HEADS.c.row_hash)
                .where(HEADS.c.chain == chain)
                .order_by(HEADS.c.seq.desc())
                .limit(1)
            )
        ).first()

    async def add(self, head: dict[str, Any]) -> None:
        """A head (its columns); a second head at a row already kept (a truncated chain grown
        again) keeps the first: the verify of that chain then finds its row there changed."""
        await self.session.execute(insert(HEADS).values(**head).on_conflict_do_nothing(index_elements=["chain", "seq"]))

    async def last(self, chain: str) -> Row[Any] | None:
        return (
            await self.session.execute(
                select(HEADS).where(HEADS.c.chain == chain).order_by(HEADS.c.seq.desc()).limit(1)
            )
        ).first()

    async def count_and_first_break(self, chain: str) -> tuple[int, int | None]:
        """How many heads of the chain are kept, and the first seq kept not continuous."""
        count, discontinuous_at = (
            await self.session.execute(
                select(func.count(), func.min(HEADS.c.seq).filter(HEADS.c.continuous.is_(False))).where(
                    HEADS.c.chain == chain
                )
            )
        ).one()
        return count, discontinuous_at
