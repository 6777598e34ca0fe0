"""The shipment views platforms and merchants poll, each read with one autocommitted statement.

A platform backend polls an order's shipments until the parcel is delivered (about three times per
lifecycle): that read took a pooled session, BEGIN, the order, the shipments, one scan query per
shipment, the refunds, the settings and a ROLLBACK. Here it is one statement on the runtime's
connection lane: the order, its shipments, their scans and its open refunds as of one snapshot
(PostgreSQL runs a statement outside a transaction block as its own transaction), so the view
is consistent. Rows are mapped by the repository's own mapper (shipments_from_rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from logistics_svc.adapters.repositories.rows import open_refunds_of, shipments_from_rows
from logistics_svc.domain.order_shipments import LoadedShipments
from logistics_svc.domain.shipments import Shipment
from shipsettle_shared.db import ConnectionLane

# A shipment's columns and its scans' (one row per scan), as ``shipments_from_rows`` reads them.
_SHIPMENT_AND_SCAN_COLUMNS = """
    s.shipment_id, s.order_id, s.merchant_id, s.carrier_code, s.tracking_number, s.lines::text as lines, s.status,
    s.dispatched_at, s.last_movement_at, s.first_scan_at, s.delivered_at, s.signed_off_at, s.sign_off_how,
    s.open_disputes, s.auto_confirm_due_at, s.auto_confirm_paused_remaining_s, s.direction, s.refund_id,
    s.ops_flags::text as ops_flags,
    c.status as scan_status, c.occurred_at as scan_occurred_at, c.description as scan_description,
    c.location as scan_location, c.raw_status as scan_raw_status
"""
# An order logistics knows has a row even without shipments (the outer joins give it nulls).
_ORDER_SHIPMENTS = f"""
select o.merchant_id as order_merchant_id,
    (select array_agg(h.refund_id) from refund_holds h where h.order_id = o.order_id and h.state = 'open')
        as open_refund_ids,
{_SHIPMENT_AND_SCAN_COLUMNS}from known_orders o
left join shipments s on s.order_id = o.order_id
left join scans c on c.carrier_code = s.carrier_code and c.tracking_number = s.tracking_number
where o.order_id = $1
order by s.dispatched_at, s.shipment_id, c.occurred_at, c.id
"""  # noqa: S608 - built from constants
_SHIPMENT = f"""
select
    (select array_agg(h.refund_id) from refund_holds h where h.order_id = s.order_id and h.state = 'open')
        as open_refund_ids,
{_SHIPMENT_AND_SCAN_COLUMNS}from shipments s
left join scans c on c.carrier_code = s.carrier_code and c.tracking_number = s.tracking_number
where s.shipment_id = $1
order by c.occurred_at, c.id
"""  # noqa: S608 - built from constants


@dataclass(frozen=True)
class OrderShipments:
    merchant_id: str  # the order's: who may see its shipments
    loaded: LoadedShipments


class ShipmentReads:
    def __init__(self, lane: ConnectionLane) -> None:
        self._lane = lane

    async def order_shipments(self, order_id: str) -> OrderShipments | None:
        """Every parcel of the order, outbound and return, by dispatch time; None for an order
        logistics does not know."""
        async with self._lane.connection() as connection:
            rows = await connection.fetch(_ORDER_SHIPMENTS, order_id)
        if not rows:
            return None
        return OrderShipments(
            merchant_id=rows[0]["order_merchant_id"],
            loaded=LoadedShipments(shipments_from_rows(rows), open_refunds_of(rows)),
        )

    async def shipment(self, shipment_id: str) -> tuple[Shipment, frozenset[str]] | None:
        """The shipment with its scans, and its order's open refunds; None if unknown."""
        async with self._lane.connection() as connection:
            rows = await connection.fetch(_SHIPMENT, shipment_id)
        shipments = shipments_from_rows(rows)
        return (shipments[0], open_refunds_of(rows)) if shipments else None
