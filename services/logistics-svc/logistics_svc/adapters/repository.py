"""Shipments, scans, known orders and settings in PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from logistics_svc.adapters.tables import KnownOrderRow, PlatformSettingRow, RefundHoldRow, ScanRow, ShipmentRow
from logistics_svc.domain.shipments import (
    DEFAULT_SCAN_CLOCK_TOLERANCE,
    Direction,
    OpsFlag,
    OrderForDispatch,
    RefundHolds,
    Shipment,
    ShipmentStatus,
    SignOffHow,
)
from logistics_svc.domain.tracking import Scan, TrackingStatus

DEFAULT_SETTINGS: dict[str, int] = {
    "auto_confirm_days": 7,
    "stale_after_hours": 72,
    # A scan dated more than this before its shipment's dispatch never moves it (domain/shipments.py).
    "scan_clock_tolerance_minutes": int(DEFAULT_SCAN_CLOCK_TOLERANCE.total_seconds() // 60),
}
# At most this many parked scans are read for one ops listing.
MAX_PARKED_SCAN_ROWS = 5000


def _scan(row: ScanRow) -> Scan:
    return Scan(
        tracking_number=row.tracking_number,
        status=TrackingStatus(row.status),
        occurred_at=row.occurred_at,
        description=row.description,
        location=row.location,
        raw_status=row.raw_status,
        carrier_code=row.carrier_code,
    )


@dataclass(frozen=True)
class ParkedScans:
    """Scans no shipment has taken, for one carrier (None: unknown) and tracking number."""

    carrier_code: str | None
    tracking_number: str
    vendor_carrier_codes: tuple[str, ...]
    sources: tuple[str, ...]
    scans: tuple[Scan, ...]
    # Shipments of *other* carriers that hold the number: these scans never move them.
    held_by_other_carriers: tuple[tuple[str, str], ...]  # (shipment id, carrier code)

    @property
    def reason(self) -> str:
        if self.carrier_code is None:
            return "carrier-unknown"  # the aggregator's carrier code is not in the registry
        if self.held_by_other_carriers:
            return "another-carrier-holds-the-number"
        return "no-shipment-yet"  # matched when this carrier's shipment is dispatched


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

    async def live_shipment_holding(self, carrier_code: str, tracking_number: str) -> Shipment | None:
        """The shipment a scan of this carrier and number moves (the latest dispatched, when a
        return parcel shares an outbound's number). Another carrier's shipment with the same
        number is never it: carriers' numbers overlap (SF's and ZTO's 12 digits)."""
        row = (
            await self.session.execute(
                select(ShipmentRow)
                .where(
                    col(ShipmentRow.carrier_code) == carrier_code,
                    col(ShipmentRow.tracking_number) == tracking_number,
                )
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
        """Shipments with a flag ops have not cleared yet."""
        rows = await self.session.execute(
            select(ShipmentRow)
            .where(
                text(
                    "exists (select 1 from jsonb_array_elements(shipments.ops_flags) flag where flag->>'cleared_at' is null)"
                )
            )
            .order_by(col(ShipmentRow.dispatched_at).desc())
            .limit(500)
        )
        return [await self._with_scans(row) for row in rows.scalars()]

    async def _with_scans(self, row: ShipmentRow) -> Shipment:
        scans = (
            await self.session.execute(
                select(ScanRow)
                .where(
                    col(ScanRow.tracking_number) == row.tracking_number,
                    col(ScanRow.carrier_code) == row.carrier_code,
                )
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
            ops_flags=tuple(_ops_flag(flag) for flag in row.ops_flags),
            scans=tuple(_scan(scan) for scan in scans),
        )

    # --- scans -------------------------------------------------------------------------

    async def store_scans(
        self,
        scans: list[Scan],
        *,
        source: str,
        delivery_id: str,
        vendor_carrier_code: str | None,
        now: datetime,
    ) -> list[Scan]:
        """Keep every scan (known tracking number and carrier or not); returns those not seen
        before. A scan's natural key includes its carrier."""
        new: list[Scan] = []
        for scan in scans:
            inserted = await self.session.execute(
                insert(ScanRow)
                .values(
                    tracking_number=scan.tracking_number,
                    carrier_code=scan.carrier_code,
                    vendor_carrier_code=vendor_carrier_code,
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

    async def parked_scans(self, *, tracking_number: str | None = None, limit: int = 200) -> list[ParkedScans]:
        """Scans no shipment has taken (no shipment of their carrier has the number, or their
        carrier is unknown), newest first by (carrier, number), with the other carriers'
        shipments that hold the same number."""
        taken = (
            select(col(ShipmentRow.shipment_id))
            .where(
                col(ShipmentRow.carrier_code) == col(ScanRow.carrier_code),
                col(ShipmentRow.tracking_number) == col(ScanRow.tracking_number),
            )
            .exists()
        )
        statement = select(ScanRow).where(~taken)
        if tracking_number is not None:
            statement = statement.where(col(ScanRow.tracking_number) == tracking_number)
        rows = list(
            (
                await self.session.execute(
                    statement.order_by(col(ScanRow.received_at).desc()).limit(MAX_PARKED_SCAN_ROWS)
                )
            ).scalars()
        )
        groups: dict[tuple[str | None, str], list[ScanRow]] = {}
        for row in rows:
            groups.setdefault((row.carrier_code, row.tracking_number), []).append(row)
        keys = list(groups)[:limit]
        holders: dict[str, list[tuple[str, str]]] = {}
        numbers = sorted({number for _, number in keys})
        if numbers:
            for shipment_id, carrier_code, number in await self.session.execute(
                select(col(ShipmentRow.shipment_id), col(ShipmentRow.carrier_code), col(ShipmentRow.tracking_number))
                .where(col(ShipmentRow.tracking_number).in_(numbers))
                .order_by(col(ShipmentRow.shipment_id))
            ):
                holders.setdefault(number, []).append((shipment_id, carrier_code))
        return [
            ParkedScans(
                carrier_code=carrier_code,
                tracking_number=number,
                vendor_carrier_codes=tuple(
                    sorted({row.vendor_carrier_code or "" for row in groups[carrier_code, number]})
                ),
                sources=tuple(sorted({row.source for row in groups[carrier_code, number]})),
                scans=tuple(
                    _scan(row) for row in sorted(groups[carrier_code, number], key=lambda row: row.occurred_at)
                ),
                held_by_other_carriers=tuple(held for held in holders.get(number, []) if held[1] != carrier_code),
            )
            for carrier_code, number in keys
        ]

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
        "ops_flags": [ops_flag_json(flag) for flag in shipment.ops_flags],
    }


def ops_flag_json(flag: OpsFlag) -> dict[str, Any]:
    """A flag as stored in ``shipments.ops_flags`` and shown by the API."""
    return {
        "code": flag.code,
        "message": flag.message,
        "blocks_sign_off": flag.blocks_sign_off,
        "raised_at": flag.raised_at.isoformat() if flag.raised_at else None,
        "cleared_at": flag.cleared_at.isoformat() if flag.cleared_at else None,
        "cleared_by": flag.cleared_by,
        "clear_reason": flag.clear_reason,
    }


def _ops_flag(stored: dict[str, Any]) -> OpsFlag:
    def when(name: str) -> datetime | None:
        value = stored.get(name)
        return datetime.fromisoformat(value) if value else None

    return OpsFlag(
        code=stored["code"],
        message=stored["message"],
        blocks_sign_off=bool(stored.get("blocks_sign_off", False)),
        raised_at=when("raised_at"),
        cleared_at=when("cleared_at"),
        cleared_by=stored.get("cleared_by"),
        clear_reason=stored.get("clear_reason"),
    )
