"""Invariant findings in PostgreSQL: the order as a judgement reads it, findings recorded once
per figures (a unique fingerprint), and resolved when a later check passes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Row, any_, bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import ReconOrderRow, ViolationRow
from recon_svc.domain.invariants import Violation


class FindingRepository:
    """What the invariant checks read and record."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def order_to_judge(self, order_id: str) -> Row[Any] | None:
        """The order's row as committed, with ``open_findings``: whether it has findings open."""
        return (await self.session.execute(_ORDER_TO_JUDGE, {"order_id": order_id})).first()

    async def orders_to_judge(self, order_ids: Sequence[str]) -> Sequence[Row[Any]]:
        """``order_to_judge`` for many, in one statement, in order id order (orders not known are
        left out)."""
        return (await self.session.execute(_ORDERS_TO_JUDGE, {"order_ids": list(order_ids)})).all()

    async def add(self, violation: Violation, *, order_id: str, merchant_id: str | None, now: datetime) -> bool:
        """Record the finding; False if it was reported with these figures before."""
        fingerprint = f"{violation.check}:{violation.figures.get('escrow_minor')}:{violation.figures.get('hold_id')}"
        inserted = await self.session.execute(
            insert(ViolationRow)
            .values(
                check_name=violation.check,
                order_id=order_id,
                merchant_id=merchant_id,
                figures=violation.figures,
                message=violation.message,
                fingerprint=fingerprint,
                detected_at=now,
            )
            .on_conflict_do_nothing(constraint="invariant_violations_once")
            .returning(col(ViolationRow.id))
        )
        return inserted.first() is not None

    async def resolve_passed(self, order_id: str, still: Sequence[str], *, now: datetime) -> None:
        """The order's open conservation and sign-off findings whose check passes now (not in
        ``still``) marked resolved."""
        await self.session.execute(
            update(ViolationRow)
            .where(
                col(ViolationRow.order_id) == order_id,
                col(ViolationRow.resolved_at).is_(None),
                col(ViolationRow.check_name).in_(["conservation", "settled_without_sign_off"]),
                col(ViolationRow.check_name).notin_(list(still)),
            )
            .values(resolved_at=now)
        )


# The order as committed, and whether it has findings open. No row lock: a judgement holds its
# timer's row (the scheduler claimed it), and a consumer folding a fact into the order meanwhile
# arms that timer again once the judgement commits, so the newer state is judged too. Locking the
# order here as well made the scheduler's batch and the consumer's batch wait on each other (and
# deadlock) on the same orders in different orders.
_ORDERS = ReconOrderRow.__table__
_VIOLATIONS = ViolationRow.__table__
_ORDER_TO_JUDGE = select(
    _ORDERS,
    exists()
    .where(_VIOLATIONS.c.order_id == _ORDERS.c.order_id, _VIOLATIONS.c.resolved_at.is_(None))
    .label("open_findings"),
).where(_ORDERS.c.order_id == bindparam("order_id"))
_ORDERS_TO_JUDGE = (
    select(*_ORDER_TO_JUDGE.selected_columns)
    .where(_ORDERS.c.order_id == any_(bindparam("order_ids", type_=ARRAY(_ORDERS.c.order_id.type))))
    .order_by(_ORDERS.c.order_id)
)
