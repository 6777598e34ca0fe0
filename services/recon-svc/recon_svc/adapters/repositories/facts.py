"""recon's copy of the facts in PostgreSQL: per-order money rows, the parcels' units, completed
refunds, ledger transactions and payouts, each written in one statement per batch of facts, whatever
its size (the SQL texts stay the same, so their prepared statements are reused)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import RefundFactRow
from shipsettle_shared.db import any_of, json_rows


class FactRepository:
    """The facts a batch folds: rows read locked, folded in memory by the service layer, written back."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_orders(self, order_ids: Sequence[str], *, now: datetime) -> dict[str, dict[str, Any]]:
        """The orders' rows (created empty if new), locked, in the given order."""
        locked = await self.session.execute(_LOCK_ORDERS, {"order_ids": list(order_ids), "now": now})
        return {row.order_id: dict(row._mapping) for row in locked}

    async def write_orders(self, orders: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(_WRITE_ORDERS, {"orders": json_rows(list(orders))})

    async def add_dispatch_lines(self, lines: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(_INSERT_DISPATCH_LINES, {"lines": json_rows(list(lines))})

    async def add_sign_off_lines(self, lines: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(_INSERT_SIGN_OFF_LINES, {"lines": json_rows(list(lines))})

    async def add_returns(self, returns: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(_INSERT_RETURNS, {"returns": json_rows(list(returns))})

    async def known_refunds(self, refund_ids: Sequence[str]) -> set[str]:
        """Which of the refunds are stored already."""
        return set(
            (
                await self.session.execute(
                    select(col(RefundFactRow.refund_id)).where(any_of(col(RefundFactRow.refund_id), sorted(refund_ids)))
                )
            ).scalars()
        )

    async def add_refunds(self, refunds: Sequence[dict[str, Any]]) -> set[str]:
        """Completed refunds, each once; returns the ids stored now."""
        inserted = await self.session.execute(_INSERT_REFUND_FACTS, {"refunds": json_rows(list(refunds))})
        return set(inserted.scalars())

    async def add_ledger_entries(self, entries: Sequence[dict[str, Any]]) -> set[str]:
        """Ledger transactions, each once by its key; returns the keys stored now."""
        inserted = await self.session.execute(_INSERT_LEDGER_ENTRIES, {"entries": json_rows(list(entries))})
        return set(inserted.scalars())

    async def close_window_findings(self, closed: Sequence[tuple[str, str]], *, now: datetime) -> None:
        """(order id, hold id) released within their window: their window findings resolved."""
        order_ids, hold_ids = zip(*closed, strict=True)
        await self.session.execute(
            _CLOSE_WINDOW_FINDINGS, {"order_ids": list(order_ids), "hold_ids": list(hold_ids), "now": now}
        )

    async def lock_payouts(self, created: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Each payout's row (created from its first event if new: the dicts' fields), locked."""
        locked = await self.session.execute(
            _LOCK_PAYOUTS,
            {
                "payout_ids": [p["payout_id"] for p in created],
                "application_ids": [p["application_id"] for p in created],
                "merchant_ids": [p["merchant_id"] for p in created],
                "currencies": [p["currency"] for p in created],
                "amounts": [p["amount_minor"] for p in created],
                "statuses": [p["status"] for p in created],
                "references": [p["provider_reference"] for p in created],
                "reasons": [p["reason"] for p in created],
            },
        )
        return {row.payout_id: dict(row._mapping) for row in locked}

    async def write_payouts(self, payouts: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(_WRITE_PAYOUTS, {"payouts": json_rows(list(payouts))})


_ORDER_FIELDS = (
    "merchant_id",
    "currency",
    "placed_at",
    "paid_at",
    "buyer_paid_minor",
    "payment_channel",
    "lines",
    "units_signed_off",
    "units_refunded",
    "units_ordered",
    "signed_off",
    "refunded_to_buyer_minor",
    "open_refunds",
    "clearing_released_minor",
    "subsidy_minor",
    "commission_minor",
    "merchant_net_minor",
    "ledger_refunds_minor",
    "first_booked_at",
    "holds",
)

# Creates the orders not seen yet (empty) and locks and returns every one of them.
_LOCK_ORDERS = text(
    f"""
    insert into recon_orders (order_id, currency, lines, open_refunds, holds, units_signed_off, units_refunded,
        units_ordered, signed_off, refunded_to_buyer_minor, clearing_released_minor, subsidy_minor,
        commission_minor, merchant_net_minor, ledger_refunds_minor, updated_at)
    select order_id, 'CNY', '{{}}', '[]', '{{}}', 0, 0, 0, false, 0, 0, 0, 0, 0, 0, cast(:now as timestamptz)
    from unnest(cast(:order_ids as text[])) with ordinality as o(order_id, position)
    order by o.position
    on conflict (order_id) do update set updated_at = excluded.updated_at
    returning order_id, {", ".join(_ORDER_FIELDS)}
    """  # noqa: S608 - built from the constant column list
)
_WRITE_ORDERS = text(
    """
    update recon_orders o set merchant_id = r.merchant_id, currency = r.currency, placed_at = r.placed_at,
        paid_at = r.paid_at, buyer_paid_minor = r.buyer_paid_minor, payment_channel = r.payment_channel,
        lines = r.lines, units_signed_off = r.units_signed_off, units_refunded = r.units_refunded,
        units_ordered = r.units_ordered, signed_off = r.signed_off,
        refunded_to_buyer_minor = r.refunded_to_buyer_minor, open_refunds = r.open_refunds,
        clearing_released_minor = r.clearing_released_minor, subsidy_minor = r.subsidy_minor,
        commission_minor = r.commission_minor, merchant_net_minor = r.merchant_net_minor,
        ledger_refunds_minor = r.ledger_refunds_minor, first_booked_at = r.first_booked_at, holds = r.holds
    from jsonb_to_recordset(cast(:orders as jsonb)) as r(order_id text, merchant_id text, currency text,
        placed_at timestamptz, paid_at timestamptz, buyer_paid_minor bigint, payment_channel text, lines jsonb,
        units_signed_off integer, units_refunded integer, units_ordered integer, signed_off boolean,
        refunded_to_buyer_minor bigint, open_refunds jsonb, clearing_released_minor bigint, subsidy_minor bigint,
        commission_minor bigint, merchant_net_minor bigint, ledger_refunds_minor bigint, first_booked_at timestamptz,
        holds jsonb)
    where o.order_id = r.order_id
    """
)
# The parcels' units for the reports (the first copy of a (shipment, line) is kept), a returned
# parcel's first 退签 scan, each completed refund and ledger transaction once (those new returned).
_INSERT_DISPATCH_LINES = text(
    """
    insert into recon_dispatch_lines (shipment_id, line_id, order_id, merchant_id, quantity, dispatched_at)
    select r.shipment_id, r.line_id, r.order_id, r.merchant_id, r.quantity, r.at
    from jsonb_to_recordset(cast(:lines as jsonb)) as r(shipment_id text, line_id text, order_id text,
        merchant_id text, quantity integer, at timestamptz)
    on conflict (shipment_id, line_id) do nothing
    """
)
_INSERT_SIGN_OFF_LINES = text(
    """
    insert into recon_sign_off_lines (shipment_id, line_id, order_id, merchant_id, quantity, signed_off_at)
    select r.shipment_id, r.line_id, r.order_id, r.merchant_id, r.quantity, r.at
    from jsonb_to_recordset(cast(:lines as jsonb)) as r(shipment_id text, line_id text, order_id text,
        merchant_id text, quantity integer, at timestamptz)
    on conflict (shipment_id, line_id) do nothing
    """
)
_INSERT_RETURNS = text(
    """
    insert into recon_shipment_returns (shipment_id, order_id, merchant_id, returned_at)
    select r.shipment_id, r.order_id, r.merchant_id, r.returned_at
    from jsonb_to_recordset(cast(:returns as jsonb)) as r(shipment_id text, order_id text, merchant_id text,
        returned_at timestamptz)
    on conflict (shipment_id) do nothing
    """
)
_INSERT_REFUND_FACTS = text(
    """
    insert into refund_facts (refund_id, order_id, merchant_id, kind, currency, refund_minor, shipping_minor, lines,
        provider_reference, completed_at, refunded_via, refunded_to_channel)
    select r.refund_id, r.order_id, r.merchant_id, r.kind, r.currency, r.refund_minor, r.shipping_minor, r.lines,
        r.provider_reference, r.completed_at, r.refunded_via, r.refunded_to_channel
    from jsonb_to_recordset(cast(:refunds as jsonb)) as r(refund_id text, order_id text, merchant_id text, kind text,
        currency text, refund_minor bigint, shipping_minor bigint, lines jsonb, provider_reference text,
        completed_at timestamptz, refunded_via text, refunded_to_channel text)
    on conflict (refund_id) do nothing
    returning refund_id
    """
)
_INSERT_LEDGER_ENTRIES = text(
    """
    insert into ledger_entries (tx_key, kind, merchant_id, order_id, currency, description, caused_by_event_id,
        posted_at, postings, event_id)
    select r.tx_key, r.kind, r.merchant_id, r.order_id, r.currency, r.description, r.caused_by_event_id,
        r.posted_at, r.postings, r.event_id
    from jsonb_to_recordset(cast(:entries as jsonb)) as r(tx_key text, kind text, merchant_id text, order_id text,
        currency text, description text, caused_by_event_id text, posted_at timestamptz, postings jsonb,
        event_id text)
    on conflict (tx_key) do nothing
    returning tx_key
    """
)
# The hold was released within its window, and the release's event reached recon after the window
# check had reported it (recon lagging behind settlement, not a late release): the finding is
# marked resolved, not deleted. A release after the window keeps it open.
_CLOSE_WINDOW_FINDINGS = text(
    """
    update invariant_violations v set resolved_at = cast(:now as timestamptz)
    from unnest(cast(:order_ids as text[]), cast(:hold_ids as text[])) as r(order_id, hold_id)
    where v.order_id = r.order_id and v.check_name = 'not_settled_in_window'
      and v.figures ->> 'hold_id' = r.hold_id and v.resolved_at is null
    """
)
# The newest known outcome of each payout: created by its first event, locked and returned.
_LOCK_PAYOUTS = text(
    """
    insert into payout_facts (payout_id, application_id, merchant_id, currency, amount_minor, status,
        provider_reference, reason)
    select p.payout_id, p.application_id, p.merchant_id, p.currency, p.amount_minor, p.status,
        p.provider_reference, p.reason
    from unnest(cast(:payout_ids as text[]), cast(:application_ids as text[]),
        cast(:merchant_ids as text[]), cast(:currencies as text[]), cast(:amounts as bigint[]),
        cast(:statuses as text[]), cast(:references as text[]), cast(:reasons as text[]))
        with ordinality as p(payout_id, application_id, merchant_id, currency, amount_minor, status,
            provider_reference, reason, position)
    order by p.position
    on conflict (payout_id) do update set status = payout_facts.status  -- locks it, changes nothing
    returning payout_id, status, provider_reference, reason, paid_at, failed_at, returned_at
    """
)
_WRITE_PAYOUTS = text(
    """
    update payout_facts f set status = r.status, provider_reference = r.provider_reference, reason = r.reason,
        paid_at = r.paid_at, failed_at = r.failed_at, returned_at = r.returned_at
    from jsonb_to_recordset(cast(:payouts as jsonb)) as r(payout_id text, status text, provider_reference text,
        reason text, paid_at timestamptz, failed_at timestamptz, returned_at timestamptz)
    where f.payout_id = r.payout_id
    """
)
