"""Folding the facts: every other service's events folded into per-order money, the
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

from recon_svc.domain.imports.model import CHINA_STANDARD_TIME
from recon_svc.domain.imports.period import assume_zone
from recon_svc.domain.invariants import released_in_window
from recon_svc.service_layer.unit_of_work import ReconUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.ledger_accounts import (
    PlatformAccount,
    TransactionKind,
    merchant_accounts_prefix,
    platform_account,
)
from shipsettle_shared.messaging.events import EventMetadata, Received

INVARIANT_CHECK = "invariant_check"
SETTLEMENT_WINDOW = "settlement_window"


@dataclass(frozen=True)
class Timing:
    grace: timedelta  # how long after an order's latest event it is judged
    window_slack: timedelta  # how late a hold release may be before it is a violation


# --- folding the facts, a poll at a time ------------------------------------------------------
# One batch handler takes every fact type (the consumer hands it a poll's consecutive facts, in
# their order): a constant number of statements per batch, whatever its size, instead of an
# upsert, a SELECT ... FOR UPDATE and a flush per event. The orders a batch touches are locked and
# read in one statement (in order_id order, so concurrent batches lock in one order), folded here
# event by event exactly as they would be one at a time, and written back in one statement.


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
    windows_to_cancel: list[str] = field(default_factory=list)  # holds released in their window


async def on_facts(
    uow: ReconUnitOfWork, facts: Sequence[Received[contracts.EventPayload]], *, now: datetime, timing: Timing
) -> None:
    """Fold a batch of facts (any of FACT_TYPES, in their order) into recon's tables and arm each
    touched order's invariant check."""
    events = [(fact.meta, fact.payload) for fact in facts]
    batch = _Batch(now=now, timing=timing)
    await _store_unit_lines(uow, [event for _, event in events])
    await _store_refund_facts(uow, batch, [event for _, event in events])
    await _store_ledger_entries(uow, batch, events)
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
        batch.orders = await uow.facts.lock_orders(sorted(order_ids), now=now)
    for _, event in events:
        _fold(batch, event)
    if batch.orders:
        await uow.facts.write_orders(list(batch.orders.values()))
    if batch.closed_windows:
        await uow.facts.close_window_findings(batch.closed_windows, now=now)
    await uow.schedule_timers(SETTLEMENT_WINDOW, list(batch.windows.values()))
    await uow.cancel_timers(SETTLEMENT_WINDOW, batch.windows_to_cancel, now)
    # One invariant check per order, due a grace period after its latest fact: a burst of facts
    # about an order is judged once, after the last; a fact days later arms it once more.
    due = now + timing.grace
    await uow.rearm_timers(INVARIANT_CHECK, [(order_id, due, {"order_id": order_id}) for order_id in batch.to_judge])
    await _fold_payouts(uow, [event for _, event in events if isinstance(event, contracts.PayoutSettled)])


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
            # Released in its window: the window's check (an hour or more later) would find
            # nothing. Not armed at all when its SettlementPending came in this batch.
            if batch.windows.pop(event.hold_id, None) is None:
                batch.windows_to_cancel.append(event.hold_id)


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


async def _store_unit_lines(uow: ReconUnitOfWork, events: list[contracts.EventPayload]) -> None:
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
        await uow.facts.add_dispatch_lines(list(dispatched.values()))
    if signed_off:
        await uow.facts.add_sign_off_lines(list(signed_off.values()))
    if returned:
        await uow.facts.add_returns(list(returned.values()))


async def _store_refund_facts(uow: ReconUnitOfWork, batch: _Batch, events: list[contracts.EventPayload]) -> None:
    """Completed refunds are kept whole, each once; ``refunds_known`` starts as those stored before
    this batch, so a request folded before its completion in the same batch still opens it."""
    mentioned = {
        event.refund_id for event in events if isinstance(event, contracts.RefundRequested | contracts.RefundCompleted)
    }
    if not mentioned:
        return
    batch.refunds_known = await uow.facts.known_refunds(sorted(mentioned))
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
    batch.new_refunds = await uow.facts.add_refunds(rows)


async def _store_ledger_entries(
    uow: ReconUnitOfWork, batch: _Batch, events: list[tuple[EventMetadata, contracts.EventPayload]]
) -> None:
    """Each ledger transaction once (by its key); only a new one moves its order's figures."""
    entries: dict[str, dict[str, Any]] = {}
    for meta, event in events:
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
                    "event_id": str(meta.event_id),
                },
            )
    if not entries:
        return
    batch.new_ledger_keys = await uow.facts.add_ledger_entries(list(entries.values()))


async def _fold_payouts(uow: ReconUnitOfWork, events: list[contracts.PayoutSettled]) -> None:
    """The latest known outcome of each payout. A payout only moves forward: paid -> returned; a
    late "paid" after "returned" keeps returned."""
    if not events:
        return
    first: dict[str, contracts.PayoutSettled] = {}
    for event in events:
        first.setdefault(event.payout_id, event)
    created = sorted(first.values(), key=lambda event: event.payout_id)
    payouts = await uow.facts.lock_payouts(
        [
            {
                "payout_id": e.payout_id,
                "application_id": e.application_id,
                "merchant_id": e.merchant_id,
                "currency": e.currency,
                "amount_minor": e.amount_minor,
                "status": e.status,
                "provider_reference": e.provider_reference,
                "reason": e.reason,
            }
            for e in created
        ]
    )
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
    await uow.facts.write_payouts(list(payouts.values()))
