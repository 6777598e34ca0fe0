"""The orders as logistics knows them, projected from order.events (known_orders): placed,
confirmed with their consignee (kept sealed), corrected, cancelled; and the order's locking read a
dispatch starts with."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text

from logistics_svc.adapters.repositories.rows import SessionRepository, json_value, tracking_lock_key
from logistics_svc.domain.shipments import OrderForDispatch

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


class KnownOrderRepository(SessionRepository):
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
                    {"lock_key": tracking_lock_key(tracking_number), "order_id": order_id},
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
            line_quantities={line_id: int(line["quantity"]) for line_id, line in json_value(row["lines"]).items()},
        )
