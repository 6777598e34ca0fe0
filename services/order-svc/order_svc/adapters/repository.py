"""Orders in PostgreSQL: the aggregate in and out of its row, listing with a keyset cursor.

Writes are single Core statements (no ORM unit of work): an insert that reports a duplicate
instead of raising, an update of only the columns a command changed, without reading the row
again. Hot paths count their round trips (issue 17).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from order_svc.adapters.personal_data import open_consignees, sealed_consignee
from order_svc.adapters.tables import OrderRow, ShippingChangeRow, TimelineEntryRow
from order_svc.domain.orders import Consignee, Order, OrderLine, OrderStatus, Payment
from order_svc.domain.pricing import AppliedCoupon, CouponKind, Funder, PricedLine, PricedOrder
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject
from shipsettle_shared.db import any_of
from shipsettle_shared.pagination import KeyValue, keyset_after


def priced_to_json(priced: PricedOrder) -> dict[str, Any]:
    return {
        "shipping_fee_minor": priced.shipping_fee_minor,
        "lines": [asdict(line) for line in priced.lines],
        "coupons": [
            {**asdict(coupon), "kind": coupon.kind.value, "funded_by": coupon.funded_by.value}
            for coupon in priced.coupons
        ],
    }


def priced_from_json(document: dict[str, Any]) -> PricedOrder:
    return PricedOrder(
        lines=tuple(PricedLine(**line) for line in document["lines"]),
        coupons=tuple(
            AppliedCoupon(**{**coupon, "kind": CouponKind(coupon["kind"]), "funded_by": Funder(coupon["funded_by"])})
            for coupon in document["coupons"]
        ),
        shipping_fee_minor=document["shipping_fee_minor"],
    )


def order_to_columns(order: Order, now: datetime) -> dict[str, Any]:
    """The order as its row's columns (JSON columns as Python values)."""
    return {
        "order_id": order.order_id,
        "merchant_id": order.merchant_id,
        "buyer_ref": order.buyer_ref,
        "currency": order.currency,
        "status": order.status.value,
        "payable_minor": order.priced.payable_minor,
        "payment_channel": order.payment.channel,
        "payment_transaction_id": order.payment.transaction_id,
        "updated_at": now,
        "lines": [asdict(line) for line in order.lines],
        "priced": priced_to_json(order.priced),
        "consignee": asdict(order.consignee),
        "payment": {**asdict(order.payment), "paid_at": order.payment.paid_at.isoformat()},
        "shipping_confirmed_at": order.shipping_confirmed_at,
        "shipping_confirmed_by": order.shipping_confirmed_by,
        "dispatched_quantities": order.dispatched_quantities,
        "cancelled_at": order.cancelled_at,
    }


def order_from_columns(row: Mapping[str, Any]) -> Order:
    """The order from its row's columns (JSON columns as Python values)."""
    payment = dict(row["payment"])
    return Order(
        order_id=row["order_id"],
        merchant_id=row["merchant_id"],
        buyer_ref=row["buyer_ref"],
        currency=row["currency"],
        lines=tuple(OrderLine(**line) for line in row["lines"]),
        priced=priced_from_json(row["priced"]),
        consignee=Consignee(**row["consignee"]),
        payment=Payment(**{**payment, "paid_at": datetime.fromisoformat(payment["paid_at"])}),
        placed_at=row["created_at"],
        status=OrderStatus(row["status"]),
        shipping_confirmed_at=row["shipping_confirmed_at"],
        shipping_confirmed_by=row["shipping_confirmed_by"],
        dispatched_quantities=dict(row["dispatched_quantities"]),
        cancelled_at=row["cancelled_at"],
    )


async def orders_from_columns(vault: PersonalDataVault, rows: Sequence[Mapping[str, Any]]) -> list[Order]:
    """The orders from their rows' columns, their consignees opened (or erased)."""
    consignees = await open_consignees(vault, [(row["order_id"], row["consignee"]) for row in rows])
    return [
        order_from_columns({**row, "consignee": consignee}) for row, consignee in zip(rows, consignees, strict=True)
    ]


async def sealed_columns(vault: PersonalDataVault, order: Order, columns: dict[str, Any]) -> dict[str, Any]:
    """``columns`` with the consignee (if among them) sealed under the buyer's data key."""
    if "consignee" not in columns:
        return columns
    key = await vault.key_for(buyer_subject(order.buyer_ref))
    return {**columns, "consignee": sealed_consignee(key, order.order_id, columns["consignee"])}


def _changes(before: Order, after: Order, now: datetime) -> dict[str, Any]:
    """The columns ``after`` differs in from ``before``, and the update time."""
    old, new = order_to_columns(before, now), order_to_columns(after, now)
    return {name: value for name, value in new.items() if name == "updated_at" or old[name] != value}


@dataclass(frozen=True)
class ShippingChange:
    """A shipping change as read: the consignee before and after in clear (or erased)."""

    id: int
    change: str
    changed_by: str
    changed_at: datetime
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


_orders = OrderRow.__table__  # type: ignore[attr-defined]
_SAVE_DISPATCH_PROGRESS = text(
    """
    update orders as o
    set status = v.status, dispatched_quantities = cast(v.quantities as jsonb), updated_at = :now
    from unnest(cast(:order_ids as text[]), cast(:statuses as text[]), cast(:quantities as text[]))
        as v(order_id, status, quantities)
    where o.order_id = v.order_id
    """
)


class OrderRepository:
    def __init__(self, session: AsyncSession, vault: PersonalDataVault) -> None:
        self._session = session
        self._vault = vault

    async def _orders(self, rows: Iterable[OrderRow]) -> list[Order]:
        return await orders_from_columns(self._vault, [vars(row) for row in rows])

    async def add(self, order: Order) -> bool:
        """Insert a new order; False (nothing written) if its id or its payment transaction is
        taken already, rather than an error that would spoil the transaction."""
        statement = (
            pg_insert(_orders)
            .values(
                **await sealed_columns(self._vault, order, order_to_columns(order, order.placed_at)),
                created_at=order.placed_at,
            )
            .on_conflict_do_nothing()
            .returning(_orders.c.order_id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        statement = select(OrderRow).where(col(OrderRow.order_id) == order_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).scalar_one_or_none()
        return (await self._orders([row]))[0] if row is not None else None

    async def get_many_for_update(self, order_ids: list[str]) -> dict[str, Order]:
        """Several orders locked in one statement, in order-id order (so two batches that lock
        overlapping orders cannot deadlock)."""
        statement = (
            select(OrderRow)
            .where(any_of(col(OrderRow.order_id), sorted(set(order_ids))))
            .order_by(col(OrderRow.order_id))
            .with_for_update()
        )
        orders = await self._orders((await self._session.execute(statement)).scalars())
        return {order.order_id: order for order in orders}

    async def save(self, before: Order, after: Order, now: datetime) -> None:
        """Write what a command changed (``before`` as loaded, ``after`` as the domain left it)."""
        changes = await sealed_columns(self._vault, after, _changes(before, after, now))
        await self._session.execute(update(_orders).where(_orders.c.order_id == after.order_id).values(**changes))

    async def save_dispatch_progress(self, orders: list[Order], now: datetime) -> None:
        """Write several orders' dispatched quantities and status in one statement."""
        if not orders:
            return
        await self._session.execute(
            _SAVE_DISPATCH_PROGRESS,
            {
                "order_ids": [order.order_id for order in orders],
                "statuses": [order.status.value for order in orders],
                "quantities": [json.dumps(order.dispatched_quantities) for order in orders],
                "now": now,
            },
        )

    async def shipping_changes(
        self, order_id: str, *, after: Sequence[KeyValue] | None, limit: int
    ) -> list[ShippingChange]:
        """Oldest first, keyed by the change's id; the consignees before and after opened."""
        statement = select(ShippingChangeRow).where(col(ShippingChangeRow.order_id) == order_id)
        position = keyset_after((col(ShippingChangeRow.id),), after, descending=False)
        if position is not None:
            statement = statement.where(position)
        rows = list((await self._session.execute(statement.order_by(col(ShippingChangeRow.id)).limit(limit))).scalars())
        documents = [(order_id, document) for row in rows for document in (row.before, row.after)]
        opened = iter(await open_consignees(self._vault, documents))
        return [
            ShippingChange(
                row.id or 0, row.change, row.changed_by, row.changed_at, row.reason, next(opened), next(opened)
            )
            for row in rows
        ]

    async def orders_of_buyer(self, buyer_ref: str, *, after: Sequence[KeyValue] | None, limit: int) -> list[Order]:
        """The buyer's orders, oldest first, keyed by (created_at, order_id)."""
        key = (col(OrderRow.created_at), col(OrderRow.order_id))
        statement = select(OrderRow).where(col(OrderRow.buyer_ref) == buyer_ref)
        position = keyset_after(key, after, descending=False)
        if position is not None:
            statement = statement.where(position)
        return await self._orders((await self._session.execute(statement.order_by(*key).limit(limit))).scalars())

    async def timeline(self, order_id: str, *, after: Sequence[KeyValue] | None, limit: int) -> list[TimelineEntryRow]:
        """Oldest first, keyed by (occurred_at, event_id)."""
        key = (col(TimelineEntryRow.occurred_at), col(TimelineEntryRow.event_id))
        statement = select(TimelineEntryRow).where(col(TimelineEntryRow.order_id) == order_id)
        position = keyset_after(key, after, descending=False)
        if position is not None:
            statement = statement.where(position)
        rows = await self._session.execute(statement.order_by(*key).limit(limit))
        return list(rows.scalars())

    async def list(
        self,
        *,
        merchant_id: str | None,
        status: str | None,
        created_from: datetime | None,
        created_to: datetime | None,
        after: Sequence[KeyValue] | None,
        limit: int,
    ) -> list[Order]:
        """Newest first, keyed by (created_at, order_id): at most ``limit`` orders after the
        position ``after`` (see shipsettle_shared.pagination)."""
        statement = select(OrderRow)
        if merchant_id is not None:
            statement = statement.where(col(OrderRow.merchant_id) == merchant_id)
        if status is not None:
            statement = statement.where(col(OrderRow.status) == status)
        if created_from is not None:
            statement = statement.where(col(OrderRow.created_at) >= created_from)
        if created_to is not None:
            statement = statement.where(col(OrderRow.created_at) < created_to)
        key = (col(OrderRow.created_at), col(OrderRow.order_id))
        position = keyset_after(key, after, descending=True)
        if position is not None:
            statement = statement.where(position)
        statement = statement.order_by(*(column.desc() for column in key)).limit(limit)
        return await self._orders((await self._session.execute(statement)).scalars())
