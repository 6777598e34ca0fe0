"""recon's copy of the facts: every other service's events folded into per-order money, the
ledger's transactions, refunds and payouts. The batch handler runs in the consumer's transaction
with the batch's inbox entries, so a redelivered event changes nothing twice.

After anything that moves an order's money, the order's one invariant check (a debounced timer)
is moved to a grace period later: topics are not ordered with each other, and the order is
judged once the events in flight have had time to land, once per burst of facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Row, bindparam, exists, select, text, update
from sqlalchemy import event as session_events
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from recon_svc.adapters.tables import (
    ReconOrderRow,
    RefundFactRow,
    ViolationRow,
)
from recon_svc.domain.imports.model import CHINA_STANDARD_TIME
from recon_svc.domain.imports.period import assume_zone
from recon_svc.domain.invariants import OrderMoney, Violation, check_order, released_in_window, window_violation
from shipsettle_shared import contracts
from shipsettle_shared.contracts import read_payload
from shipsettle_shared.db import any_of, json_rows
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.ledger_accounts import (
    PlatformAccount,
    TransactionKind,
    merchant_accounts_prefix,
    platform_account,
)
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import DueTimer, rearm_timers, schedule_timer, schedule_timers

PRODUCER = "recon-svc"
INVARIANT_CHECK = "invariant_check"
SETTLEMENT_WINDOW = "settlement_window"


@dataclass(frozen=True)
class Timing:
    grace: timedelta  # how long after an order's latest event it is judged
    window_slack: timedelta  # how late a hold release may be before it is a violation


violations_found_total = Counter(
    "shipsettle_invariant_violations_total", "Money invariant violations found by recon's live checker", ["check"]
)


# --- folding the facts, a poll at a time ------------------------------------------------------
# One batch handler takes every fact type (the consumer hands it a poll's consecutive facts, in
# their order): a constant number of statements per batch, whatever its size, instead of an
# upsert, a SELECT ... FOR UPDATE and a flush per event. The orders a batch touches are locked and
# read in one statement (in order_id order, so concurrent batches lock in one order), folded here
# event by event exactly as they would be one at a time, and written back in one statement.

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

# Facts that are about one order's money (and create its row); the others carry units
# (dispatches, returned parcels), ledger transactions (an order's only when new) or payouts.
_ORDER_FACTS = frozenset(
    {
        contracts.OrderPlaced.event_type,
        contracts.OrderSignedOff.event_type,
        contracts.RefundRequested.event_type,
        contracts.RefundCompleted.event_type,
        contracts.RefundClosed.event_type,
        contracts.SettlementPending.event_type,
        contracts.FundsReleased.event_type,
    }
)
_PAYLOAD_MODELS: dict[str, type[contracts.EventPayload]] = {
    model.event_type: model
    for model in (
        contracts.OrderPlaced,
        contracts.OrderSignedOff,
        contracts.ShipmentDispatched,
        contracts.ShipmentStatusChanged,
        contracts.SettlementPending,
        contracts.FundsReleased,
        contracts.RefundRequested,
        contracts.RefundCompleted,
        contracts.RefundClosed,
        contracts.LedgerTransactionPosted,
        contracts.PayoutSettled,
    )
}
FACT_TYPES = tuple(_PAYLOAD_MODELS)


@dataclass
class _Batch:
    """What one batch of facts changes, gathered while folding and written at the end."""

    now: datetime
    timing: Timing
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # order id -> its row, folded
    refunds_known: set[str] = field(default_factory=set)  # refund facts stored before this event
    new_refunds: set[str] = field(default_factory=set)  # refund facts this batch stored
    new_ledger_keys: set[str] = field(default_factory=set)
    to_judge: set[str] = field(default_factory=set)
    windows: dict[str, tuple[str, datetime, dict[str, Any]]] = field(default_factory=dict)  # hold -> timer
    closed_windows: list[tuple[str, str]] = field(default_factory=list)  # (order id, hold id)


async def on_facts(session: AsyncSession, envelopes: Sequence[EventEnvelope], *, now: datetime, timing: Timing) -> None:
    """Fold a batch of facts (any of FACT_TYPES, in their order) into recon's tables and arm each
    touched order's invariant check. Raises pydantic's ValidationError for a payload that breaks
    its contract (the consumer retries it alone, then dead-letters it)."""
    events = [
        (envelope, read_payload(envelope.payload, _PAYLOAD_MODELS[envelope.event_type])) for envelope in envelopes
    ]
    batch = _Batch(now=now, timing=timing)
    await _store_unit_lines(session, [event for _, event in events])
    await _store_refund_facts(session, batch, [event for _, event in events])
    await _store_ledger_entries(session, batch, events)
    order_ids = {
        event.aggregate_id()
        for _, event in events
        if isinstance(event, contracts.OrderEvent) and event.event_type in _ORDER_FACTS
    } | {
        event.order_id
        for _, event in events
        if isinstance(event, contracts.LedgerTransactionPosted)
        and event.order_id is not None
        and event.tx_key in batch.new_ledger_keys
    }
    if order_ids:
        locked = await session.execute(_LOCK_ORDERS, {"order_ids": sorted(order_ids), "now": now})
        batch.orders = {row.order_id: dict(row._mapping) for row in locked}
    for _, event in events:
        _fold(batch, event)
    if batch.orders:
        await session.execute(_WRITE_ORDERS, {"orders": json_rows(list(batch.orders.values()))})
    if batch.closed_windows:
        order_ids_closed, hold_ids = zip(*batch.closed_windows, strict=True)
        await session.execute(
            _CLOSE_WINDOW_FINDINGS, {"order_ids": list(order_ids_closed), "hold_ids": list(hold_ids), "now": now}
        )
    await schedule_timers(session, SETTLEMENT_WINDOW, list(batch.windows.values()))
    # One invariant check per order, due a grace period after its latest fact: a burst of facts
    # about an order is judged once, after the last; a fact days later arms it once more.
    due = now + timing.grace
    await rearm_timers(
        session, INVARIANT_CHECK, [(order_id, due, {"order_id": order_id}) for order_id in batch.to_judge]
    )
    await _fold_payouts(session, [event for _, event in events if isinstance(event, contracts.PayoutSettled)])


def _fold(batch: _Batch, event: contracts.EventPayload) -> None:
    """One fact applied to the batch's copy of its order, exactly as applying it alone would."""
    if isinstance(event, contracts.LedgerTransactionPosted):
        if event.tx_key in batch.new_ledger_keys and event.order_id is not None:
            batch.new_ledger_keys.discard(event.tx_key)  # a second copy in the batch is a replay
            _fold_ledger(batch.orders[event.order_id], event)
            batch.to_judge.add(event.order_id)
        return
    if not isinstance(event, contracts.OrderEvent) or event.event_type not in _ORDER_FACTS:
        return  # parcels move units, not money: no invariant to re-judge
    order = batch.orders[event.aggregate_id()]
    batch.to_judge.add(event.aggregate_id())
    if isinstance(event, contracts.OrderPlaced):
        order.update(
            merchant_id=event.merchant_id,
            currency=event.currency,
            placed_at=event.placed_at,
            # a wallet's bill dates a payment by when it succeeded, which can be before midnight for
            # an order accepted after it; a time without an offset is the wallets' Beijing time
            paid_at=assume_zone(event.payment.paid_at, CHINA_STANDARD_TIME),
            buyer_paid_minor=event.payable_minor,
            payment_channel=event.payment.channel,
            units_ordered=sum(line.quantity for line in event.lines),
            lines={
                line.line_id: {
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "paid_minor": line.paid_amount_minor,
                    "sales_minor": line.sales_amount_minor,
                    "vat_minor": line.vat_minor,
                    "vat_rate_bp": line.vat_rate_bp,
                }
                for line in event.lines
            },
        )
    elif isinstance(event, contracts.OrderSignedOff):
        order["merchant_id"] = order["merchant_id"] or event.merchant_id
        order["units_signed_off"] += sum(line.quantity for line in event.lines)
        order["signed_off"] = True
    elif isinstance(event, contracts.RefundRequested):
        if event.refund_id not in order["open_refunds"] and event.refund_id not in batch.refunds_known:
            order["open_refunds"] = [*order["open_refunds"], event.refund_id]
    elif isinstance(event, contracts.RefundCompleted):
        order["open_refunds"] = [r for r in order["open_refunds"] if r != event.refund_id]
        batch.refunds_known.add(event.refund_id)
        if event.refund_id in batch.new_refunds:
            batch.new_refunds.discard(event.refund_id)  # counted once, by its first copy
            order["refunded_to_buyer_minor"] += event.refund_minor
            order["units_refunded"] += sum(line.units for line in event.lines)
    elif isinstance(event, contracts.RefundClosed):
        order["open_refunds"] = [r for r in order["open_refunds"] if r != event.refund_id]
    elif isinstance(event, contracts.SettlementPending):
        holds = dict(order["holds"])
        holds.setdefault(event.hold_id, {"release_at": event.release_at.isoformat(), "released_at": None})
        order["holds"] = holds
        batch.windows[event.hold_id] = (
            event.hold_id,
            event.release_at + batch.timing.window_slack,
            {"order_id": event.order_id, "hold_id": event.hold_id},
        )
    elif isinstance(event, contracts.FundsReleased):
        holds = dict(order["holds"])
        hold = dict(holds.get(event.hold_id, {"release_at": None}))
        hold["released_at"] = event.released_at.isoformat()
        holds[event.hold_id] = hold
        order["holds"] = holds
        if hold.get("release_at") and released_in_window(
            datetime.fromisoformat(hold["release_at"]), event.released_at, batch.timing.window_slack
        ):
            batch.closed_windows.append((event.order_id, event.hold_id))


_CLEARING = platform_account(PlatformAccount.CLEARING)
_SUBSIDY = platform_account(PlatformAccount.SUBSIDY)
_COMMISSION = platform_account(PlatformAccount.COMMISSION)
_REFUNDED = (platform_account(PlatformAccount.REFUNDS), platform_account(PlatformAccount.BALANCE_CLEARING))


def _fold_ledger(order: dict[str, Any], posted: contracts.LedgerTransactionPosted) -> None:
    order["merchant_id"] = order["merchant_id"] or posted.merchant_id
    merchant_prefix = merchant_accounts_prefix(posted.merchant_id)
    for line in posted.postings:
        if line.account_id == _CLEARING:
            order["clearing_released_minor"] -= line.amount_minor
        elif line.account_id == _SUBSIDY:
            order["subsidy_minor"] -= line.amount_minor
        elif line.account_id == _COMMISSION:
            order["commission_minor"] += line.amount_minor
        elif line.account_id in _REFUNDED:
            order["ledger_refunds_minor"] += line.amount_minor
        elif line.account_id.startswith(merchant_prefix):
            order["merchant_net_minor"] += line.amount_minor
    if posted.kind == TransactionKind.SIGN_OFF and order["first_booked_at"] is None:
        order["first_booked_at"] = posted.posted_at


# The parcels' units, for the tax and 发出商品 reports. A unique key per (shipment, line) makes a
# replay harmless even past the inbox; nothing waits for the OrderPlaced that values them.


async def _store_unit_lines(session: AsyncSession, events: list[contracts.EventPayload]) -> None:
    dispatched: dict[tuple[str, str], dict[str, Any]] = {}
    signed_off: dict[tuple[str, str], dict[str, Any]] = {}
    returned: dict[str, dict[str, Any]] = {}
    for event in events:
        if isinstance(event, contracts.ShipmentDispatched | contracts.OrderSignedOff):
            rows, at = (
                (dispatched, event.dispatched_at)
                if isinstance(event, contracts.ShipmentDispatched)
                else (signed_off, event.signed_off_at)
            )
            for line in event.lines:
                if line.quantity > 0:  # the first copy of a (shipment, line) is the one kept
                    rows.setdefault(
                        (event.shipment_id, line.line_id),
                        {
                            "shipment_id": event.shipment_id,
                            "line_id": line.line_id,
                            "order_id": event.order_id,
                            "merchant_id": event.merchant_id,
                            "quantity": line.quantity,
                            "at": at,
                        },
                    )
        # Only an outbound parcel returned to sender (退签) matters here: its goods come back to the
        # merchant never signed off. A return parcel (退货, direction "return") is the refund's. The
        # first 退签 scan dates it.
        elif (
            isinstance(event, contracts.ShipmentStatusChanged)
            and event.direction == "outbound"
            and event.status == "returned_to_sender"
        ):
            returned.setdefault(
                event.shipment_id,
                {
                    "shipment_id": event.shipment_id,
                    "order_id": event.order_id,
                    "merchant_id": event.merchant_id,
                    "returned_at": event.scan_time,
                },
            )
    if dispatched:
        await session.execute(_INSERT_DISPATCH_LINES, {"lines": json_rows(list(dispatched.values()))})
    if signed_off:
        await session.execute(_INSERT_SIGN_OFF_LINES, {"lines": json_rows(list(signed_off.values()))})
    if returned:
        await session.execute(_INSERT_RETURNS, {"returns": json_rows(list(returned.values()))})


async def _store_refund_facts(session: AsyncSession, batch: _Batch, events: list[contracts.EventPayload]) -> None:
    """Completed refunds are kept whole, each once; ``refunds_known`` starts as those stored before
    this batch, so a request folded before its completion in the same batch still opens it."""
    mentioned = {
        event.refund_id for event in events if isinstance(event, contracts.RefundRequested | contracts.RefundCompleted)
    }
    if not mentioned:
        return
    batch.refunds_known = set(
        (
            await session.execute(
                select(col(RefundFactRow.refund_id)).where(any_of(col(RefundFactRow.refund_id), sorted(mentioned)))
            )
        ).scalars()
    )
    completed: dict[str, contracts.RefundCompleted] = {}
    for event in events:
        if isinstance(event, contracts.RefundCompleted):
            completed.setdefault(event.refund_id, event)
    if not completed:
        return
    rows = [
        {
            "refund_id": event.refund_id,
            "order_id": event.order_id,
            "merchant_id": event.merchant_id,
            "kind": event.kind,
            "currency": event.currency,
            "refund_minor": event.refund_minor,
            "shipping_minor": event.shipping_minor,
            "lines": [line.model_dump() for line in event.lines],
            "provider_reference": event.provider_reference,
            "completed_at": event.completed_at,
            # an event older than the field reads as original_channel (the contract's default)
            "refunded_via": event.refunded_via.value,
            "refunded_to_channel": event.refunded_to_channel,
        }
        for event in completed.values()
    ]
    inserted = await session.execute(_INSERT_REFUND_FACTS, {"refunds": json_rows(rows)})
    batch.new_refunds = set(inserted.scalars())


async def _store_ledger_entries(
    session: AsyncSession, batch: _Batch, events: list[tuple[EventEnvelope, contracts.EventPayload]]
) -> None:
    """Each ledger transaction once (by its key); only a new one moves its order's figures."""
    entries: dict[str, dict[str, Any]] = {}
    for envelope, event in events:
        if isinstance(event, contracts.LedgerTransactionPosted):
            entries.setdefault(
                event.tx_key,
                {
                    "tx_key": event.tx_key,
                    "kind": event.kind,
                    "merchant_id": event.merchant_id,
                    "order_id": event.order_id,
                    "currency": event.currency,
                    "description": event.description,
                    "caused_by_event_id": event.caused_by_event_id,
                    "posted_at": event.posted_at,
                    "postings": [line.model_dump() for line in event.postings],
                    "event_id": str(envelope.event_id),
                },
            )
    if not entries:
        return
    inserted = await session.execute(_INSERT_LEDGER_ENTRIES, {"entries": json_rows(list(entries.values()))})
    batch.new_ledger_keys = set(inserted.scalars())


async def _fold_payouts(session: AsyncSession, events: list[contracts.PayoutSettled]) -> None:
    """The latest known outcome of each payout. A payout only moves forward: paid -> returned; a
    late "paid" after "returned" keeps returned."""
    if not events:
        return
    first: dict[str, contracts.PayoutSettled] = {}
    for event in events:
        first.setdefault(event.payout_id, event)
    created = sorted(first.values(), key=lambda event: event.payout_id)
    locked = await session.execute(
        _LOCK_PAYOUTS,
        {
            "payout_ids": [e.payout_id for e in created],
            "application_ids": [e.application_id for e in created],
            "merchant_ids": [e.merchant_id for e in created],
            "currencies": [e.currency for e in created],
            "amounts": [e.amount_minor for e in created],
            "statuses": [e.status for e in created],
            "references": [e.provider_reference for e in created],
            "reasons": [e.reason for e in created],
        },
    )
    payouts = {row.payout_id: dict(row._mapping) for row in locked}
    for settled in events:
        row = payouts[settled.payout_id]
        if settled.status == "paid":
            row["paid_at"] = row["paid_at"] or settled.settled_at
            if row["status"] != "returned":
                row["status"] = "paid"
        elif settled.status == "failed":
            row["failed_at"], row["status"] = settled.settled_at, "failed"
        elif settled.status == "returned":
            row["returned_at"], row["status"] = settled.settled_at, "returned"
        row["provider_reference"] = settled.provider_reference or row["provider_reference"]
        row["reason"] = settled.reason or row["reason"]
    await session.execute(_WRITE_PAYOUTS, {"payouts": json_rows(list(payouts.values()))})


# --- judging ------------------------------------------------------------------------------------


def money_of(row: ReconOrderRow | Row[Any]) -> OrderMoney:
    return OrderMoney(
        order_id=row.order_id,
        merchant_id=row.merchant_id,
        buyer_paid_minor=row.buyer_paid_minor,
        refunded_to_buyer_minor=row.refunded_to_buyer_minor,
        subsidy_minor=row.subsidy_minor,
        commission_minor=row.commission_minor,
        merchant_net_minor=row.merchant_net_minor,
        units_ordered=row.units_ordered,
        units_signed_off=row.units_signed_off,
        units_refunded=row.units_refunded,
        open_refunds=len(row.open_refunds),
        booked_for_merchant=row.first_booked_at is not None,
        signed_off=row.signed_off,
    )


# The order as committed, and whether it has findings open. No row lock: a judgement holds its
# timer's row (the scheduler claimed it), and a consumer folding a fact into the order meanwhile
# arms that timer again once the judgement commits, so the newer state is judged too. Locking the
# order here as well made the scheduler's batch and the consumer's batch wait on each other (and
# deadlock) on the same orders in different orders.
_ORDERS = ReconOrderRow.__table__
_VIOLATIONS = ViolationRow.__table__
_ORDER_TO_JUDGE = select(
    _ORDERS,
    exists()
    .where(_VIOLATIONS.c.order_id == _ORDERS.c.order_id, _VIOLATIONS.c.resolved_at.is_(None))
    .label("open_findings"),
).where(_ORDERS.c.order_id == bindparam("order_id"))


async def _order_to_judge(session: AsyncSession, order_id: str) -> Row[Any] | None:
    return (await session.execute(_ORDER_TO_JUDGE, {"order_id": order_id})).first()


async def judge_order(session: AsyncSession, timer: DueTimer, *, now: datetime) -> None:
    row = await _order_to_judge(session, str(timer.payload["order_id"]))
    if row is None:
        return
    order = money_of(row)
    found = check_order(order)
    await _record(session, order, found, now=now)
    if not row.open_findings:
        return
    # a check that passes now closes what it found before (an event that was late has landed)
    still = {violation.check for violation in found}
    await session.execute(
        update(ViolationRow)
        .where(
            col(ViolationRow.order_id) == order.order_id,
            col(ViolationRow.resolved_at).is_(None),
            col(ViolationRow.check_name).in_(["conservation", "settled_without_sign_off"]),
            col(ViolationRow.check_name).notin_(list(still)),
        )
        .values(resolved_at=now)
    )


async def judge_window(session: AsyncSession, timer: DueTimer, *, now: datetime, grace: timedelta) -> None:
    """A hold still unreleased when its window ends is looked at once more a grace period later
    before it is reported: the release and this check can fall due in the same moment (after a
    pause of either service), and the release's event may still be on its way."""
    row = await _order_to_judge(session, str(timer.payload["order_id"]))
    if row is None:
        return
    hold_id = str(timer.payload["hold_id"])
    hold = row.holds.get(hold_id, {})
    released_at = datetime.fromisoformat(hold["released_at"]) if hold.get("released_at") else None
    release_at = datetime.fromisoformat(hold["release_at"]) if hold.get("release_at") else timer.due_at
    violation = window_violation(money_of(row), hold_id, release_at, released_at, now)
    if violation is None:
        return
    if not timer.payload.get("second_look"):
        await schedule_timer(
            session, SETTLEMENT_WINDOW, f"{hold_id}@second-look", now + grace, {**timer.payload, "second_look": True}
        )
        return
    await _record(session, money_of(row), [violation], now=now)


async def _record(session: AsyncSession, order: OrderMoney, found: list[Violation], *, now: datetime) -> None:
    for violation in found:
        fingerprint = f"{violation.check}:{violation.figures.get('escrow_minor')}:{violation.figures.get('hold_id')}"
        inserted = await session.execute(
            insert(ViolationRow)
            .values(
                check_name=violation.check,
                order_id=order.order_id,
                merchant_id=order.merchant_id,
                figures=violation.figures,
                message=violation.message,
                fingerprint=fingerprint,
                detected_at=now,
            )
            .on_conflict_do_nothing(constraint="invariant_violations_once")
            .returning(col(ViolationRow.id))
        )
        if inserted.first() is None:
            continue  # already reported with these figures
        await add_to_outbox(
            session,
            contracts.InvariantViolated(
                order_id=order.order_id,
                merchant_id=order.merchant_id,
                check=violation.check,
                message=violation.message,
                figures=violation.figures,
                detected_at=now,
            ),
            producer=PRODUCER,
            occurred_at=now,
        )
        _count_after_commit(session, violation.check)


def _count_after_commit(session: AsyncSession, check: str) -> None:
    """The metric counts violations that were recorded, not attempts that rolled back."""

    def counted(_: object) -> None:
        violations_found_total.labels(check).inc()

    session_events.listen(session.sync_session, "after_commit", counted, once=True)
