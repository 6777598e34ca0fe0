"""One refund use case's work in the caller's transaction: reads through the repository, and
every write it makes (refunds opened or moved, the units orders hold, history entries, events for
the outbox, timers) staged and sent in ONE statement by ``flush``.

A request wrote its refund, its order's units, its history, its event and its deadline timer
with five statements and several flushes; a move that paid a refund six. Here each use case is
its reads and one statement of one fixed text (its prepared statement reused, whatever is in
it): data-modifying CTEs over JSON records, all applied or none, in the caller's transaction.

Staged writes are not visible to reads of the same use case before ``flush``: a use case reads
what it needs first (its rows locked), decides, stages, and flushes once at its end; the
repository hands back the refunds and orders it already read, as the use case left them. A refund
staged twice is written once, as it was last staged; a timer key scheduled twice ends as its last
call left it (shipsettle_shared.timers' rule).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from refund_svc.adapters.repository import REFUNDS, RefundRepository, refund_columns, taken_columns
from refund_svc.domain.refund import Effects, Refund
from refund_svc.domain.refund_orders import RefundOrder
from shipsettle_shared.db import json_rows
from shipsettle_shared.outbox import OUTBOX_INSERT, StagedEvent, outbox_parameters, stage_event, wake_relay_after_commit
from shipsettle_shared.timers import wake_schedulers_after_commit

PRODUCER = "refund-svc"

# A refund's row as a JSON record (every column, in the table's order), and the columns a move may
# change: all but those its opening fixes.
_RECORD_TYPES = ((JSONB, "jsonb"), (DateTime, "timestamptz"), (Boolean, "boolean"), (Integer, "bigint"))
_REFUND_RECORD = ", ".join(
    f"{column.name} {next((name for kind, name in _RECORD_TYPES if isinstance(column.type, kind)), 'text')}"
    for column in REFUNDS.columns
)
_REFUND_COLUMNS = ", ".join(column.name for column in REFUNDS.columns)
_FIXED_AT_OPENING = (
    "refund_id", "order_id", "merchant_id", "kind", "reason_code", "reason", "currency", "lines", "shipping_minor",
    "refund_minor", "subsidy_minor", "commission_base_minor", "requested_by", "requested_at",
)  # fmt: skip
_MOVED_COLUMNS = ", ".join(f"{c.name} = r.{c.name}" for c in REFUNDS.columns if c.name not in _FIXED_AT_OPENING)

# Every CTE runs once whether or not it is referenced; one with no rows writes nothing. A saved
# refund's row (and an order's) is locked by the read that loaded it. History and outbox ids
# follow the staged order (the history is read back by id, the relay publishes by id). Timers as
# shipsettle_shared.timers schedules them: created, or moved (and no longer cancelled) if they
# have not fired.
_FLUSH = text(
    f"""
    with new_refunds as (
        insert into refunds ({_REFUND_COLUMNS})
        select * from jsonb_to_recordset(cast(:new_refunds as jsonb)) as r({_REFUND_RECORD})
    ), saved_refunds as (
        update refunds t set {_MOVED_COLUMNS}
        from jsonb_to_recordset(cast(:saved_refunds as jsonb)) as r({_REFUND_RECORD})
        where t.refund_id = r.refund_id
    ), saved_orders as (
        update refund_orders o
        set taken = r.taken, shipping_refunded = r.shipping_refunded
        from jsonb_to_recordset(cast(:orders as jsonb)) as r(order_id text, taken jsonb, shipping_refunded boolean)
        where o.order_id = r.order_id
    ), history as (
        insert into refund_history (refund_id, action, actor, status_after, detail, at)
        select h.refund_id, h.action, h.actor, h.status_after, h.detail, h.at
        from jsonb_to_recordset(cast(:history as jsonb)) as h(position integer, refund_id text, action text,
            actor text, status_after text, detail jsonb, at timestamptz)
        order by h.position
    ), events as ({OUTBOX_INSERT}
    ), scheduled_timers as (
        insert into timers (timer_kind, timer_key, due_at, payload)
        select s.timer_kind, s.timer_key, s.due_at, s.payload
        from jsonb_to_recordset(cast(:timers as jsonb)) as s(timer_kind text, timer_key text, due_at timestamptz,
            payload jsonb)
        order by s.timer_kind, s.timer_key
        on conflict on constraint timers_kind_key do update
        set due_at = excluded.due_at, payload = excluded.payload, cancelled_at = null
        where timers.fired_at is null
    ), cancelled_timers as (
        update timers t set cancelled_at = c.at
        from jsonb_to_recordset(cast(:cancelled_timers as jsonb)) as c(timer_kind text, timer_key text,
            at timestamptz)
        where t.timer_kind = c.timer_kind and t.timer_key = c.timer_key
        and t.fired_at is null and t.cancelled_at is null
    )
    select 1
    """  # noqa: S608 - built from constants
)


class SqlRefundUnitOfWork:
    """``refunds``: the repository (reads, and the order projection's statements). Everything a
    use case changes is staged here and written by ``flush``."""

    def __init__(self, session: AsyncSession) -> None:
        self.refunds = RefundRepository(session)
        self._session = session
        self._new: dict[str, Refund] = {}
        self._saved: dict[str, Refund] = {}
        self._orders: dict[str, RefundOrder] = {}
        self._history: list[dict[str, Any]] = []
        self._events: list[StagedEvent] = []
        self._timers: dict[tuple[str, str], tuple[datetime, dict[str, Any]]] = {}
        self._cancelled_timers: dict[tuple[str, str], datetime] = {}  # (kind, key) -> called off at

    def add(self, refund: Refund, effects: Effects) -> None:
        """A refund just opened, with what its opening produced."""
        self._new[refund.refund_id] = refund
        self._stage(refund, effects)

    def save(self, refund: Refund, effects: Effects) -> None:
        """A refund the use case read and moved, with what its moves produced; its row is written
        only if it changed (a repeated answer, or a deadline the refund moved on from, writes
        nothing)."""
        if refund.refund_id not in self._new and self.refunds.changed(refund):
            self._saved[refund.refund_id] = refund
        self._stage(refund, effects)

    def save_order(self, order: RefundOrder) -> None:
        """The units an order's refunds hold now (the order's row is locked by the read)."""
        self._orders[order.order_id] = order
        self.refunds.remember_order(order)

    def _stage(self, refund: Refund, effects: Effects) -> None:
        self.refunds.remember(refund)
        self._history += [
            {
                "refund_id": refund.refund_id,
                "action": entry.action,
                "actor": entry.actor,
                "status_after": entry.status_after.value,
                "detail": entry.detail,
                "at": entry.at,
            }
            for entry in effects.history
        ]
        self._events += [
            stage_event(emitted.event, producer=PRODUCER, occurred_at=emitted.at) for emitted in effects.events
        ]
        for wakeup in effects.wakeups:
            # a timer both armed and called off in one flush is never written (nor both in one statement)
            timer = (wakeup.timer.value, wakeup.key)
            if wakeup.cancel:
                self._timers.pop(timer, None)
                self._cancelled_timers[timer] = wakeup.due_at
            else:
                self._cancelled_timers.pop(timer, None)
                self._timers[timer] = (wakeup.due_at, dict(wakeup.payload or {}))

    async def flush(self) -> None:
        """Write what was staged, in one statement (none if nothing was)."""
        if not (
            self._new
            or self._saved
            or self._orders
            or self._history
            or self._events
            or self._timers
            or self._cancelled_timers
        ):
            return
        timers = [
            {"timer_kind": kind, "timer_key": key, "due_at": due_at, "payload": payload}
            for (kind, key), (due_at, payload) in sorted(self._timers.items())
        ]
        cancelled = [
            {"timer_kind": kind, "timer_key": key, "at": at}
            for (kind, key), at in sorted(self._cancelled_timers.items())
        ]
        parameters: dict[str, Any] = {
            "new_refunds": json_rows([refund_columns(refund) for refund in self._new.values()]),
            "saved_refunds": json_rows([refund_columns(refund) for refund in self._saved.values()]),
            "orders": json_rows([taken_columns(order) for order in self._orders.values()]),
            "history": json_rows([{"position": n, **entry} for n, entry in enumerate(self._history)]),
            **outbox_parameters(self._events),
            "timers": json_rows(timers),
            "cancelled_timers": json_rows(cancelled),
        }
        connection = await self._session.connection()
        await connection.execute(_FLUSH, parameters)
        if self._events:
            wake_relay_after_commit(self._session)
        if timers:
            wake_schedulers_after_commit(self._session, min(due_at for due_at, _ in self._timers.values()))
        self._new.clear()
        self._saved.clear()
        self._orders.clear()
        self._history.clear()
        self._events.clear()
        self._timers.clear()
        self._cancelled_timers.clear()
