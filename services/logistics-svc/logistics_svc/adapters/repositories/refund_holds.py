"""The refunds that hold an order's auto-confirm (refund.events), in PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from logistics_svc.adapters.repositories.rows import HOLDS, SessionRepository
from logistics_svc.domain.shipments import RefundHolds


class RefundHoldRepository(SessionRepository):
    async def of_order(self, order_id: str) -> RefundHolds:
        rows = await self._execute(select(HOLDS.c.refund_id, HOLDS.c.state).where(HOLDS.c.order_id == order_id))
        open_ids: set[str] = set()
        ended_ids: set[str] = set()
        for row in rows.mappings():
            (open_ids if row["state"] == "open" else ended_ids).add(row["refund_id"])
        return RefundHolds(frozenset(open_ids), frozenset(ended_ids))

    async def save(
        self, order_id: str, before: RefundHolds, after: RefundHolds, *, now: datetime, ended_how: str | None = None
    ) -> None:
        """Write the refunds whose state changed; an ended refund is never written back to open."""
        for refund_id in after.open_refund_ids - before.open_refund_ids:
            await self.session.execute(
                insert(HOLDS)
                .values(order_id=order_id, refund_id=refund_id, state="open", opened_at=now)
                .on_conflict_do_nothing(index_elements=["order_id", "refund_id"])
            )
        for refund_id in after.ended_refund_ids - before.ended_refund_ids:
            statement = insert(HOLDS).values(
                order_id=order_id, refund_id=refund_id, state="ended", ended_at=now, ended_how=ended_how
            )
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["order_id", "refund_id"],
                    set_={"state": "ended", "ended_at": now, "ended_how": ended_how},
                )
            )
