"""Carriers' scans in PostgreSQL: every scan is kept under its carrier and tracking number
(a shipment's scans are those of its carrier's number), whether a shipment has the number yet or
not; the ones no shipment took are listed for ops (GET /v1/scans-parked)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, text, tuple_
from sqlmodel import col

from logistics_svc.adapters.repositories.rows import SCANS, SessionRepository, tracking_lock_key
from logistics_svc.adapters.tables import ScanRow, ShipmentRow
from logistics_svc.domain.tracking import ParkedScans, Scan, TrackingStatus
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


class ScanRepository(SessionRepository):
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
                "lock_key": tracking_lock_key(scans[0].tracking_number),
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
            select(SCANS)
            .where(SCANS.c.carrier_code == carrier_code, SCANS.c.tracking_number == tracking_number)
            .order_by(SCANS.c.occurred_at, SCANS.c.id)
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
