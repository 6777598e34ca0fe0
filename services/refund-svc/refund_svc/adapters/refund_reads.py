"""The refund views merchants, the platform and ops read: a refund with its history, a page of
refunds, the open refunds against their deadlines. Reads only, each in the session the caller
opened (a snapshot where one view reads twice); rows are mapped by the repository's mappers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refund_svc.adapters.repository import HISTORY, ORDERS, REFUNDS, history_from_row, refund_from_row
from refund_svc.domain.refund import HistoryEntry, Refund
from refund_svc.domain.workflow import FINAL, RefundStatus
from shipsettle_shared.pagination import KeyValue, keyset_after

# A page's key: oldest request first, the id between requests of the same moment.
_PAGE_KEY = (REFUNDS.c.requested_at, REFUNDS.c.refund_id)


@dataclass(frozen=True)
class OpenGroup:
    """Open refunds of one status, waiting for one party, overdue or not: how many."""

    status: RefundStatus
    waiting_for: str | None
    overdue: bool
    count: int


class RefundReads:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def refund_with_history(self, refund_id: str) -> tuple[Refund, list[HistoryEntry]] | None:
        row = (await self.session.execute(select(REFUNDS).where(REFUNDS.c.refund_id == refund_id))).mappings().first()
        if row is None:
            return None
        history = await self.session.execute(
            select(HISTORY).where(HISTORY.c.refund_id == refund_id).order_by(HISTORY.c.id)
        )
        return refund_from_row(row), [history_from_row(entry) for entry in history.mappings()]

    async def order_owner(self, order_id: str) -> str | None:
        """The merchant of an order refunds know."""
        return await self.session.scalar(select(ORDERS.c.merchant_id).where(ORDERS.c.order_id == order_id))

    async def page(
        self,
        *,
        order_id: str | None,
        merchant_id: str | None,
        status: RefundStatus | None,
        after: tuple[KeyValue, ...] | None,
        limit: int,
    ) -> list[Refund]:
        """Up to ``limit`` refunds after ``after`` (a page's key), oldest first."""
        query = select(REFUNDS)
        if order_id:
            query = query.where(REFUNDS.c.order_id == order_id)
        if merchant_id:
            query = query.where(REFUNDS.c.merchant_id == merchant_id)
        if status:
            query = query.where(REFUNDS.c.status == status.value)
        return await self._page(query, after, limit)

    async def open_refunds(
        self, *, merchant_id: str | None, now: datetime, after: tuple[KeyValue, ...] | None, limit: int
    ) -> tuple[list[OpenGroup], list[Refund]]:
        """Every open refund (of ``merchant_id``, if named) counted by status, party waited for and
        overdue or not; and up to ``limit`` of them after ``after``, oldest first."""
        in_scope: list[ColumnElement[bool]] = [REFUNDS.c.status.notin_([status.value for status in FINAL])]
        if merchant_id:
            in_scope.append(REFUNDS.c.merchant_id == merchant_id)
        # the moment is bound once, in the inner query, so the grouping names the same expression
        states = (
            select(
                REFUNDS.c.status.label("status"),
                REFUNDS.c.waiting_for.label("waiting_for"),
                func.coalesce(REFUNDS.c.deadline_at < now, False).label("overdue"),
            )
            .where(*in_scope)
            .subquery("open_refunds")
        )
        summary = select(states.c.status, states.c.waiting_for, states.c.overdue, func.count()).group_by(
            states.c.status, states.c.waiting_for, states.c.overdue
        )
        groups = [
            OpenGroup(RefundStatus(status), waiting_for, bool(overdue), int(count))
            for status, waiting_for, overdue, count in (await self.session.execute(summary)).all()
        ]
        return groups, await self._page(select(REFUNDS).where(*in_scope), after, limit)

    async def _page(self, query: Any, after: tuple[KeyValue, ...] | None, limit: int) -> list[Refund]:
        position = keyset_after(_PAGE_KEY, after, descending=False)
        if position is not None:
            query = query.where(position)
        rows = await self.session.execute(query.order_by(*_PAGE_KEY).limit(limit))
        return [refund_from_row(row) for row in rows.mappings()]
