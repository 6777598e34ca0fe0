"""What the tax and 发出商品 reports read of recon's copy of the facts, in PostgreSQL: a merchant's
parcels' units (dispatched, signed off, returned) and completed refunds before a time, and the
orders that value them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import DispatchLineRow, ReconOrderRow, RefundFactRow, ShipmentReturnRow, SignOffLineRow
from shipsettle_shared.db import any_of


class ReportFactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def orders(self, order_ids: Iterable[str]) -> list[ReconOrderRow]:
        rows = await self.session.execute(
            select(ReconOrderRow).where(any_of(col(ReconOrderRow.order_id), sorted(order_ids)))
        )
        return list(rows.scalars())

    async def sign_off_lines(self, merchant_id: str, before: datetime) -> list[SignOffLineRow]:
        rows = await self.session.execute(
            select(SignOffLineRow).where(
                col(SignOffLineRow.merchant_id) == merchant_id, col(SignOffLineRow.signed_off_at) < before
            )
        )
        return list(rows.scalars())

    async def refunds(self, merchant_id: str, before: datetime) -> list[RefundFactRow]:
        rows = await self.session.execute(
            select(RefundFactRow).where(
                col(RefundFactRow.merchant_id) == merchant_id, col(RefundFactRow.completed_at) < before
            )
        )
        return list(rows.scalars())

    async def dispatch_lines(self, merchant_id: str, before: datetime) -> list[DispatchLineRow]:
        rows = await self.session.execute(
            select(DispatchLineRow).where(
                col(DispatchLineRow.merchant_id) == merchant_id, col(DispatchLineRow.dispatched_at) < before
            )
        )
        return list(rows.scalars())

    async def returns(self, merchant_id: str, before: datetime) -> list[ShipmentReturnRow]:
        rows = await self.session.execute(
            select(ShipmentReturnRow).where(
                col(ShipmentReturnRow.merchant_id) == merchant_id, col(ShipmentReturnRow.returned_at) < before
            )
        )
        return list(rows.scalars())
