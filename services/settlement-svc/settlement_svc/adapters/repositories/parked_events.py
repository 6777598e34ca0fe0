"""Events parked until their order is known (a sign-off or a refund event that came first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.tables import (
    ParkedEventRow,
)


class ParkedEventRepository:
    """Parked events, applied in the order they were parked once their order arrives."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def park(self, order_id: str, envelope: dict[str, Any], reason: str, *, now: datetime) -> None:
        await self.park_many([(order_id, envelope, reason)], now=now)

    async def park_many(self, parked: Sequence[tuple[str, dict[str, Any], str]], *, now: datetime) -> None:
        """Park (order id, envelope, reason) in their order (they are applied in id order);
        an event parked before is skipped."""
        if not parked:
            return
        await self.session.execute(
            insert(ParkedEventRow.__table__).on_conflict_do_nothing(constraint="parked_events_event"),
            [
                {
                    "order_id": order_id,
                    "event_id": str(envelope["event_id"]),
                    "event_type": envelope["event_type"],
                    "envelope": envelope,
                    "reason": reason,
                    "parked_at": now,
                }
                for order_id, envelope, reason in parked
            ],
        )

    async def parked(self) -> list[ParkedEventRow]:
        return list((await self.session.execute(select(ParkedEventRow).order_by(col(ParkedEventRow.id)))).scalars())
