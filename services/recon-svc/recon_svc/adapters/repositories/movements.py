"""Our movements a statement is matched against, read from recon's copy of the facts in
PostgreSQL: payouts paid or returned, orders paid through a wallet, refunds completed. Each read
takes the movements dated inside [start, end) or named by the file (``refs``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import PayoutFactRow, ReconOrderRow, RefundFactRow


class MovementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def payouts_settled(self, start: datetime, end: datetime, refs: Sequence[str]) -> list[PayoutFactRow]:
        """Payouts paid or returned in the period, or named by the file."""
        payouts = select(PayoutFactRow).where(
            (col(PayoutFactRow.payout_id).in_(refs))
            | (col(PayoutFactRow.provider_reference).in_(refs))
            | _within(col(PayoutFactRow.paid_at), start, end)
            | _within(col(PayoutFactRow.returned_at), start, end)
        )
        return list((await self.session.execute(payouts)).scalars())

    async def orders_paid(
        self, channel: str, start: datetime, end: datetime, refs: Sequence[str]
    ) -> list[ReconOrderRow]:
        """Orders paid through ``channel`` in the period (by when the buyer paid, else when the
        order was placed), or named by the file."""
        paid_at = func.coalesce(col(ReconOrderRow.paid_at), col(ReconOrderRow.placed_at))
        orders = select(ReconOrderRow).where(
            col(ReconOrderRow.payment_channel) == channel,
            _within(paid_at, start, end) | col(ReconOrderRow.order_id).in_(refs),
        )
        return list((await self.session.execute(orders)).scalars())

    async def refunds_completed(
        self, start: datetime, end: datetime, refs: Sequence[str], *, channel: str | None
    ) -> list[tuple[RefundFactRow, str | None]]:
        """Refunds completed in the period or named by the file, with their order's payment
        channel; with ``channel``, only those of orders paid through it or refunded to it."""
        refunds = (
            select(RefundFactRow, col(ReconOrderRow.payment_channel))
            .outerjoin(ReconOrderRow, col(ReconOrderRow.order_id) == col(RefundFactRow.order_id))
            .where(
                _within(col(RefundFactRow.completed_at), start, end)
                | col(RefundFactRow.refund_id).in_(refs)
                | col(RefundFactRow.provider_reference).in_(refs)
            )
        )
        if channel is not None:
            refunds = refunds.where(
                (col(ReconOrderRow.payment_channel) == channel) | (col(RefundFactRow.refunded_to_channel) == channel)
            )
        return list((await self.session.execute(refunds)).tuples())


def _within(column: Any, start: datetime, end: datetime) -> Any:
    return (column >= start) & (column < end)
