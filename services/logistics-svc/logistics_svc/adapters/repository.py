"""Shipments, scans, known orders, refund holds and settings in PostgreSQL."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Executable,
    FromClause,
    Result,
    Select,
    Table,
    and_,
    bindparam,
    func,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from logistics_svc.adapters.tables import PlatformSettingRow, ScanRow, ShipmentRow, metadata
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
from shipsettle_shared.db import any_of
from shipsettle_shared.pagination import KeyValue, keyset_after

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


_SHIPMENTS: Table = metadata.tables["shipments"]
_SCANS: Table = metadata.tables["scans"]
_HOLDS: Table = metadata.tables["refund_holds"]
_SCAN_FIELDS = ("status", "occurred_at", "description", "location", "raw_status")


def _json(value: Any) -> Any:
    """A JSONB value as the driver gave it: decoded by SQLAlchemy's type, or text from asyncpg."""
    return json.loads(value) if isinstance(value, str) else value


def _shipment(row: Mapping[Any, Any], scans: tuple[Scan, ...]) -> Shipment:
    return Shipment(
        shipment_id=row["shipment_id"],
        order_id=row["order_id"],
        merchant_id=row["merchant_id"],
        carrier_code=row["carrier_code"],
        tracking_number=row["tracking_number"],
        lines=dict(_json(row["lines"])),
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
        ops_flags=tuple(_ops_flag(flag) for flag in _json(row["ops_flags"])),
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


@dataclass(frozen=True)
class LoadedShipments:
    """Shipments of one order as read in the caller's transaction, with the refunds of the
    order open at that moment when the read took no lock (for the views: see _shipments_query)."""

    shipments: list[Shipment]
    open_refund_ids: frozenset[str]

    @property
    def first(self) -> Shipment | None:
        return self.shipments[0] if self.shipments else None


@dataclass(frozen=True)
class DispatchContext:
    """What a dispatch decides on besides the order, read in one statement."""

    already_dispatched: dict[str, int]  # quantities per line of the order's outbound shipments
    holder_id: str | None  # the shipment of the carrier that holds the tracking number, any order or state
    open_refund_ids: frozenset[str]
    has_parked_scans: bool  # the carrier's scans of the number arrived before the shipment


@dataclass(frozen=True)
class SignOffContext:
    """What OrderSignedOff says beside the sign-off itself: whether the whole order is now signed off."""

    ordered: dict[str, int]  # quantities per line of the order
    signed: dict[str, int]  # quantities per line of its outbound shipments already signed off

    def after(self, shipment: Shipment) -> SignOffContext:
        signed = dict(self.signed)
        for line_id, quantity in shipment.lines.items():
            signed[line_id] = signed.get(line_id, 0) + quantity
        return SignOffContext(self.ordered, signed)

    @property
    def order_fully_signed_off(self) -> bool:
        return bool(self.ordered) and all(self.signed.get(k, 0) >= v for k, v in self.ordered.items())


_KNOWN_ORDERS: Table = metadata.tables["known_orders"]


@functools.cache
def _shipments_query(
    by: str, *, with_scans: bool, for_update: bool, outbound_only: bool = False, with_order_lines: bool = False
) -> Select[Any]:
    """Shipments with (``with_scans``) their scans, by ``by``: ``shipment_id``, ``order_id``, or
    ``holding`` (the latest dispatched of :carrier_code with :tracking_number). Built once per
    shape; parameters are bound at execution.

    Without ``for_update``, the order's open refunds come along (one snapshot: a consistent
    view). A locking read leaves them out on purpose: a statement that waits for a row lock
    returns the row as the other transaction left it but reads every other table as of its own
    start, so refunds opened by the transaction it waited for would be missing. Read them after
    the lock (``refund_holds``).

    ``with_order_lines``: the order's lines as ordered (``order_lines``); they never change once the
    order is placed, so a locking read may carry them (a sign-off's context)."""
    columns: list[Any] = [*_SHIPMENTS.c]
    if with_order_lines:
        columns.append(
            select(_KNOWN_ORDERS.c.lines)
            .where(_KNOWN_ORDERS.c.order_id == _SHIPMENTS.c.order_id)
            .scalar_subquery()
            .label("order_lines")
        )
    if not for_update:
        columns.append(
            select(func.array_agg(_HOLDS.c.refund_id))
            .where(_HOLDS.c.order_id == _SHIPMENTS.c.order_id, _HOLDS.c.state == "open")
            .scalar_subquery()
            .label("open_refund_ids")
        )
    source: FromClause = _SHIPMENTS
    order_by: list[Any] = [_SHIPMENTS.c.dispatched_at, _SHIPMENTS.c.shipment_id]
    if with_scans:
        columns += [_SCANS.c[name].label(f"scan_{name}") for name in _SCAN_FIELDS]
        source = _SHIPMENTS.outerjoin(
            _SCANS,
            and_(
                _SCANS.c.carrier_code == _SHIPMENTS.c.carrier_code,
                _SCANS.c.tracking_number == _SHIPMENTS.c.tracking_number,
            ),
        )
        order_by += [_SCANS.c.occurred_at, _SCANS.c.id]
    if by == "shipment_id":
        where = _SHIPMENTS.c.shipment_id == bindparam("shipment_id")
    elif by == "order_id":
        where = _SHIPMENTS.c.order_id == bindparam("order_id")
    elif by == "holding":
        # The carrier and number are tested on the locked row itself, not only in the subquery:
        # a row updated while this statement waited for its lock is re-checked against the outer
        # conditions only, and a number corrected meanwhile must no longer match.
        latest = _SHIPMENTS.alias("latest")
        where = and_(
            _SHIPMENTS.c.carrier_code == bindparam("carrier_code"),
            _SHIPMENTS.c.tracking_number == bindparam("tracking_number"),
            _SHIPMENTS.c.shipment_id
            == select(latest.c.shipment_id)
            .where(
                latest.c.carrier_code == bindparam("carrier_code"),
                latest.c.tracking_number == bindparam("tracking_number"),
            )
            .order_by(latest.c.dispatched_at.desc())
            .limit(1)
            .scalar_subquery(),
        )
    else:
        raise ValueError(by)
    statement = select(*columns).select_from(source).where(where).order_by(*order_by)
    if outbound_only:
        statement = statement.where(_SHIPMENTS.c.direction == Direction.OUTBOUND.value)
    if for_update:
        statement = statement.with_for_update(of=_SHIPMENTS)
    return statement


# The tracking number's advisory lock (see lock_tracking_number) and then the order's row lock, in
# one statement: the CTE is evaluated before the row is locked. An unknown order returns no row
# (and may take no lock: its dispatch is refused, writing nothing).
_LOCK_NUMBER_AND_ORDER_FOR_DISPATCH = text(
    """
    with tracking_lock as materialized (select pg_advisory_xact_lock(hashtext(cast(:lock_key as text))))
    select o.order_id, o.merchant_id, o.status, o.lines
    from tracking_lock, known_orders o
    where o.order_id = :order_id
    for update of o
    """
)
# Read after the order's lock was granted, in a statement of its own: a statement that waits for a
# lock reads every other table as of its start, and would miss the parcel of a dispatch it waited for.
_DISPATCH_CONTEXT = text(
    """
    select (select coalesce(jsonb_agg(s.lines), '[]'::jsonb) from shipments s
             where s.order_id = :order_id and s.direction = 'outbound') as dispatched_lines,
           (select s.shipment_id from shipments s
             where s.carrier_code = :carrier_code and s.tracking_number = :tracking_number limit 1) as holder_id,
           (select array_agg(h.refund_id) from refund_holds h
             where h.order_id = :order_id and h.state = 'open') as open_refund_ids,
           exists (select 1 from scans c
                    where c.carrier_code = :carrier_code and c.tracking_number = :tracking_number) as has_parked_scans
    """
)
_SIGN_OFF_CONTEXT = text(
    """
    select o.lines,
           (select coalesce(jsonb_agg(s.lines), '[]'::jsonb) from shipments s
             where s.order_id = o.order_id and s.direction = 'outbound' and s.signed_off_at is not null) as signed_lines
    from known_orders o
    where o.order_id = :order_id
    """
)
# Arrays in, one statement whatever the number of scans (the text stays the same, so the prepared
# statement is reused); the natural key of the scans that were new comes back. The tracking
# number's advisory lock (see lock_tracking_number) is taken by the same statement, before any row
# is inserted; what is read after it (the shipment that holds the number) is read by the next
# statement, whose snapshot is taken once the lock is held.
_STORE_SCANS = text(
    """
    with tracking_lock as materialized (select pg_advisory_xact_lock(hashtext(cast(:lock_key as text))))
    insert into scans (tracking_number, carrier_code, vendor_carrier_code, status, occurred_at, description,
                       location, raw_status, source, delivery_id, received_at)
    select cast(:tracking_number as text), cast(:carrier_code as text), cast(:vendor_carrier_code as text),
           s.status, s.occurred_at, s.description, s.location, s.raw_status,
           cast(:source as text), cast(:delivery_id as text), cast(:now as timestamptz)
    from tracking_lock, unnest(cast(:statuses as text[]), cast(:occurred_at as timestamptz[]), cast(:descriptions as text[]),
                cast(:locations as text[]), cast(:raw_statuses as text[])) with ordinality
        as s(status, occurred_at, description, location, raw_status, position)
    order by s.position
    on conflict on constraint scans_natural_key do nothing
    returning occurred_at, status, description
    """
)
_ADD_KNOWN_ORDERS = text(
    """
    insert into known_orders (order_id, merchant_id, lines, consignee, status, placed_at)
    select o.order_id, o.merchant_id, cast(o.lines as jsonb), cast(o.consignee as jsonb), 'placed', o.placed_at
    from unnest(cast(:order_ids as text[]), cast(:merchant_ids as text[]), cast(:lines as text[]),
                cast(:consignees as text[]), cast(:placed_at as timestamptz[])) with ordinality
        as o(order_id, merchant_id, lines, consignee, placed_at, position)
    order by o.position
    on conflict (order_id) do nothing
    """
)
# A cancelled order stays cancelled; its consignee is still updated.
_CONFIRM_KNOWN_ORDERS = text(
    """
    update known_orders k
    set status = case when k.status = 'cancelled' then k.status else 'confirmed' end,
        confirmed_at = case when k.status = 'cancelled' then k.confirmed_at else c.confirmed_at end,
        consignee = cast(c.consignee as jsonb)
    from unnest(cast(:order_ids as text[]), cast(:consignees as text[]), cast(:confirmed_at as timestamptz[]))
        as c(order_id, consignee, confirmed_at)
    where k.order_id = c.order_id
    returning k.order_id
    """
)
_CORRECT_KNOWN_ORDERS = text(
    """
    update known_orders k
    set consignee = cast(c.consignee as jsonb)
    from unnest(cast(:order_ids as text[]), cast(:consignees as text[])) as c(order_id, consignee)
    where k.order_id = c.order_id
    returning k.order_id
    """
)
_CANCEL_KNOWN_ORDERS = text(
    "update known_orders set status = 'cancelled' where order_id = any(cast(:order_ids as text[])) returning order_id"
)


def _lock_key(tracking_number: str) -> str:
    return f"tracking:{tracking_number}"


def _line_totals(parcels: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for lines in parcels:
        for line_id, quantity in lines.items():
            totals[line_id] = totals.get(line_id, 0) + int(quantity)
    return totals


class LogisticsRepository:
    """Written with SQLAlchemy Core on the session's connection: a shipment is read with its scans
    and its order's open refunds in one statement (it took two, plus one per shipment, plus one
    for the refunds), saved with one UPDATE (no re-select of a row the transaction already
    holds), and no ORM identity map can hand a later statement of the same transaction a stale
    copy of a row."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Result[Any]:
        connection = await self.session.connection()
        return await connection.execute(statement, dict(parameters or {}))

    async def lock_tracking_number(self, tracking_number: str) -> None:
        """Scans and the shipment they belong to arrive in different transactions (a webhook's
        scans behind the ack, a dispatch or a return parcel's registration). Held until commit,
        this lock makes "keep the scans if no shipment has the number" and "take the scans that
        came first when the shipment appears" happen one after the other, never both blind."""
        await self._execute(text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": _lock_key(tracking_number)})

    # --- orders as logistics knows them (order events) --------------------------------------

    async def add_known_orders(self, orders: Sequence[Mapping[str, Any]]) -> None:
        """OrderPlaced, several at once; an order already known is left as it is."""
        await self._execute(
            _ADD_KNOWN_ORDERS,
            {
                "order_ids": [order["order_id"] for order in orders],
                "merchant_ids": [order["merchant_id"] for order in orders],
                "lines": [json.dumps(order["lines"], ensure_ascii=False) for order in orders],
                "consignees": [json.dumps(order["consignee"], ensure_ascii=False) for order in orders],
                "placed_at": [order["placed_at"] for order in orders],
            },
        )

    async def confirm_known_orders(self, confirmations: Mapping[str, tuple[dict[str, Any], datetime]]) -> set[str]:
        """ShippingInfoConfirmed: order id -> (consignee, confirmed at). Returns the ids known."""
        ids = list(confirmations)
        found = await self._execute(
            _CONFIRM_KNOWN_ORDERS,
            {
                "order_ids": ids,
                "consignees": [json.dumps(confirmations[i][0], ensure_ascii=False) for i in ids],
                "confirmed_at": [confirmations[i][1] for i in ids],
            },
        )
        return {str(order_id) for order_id in found.scalars()}

    async def correct_known_orders(self, consignees: Mapping[str, dict[str, Any]]) -> set[str]:
        """ShippingInfoCorrected: order id -> consignee. Returns the ids known."""
        ids = list(consignees)
        found = await self._execute(
            _CORRECT_KNOWN_ORDERS,
            {"order_ids": ids, "consignees": [json.dumps(consignees[i], ensure_ascii=False) for i in ids]},
        )
        return {str(order_id) for order_id in found.scalars()}

    async def cancel_known_orders(self, order_ids: Sequence[str]) -> set[str]:
        """OrderCancelled. Returns the ids known."""
        found = await self._execute(_CANCEL_KNOWN_ORDERS, {"order_ids": list(order_ids)})
        return {str(order_id) for order_id in found.scalars()}

    async def lock_number_and_order_for_dispatch(self, tracking_number: str, order_id: str) -> OrderForDispatch | None:
        """The tracking number's lock (lock_tracking_number), then the order, its row locked until
        commit (dispatches of one order take turns), in one round trip; None for an order
        logistics does not know."""
        row = (
            (
                await self._execute(
                    _LOCK_NUMBER_AND_ORDER_FOR_DISPATCH,
                    {"lock_key": _lock_key(tracking_number), "order_id": order_id},
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return OrderForDispatch(
            order_id=row["order_id"],
            merchant_id=row["merchant_id"],
            status=row["status"],
            line_quantities={line_id: int(line["quantity"]) for line_id, line in _json(row["lines"]).items()},
        )

    async def dispatch_context(self, order_id: str, carrier_code: str, tracking_number: str) -> DispatchContext:
        """Read once the tracking number and the order are locked
        (lock_number_and_order_for_dispatch), in a statement of its own: what the order's outbound shipments already carry, who holds
        the number, whether scans of it were kept, and the order's open refunds (for the view)."""
        row = (
            (
                await self._execute(
                    _DISPATCH_CONTEXT,
                    {"order_id": order_id, "carrier_code": carrier_code, "tracking_number": tracking_number},
                )
            )
            .mappings()
            .one()
        )
        return DispatchContext(
            already_dispatched=_line_totals(_json(row["dispatched_lines"])),
            holder_id=row["holder_id"],
            open_refund_ids=frozenset(row["open_refund_ids"] or ()),
            has_parked_scans=bool(row["has_parked_scans"]),
        )

    async def sign_off_context(self, order_id: str) -> SignOffContext:
        row = (await self._execute(_SIGN_OFF_CONTEXT, {"order_id": order_id})).mappings().first()
        if row is None:
            return SignOffContext({}, {})
        ordered = {line_id: int(line["quantity"]) for line_id, line in _json(row["lines"]).items()}
        return SignOffContext(ordered, _line_totals(_json(row["signed_lines"])))

    # --- shipments ---------------------------------------------------------------------

    async def _load(
        self,
        by: str,
        parameters: Mapping[str, Any],
        *,
        with_scans: bool,
        for_update: bool,
        outbound_only: bool = False,
    ) -> LoadedShipments:
        statement = _shipments_query(by, with_scans=with_scans, for_update=for_update, outbound_only=outbound_only)
        rows = (await self._execute(statement, parameters)).mappings().all()
        return LoadedShipments(shipments_from_rows(rows, with_scans=with_scans), open_refunds_of(rows))

    async def lock_outbound_for_sign_off(self, order_id: str) -> tuple[list[Shipment], SignOffContext]:
        """Every outbound shipment of the order, locked (by dispatch time) with its scans, and the
        order's sign-off state, in one statement. The state is taken from the locked rows
        themselves: a locked row is its latest committed version (one the statement waited for
        included), and a shipment committed after the statement began is not signed off. The
        order's lines never change once it is placed."""
        statement = _shipments_query(
            "order_id", with_scans=True, for_update=True, outbound_only=True, with_order_lines=True
        )
        rows = (await self._execute(statement, {"order_id": order_id})).mappings().all()
        shipments = shipments_from_rows(rows)
        ordered_lines = _json(rows[0]["order_lines"]) if rows and rows[0]["order_lines"] is not None else {}
        ordered = {line_id: int(line["quantity"]) for line_id, line in ordered_lines.items()}
        signed = _line_totals(shipment.lines for shipment in shipments if shipment.signed_off_at is not None)
        return shipments, SignOffContext(ordered, signed)

    async def shipment(self, shipment_id: str, *, for_update: bool = False, with_scans: bool = True) -> LoadedShipments:
        """One shipment (or none); with its order's open refunds unless ``for_update``."""
        return await self._load(
            "shipment_id", {"shipment_id": shipment_id}, with_scans=with_scans, for_update=for_update
        )

    async def live_shipment_holding(self, carrier_code: str, tracking_number: str) -> LoadedShipments:
        """The shipment a scan of this carrier and number moves (the latest dispatched, when a
        return parcel shares an outbound's number), locked, with its scans. Another carrier's
        shipment with the same number is never it: carriers' numbers overlap (SF's and ZTO's
        12 digits)."""
        return await self._load(
            "holding",
            {"carrier_code": carrier_code, "tracking_number": tracking_number},
            with_scans=True,
            for_update=True,
        )

    async def order_shipments(
        self, order_id: str, *, for_update: bool = False, outbound_only: bool = False, with_scans: bool = True
    ) -> LoadedShipments:
        """Every shipment of the order (or only the outbound ones: sign-off counts those), by
        dispatch time; locked in that order when ``for_update``."""
        return await self._load(
            "order_id",
            {"order_id": order_id},
            with_scans=with_scans,
            for_update=for_update,
            outbound_only=outbound_only,
        )

    async def shipment_using(self, carrier_code: str, tracking_number: str) -> str | None:
        found = await self._execute(
            select(_SHIPMENTS.c.shipment_id)
            .where(_SHIPMENTS.c.carrier_code == carrier_code, _SHIPMENTS.c.tracking_number == tracking_number)
            .limit(1)
        )
        value = found.scalar()
        return str(value) if value is not None else None

    async def stale_shipments(self, *, after: Sequence[KeyValue] | None, limit: int) -> list[RowMapping]:
        """Longest without movement first, keyed by (last_movement_at, shipment_id)."""
        key = (_SHIPMENTS.c.last_movement_at, _SHIPMENTS.c.shipment_id)
        statement = select(_SHIPMENTS).where(
            _SHIPMENTS.c.stale_alerted_at.is_not(None), _SHIPMENTS.c.status.not_in(_FINAL)
        )
        position = keyset_after(key, after, descending=False)
        if position is not None:
            statement = statement.where(position)
        rows = await self._execute(statement.order_by(*key).limit(limit))
        return list(rows.mappings())

    async def flagged_shipments(self, *, after: Sequence[KeyValue] | None, limit: int) -> list[Shipment]:
        """Shipments with a flag ops have not cleared yet, dispatched last first, keyed by
        (dispatched_at, shipment_id)."""
        key = (_SHIPMENTS.c.dispatched_at, _SHIPMENTS.c.shipment_id)
        flagged = select(_SHIPMENTS.c.shipment_id).where(
            text(
                "exists (select 1 from jsonb_array_elements(shipments.ops_flags) flag where flag->>'cleared_at' is null)"
            )
        )
        position = keyset_after(key, after, descending=True)
        if position is not None:
            flagged = flagged.where(position)
        flagged = flagged.order_by(*(column.desc() for column in key)).limit(limit)
        ids = [str(shipment_id) for shipment_id in (await self._execute(flagged)).scalars()]
        if not ids:
            return []
        statement = (
            select(_SHIPMENTS, *[_SCANS.c[name].label(f"scan_{name}") for name in _SCAN_FIELDS])
            .select_from(
                _SHIPMENTS.outerjoin(
                    _SCANS,
                    and_(
                        _SCANS.c.carrier_code == _SHIPMENTS.c.carrier_code,
                        _SCANS.c.tracking_number == _SHIPMENTS.c.tracking_number,
                    ),
                )
            )
            .where(any_of(_SHIPMENTS.c.shipment_id, ids))
            .order_by(
                _SHIPMENTS.c.dispatched_at.desc(), _SHIPMENTS.c.shipment_id.desc(), _SCANS.c.occurred_at, _SCANS.c.id
            )
        )
        return shipments_from_rows((await self._execute(statement)).mappings().all())

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
        """Take the tracking number's lock (lock_tracking_number) and keep every scan (known
        tracking number and carrier or not), in one statement; returns those not seen before, in
        their order. A scan's natural key includes its carrier. All scans are of one tracking
        number and carrier (one delivery's)."""
        if not scans:
            return []
        assert len({(scan.tracking_number, scan.carrier_code) for scan in scans}) == 1
        inserted = await self._execute(
            _STORE_SCANS,
            {
                "lock_key": _lock_key(scans[0].tracking_number),
                "tracking_number": scans[0].tracking_number,
                "carrier_code": scans[0].carrier_code,
                "vendor_carrier_code": vendor_carrier_code,
                "source": source,
                "delivery_id": delivery_id,
                "now": now,
                "statuses": [scan.status.value for scan in scans],
                "occurred_at": [scan.occurred_at for scan in scans],
                "descriptions": [scan.description for scan in scans],
                "locations": [scan.location for scan in scans],
                "raw_statuses": [scan.raw_status for scan in scans],
            },
        )
        # A scan listed twice in one delivery is inserted once: the first of them is the new one.
        unclaimed = Counter((row["occurred_at"], row["status"], row["description"]) for row in inserted.mappings())
        new: list[Scan] = []
        for scan in scans:
            key = (scan.occurred_at, scan.status.value, scan.description)
            if unclaimed[key] > 0:
                unclaimed[key] -= 1
                new.append(scan)
        return new

    async def scans_of(self, carrier_code: str, tracking_number: str) -> list[Scan]:
        """Every scan kept for the carrier's number, oldest first (as a shipment's are read)."""
        rows = await self._execute(
            select(_SCANS)
            .where(_SCANS.c.carrier_code == carrier_code, _SCANS.c.tracking_number == tracking_number)
            .order_by(_SCANS.c.occurred_at, _SCANS.c.id)
        )
        return [
            Scan(
                tracking_number=row["tracking_number"],
                status=TrackingStatus(row["status"]),
                occurred_at=row["occurred_at"],
                description=row["description"],
                location=row["location"],
                raw_status=row["raw_status"],
                carrier_code=row["carrier_code"],
            )
            for row in rows.mappings()
        ]

    async def parked_scans(
        self, *, tracking_number: str | None = None, after: Sequence[KeyValue] | None = None, limit: int = 200
    ) -> list[ParkedScans]:
        """Scans no shipment has taken (no shipment of their carrier has the number, or their
        carrier is unknown), grouped by (carrier, number) and keyed by it ('' for an unknown
        carrier), with the other carriers' shipments that hold the same number. A group's scans
        are read whole up to ``MAX_PARKED_SCAN_ROWS`` for the page."""
        taken = (
            select(col(ShipmentRow.shipment_id))
            .where(
                col(ShipmentRow.carrier_code) == col(ScanRow.carrier_code),
                col(ShipmentRow.tracking_number) == col(ScanRow.tracking_number),
            )
            .exists()
        )
        carrier_key = func.coalesce(col(ScanRow.carrier_code), "")
        key = (carrier_key, col(ScanRow.tracking_number))
        parked = select(*key).where(~taken).group_by(*key)
        if tracking_number is not None:
            parked = parked.where(col(ScanRow.tracking_number) == tracking_number)
        position = keyset_after(key, after, descending=False)
        if position is not None:
            parked = parked.having(position)
        group_keys = [
            (str(carrier), str(number))
            for carrier, number in await self.session.execute(parked.order_by(*key).limit(limit))
        ]
        if not group_keys:
            return []
        rows = list(
            (
                await self.session.execute(
                    select(ScanRow)
                    .where(~taken, tuple_(*key).in_(group_keys))
                    .order_by(*key, col(ScanRow.occurred_at), col(ScanRow.id))
                    .limit(MAX_PARKED_SCAN_ROWS)
                )
            ).scalars()
        )
        groups: dict[tuple[str | None, str], list[ScanRow]] = {}
        for carrier, number in group_keys:
            groups[carrier or None, number] = []
        for row in rows:
            groups[row.carrier_code or None, row.tracking_number].append(row)
        keys = list(groups)
        holders: dict[str, list[tuple[str, str]]] = {}
        numbers = sorted({number for _, number in keys})
        if numbers:
            for shipment_id, carrier_code, number in await self.session.execute(
                select(col(ShipmentRow.shipment_id), col(ShipmentRow.carrier_code), col(ShipmentRow.tracking_number))
                .where(any_of(col(ShipmentRow.tracking_number), numbers))
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
        rows = await self._execute(select(_HOLDS.c.refund_id, _HOLDS.c.state).where(_HOLDS.c.order_id == order_id))
        open_ids: set[str] = set()
        ended_ids: set[str] = set()
        for row in rows.mappings():
            (open_ids if row["state"] == "open" else ended_ids).add(row["refund_id"])
        return RefundHolds(frozenset(open_ids), frozenset(ended_ids))

    async def save_refund_holds(
        self, order_id: str, before: RefundHolds, after: RefundHolds, *, now: datetime, ended_how: str | None = None
    ) -> None:
        """Write the refunds whose state changed; an ended refund is never written back to open."""
        for refund_id in after.open_refund_ids - before.open_refund_ids:
            await self.session.execute(
                insert(_HOLDS)
                .values(order_id=order_id, refund_id=refund_id, state="open", opened_at=now)
                .on_conflict_do_nothing(index_elements=["order_id", "refund_id"])
            )
        for refund_id in after.ended_refund_ids - before.ended_refund_ids:
            statement = insert(_HOLDS).values(
                order_id=order_id, refund_id=refund_id, state="ended", ended_at=now, ended_how=ended_how
            )
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["order_id", "refund_id"],
                    set_={"state": "ended", "ended_at": now, "ended_how": ended_how},
                )
            )

    # --- settings ----------------------------------------------------------------------

    async def set_setting(self, name: str, value: int, *, by: str, now: datetime) -> None:
        statement = insert(PlatformSettingRow).values(name=name, value={"value": value}, updated_at=now, updated_by=by)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={"value": statement.excluded.value, "updated_at": now, "updated_by": by},
            )
        )


_FINAL = (ShipmentStatus.DELIVERED.value, ShipmentStatus.SIGNED_OFF.value, ShipmentStatus.RETURNED_TO_SENDER.value)


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
