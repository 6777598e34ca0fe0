"""Shipments in PostgreSQL: read with their scans (and, without a lock, their order's open refunds)
in one statement, by id, by order or as the holder of a carrier's tracking number; what a dispatch
and a sign-off decide on; the tracking number's lock; the ops listings (stale, flagged)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import FromClause, Select, and_, bindparam, func, select, text
from sqlalchemy.engine import RowMapping

from logistics_svc.adapters.repositories.rows import (
    HOLDS,
    KNOWN_ORDERS,
    SCAN_FIELDS,
    SCANS,
    SHIPMENTS,
    SessionRepository,
    json_value,
    line_totals,
    open_refunds_of,
    shipments_from_rows,
    tracking_lock_key,
)
from logistics_svc.domain.order_shipments import DispatchContext, LoadedShipments, SignOffContext
from logistics_svc.domain.shipments import Direction, Shipment, ShipmentStatus
from shipsettle_shared.db import any_of
from shipsettle_shared.pagination import KeyValue, keyset_after


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
    the lock (RefundHoldRepository.of_order).

    ``with_order_lines``: the order's lines as ordered (``order_lines``); they never change once the
    order is placed, so a locking read may carry them (a sign-off's context)."""
    columns: list[Any] = [*SHIPMENTS.c]
    if with_order_lines:
        columns.append(
            select(KNOWN_ORDERS.c.lines)
            .where(KNOWN_ORDERS.c.order_id == SHIPMENTS.c.order_id)
            .scalar_subquery()
            .label("order_lines")
        )
    if not for_update:
        columns.append(
            select(func.array_agg(HOLDS.c.refund_id))
            .where(HOLDS.c.order_id == SHIPMENTS.c.order_id, HOLDS.c.state == "open")
            .scalar_subquery()
            .label("open_refund_ids")
        )
    source: FromClause = SHIPMENTS
    order_by: list[Any] = [SHIPMENTS.c.dispatched_at, SHIPMENTS.c.shipment_id]
    if with_scans:
        columns += [SCANS.c[name].label(f"scan_{name}") for name in SCAN_FIELDS]
        source = SHIPMENTS.outerjoin(
            SCANS,
            and_(
                SCANS.c.carrier_code == SHIPMENTS.c.carrier_code,
                SCANS.c.tracking_number == SHIPMENTS.c.tracking_number,
            ),
        )
        order_by += [SCANS.c.occurred_at, SCANS.c.id]
    if by == "shipment_id":
        where = SHIPMENTS.c.shipment_id == bindparam("shipment_id")
    elif by == "order_id":
        where = SHIPMENTS.c.order_id == bindparam("order_id")
    elif by == "holding":
        # The carrier and number are tested on the locked row itself, not only in the subquery:
        # a row updated while this statement waited for its lock is re-checked against the outer
        # conditions only, and a number corrected meanwhile must no longer match.
        latest = SHIPMENTS.alias("latest")
        where = and_(
            SHIPMENTS.c.carrier_code == bindparam("carrier_code"),
            SHIPMENTS.c.tracking_number == bindparam("tracking_number"),
            SHIPMENTS.c.shipment_id
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
        statement = statement.where(SHIPMENTS.c.direction == Direction.OUTBOUND.value)
    if for_update:
        statement = statement.with_for_update(of=SHIPMENTS)
    return statement


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


class ShipmentRepository(SessionRepository):
    async def lock_tracking_number(self, tracking_number: str) -> None:
        """Scans and the shipment they belong to arrive in different transactions (a webhook's
        scans behind the ack, a dispatch or a return parcel's registration). Held until commit,
        this lock makes "keep the scans if no shipment has the number" and "take the scans that
        came first when the shipment appears" happen one after the other, never both blind."""
        await self._execute(
            text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": tracking_lock_key(tracking_number)}
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
            already_dispatched=line_totals(json_value(row["dispatched_lines"])),
            holder_id=row["holder_id"],
            open_refund_ids=frozenset(row["open_refund_ids"] or ()),
            has_parked_scans=bool(row["has_parked_scans"]),
        )

    async def sign_off_context(self, order_id: str) -> SignOffContext:
        row = (await self._execute(_SIGN_OFF_CONTEXT, {"order_id": order_id})).mappings().first()
        if row is None:
            return SignOffContext({}, {})
        ordered = {line_id: int(line["quantity"]) for line_id, line in json_value(row["lines"]).items()}
        return SignOffContext(ordered, line_totals(json_value(row["signed_lines"])))

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
        ordered_lines = json_value(rows[0]["order_lines"]) if rows and rows[0]["order_lines"] is not None else {}
        ordered = {line_id: int(line["quantity"]) for line_id, line in ordered_lines.items()}
        signed = line_totals(shipment.lines for shipment in shipments if shipment.signed_off_at is not None)
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
            select(SHIPMENTS.c.shipment_id)
            .where(SHIPMENTS.c.carrier_code == carrier_code, SHIPMENTS.c.tracking_number == tracking_number)
            .limit(1)
        )
        value = found.scalar()
        return str(value) if value is not None else None

    async def stale_shipments(self, *, after: Sequence[KeyValue] | None, limit: int) -> list[RowMapping]:
        """Longest without movement first, keyed by (last_movement_at, shipment_id)."""
        key = (SHIPMENTS.c.last_movement_at, SHIPMENTS.c.shipment_id)
        statement = select(SHIPMENTS).where(
            SHIPMENTS.c.stale_alerted_at.is_not(None), SHIPMENTS.c.status.not_in(_FINAL)
        )
        position = keyset_after(key, after, descending=False)
        if position is not None:
            statement = statement.where(position)
        rows = await self._execute(statement.order_by(*key).limit(limit))
        return list(rows.mappings())

    async def flagged_shipments(self, *, after: Sequence[KeyValue] | None, limit: int) -> list[Shipment]:
        """Shipments with a flag ops have not cleared yet, dispatched last first, keyed by
        (dispatched_at, shipment_id)."""
        key = (SHIPMENTS.c.dispatched_at, SHIPMENTS.c.shipment_id)
        flagged = select(SHIPMENTS.c.shipment_id).where(
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
            select(SHIPMENTS, *[SCANS.c[name].label(f"scan_{name}") for name in SCAN_FIELDS])
            .select_from(
                SHIPMENTS.outerjoin(
                    SCANS,
                    and_(
                        SCANS.c.carrier_code == SHIPMENTS.c.carrier_code,
                        SCANS.c.tracking_number == SHIPMENTS.c.tracking_number,
                    ),
                )
            )
            .where(any_of(SHIPMENTS.c.shipment_id, ids))
            .order_by(SHIPMENTS.c.dispatched_at.desc(), SHIPMENTS.c.shipment_id.desc(), SCANS.c.occurred_at, SCANS.c.id)
        )
        return shipments_from_rows((await self._execute(statement)).mappings().all())


_FINAL = (ShipmentStatus.DELIVERED.value, ShipmentStatus.SIGNED_OFF.value, ShipmentStatus.RETURNED_TO_SENDER.value)
