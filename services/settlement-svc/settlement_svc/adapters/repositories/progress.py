"""Order progress rows in PostgreSQL: the projection of an order's way to sign-off, its figures as
priced and what each sign-off booked (the ETA and the payout explanation read them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.repositories.rows import expire_loaded
from settlement_svc.adapters.tables import (
    OrderProgressRow,
)
from settlement_svc.domain.progress import OrderProgress, ShipmentProgress
from shipsettle_shared.db import any_of, json_rows


class ProgressRepository:
    """Order progress rows, locked in order id order and written back in one statement."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def progress_for_update(self, merchant_by_order: Mapping[str, str], *, now: datetime) -> dict[str, Row[Any]]:
        """The orders' progress rows (plain rows), locked in order id order; each created empty
        (with the merchant given) if this is its order's first event. One round trip when every
        row exists (an order's first event, OrderPlaced, creates it), three otherwise; write them
        back with ``save_progress``."""
        await self.session.flush()  # an ORM change made earlier in this transaction is read, not lost
        rows = {row.order_id: row for row in await self._locked_progress(sorted(merchant_by_order))}
        missing = {order_id: merchant for order_id, merchant in merchant_by_order.items() if order_id not in rows}
        if missing:
            await self._create_progress_rows(missing, now=now)
            rows.update({row.order_id: row for row in await self._locked_progress(sorted(missing))})
        return rows

    async def _locked_progress(self, order_ids: Sequence[str]) -> Sequence[Row[Any]]:
        result = await self.session.execute(
            select(_PROGRESS)
            .where(any_of(_PROGRESS.c.order_id, order_ids))
            .order_by(_PROGRESS.c.order_id.collate("C"))
            .with_for_update()
        )
        return list(result)

    async def add_progress_rows(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any]]], *, now: datetime
    ) -> set[str]:
        """Rows for orders that have none yet, written whole (progress, figures) in one statement;
        returns the orders whose row this created (another order's row exists already)."""
        if not progress:
            return set()
        inserted = await self.session.execute(
            insert(_PROGRESS)
            .values(
                [
                    {
                        "order_id": order.order_id,
                        "merchant_id": order.merchant_id,
                        **progress_columns(order),
                        "figures": figures,
                        "bookings": {},
                        "updated_at": now,
                    }
                    for order, figures in progress
                ]
            )
            .on_conflict_do_nothing(index_elements=["order_id"])
            .returning(_PROGRESS.c.order_id)
        )
        return set(inserted.scalars())

    async def save_progress(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any], dict[str, Any]]], *, now: datetime
    ) -> None:
        """Write (progress, bookings, figures) back to the orders' rows, in one statement whatever
        their number. The caller holds the rows' locks (``progress_for_update``)."""
        if not progress:
            return
        await self.session.execute(
            _SAVE_PROGRESS,
            {
                "rows": json_rows(
                    [
                        {
                            "order_id": order.order_id,
                            **progress_columns(order),
                            "figures": figures,
                            "bookings": bookings,
                            "updated_at": now,
                        }
                        for order, bookings, figures in progress
                    ]
                )
            },
        )
        expire_loaded(self.session, OrderProgressRow, [order.order_id for order, _, _ in progress])

    async def _create_progress_rows(self, merchant_by_order: Mapping[str, str], *, now: datetime) -> None:
        await self.session.execute(
            insert(_PROGRESS).on_conflict_do_nothing(index_elements=["order_id"]),
            [
                {
                    "order_id": order_id,
                    "merchant_id": merchant_by_order[order_id],
                    "shipments": {},
                    "figures": {},
                    "bookings": {},
                    "updated_at": now,
                }
                for order_id in sorted(merchant_by_order)
            ],
        )

    async def progress_rows(
        self, *, order_id: str | None = None, merchant_id: str | None = None
    ) -> list[OrderProgressRow]:
        statement = select(OrderProgressRow)
        if order_id is not None:
            statement = statement.where(col(OrderProgressRow.order_id) == order_id)
        if merchant_id is not None:
            statement = statement.where(col(OrderProgressRow.merchant_id) == merchant_id)
        return list((await self.session.execute(statement.order_by(col(OrderProgressRow.order_id)))).scalars())


_PROGRESS = OrderProgressRow.__table__


_SAVE_PROGRESS = text(
    """
    update order_progress p
    set placed_at = r.placed_at, confirmed_at = r.confirmed_at, cancelled_at = r.cancelled_at,
        shipments = r.shipments, figures = r.figures, bookings = r.bookings, updated_at = r.updated_at
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        order_id text, placed_at timestamptz, confirmed_at timestamptz, cancelled_at timestamptz,
        shipments jsonb, figures jsonb, bookings jsonb, updated_at timestamptz)
    where p.order_id = r.order_id
    """
)


def progress_from_row(row: OrderProgressRow | Row[Any]) -> OrderProgress:
    return OrderProgress(
        order_id=row.order_id,
        merchant_id=row.merchant_id,
        placed_at=row.placed_at,
        confirmed_at=row.confirmed_at,
        cancelled_at=row.cancelled_at,
        shipments={
            shipment_id: ShipmentProgress(
                shipment_id=shipment_id,
                tracking_number=shipment.get("tracking_number"),
                status=shipment.get("status", "dispatched"),
                status_at=_when(shipment.get("status_at")),
                dispatched_at=_when(shipment.get("dispatched_at")),
                delivered_at=_when(shipment.get("delivered_at")),
                signed_off_at=_when(shipment.get("signed_off_at")),
                lines={line_id: int(units) for line_id, units in shipment.get("lines", {}).items()},
                flags=dict(shipment.get("flags", {})),
            )
            for shipment_id, shipment in row.shipments.items()
        },
    )


def progress_columns(progress: OrderProgress) -> dict[str, Any]:
    """The progress row's columns that ``progress`` moves (all but figures and bookings)."""
    return {
        "placed_at": progress.placed_at,
        "confirmed_at": progress.confirmed_at,
        "cancelled_at": progress.cancelled_at,
        "shipments": {
            shipment_id: {
                "tracking_number": shipment.tracking_number,
                "status": shipment.status,
                "status_at": _iso(shipment.status_at),
                "dispatched_at": _iso(shipment.dispatched_at),
                "delivered_at": _iso(shipment.delivered_at),
                "signed_off_at": _iso(shipment.signed_off_at),
                "lines": shipment.lines,
                "flags": shipment.flags,
            }
            for shipment_id, shipment in progress.shipments.items()
        },
    }


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
