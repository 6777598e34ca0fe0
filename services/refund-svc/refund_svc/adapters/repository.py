"""Refunds, the orders they are judged against, and parked order facts in PostgreSQL.

Reads map rows to the domain (``Refund``, ``RefundOrder``); a refund is read with its row locked
and its order's payment beside it (one statement), so a move can pay without reading the order
again. Refunds and orders read in one unit of work are remembered: a second read of the same one
returns the object the use case changed (and staged), not the row as it was before.

The order projection's set-based writes run at once (they are the statements themselves); the
writes of the use cases are staged and flushed by ``unit_of_work.SqlRefundUnitOfWork``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from refund_svc.adapters.tables import ParkedEventRow, RefundHistoryRow, RefundOrderRow, RefundRow
from refund_svc.domain.amounts import OrderLine, ReasonCode, RefundableOrder, RefundKind, RefundLineAmounts, RefundQuote
from refund_svc.domain.refund import HistoryEntry, Refund
from refund_svc.domain.refund_orders import Payment, RefundOrder
from refund_svc.domain.workflow import RefundStatus
from shipsettle_shared import contracts
from shipsettle_shared.contracts import RefundedVia
from shipsettle_shared.db import any_of, json_rows
from shipsettle_shared.messaging.events import Received, received

REFUNDS: Table = RefundRow.__table__
ORDERS: Table = RefundOrderRow.__table__
HISTORY: Table = RefundHistoryRow.__table__
_PARKED: Table = ParkedEventRow.__table__
_PAYMENT = (ORDERS.c.payment_channel, ORDERS.c.payment_transaction_id, ORDERS.c.buyer_ref)

# --- rows and the domain ---------------------------------------------------------------------------


# A refund's fields its row keeps as they are; the others are converted (its enums, its amounts).
_AS_KEPT = (
    "refund_id", "order_id", "merchant_id", "reason", "currency", "requested_by", "requested_at", "updated_at",
    "deadline_at", "waiting_for", "approved_how", "rejection_reason", "escalated_at", "return_shipment_id",
    "return_carrier_code", "return_tracking_number", "inspection", "attempt", "provider_request_id",
    "provider_reference", "failure_reason", "failure_permanent", "beneficiary_channel", "beneficiary_account",
    "balance_credit", "resolution", "outcome", "closed_at",
)  # fmt: skip
_LINE_FIELDS = ("line_id", "units", "positions", "paid_minor", "subsidy_minor", "commission_base_minor")


def refund_from_row(row: Mapping[Any, Any]) -> Refund:
    """A refund from its row; with its order's payment when the row carries it (``_PAYMENT``)."""
    with_payment = "payment_channel" in row
    return Refund(
        **{name: row[name] for name in _AS_KEPT},
        kind=RefundKind(row["kind"]),
        reason_code=ReasonCode(row["reason_code"]),
        status=RefundStatus(row["status"]),
        refunded_via=RefundedVia(row["refunded_via"]) if row["refunded_via"] else None,
        amounts=RefundQuote([RefundLineAmounts(**line) for line in row["lines"]], row["shipping_minor"]),
        payment=Payment(*(row[column.name] for column in _PAYMENT)) if with_payment else None,
    )


def refund_columns(refund: Refund) -> dict[str, Any]:
    """The refund's row, every column (the amounts never change after it is opened)."""
    amounts = refund.amounts
    return {name: getattr(refund, name) for name in _AS_KEPT} | {
        "kind": refund.kind.value,
        "reason_code": refund.reason_code.value,
        "status": refund.status.value,
        "refunded_via": refund.refunded_via.value if refund.refunded_via else None,
        "lines": [{name: getattr(line, name) for name in _LINE_FIELDS} for line in amounts.lines],
        "shipping_minor": amounts.shipping_minor,
        "refund_minor": amounts.refund_minor,
        "subsidy_minor": amounts.subsidy_reversed_minor,
        "commission_base_minor": amounts.commission_base_minor,
    }


def history_from_row(row: Mapping[Any, Any]) -> HistoryEntry:
    return HistoryEntry(row["action"], row["actor"], RefundStatus(row["status_after"]), row["detail"], row["at"])


def _order(row: Mapping[Any, Any]) -> RefundOrder:
    return RefundOrder(
        merchant_id=row["merchant_id"],
        currency=row["currency"],
        payment=Payment(*(row[column.name] for column in _PAYMENT)),
        refundable=RefundableOrder(
            order_id=row["order_id"],
            # as _INSERT_ORDERS keeps them: line id -> category, quantity and the line's figures
            lines={line_id: OrderLine(line_id, **line) for line_id, line in row["lines"].items()},
            shipping_fee_minor=row["shipping_fee_minor"],
            taken={line_id: list(positions) for line_id, positions in row["taken"].items()},
            shipping_refunded=row["shipping_refunded"],
        ),
        signed_off_units={line_id: int(units) for line_id, units in row["signed_off_units"].items()},
        last_signed_off_at=row["last_signed_off_at"],
    )


def taken_columns(order: RefundOrder) -> dict[str, Any]:
    """What refunds change on an order: the unit positions they hold, and whether one refunded
    the shipping fee."""
    refundable = order.refundable
    return {
        "order_id": order.order_id,
        "taken": {line_id: positions for line_id, positions in refundable.taken.items() if positions},
        "shipping_refunded": refundable.shipping_refunded,
    }


def _locked_with_payment() -> Select[Any]:
    """A refund's row, locked (not its order's), with its order's payment."""
    return (
        select(REFUNDS, *_PAYMENT)
        .join_from(REFUNDS, ORDERS, ORDERS.c.order_id == REFUNDS.c.order_id)
        .with_for_update(of=REFUNDS)
    )


# --- the order projection's statements ----------------------------------------------------------------

# A poll's placements, dispatches, sign-offs and parcel statuses are applied in a constant number
# of statements (rather than a get, a locked get and a flush per event). Placements return the
# facts parked for the orders they inserted.
_INSERT_ORDERS = text(
    """
    with inserted as (
        insert into refund_orders (order_id, merchant_id, currency, shipping_fee_minor, payment_channel,
            payment_transaction_id, buyer_ref, lines, taken, shipping_refunded, dispatched, signed_off_units,
            placed_at)
        select r.order_id, r.merchant_id, r.currency, r.shipping_fee_minor, r.payment_channel,
            r.payment_transaction_id, r.buyer_ref, r.lines, '{}', false, false, '{}', r.placed_at
        from jsonb_to_recordset(cast(:orders as jsonb)) as r(order_id text, merchant_id text, currency text,
            shipping_fee_minor bigint, payment_channel text, payment_transaction_id text, buyer_ref text,
            lines jsonb, placed_at timestamptz)
        order by r.order_id
        on conflict (order_id) do nothing
        returning order_id)
    select p.id, p.envelope from parked_events p join inserted using (order_id) order by p.id
    """
)
# Per order: dispatched or not, units signed off per line (added to those before), the latest
# sign-off. Returns the orders it found.
_APPLY_SHIPMENT_FACTS = text(
    """
    update refund_orders o
    set dispatched = o.dispatched or r.dispatched,
        signed_off_units = o.signed_off_units || (
            select coalesce(jsonb_object_agg(u.line_id,
                coalesce(cast(o.signed_off_units ->> u.line_id as integer), 0) + cast(u.units as integer)), '{}')
            from jsonb_each_text(r.units) as u(line_id, units)),
        last_signed_off_at = greatest(o.last_signed_off_at, r.signed_off_at)
    from jsonb_to_recordset(cast(:orders as jsonb)) as r(order_id text, dispatched boolean, units jsonb,
        signed_off_at timestamptz)
    where o.order_id = r.order_id
    returning o.order_id
    """
)
_PARK = text(
    """
    insert into parked_events (order_id, event_id, event_type, envelope, parked_at)
    select r.order_id, r.event_id, r.event_type, r.envelope, cast(:now as timestamptz)
    from jsonb_to_recordset(cast(:events as jsonb)) as r(order_id text, event_id text, event_type text, envelope jsonb)
    on conflict on constraint parked_events_event do nothing
    """
)


class RefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # what this unit of work has read or staged, by id (see the module docstring), and each
        # refund's row as it was read (what the unit of work compares before writing it)
        self._refunds: dict[str, Refund] = {}
        self._orders: dict[str, RefundOrder] = {}
        self._read_as: dict[str, dict[str, Any]] = {}
        self._status_as_read: dict[str, str] = {}  # the status each refund had when first read

    # --- refunds ------------------------------------------------------------------------------

    async def refund(self, refund_id: str) -> Refund | None:
        """The refund, its row locked, with its order's payment."""
        return await self._locked(REFUNDS.c.refund_id == refund_id)

    async def refund_paying(self, request_id: str) -> Refund | None:
        """The refund whose current attempt is ``request_id``, its row locked."""
        return await self._locked(REFUNDS.c.provider_request_id == request_id)

    async def refund_returning(self, return_shipment_id: str) -> Refund | None:
        """The refund whose goods come back in parcel ``return_shipment_id``, its row locked."""
        return await self._locked(REFUNDS.c.return_shipment_id == return_shipment_id)

    async def _locked(self, where: Any) -> Refund | None:
        row = (await self.session.execute(_locked_with_payment().where(where))).mappings().first()
        if row is None:
            return None
        known = self._refunds.get(row["refund_id"])
        if known is not None:
            return known
        refund = refund_from_row(row)
        self._status_as_read[refund.refund_id] = refund.status.value
        self.remember(refund)
        return refund

    def status_as_read(self, refund_id: str) -> str | None:
        """The status the refund had when this unit of work first read it (None: not read here)."""
        return self._status_as_read.get(refund_id)

    def changed(self, refund: Refund) -> bool:
        """Whether ``refund`` differs from its row as read (True for one not read here)."""
        return self._read_as.get(refund.refund_id) != refund_columns(refund)

    async def has_refund(self, refund_id: str) -> bool:
        found = await self.session.scalar(select(REFUNDS.c.refund_id).where(REFUNDS.c.refund_id == refund_id))
        return found is not None

    async def return_tracking_number_holder(self, tracking_number: str) -> str | None:
        """The refund whose return parcel has ``tracking_number``, if any."""
        return await self.session.scalar(
            select(REFUNDS.c.refund_id).where(REFUNDS.c.return_tracking_number == tracking_number)
        )

    def remember(self, refund: Refund) -> None:
        """``refund`` as read or staged: what a later read of it in this unit of work returns, and
        what its row is compared with (it is, or will be, written so)."""
        self._refunds[refund.refund_id] = refund
        self._read_as[refund.refund_id] = refund_columns(refund)

    # --- orders -------------------------------------------------------------------------------

    async def order(self, order_id: str, *, for_update: bool = False) -> RefundOrder | None:
        """The order as refunds see it (``for_update``: its row locked, once per unit of work)."""
        known = self._orders.get(order_id)
        if known is not None:
            return known
        statement = select(ORDERS).where(ORDERS.c.order_id == order_id)
        row = (await self.session.execute(statement.with_for_update() if for_update else statement)).mappings().first()
        if row is None:
            return None
        order = _order(row)
        if for_update:  # an order read without its lock may change under us: not remembered
            self._orders[order_id] = order
        return order

    def remember_order(self, order: RefundOrder) -> None:
        self._orders[order.order_id] = order

    # --- the order projection (statements run at once) -------------------------------------------

    async def insert_orders(self, events: Sequence[contracts.OrderPlaced]) -> list[Received[contracts.EventPayload]]:
        """Orders not known yet (a replayed placement changes nothing); returns the facts parked
        for them, oldest first, no longer parked."""
        rows = [
            {
                "order_id": event.order_id,
                "merchant_id": event.merchant_id,
                "currency": event.currency,
                "shipping_fee_minor": event.shipping_fee_minor,
                "payment_channel": event.payment.channel,
                "payment_transaction_id": event.payment.transaction_id,
                "buyer_ref": event.buyer_ref,
                "lines": {
                    line.line_id: {
                        "category": line.category,
                        "quantity": line.quantity,
                        "paid_minor": line.paid_amount_minor,
                        "subsidy_minor": line.platform_discount_minor,
                        "commission_base_minor": line.commission_base_minor,
                    }
                    for line in event.lines
                },
                "placed_at": event.placed_at,
            }
            for event in events
        ]
        parked = (await self.session.execute(_INSERT_ORDERS, {"orders": json_rows(rows)})).all()
        if parked:
            await self.session.execute(delete(_PARKED).where(any_of(_PARKED.c.id, [row.id for row in parked])))
        return [received(row.envelope) for row in parked]

    async def apply_shipment_facts(self, changes: Sequence[Mapping[str, Any]]) -> set[str]:
        """Per order (``order_id``): ``dispatched``, ``units`` signed off per line (added to those
        before) and ``signed_off_at`` (the latest kept). Returns the orders found."""
        rows = sorted(changes, key=lambda change: str(change["order_id"]))
        found = set((await self.session.execute(_APPLY_SHIPMENT_FACTS, {"orders": json_rows(rows)})).scalars())
        for order_id in found:  # read again when next asked for
            self._orders.pop(order_id, None)
        return found

    async def park(self, events: Sequence[Received[Any]], *, now: datetime) -> None:
        """Facts about orders not known yet (each with an ``order_id``), kept until their
        OrderPlaced arrives, in their stored form (``Received.parked_form``)."""
        rows = [
            {
                "order_id": str(event.payload.order_id),
                "event_id": str(event.meta.event_id),
                "event_type": event.meta.event_type,
                "envelope": event.parked_form(),
            }
            for event in events
        ]
        await self.session.execute(_PARK, {"events": json_rows(rows), "now": now})
