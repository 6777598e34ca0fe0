"""Settlement orders in PostgreSQL: the per-line figures an order is remembered with, what a batch
of sign-offs reads of them, and their figures written back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.repositories.policies import policy_versions_from_json
from settlement_svc.adapters.repositories.rows import expire_loaded
from settlement_svc.adapters.tables import (
    SettlementOrderRow,
)
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.policies import PolicyVersion
from shipsettle_shared.db import json_rows


class OrderRepository:
    """Settlement orders (the sign-off's reads and writes, the merchant's orders)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_orders_taking_parked(
        self, orders: Sequence[tuple[SettlementOrder, datetime, str]]
    ) -> dict[str, list[dict[str, Any]]]:
        """Insert (order, placed at, OrderPlaced event id) for orders not known yet and take (delete)
        the events parked for them, in one statement: {each order inserted: its parked envelopes,
        in the order they were parked}. An order known already is left as it is. The caller holds
        the orders' locks, taken in an earlier statement (``lock_orders``)."""
        rows = await self.session.execute(
            _ADD_ORDERS_TAKING_PARKED,
            {
                "orders": json_rows(
                    [
                        {
                            "order_id": order.order_id,
                            "merchant_id": order.merchant_id,
                            "currency": order.currency,
                            "shipping_fee_minor": order.shipping_fee_minor,
                            "shipping_booked": order.shipping_booked,
                            "shipping_refunded_minor": order.shipping_refunded_minor,
                            "commission_booked_minor": order.commission_booked_minor,
                            "commission_reversed_minor": order.commission_reversed_minor,
                            "lines": {line_id: line_to_json(line) for line_id, line in order.lines.items()},
                            "placed_at": placed_at,
                            "placed_event_id": event_id,
                        }
                        for order, placed_at, event_id in sorted(orders, key=lambda entry: entry[0].order_id)
                    ]
                )
            },
        )
        taken: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            parked = taken.setdefault(row.order_id, [])
            if row.envelope is not None:
                parked.append(row.envelope)
        return taken

    async def order(self, order_id: str, *, for_update: bool = False) -> SettlementOrder | None:
        statement = select(SettlementOrderRow).where(col(SettlementOrderRow.order_id) == order_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).scalar_one_or_none()
        return None if row is None else order_from_row(row)

    async def orders_for_sign_off(
        self, order_ids: Sequence[str], sign_off_keys: Sequence[str]
    ) -> tuple[dict[str, SettlementOrder], dict[str, list[PolicyVersion]], set[str]]:
        """What a batch of sign-offs reads, in one query: the known ones of ``order_ids``, locked
        in order id order (rows, not ORM objects: a batch of hundreds pays no ORM bookkeeping;
        write them back with ``save_orders``), their merchants' policy versions (newest first)
        and which of ``sign_off_keys`` are on the ledger already."""
        await self.session.flush()  # an ORM change made earlier in this transaction is read, not lost
        rows = await self.session.execute(
            _ORDERS_FOR_SIGN_OFF, {"orders": sorted(set(order_ids)), "keys": sorted(set(sign_off_keys))}
        )
        orders: dict[str, SettlementOrder] = {}
        policies: dict[str, list[PolicyVersion]] = {}
        posted: set[str] = set()
        for row in rows:
            orders[row.order_id] = order_from_row(row)
            if row.merchant_id not in policies:
                policies[row.merchant_id] = policy_versions_from_json(row.merchant_id, row.policies)
            posted.update(row.posted)
        return orders, policies, posted

    async def save_order(self, order: SettlementOrder) -> None:
        await self.save_orders([order])

    async def save_orders(self, orders: Sequence[SettlementOrder]) -> None:
        """Write the orders' figures back, in one statement whatever their number (an executemany
        is a statement per row to PostgreSQL). The caller holds the orders' row locks."""
        if not orders:
            return
        await self.session.flush()
        await self.session.execute(
            _SAVE_ORDERS,
            {
                "rows": json_rows(
                    [
                        {
                            "order_id": order.order_id,
                            "lines": {line_id: line_to_json(line) for line_id, line in order.lines.items()},
                            "shipping_booked": order.shipping_booked,
                            "shipping_refunded_minor": order.shipping_refunded_minor,
                            "commission_booked_minor": order.commission_booked_minor,
                            "commission_reversed_minor": order.commission_reversed_minor,
                        }
                        for order in orders
                    ]
                )
            },
        )
        expire_loaded(self.session, SettlementOrderRow, [order.order_id for order in orders])

    async def orders_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[SettlementOrder]:
        """The merchant's orders (or the one of them), in one query."""
        statement = select(_ORDERS).where(_ORDERS.c.merchant_id == merchant_id)
        if order_id is not None:
            statement = statement.where(_ORDERS.c.order_id == order_id)
        return [order_from_row(row) for row in await self.session.execute(statement.order_by(_ORDERS.c.order_id))]


_ORDERS = SettlementOrderRow.__table__
# Arrays in, one statement whatever the batch size: the SQL text stays the same, so asyncpg's
# prepared statement is reused, and each statement fires the balance trigger once.
_ADD_ORDERS_TAKING_PARKED = text(
    """
    with inserted as (
        insert into settlement_orders (order_id, merchant_id, currency, shipping_fee_minor, shipping_booked,
                                       shipping_refunded_minor, commission_booked_minor, commission_reversed_minor,
                                       lines, placed_at, placed_event_id)
        select o.order_id, o.merchant_id, o.currency, o.shipping_fee_minor, o.shipping_booked,
               o.shipping_refunded_minor, o.commission_booked_minor, o.commission_reversed_minor,
               o.lines, o.placed_at, o.placed_event_id
        from jsonb_to_recordset(cast(:orders as jsonb)) as o(
            order_id text, merchant_id text, currency text, shipping_fee_minor bigint, shipping_booked boolean,
            shipping_refunded_minor bigint, commission_booked_minor bigint, commission_reversed_minor bigint,
            lines jsonb, placed_at timestamptz, placed_event_id text)
        order by o.order_id collate "C"
        on conflict (order_id) do nothing
        returning order_id
    ), taken as (
        delete from parked_events p using inserted i where p.order_id = i.order_id
        returning p.id, p.order_id, p.envelope
    )
    select i.order_id, t.envelope
    from inserted i left join taken t on t.order_id = i.order_id
    order by i.order_id, t.id
    """
).columns(envelope=JSONB)


_ORDERS_FOR_SIGN_OFF = text(
    """
    select o.*,
           array(select t.tx_key from ledger_transactions t
                 where t.tx_key = any(cast(:keys as text[])) and t.order_id = o.order_id) as posted,
           (select coalesce(json_agg(json_build_object('version', p.version, 'effective_from', p.effective_from,
                                                       'policy', p.policy) order by p.version desc), '[]')
            from merchant_policies p where p.merchant_id = o.merchant_id) as policies
    from settlement_orders o
    where o.order_id = any(cast(:orders as text[]))
    order by o.order_id collate "C"
    for update of o
    """
).columns(lines=JSONB, policies=JSONB)


_SAVE_ORDERS = text(
    """
    update settlement_orders o
    set lines = r.lines, shipping_booked = r.shipping_booked, shipping_refunded_minor = r.shipping_refunded_minor,
        commission_booked_minor = r.commission_booked_minor, commission_reversed_minor = r.commission_reversed_minor
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        order_id text, lines jsonb, shipping_booked boolean, shipping_refunded_minor bigint,
        commission_booked_minor bigint, commission_reversed_minor bigint)
    where o.order_id = r.order_id
    """
)


def line_to_json(line: SettlementLine) -> dict[str, Any]:
    """What ``dataclasses.asdict`` gives (the stored form), without its deep copies: this runs for
    every line of every order a batch signs off."""
    return {
        "line_id": line.line_id,
        "category": line.category,
        "quantity": line.quantity,
        "paid_minor": line.paid_minor,
        "subsidy_minor": line.subsidy_minor,
        "commission_base_minor": line.commission_base_minor,
        "units_signed_off": line.units_signed_off,
        "units_refunded": line.units_refunded,
        "booked_bp": list(line.booked_bp),
    }


def order_from_row(row: SettlementOrderRow | Row[Any]) -> SettlementOrder:
    return SettlementOrder(
        order_id=row.order_id,
        merchant_id=row.merchant_id,
        currency=row.currency,
        shipping_fee_minor=row.shipping_fee_minor,
        lines={
            line_id: SettlementLine(**{**line, "booked_bp": tuple(line.get("booked_bp", ()))})
            for line_id, line in row.lines.items()
        },
        shipping_booked=row.shipping_booked,
        shipping_refunded_minor=row.shipping_refunded_minor,
        commission_booked_minor=row.commission_booked_minor,
        commission_reversed_minor=row.commission_reversed_minor,
    )
