"""Settlement's copy of refunds (what each takes back of its order), in PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.tables import (
    RefundRow,
)


class RefundRepository:
    """Refunds as settlement follows them (open until completed or closed)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def refund(self, refund_id: str, *, for_update: bool = False) -> RefundRow | None:
        statement = select(RefundRow).where(col(RefundRow.refund_id) == refund_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def add_refund(self, refund: RefundRow) -> None:
        self.session.add(refund)
        await self.session.flush()

    async def open_refunds(self, order_id: str) -> list[RefundRow]:
        rows = await self.session.execute(
            select(RefundRow).where(col(RefundRow.order_id) == order_id, col(RefundRow.status) == "open")
        )
        return list(rows.scalars())

    async def refunds_of_order(self, order_id: str) -> list[RefundRow]:
        rows = await self.session.execute(
            select(RefundRow)
            .where(col(RefundRow.order_id) == order_id)
            .order_by(col(RefundRow.opened_at), col(RefundRow.refund_id))
        )
        return list(rows.scalars())

    async def refunds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[RefundRow]:
        statement = select(RefundRow).where(col(RefundRow.merchant_id) == merchant_id)
        if order_id is not None:
            statement = statement.where(col(RefundRow.order_id) == order_id)
        return list((await self.session.execute(statement)).scalars())


# Arrays in, one statement whatever the batch size: the SQL text stays the same, so asyncpg's
