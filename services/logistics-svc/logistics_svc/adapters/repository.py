"""Shipments, scans, known orders and settings in PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from logistics_svc.adapters.tables import KnownOrderRow, PlatformSettingRow, RefundHoldRow, ScanRow, ShipmentRow
from logistics_svc.domain.shipments import (
    Direction,
    OpsFlag,
    OrderForDispatch,
    RefundHolds,
    Shipment,
    ShipmentStatus,
    SignOffHow,
)
from logistics_svc.domain.tracking import Scan, TrackingStatus

DEFAULT_SETTINGS: dict[str, int] = {"auto_confirm_days": 7, "stale_after_hours": 72}


def _scan(row: ScanRow) -> Scan:
    return Scan(
        tracking_number=row.tracking_number,
        status=TrackingStatus(row.status),
        occurred_at=row.occurred_at,
        description=row.description,
        location=row.location,
        raw_status=row.raw_status,
    )


class LogisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_tracking_number(self, tracking_number: str) -> None:
        """Scans and the shipment they belong to arrive in different transactions (a webhook's
        scans behind the ack, a dispatch or a return parcel's registration). Held until commit,
        this lock makes "keep the scans if no shipment has the number" and "take the scans that
        came first when the shipment appears" happen one after the other, never both blind."""
        await self.session.execute(
            text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": f"tracking:{tracking_number}"}
        )

    # --- orders as logistics knows them ---------------------------------------------------

    async def known_order(self, order_id: str, *, for_update: bool = False) -> KnownOrderRow | None:
        statement = select(KnownOrderRow).where(col(KnownOrderRow.order_id) == order_id)
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def order_for_dispatch(self, order_id: str) -> OrderForDispatch | None:
        row = await self.known_order(order_id, for_update=True)
        if row is None:
            return None
        return OrderForDispatch(
            order_id=row.order_id,
            merchant_id=row.merchant_id,
            status=row.status,
            line_quantities={line_id: int(line["quantity"]) for line_id, line in row.lines.items()},
        )

    # --- shipments ---------------------------------------------------------------------

    async def shipment(self, shipment_id: str, *, for_update: bool = False) -> Shipment | None:
        statement = select(ShipmentRow).where(col(ShipmentRow.shipment_id) == shipment_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).scalar_one_or_none()
        return await self._with_scans(row) if row is not None else None

    async def live_shipment_by_tracking_number(self, tracking_number: str) -> Shipment | None:
        row = (
            await self.session.execute(
                select(ShipmentRow)
                .where(col(ShipmentRow.tracking_number) == tracking_number)
                .order_by(col(ShipmentRow.dispatched_at).desc())
                .limit(1)
                .with_for_update()
            )
        ).scalar_one_or_none()
        return await self._with_scans(row) if row is not None else None

    async def tracking_number_in_use(self, carrier_code: str, tracking_number: str) -> bool:
        return await self.shipment_using(carrier_code, tracking_number) is not None

    async def shipment_using(self, carrier_code: str, tracking_number: str) -> str | None:
        found = await self.session.scalar(
            select(col(ShipmentRow.shipment_id))
            .where(col(ShipmentRow.carrier_code) == carrier_code, col(ShipmentRow.tracking_number) == tracking_number)
            .limit(1)
        )
        return str(found) if found is not None else None

    async def order_shipments(
        self, order_id: str, *, for_update: bool = False, direction: Direction | None = None
    ) -> list[Shipment]:
        """Every shipment of the order, or only one direction's (sign-off counts outbound only)."""
        statement = (
            select(ShipmentRow).where(col(ShipmentRow.order_id) == order_id).order_by(col(ShipmentRow.dispatched_at))
        )
        if direction is not None:
            statement = statement.where(col(ShipmentRow.direction) == direction.value)
        if for_update:
            statement = statement.with_for_update()
        rows = list((await self.session.execute(statement)).scalars())
        return [await self._with_scans(row) for row in rows]

    async def dispatched_quantities(self, order_id: str) -> dict[str, int]:
        totals: dict[str, int] = {}
        for shipment in await self.order_shipments(order_id, direction=Direction.OUTBOUND):
            for line_id, quantity in shipment.lines.items():
                totals[line_id] = totals.get(line_id, 0) + quantity
        return totals

    async def add_shipment(self, shipment: Shipment) -> None:
        self.session.add(ShipmentRow(**_shipment_columns(shipment)))
        await self.session.flush()

    async def save_shipment(self, shipment: Shipment) -> None:
        row = (
            await self.session.execute(select(ShipmentRow).where(col(ShipmentRow.shipment_id) == shipment.shipment_id))
        ).scalar_one()
        for name, value in _shipment_columns(shipment).items():
            setattr(row, name, value)
        await self.session.flush()

    async def mark_stale(self, shipment_id: str, now: datetime) -> None:
        await self.session.execute(
            update(ShipmentRow).where(col(ShipmentRow.shipment_id) == shipment_id).values(stale_alerted_at=now)
        )

    async def clear_stale(self, shipment_id: str) -> None:
        await self.session.execute(
            update(ShipmentRow).where(col(ShipmentRow.shipment_id) == shipment_id).values(stale_alerted_at=None)
        )

    async def stale_shipments(self) -> list[ShipmentRow]:
        rows = await self.session.execute(
            select(ShipmentRow)
            .where(col(ShipmentRow.stale_alerted_at).is_not(None), col(ShipmentRow.status).not_in(_FINAL))
            .order_by(col(ShipmentRow.last_movement_at))
        )
        return list(rows.scalars())

    async def flagged_shipments(self) -> list[Shipment]:
        rows = await self.session.execute(
            select(ShipmentRow)
            .where(col(ShipmentRow.ops_flags) != text("'[]'::jsonb"))
            .order_by(col(ShipmentRow.dispatched_at).desc())
            .limit(500)
        )
        return [await self._with_scans(row) for row in rows.scalars()]

    async def _with_scans(self, row: ShipmentRow) -> Shipment:
        scans = (
            await self.session.execute(
                select(ScanRow)
                .where(col(ScanRow.tracking_number) == row.tracking_number)
                .order_by(col(ScanRow.occurred_at))
            )
        ).scalars()
        return Shipment(
            shipment_id=row.shipment_id,
            order_id=row.order_id,
            merchant_id=row.merchant_id,
            carrier_code=row.carrier_code,
            tracking_number=row.tracking_number,
            lines=dict(row.lines),
            status=ShipmentStatus(row.status),
            dispatched_at=row.dispatched_at,
            last_movement_at=row.last_movement_at,
            first_scan_at=row.first_scan_at,
            delivered_at=row.delivered_at,
            signed_off_at=row.signed_off_at,
            sign_off_how=SignOffHow(row.sign_off_how) if row.sign_off_how else None,
            open_disputes=row.open_disputes,
            auto_confirm_due_at=row.auto_confirm_due_at,
            auto_confirm_paused_remaining_s=row.auto_confirm_paused_remaining_s,
            direction=Direction(row.direction),
            refund_id=row.refund_id,
            ops_flags=tuple(OpsFlag(flag["code"], flag["message"]) for flag in row.ops_flags),
            scans=tuple(_scan(scan) for scan in scans),
        )

    # --- scans -------------------------------------------------------------------------

    async def store_scans(self, scans: list[Scan], *, source: str, delivery_id: str, now: datetime) -> list[Scan]:
        """Keep every scan (known tracking number or not); returns those not seen before."""
        new: list[Scan] = []
        for scan in scans:
            inserted = await self.session.execute(
                insert(ScanRow)
                .values(
                    tracking_number=scan.tracking_number,
                    status=scan.status.value,
                    occurred_at=scan.occurred_at,
                    description=scan.description,
                    location=scan.location,
                    raw_status=scan.raw_status,
                    source=source,
                    delivery_id=delivery_id,
                    received_at=now,
                )
                .on_conflict_do_nothing(constraint="scans_natural_key")
                .returning(col(ScanRow.id))
            )
            if inserted.first() is not None:
                new.append(scan)
        return new

    async def unmatched_scan_count(self) -> int:
        matched = select(col(ShipmentRow.tracking_number))
        return int(
            await self.session.scalar(
                select(func.count()).select_from(ScanRow).where(col(ScanRow.tracking_number).not_in(matched))
            )
            or 0
        )

    # --- refunds that hold the auto-confirm -------------------------------------------------

    async def refund_holds(self, order_id: str) -> RefundHolds:
        rows = (
            await self.session.execute(select(RefundHoldRow).where(col(RefundHoldRow.order_id) == order_id))
        ).scalars()
        open_ids: set[str] = set()
        ended_ids: set[str] = set()
        for row in rows:
            (open_ids if row.state == "open" else ended_ids).add(row.refund_id)
        return RefundHolds(frozenset(open_ids), frozenset(ended_ids))

    async def save_refund_holds(
        self, order_id: str, before: RefundHolds, after: RefundHolds, *, now: datetime, ended_how: str | None = None
    ) -> None:
        """Write the refunds whose state changed; an ended refund is never written back to open."""
        for refund_id in after.open_refund_ids - before.open_refund_ids:
            await self.session.execute(
                insert(RefundHoldRow)
                .values(order_id=order_id, refund_id=refund_id, state="open", opened_at=now)
                .on_conflict_do_nothing(index_elements=["order_id", "refund_id"])
            )
        for refund_id in after.ended_refund_ids - before.ended_refund_ids:
            statement = insert(RefundHoldRow).values(
                order_id=order_id, refund_id=refund_id, state="ended", ended_at=now, ended_how=ended_how
            )
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["order_id", "refund_id"],
                    set_={"state": "ended", "ended_at": now, "ended_how": ended_how},
                )
            )

    # --- settings ----------------------------------------------------------------------

    async def settings(self) -> dict[str, int]:
        rows = (await self.session.execute(select(PlatformSettingRow))).scalars()
        values = dict(DEFAULT_SETTINGS)
        for row in rows:
            values[row.name] = int(row.value["value"])
        return values

    async def set_setting(self, name: str, value: int, *, by: str, now: datetime) -> None:
        statement = insert(PlatformSettingRow).values(name=name, value={"value": value}, updated_at=now, updated_by=by)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={"value": statement.excluded.value, "updated_at": now, "updated_by": by},
            )
        )


_FINAL = (ShipmentStatus.DELIVERED.value, ShipmentStatus.SIGNED_OFF.value, ShipmentStatus.RETURNED_TO_SENDER.value)


def _shipment_columns(shipment: Shipment) -> dict[str, Any]:
    return {
        "shipment_id": shipment.shipment_id,
        "order_id": shipment.order_id,
        "merchant_id": shipment.merchant_id,
        "carrier_code": shipment.carrier_code,
        "tracking_number": shipment.tracking_number,
        "lines": shipment.lines,
        "status": shipment.status.value,
        "dispatched_at": shipment.dispatched_at,
        "last_movement_at": shipment.last_movement_at,
        "first_scan_at": shipment.first_scan_at,
        "delivered_at": shipment.delivered_at,
        "signed_off_at": shipment.signed_off_at,
        "sign_off_how": shipment.sign_off_how.value if shipment.sign_off_how else None,
        "open_disputes": shipment.open_disputes,
        "auto_confirm_due_at": shipment.auto_confirm_due_at,
        "auto_confirm_paused_remaining_s": shipment.auto_confirm_paused_remaining_s,
        "direction": shipment.direction.value,
        "refund_id": shipment.refund_id,
        "ops_flags": [{"code": flag.code, "message": flag.message} for flag in shipment.ops_flags],
    }
