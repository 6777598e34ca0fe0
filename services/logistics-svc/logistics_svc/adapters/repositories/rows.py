"""What every logistics repository shares: the tables they read, a shipment mapped from its row
(and back), and the session's connection they execute on.

Written with SQLAlchemy Core on the session's connection: a shipment is read with its scans and its
order's open refunds in one statement, saved with one UPDATE (no re-select of a row the transaction
already holds), and no ORM identity map can hand a later statement of the same transaction a stale
copy of a row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Result, Table
from sqlalchemy.ext.asyncio import AsyncSession

from logistics_svc.adapters.tables import metadata
from logistics_svc.domain.shipments import Direction, OpsFlag, Shipment, ShipmentStatus, SignOffHow
from logistics_svc.domain.tracking import Scan, TrackingStatus

SHIPMENTS: Table = metadata.tables["shipments"]
SCANS: Table = metadata.tables["scans"]
HOLDS: Table = metadata.tables["refund_holds"]
SCAN_FIELDS = ("status", "occurred_at", "description", "location", "raw_status")

KNOWN_ORDERS: Table = metadata.tables["known_orders"]


def json_value(value: Any) -> Any:
    """A JSONB value as the driver gave it: decoded by SQLAlchemy's type, or text from asyncpg."""
    return json.loads(value) if isinstance(value, str) else value


def _shipment(row: Mapping[Any, Any], scans: tuple[Scan, ...]) -> Shipment:
    return Shipment(
        shipment_id=row["shipment_id"],
        order_id=row["order_id"],
        merchant_id=row["merchant_id"],
        carrier_code=row["carrier_code"],
        tracking_number=row["tracking_number"],
        lines=dict(json_value(row["lines"])),
        status=ShipmentStatus(row["status"]),
        dispatched_at=row["dispatched_at"],
        last_movement_at=row["last_movement_at"],
        first_scan_at=row["first_scan_at"],
        delivered_at=row["delivered_at"],
        signed_off_at=row["signed_off_at"],
        sign_off_how=SignOffHow(row["sign_off_how"]) if row["sign_off_how"] else None,
        open_disputes=row["open_disputes"],
        auto_confirm_due_at=row["auto_confirm_due_at"],
        auto_confirm_paused_remaining_s=row["auto_confirm_paused_remaining_s"],
        direction=Direction(row["direction"]),
        refund_id=row["refund_id"],
        ops_flags=tuple(_ops_flag(flag) for flag in json_value(row["ops_flags"])),
        scans=scans,
    )


def shipments_from_rows(rows: Iterable[Mapping[Any, Any]], *, with_scans: bool = True) -> list[Shipment]:
    """Shipments from rows of shipment columns, each repeated beside its scans (``scan_*``
    columns, None when it has none) in the order the rows come in."""
    grouped: dict[str, tuple[Mapping[Any, Any], list[Scan]]] = {}
    for row in rows:
        shipment_id = row["shipment_id"]
        if shipment_id is None:  # an order without shipments, outer-joined
            continue
        entry = grouped.get(shipment_id)
        if entry is None:
            entry = grouped[shipment_id] = (row, [])
        if with_scans and row["scan_occurred_at"] is not None:
            entry[1].append(
                Scan(
                    tracking_number=row["tracking_number"],
                    status=TrackingStatus(row["scan_status"]),
                    occurred_at=row["scan_occurred_at"],
                    description=row["scan_description"],
                    location=row["scan_location"],
                    raw_status=row["scan_raw_status"],
                    carrier_code=row["carrier_code"],
                )
            )
    return [_shipment(row, tuple(scans)) for row, scans in grouped.values()]


def open_refunds_of(rows: Sequence[Mapping[Any, Any]]) -> frozenset[str]:
    """The ``open_refund_ids`` column non-locking shipment reads carry (the same on every row)."""
    return frozenset(rows[0].get("open_refund_ids") or ()) if rows else frozenset()


def tracking_lock_key(tracking_number: str) -> str:
    return f"tracking:{tracking_number}"


def line_totals(parcels: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for lines in parcels:
        for line_id, quantity in lines.items():
            totals[line_id] = totals.get(line_id, 0) + int(quantity)
    return totals


def shipment_columns(shipment: Shipment) -> dict[str, Any]:
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


class SessionRepository:
    """A repository over the caller's session: its statements run on the session's connection,
    in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Result[Any]:
        connection = await self.session.connection()
        return await connection.execute(statement, dict(parameters or {}))
