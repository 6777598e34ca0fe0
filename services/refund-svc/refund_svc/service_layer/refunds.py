"""Refund use cases: requests and their rules, the workflow's moves, deadlines, and execution
through the refund provider or, for orders paid from the platform balance, as a balance credit
the platform acknowledges; ops' resolutions of refunds that failed.

Every move of a refund happens in one transaction with its history entry and the event it
emits (outbox), under a row lock on the order (requests) or the refund (moves), so two racing
requests can never hold the same units and a repeated callback or timer moves nothing twice.

Agreement with settlement and logistics is by events: RefundRequested freezes the amount in
settlement and pauses auto-confirm in logistics; RefundCompleted reverses it (or claws it back
after payout); RefundClosed releases it. BalanceCreditRequested asks the platform to credit a
buyer's balance (settlement delivers it to the platform's webhook endpoint), again as a reminder
once the answer is overdue; BalanceCreditCancelled tells it ops cancelled one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from refund_svc.adapters.tables import ParkedEventRow, RefundHistoryRow, RefundOrderRow, RefundRow
from refund_svc.domain import balance_credits
from refund_svc.domain.amounts import (
    OrderLine,
    ReasonCode,
    RefundableOrder,
    RefundAmountError,
    RefundKind,
    RefundLineAmounts,
    RefundQuote,
    give_back,
    quote,
    take,
)
from refund_svc.domain.balance_credits import Answer, BalanceCredit, CreditRefused
from refund_svc.domain.channels import (
    BALANCE,
    PROVIDER_CHANNELS,
    RefundRoute,
    Resolution,
    ResolutionKind,
    UnknownChannel,
    refunded_via,
    route_of,
)
from refund_svc.domain.workflow import (
    Action,
    Deadlines,
    RefundStateError,
    RefundStatus,
    after_approval,
    check,
    check_retry,
)
from shipsettle_shared import contracts
from shipsettle_shared.contracts import RefundedVia, read_payload
from shipsettle_shared.db import json_rows
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.failpoints import failpoint
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.provider_client import (
    ProviderClient,
    ProviderConflict,
    ProviderRefused,
    ProviderStatus,
)
from shipsettle_shared.timers import DueTimer, schedule_timer

PRODUCER = "refund-svc"
REFUND_DEADLINE = "refund_deadline"
REFUND_SEND = "refund_send"
REFUND_STATUS_CHECK = "refund_status_check"
STATUS_CHECK_AFTER = timedelta(minutes=10)


class RefundRuleViolation(Exception):
    """A request the rules refuse: ``status`` 404/409/422, ``field`` the offending input."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def _status(refused: CreditRefused) -> int:
    return 409 if refused.refusal is Refusal.CONFLICT else 422


@dataclass(frozen=True)
class Rules:
    deadlines: Deadlines
    no_reason_excluded_categories: frozenset[str]


@dataclass(frozen=True)
class RequestRefund:
    order_id: str
    kind: RefundKind
    reason_code: ReasonCode
    reason: str
    units: dict[str, int]
    requested_by: str


# --- what the order looks like to refunds ------------------------------------------------


def refundable(row: RefundOrderRow) -> RefundableOrder:
    return RefundableOrder(
        order_id=row.order_id,
        lines={
            line_id: OrderLine(
                line_id=line_id,
                category=line["category"],
                quantity=line["quantity"],
                paid_minor=line["paid_minor"],
                subsidy_minor=line["subsidy_minor"],
                commission_base_minor=line["commission_base_minor"],
            )
            for line_id, line in row.lines.items()
        },
        shipping_fee_minor=row.shipping_fee_minor,
        taken={line_id: list(positions) for line_id, positions in row.taken.items()},
        shipping_refunded=row.shipping_refunded,
    )


def _store_taken(row: RefundOrderRow, order: RefundableOrder) -> None:
    row.taken = {line_id: positions for line_id, positions in order.taken.items() if positions}
    row.shipping_refunded = order.shipping_refunded


def quote_of(refund: RefundRow) -> RefundQuote:
    return RefundQuote(
        lines=[
            RefundLineAmounts(
                line_id=line["line_id"],
                units=line["units"],
                positions=list(line["positions"]),
                paid_minor=line["paid_minor"],
                subsidy_minor=line["subsidy_minor"],
                commission_base_minor=line["commission_base_minor"],
            )
            for line in refund.lines
        ],
        shipping_minor=refund.shipping_minor,
    )


def _contract_lines(refund: RefundRow) -> list[contracts.RefundLine]:
    return [
        contracts.RefundLine(
            line_id=line["line_id"],
            units=line["units"],
            paid_minor=line["paid_minor"],
            subsidy_minor=line["subsidy_minor"],
            commission_base_minor=line["commission_base_minor"],
        )
        for line in refund.lines
    ]


async def _order(session: AsyncSession, order_id: str, *, for_update: bool = False) -> RefundOrderRow | None:
    return await session.get(RefundOrderRow, order_id, with_for_update=for_update)


# --- consuming order and shipment events -------------------------------------------------


# A poll's placements, dispatches, sign-offs and parcel statuses are applied by one batch handler
# in a constant number of statements (rather than a get, a locked get and a flush per event).
# Dispatches and sign-offs commute (a flag, sums of units, the latest time), so a batch applies
# its placements first and then every dispatch and sign-off at once; a fact about an order not
# known yet is parked and applied when the order arrives, as one at a time would.
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
_PROJECTED = frozenset(
    {
        contracts.OrderPlaced.event_type,
        contracts.ShipmentDispatched.event_type,
        contracts.OrderSignedOff.event_type,
        contracts.ShipmentStatusChanged.event_type,
    }
)
PROJECTED_EVENTS = tuple(sorted(_PROJECTED))


async def on_order_events(
    session: AsyncSession, envelopes: Sequence[EventEnvelope], *, now: datetime, rules: Rules
) -> None:
    """Placements, dispatches, sign-offs and parcel statuses (PROJECTED_EVENTS), in their order.
    Raises pydantic's ValidationError for a payload that breaks its contract."""
    placed: dict[str, contracts.OrderPlaced] = {}
    for envelope in envelopes:
        if envelope.event_type == contracts.OrderPlaced.event_type:
            event = read_payload(envelope.payload, contracts.OrderPlaced)
            placed.setdefault(event.order_id, event)  # a replay under a new event id changes nothing
    if placed:
        await _insert_orders(session, list(placed.values()), now=now, rules=rules)
    shipment_facts = [
        envelope
        for envelope in envelopes
        if envelope.event_type in (contracts.ShipmentDispatched.event_type, contracts.OrderSignedOff.event_type)
    ]
    if shipment_facts:
        await _apply_shipment_facts(session, shipment_facts, now=now)
    for envelope in envelopes:
        if envelope.event_type == contracts.ShipmentStatusChanged.event_type:
            await on_return_parcel_status(session, envelope, now=now, rules=rules)


async def _insert_orders(
    session: AsyncSession, events: list[contracts.OrderPlaced], *, now: datetime, rules: Rules
) -> None:
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
    parked = (await session.execute(_INSERT_ORDERS, {"orders": json_rows(rows)})).all()
    if not parked:
        return
    # Facts that came before their order (rare: topics are not ordered with each other), applied
    # now in the order they came, one at a time.
    await session.execute(
        delete(ParkedEventRow.__table__).where(ParkedEventRow.__table__.c.id.in_([r.id for r in parked]))
    )
    for row in parked:
        await _apply_order_fact(session, EventEnvelope.model_validate(row.envelope), now=now, rules=rules)
    await session.flush()  # before the batch's statements write the same rows


async def _apply_shipment_facts(session: AsyncSession, envelopes: list[EventEnvelope], *, now: datetime) -> None:
    changes: dict[str, dict[str, Any]] = {}
    for envelope in envelopes:
        order_id = str(envelope.payload["order_id"])
        change = changes.setdefault(
            order_id, {"order_id": order_id, "dispatched": False, "units": {}, "signed_off_at": None}
        )
        if envelope.event_type == contracts.ShipmentDispatched.event_type:
            change["dispatched"] = True
            continue
        signed = read_payload(envelope.payload, contracts.OrderSignedOff)
        for line in signed.lines:
            change["units"][line.line_id] = change["units"].get(line.line_id, 0) + line.quantity
        if change["signed_off_at"] is None or signed.signed_off_at > change["signed_off_at"]:
            change["signed_off_at"] = signed.signed_off_at
    rows = sorted(changes.values(), key=lambda change: str(change["order_id"]))
    found = set((await session.execute(_APPLY_SHIPMENT_FACTS, {"orders": json_rows(rows)})).scalars())
    # Rows this session loaded before are stale now: the next get reads them again.
    for instance in list(session.identity_map.values()):
        if isinstance(instance, RefundOrderRow) and instance.order_id in found:
            session.expire(instance)
    unknown = [envelope for envelope in envelopes if str(envelope.payload["order_id"]) not in found]
    if unknown:
        await _park(session, unknown, now=now)


async def _park(session: AsyncSession, envelopes: list[EventEnvelope], *, now: datetime) -> None:
    """Facts about orders not known yet, kept until their OrderPlaced arrives."""
    rows = [
        {
            "order_id": str(envelope.payload["order_id"]),
            "event_id": str(envelope.event_id),
            "event_type": envelope.event_type,
            "envelope": envelope.model_dump(mode="json"),
        }
        for envelope in envelopes
    ]
    await session.execute(_PARK, {"events": json_rows(rows), "now": now})


async def on_order_fact(session: AsyncSession, envelope: EventEnvelope, *, now: datetime, rules: Rules) -> None:
    """A cancellation of an order; parked if the order is not known yet."""
    order_id = str(envelope.payload["order_id"])
    if await _order(session, order_id) is None:
        await _park(session, [envelope], now=now)
        return
    await _apply_order_fact(session, envelope, now=now, rules=rules)


async def _apply_order_fact(session: AsyncSession, envelope: EventEnvelope, *, now: datetime, rules: Rules) -> None:
    row = await _order(session, str(envelope.payload["order_id"]), for_update=True)
    assert row is not None
    if envelope.event_type == contracts.ShipmentDispatched.event_type:
        row.dispatched = True
    elif envelope.event_type == contracts.OrderSignedOff.event_type:
        signed = read_payload(envelope.payload, contracts.OrderSignedOff)
        units = dict(row.signed_off_units)
        for line in signed.lines:
            units[line.line_id] = units.get(line.line_id, 0) + line.quantity
        row.signed_off_units = units
        if row.last_signed_off_at is None or signed.signed_off_at > row.last_signed_off_at:
            row.last_signed_off_at = signed.signed_off_at
    elif envelope.event_type == contracts.OrderCancelled.event_type:
        cancelled = read_payload(envelope.payload, contracts.OrderCancelled)
        await _refund_cancellation(session, row, cancelled, now=now, deadlines=rules.deadlines)


async def _refund_cancellation(
    session: AsyncSession, row: RefundOrderRow, event: contracts.OrderCancelled, *, now: datetime, deadlines: Deadlines
) -> None:
    """A cancellation before dispatch refunds every unit not yet refunded, and the shipping fee,
    at once and without asking the merchant."""
    order = refundable(row)
    units = {line_id: order.units_left(line_id) for line_id in order.lines if order.units_left(line_id) > 0}
    if not units:
        return
    amounts = quote(order, RefundKind.CANCELLATION, ReasonCode.CANCELLED, units)
    refund = await _open_refund(
        session,
        row,
        amounts,
        RequestRefund(event.order_id, RefundKind.CANCELLATION, ReasonCode.CANCELLED, event.reason, units, "system"),
        refund_id=f"RF-cancel-{event.order_id}"[:64],
        now=now,
    )
    # straight to the money (no merchant to wait for); a balance credit gets its answer deadline
    await _approve(session, refund, how="automatic", by=event.cancelled_by, now=now, deadlines=deadlines)


async def on_return_parcel_status(
    session: AsyncSession, envelope: EventEnvelope, *, now: datetime, rules: Rules
) -> None:
    event = read_payload(envelope.payload, contracts.ShipmentStatusChanged)
    if event.direction != "return":
        return
    refund = (
        await session.execute(
            select(RefundRow).where(col(RefundRow.return_shipment_id) == event.shipment_id).with_for_update()
        )
    ).scalar_one_or_none()
    if refund is None:
        return
    if event.status == "delivered" and refund.status == RefundStatus.RETURN_IN_TRANSIT.value:
        await _move(
            session,
            refund,
            RefundStatus.AWAITING_INSPECTION,
            "return_delivered",
            "carrier",
            now,
            rules.deadlines,
            {"tracking_number": event.tracking_number, "scan_time": event.scan_time.isoformat()},
        )
    else:
        _history(session, refund, "return_parcel_status", "carrier", now, {"status": event.status})


# --- requests -------------------------------------------------------------------------------


async def quote_refund(
    session: AsyncSession, command: RequestRefund, *, now: datetime, rules: Rules, merchant_scope: str | None
) -> tuple[RefundOrderRow, RefundQuote]:
    """The amounts a request would refund, after every rule; changes nothing."""
    row = await _order(session, command.order_id)
    if row is None or (merchant_scope is not None and row.merchant_id != merchant_scope):
        raise RefundRuleViolation(404, "not-found", f"order {command.order_id} is not known to refunds", "order_id")
    _check_kind_rules(row, command, now=now, rules=rules)
    try:
        return row, quote(refundable(row), command.kind, command.reason_code, command.units)
    except RefundAmountError as error:
        raise RefundRuleViolation(422, "too-many-units", str(error), error.field) from error


def _check_kind_rules(row: RefundOrderRow, command: RequestRefund, *, now: datetime, rules: Rules) -> None:
    if command.kind is RefundKind.CANCELLATION:
        raise RefundRuleViolation(
            422, "cancel-through-orders", "cancellations come from POST /v1/orders/{id}/cancel in order-svc", "kind"
        )
    if command.kind is RefundKind.RETURN_AND_REFUND:
        for line_id, units in command.units.items():
            signed = int(row.signed_off_units.get(line_id, 0))
            if line_id in row.lines and units > signed:
                raise RefundRuleViolation(
                    422,
                    "not-signed-off",
                    f"a return needs the goods signed off: line {line_id} has {signed} units signed off, {units} asked",
                    f"lines.{line_id}.units",
                )
    if command.reason_code is ReasonCode.NO_REASON:
        if command.kind is not RefundKind.RETURN_AND_REFUND:
            raise RefundRuleViolation(
                422, "no-reason-needs-return", "a no-reason refund (七天无理由) is a return and refund", "reason_code"
            )
        excluded = sorted(
            {row.lines[line_id]["category"] for line_id in command.units if line_id in row.lines}
            & rules.no_reason_excluded_categories
        )
        if excluded:
            raise RefundRuleViolation(
                422,
                "no-reason-excluded",
                f"category {', '.join(excluded)} is excluded from 7-day no-reason returns",
                "reason_code",
            )
        window = rules.deadlines.no_reason_window
        if row.last_signed_off_at is None or now > row.last_signed_off_at + window:
            raise RefundRuleViolation(
                422,
                "no-reason-window-closed",
                f"7-day no-reason returns are accepted until {window.days} days after sign-off"
                + (f" ({(row.last_signed_off_at + window).isoformat()})" if row.last_signed_off_at else ""),
                "reason_code",
            )
    if command.reason_code is ReasonCode.CANCELLED:
        raise RefundRuleViolation(422, "reserved-reason", "reason 'cancelled' belongs to cancellations", "reason_code")


async def request_refund(
    session: AsyncSession, command: RequestRefund, *, now: datetime, rules: Rules, merchant_scope: str | None
) -> RefundRow:
    """Open a refund. The order row is locked first, so two racing requests are judged one
    after the other against the units left."""
    locked = await _order(session, command.order_id, for_update=True)
    if locked is None:
        raise RefundRuleViolation(404, "not-found", f"order {command.order_id} is not known to refunds", "order_id")
    row, amounts = await quote_refund(session, command, now=now, rules=rules, merchant_scope=merchant_scope)
    refund = await _open_refund(session, row, amounts, command, refund_id=f"RF-{uuid.uuid4().hex[:16]}", now=now)
    await _set_deadline(session, refund, RefundStatus.REQUESTED, now, rules.deadlines)
    return refund


async def _open_refund(
    session: AsyncSession,
    row: RefundOrderRow,
    amounts: RefundQuote,
    command: RequestRefund,
    *,
    refund_id: str,
    now: datetime,
) -> RefundRow:
    _store_taken(row, take(refundable(row), amounts))
    refund = RefundRow(
        refund_id=refund_id,
        order_id=row.order_id,
        merchant_id=row.merchant_id,
        kind=command.kind.value,
        reason_code=command.reason_code.value,
        reason=command.reason,
        status=RefundStatus.REQUESTED.value,
        currency=row.currency,
        lines=[
            {
                "line_id": line.line_id,
                "units": line.units,
                "positions": line.positions,
                "paid_minor": line.paid_minor,
                "subsidy_minor": line.subsidy_minor,
                "commission_base_minor": line.commission_base_minor,
            }
            for line in amounts.lines
        ],
        shipping_minor=amounts.shipping_minor,
        refund_minor=amounts.refund_minor,
        subsidy_minor=amounts.subsidy_reversed_minor,
        commission_base_minor=amounts.commission_base_minor,
        requested_by=command.requested_by,
        requested_at=now,
        updated_at=now,
    )
    session.add(refund)
    await session.flush()
    _history(session, refund, "requested", command.requested_by, now, {"refund_minor": amounts.refund_minor})
    await _emit(
        session,
        contracts.RefundRequested(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            kind=refund.kind,
            currency=refund.currency,
            lines=_contract_lines(refund),
            shipping_minor=refund.shipping_minor,
            refund_minor=refund.refund_minor,
            reason=refund.reason,
            requested_at=now,
        ),
        now,
    )
    return refund


# --- the workflow's moves --------------------------------------------------------------------


async def refund_for_update(session: AsyncSession, refund_id: str, merchant_scope: str | None) -> RefundRow:
    refund = await session.get(RefundRow, refund_id, with_for_update=True)
    if refund is None or (merchant_scope is not None and refund.merchant_id != merchant_scope):
        raise RefundRuleViolation(404, "not-found", f"refund {refund_id} not found")
    return refund


def _check(action: Action, refund: RefundRow) -> None:
    try:
        check(action, RefundStatus(refund.status))
    except RefundStateError as error:
        raise RefundRuleViolation(409, "wrong-status", str(error), "status") from error


async def approve(session: AsyncSession, refund: RefundRow, *, by: str, now: datetime, rules: Rules) -> RefundRow:
    _check(Action.APPROVE, refund)
    await _approve(session, refund, how="merchant", by=by, now=now, deadlines=rules.deadlines)
    return refund


async def reject(
    session: AsyncSession, refund: RefundRow, *, reason: str, by: str, now: datetime, rules: Rules
) -> RefundRow:
    _check(Action.REJECT, refund)
    await _reject(session, refund, reason=reason, action="rejected", by=by, now=now, deadlines=rules.deadlines)
    return refund


async def escalate(
    session: AsyncSession, refund: RefundRow, *, by: str, reason: str, now: datetime, rules: Rules
) -> RefundRow:
    _check(Action.ESCALATE, refund)
    refund.escalated_at = now
    await _move(session, refund, RefundStatus.ESCALATED, "escalated", by, now, rules.deadlines, {"reason": reason})
    return refund


async def decide(
    session: AsyncSession, refund: RefundRow, *, approve_it: bool, reason: str, by: str, now: datetime, rules: Rules
) -> RefundRow:
    """Ops' decision on an escalation: approve (the refund goes on as if the merchant had), or
    uphold the rejection (closed)."""
    _check(Action.DECIDE, refund)
    if approve_it:
        _history(session, refund, "ops_approved", by, now, {"reason": reason})
        if refund.inspection is not None and not refund.inspection.get("passed", True):
            # The goods are back and ops overrules a failed inspection: the money goes.
            await _start_refunding(session, refund, by=by, now=now, deadlines=rules.deadlines)
        else:
            await _approve(session, refund, how="ops", by=by, now=now, deadlines=rules.deadlines)
    else:
        outcome = "inspection_failed" if refund.inspection is not None else "rejected"
        await _close(session, refund, outcome=outcome, reason=reason, by=by, now=now)
    return refund


async def ship_back(
    session: AsyncSession,
    refund: RefundRow,
    *,
    carrier_code: str,
    tracking_number: str,
    by: str,
    now: datetime,
    rules: Rules,
) -> RefundRow:
    _check(Action.SHIP_BACK, refund)
    clash = await session.scalar(
        select(col(RefundRow.refund_id)).where(col(RefundRow.return_tracking_number) == tracking_number)
    )
    if clash is not None:
        raise RefundRuleViolation(
            409,
            "tracking-number-in-use",
            f"tracking number {tracking_number} is already on refund {clash}",
            "tracking_number",
        )
    refund.return_shipment_id = f"RS-{refund.refund_id}"[:64]
    refund.return_carrier_code = carrier_code
    refund.return_tracking_number = tracking_number
    await _move(
        session,
        refund,
        RefundStatus.RETURN_IN_TRANSIT,
        "shipped_back",
        by,
        now,
        rules.deadlines,
        {"carrier_code": carrier_code, "tracking_number": tracking_number},
    )
    await _emit(
        session,
        contracts.ReturnShipped(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            return_shipment_id=refund.return_shipment_id,
            carrier_code=carrier_code,
            tracking_number=tracking_number,
            lines=[contracts.ShipmentLine(line_id=line["line_id"], quantity=line["units"]) for line in refund.lines],
            shipped_at=now,
        ),
        now,
    )
    return refund


async def inspect(
    session: AsyncSession,
    refund: RefundRow,
    *,
    passed: bool,
    reason: str,
    evidence: list[dict[str, str]],
    by: str,
    now: datetime,
    rules: Rules,
) -> RefundRow:
    """The merchant inspected the returned goods. A failure needs a reason and evidence, and
    the buyer may escalate it like a rejection."""
    _check(Action.INSPECT, refund)
    if not passed and not reason.strip():
        raise RefundRuleViolation(422, "inspection-needs-reason", "a failed inspection needs a reason", "reason")
    if not passed and not evidence:
        raise RefundRuleViolation(
            422,
            "inspection-needs-evidence",
            "a failed inspection needs evidence (name and sha256 of each file)",
            "evidence",
        )
    refund.inspection = {"passed": passed, "reason": reason, "evidence": evidence, "by": by, "at": now.isoformat()}
    if passed:
        _history(session, refund, "inspection_passed", by, now, {"reason": reason})
        await _start_refunding(session, refund, by=by, now=now, deadlines=rules.deadlines)
    else:
        await _reject(
            session, refund, reason=reason, action="inspection_failed", by=by, now=now, deadlines=rules.deadlines
        )
    return refund


async def withdraw(session: AsyncSession, refund: RefundRow, *, reason: str, by: str, now: datetime) -> RefundRow:
    _check(Action.WITHDRAW, refund)
    await _close(session, refund, outcome="withdrawn", reason=reason, by=by, now=now)
    return refund


async def retry(session: AsyncSession, refund: RefundRow, *, by: str, now: datetime, rules: Rules) -> RefundRow:
    """Ops sends a failed refund again: the provider keeps a failed request failed, so this is a
    new request id (attempt n+1), never a second payment of the first."""
    _check(Action.RETRY, refund)
    try:
        check_retry(refund.failure_permanent)
    except RefundStateError as error:
        raise RefundRuleViolation(409, "retry-cannot-fix", str(error), "status") from error
    await _start_refunding(session, refund, by=by, now=now, deadlines=rules.deadlines)
    return refund


async def _approve(
    session: AsyncSession, refund: RefundRow, *, how: str, by: str, now: datetime, deadlines: Deadlines
) -> None:
    refund.approved_how = how
    await _emit(
        session,
        contracts.RefundApproved(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            how=how,
            approved_by=by,
            approved_at=now,
        ),
        now,
    )
    next_status = after_approval(RefundKind(refund.kind))
    if next_status is RefundStatus.REFUNDING:
        _history(session, refund, f"approved ({how})", by, now, {})
        await _start_refunding(session, refund, by=by, now=now, deadlines=deadlines)
    else:
        await _move(session, refund, next_status, f"approved ({how})", by, now, deadlines, {})


async def _reject(
    session: AsyncSession, refund: RefundRow, *, reason: str, action: str, by: str, now: datetime, deadlines: Deadlines
) -> None:
    refund.rejection_reason = reason
    await _move(session, refund, RefundStatus.REJECTED, action, by, now, deadlines, {"reason": reason})
    assert refund.deadline_at is not None
    await _emit(
        session,
        contracts.RefundRejected(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            reason=reason,
            rejected_by=by,
            rejected_at=now,
            escalate_by=refund.deadline_at,
        ),
        now,
    )


async def _close(
    session: AsyncSession, refund: RefundRow, *, outcome: str, reason: str, by: str, now: datetime
) -> None:
    row = await _order(session, refund.order_id, for_update=True)
    assert row is not None
    _store_taken(row, give_back(refundable(row), quote_of(refund)))
    refund.outcome = outcome
    refund.closed_at = now
    await _move(session, refund, RefundStatus.CLOSED, f"closed ({outcome})", by, now, Deadlines(), {"reason": reason})
    await _emit(
        session,
        contracts.RefundClosed(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            outcome=outcome,
            reason=reason,
            closed_at=now,
        ),
        now,
    )


async def _start_refunding(
    session: AsyncSession, refund: RefundRow, *, by: str, now: datetime, deadlines: Deadlines
) -> None:
    refund.attempt += 1
    refund.provider_request_id = f"{refund.refund_id}-{refund.attempt}"
    refund.failure_reason = None
    await _move(
        session,
        refund,
        RefundStatus.REFUNDING,
        "refunding",
        by,
        now,
        deadlines,
        {"provider_request_id": refund.provider_request_id},
    )
    if refund.refund_minor == 0:  # fully discounted units: nothing to send, nothing to wait for
        await _complete(
            session,
            refund,
            provider_reference="none: nothing to pay back",
            now=now,
            via=RefundedVia.ORIGINAL_CHANNEL,
            to_channel=None,
        )
        return
    order = await _order(session, refund.order_id)
    assert order is not None
    try:
        route = route_of(_channel(refund, order))
    except UnknownChannel as error:
        await _fail(session, refund, str(error), permanent=True, by="system", now=now)
        return
    if route is RefundRoute.PLATFORM_BALANCE:
        await _request_balance_credit(session, refund, order, now=now, deadlines=deadlines)
    else:
        await schedule_timer(session, REFUND_SEND, refund.provider_request_id, now)


def _channel(refund: RefundRow, order: RefundOrderRow) -> str:
    """Where this attempt pays: the channel ops chose after a failure, or the buyer's own."""
    return refund.beneficiary_channel or order.payment_channel


async def _request_balance_credit(
    session: AsyncSession, refund: RefundRow, order: RefundOrderRow, *, now: datetime, deadlines: Deadlines
) -> None:
    """The platform owns the buyer's balance: ask it to credit the refund and wait for its
    acknowledgement until the answer is due (one credit id per attempt, so an acknowledgement
    names what it settles); at the due time the platform is reminded (deadline_passed)."""
    assert refund.provider_request_id is not None
    current, earlier = _credits(refund)
    if current is not None and current.credit_id != refund.provider_request_id:
        earlier = [*earlier, balance_credits.as_record(current)]  # kept: a late answer is judged by it
    credit = balance_credits.request(
        refund.provider_request_id,
        order.buyer_ref or "",
        refund.refund_minor,
        refund.currency,
        now=now,
        answer_within=deadlines.balance_credit_answer,
    )
    _keep_credits(refund, credit, earlier)
    refund.waiting_for = "platform"
    refund.deadline_at = credit.answer_by
    assert credit.answer_by is not None
    await schedule_timer(
        session,
        REFUND_DEADLINE,
        f"{refund.refund_id}@{RefundStatus.REFUNDING.value}@{credit.credit_id}",
        credit.answer_by,
        {"refund_id": refund.refund_id, "status": RefundStatus.REFUNDING.value, "credit_id": credit.credit_id},
    )
    _history(session, refund, "balance_credit_requested", "system", now, balance_credits.as_record(credit))
    await _emit(session, _credit_requested(refund, credit), now)


def _credit_requested(refund: RefundRow, credit: BalanceCredit) -> contracts.BalanceCreditRequested:
    return contracts.BalanceCreditRequested(
        order_id=refund.order_id,
        merchant_id=refund.merchant_id,
        refund_id=refund.refund_id,
        credit_id=credit.credit_id,
        buyer_ref=credit.buyer_ref,
        currency=credit.currency,
        amount_minor=credit.amount_minor,
        requested_at=credit.requested_at,
        answer_by=credit.answer_by,
        reminder=credit.reminders,
    )


def _credits(refund: RefundRow) -> tuple[BalanceCredit | None, list[dict[str, Any]]]:
    """The refund's latest balance credit, and its earlier ones as kept."""
    if not refund.balance_credit:
        return None, []
    return balance_credits.from_record(refund.balance_credit), list(refund.balance_credit.get("earlier", []))


def _keep_credits(refund: RefundRow, credit: BalanceCredit, earlier: list[dict[str, Any]]) -> None:
    refund.balance_credit = {**balance_credits.as_record(credit), **({"earlier": earlier} if earlier else {})}


async def _remind_of_overdue_credit(session: AsyncSession, refund: RefundRow, credit_id: str, *, now: datetime) -> None:
    """The platform's answer is overdue: the refund breaches its SLA from now (its deadline has
    passed) and the platform is notified again, once; ops may now cancel the credit."""
    credit, earlier = _credits(refund)
    if credit is None or credit.credit_id != credit_id or not credit.overdue(now):
        return  # answered, cancelled or superseded before its deadline
    credit = balance_credits.reminded(credit)
    _keep_credits(refund, credit, earlier)
    refund.updated_at = now
    _history(
        session, refund, "balance_credit_overdue", "system", now, {"credit_id": credit_id, "reminder": credit.reminders}
    )
    await _emit(session, _credit_requested(refund, credit), now)


async def _move(
    session: AsyncSession,
    refund: RefundRow,
    status: RefundStatus,
    action: str,
    by: str,
    now: datetime,
    deadlines: Deadlines,
    detail: dict[str, Any],
) -> None:
    refund.status = status.value
    refund.updated_at = now
    _history(session, refund, action, by, now, detail)
    await _set_deadline(session, refund, status, now, deadlines)


async def _set_deadline(
    session: AsyncSession, refund: RefundRow, status: RefundStatus, since: datetime, deadlines: Deadlines
) -> None:
    deadline, waiting_for = deadlines.for_status(status, since)
    refund.deadline_at, refund.waiting_for = deadline, waiting_for
    if deadline is not None:
        # One timer per (refund, status, deadline): a refund that comes back to a status gets a
        # new timer, and the handler acts only if the refund still waits on this deadline.
        await schedule_timer(
            session,
            REFUND_DEADLINE,
            f"{refund.refund_id}@{status.value}@{int(deadline.timestamp())}",
            deadline,
            {"refund_id": refund.refund_id, "status": status.value},
        )


def _history(
    session: AsyncSession, refund: RefundRow, action: str, by: str, now: datetime, detail: dict[str, Any]
) -> None:
    session.add(
        RefundHistoryRow(
            refund_id=refund.refund_id, action=action, actor=by, status_after=refund.status, detail=detail, at=now
        )
    )


async def _emit(session: AsyncSession, event: contracts.EventPayload, now: datetime) -> None:
    await add_to_outbox(session, event, producer=PRODUCER, occurred_at=now)


# --- deadlines ---------------------------------------------------------------------------------


async def deadline_passed(session: AsyncSession, timer: DueTimer, *, now: datetime, rules: Rules) -> None:
    """Silence decides: the merchant's approves, the buyer's closes."""
    refund = await session.get(RefundRow, str(timer.payload["refund_id"]), with_for_update=True)
    if refund is None or refund.status != timer.payload["status"]:
        return  # the refund moved on before its deadline
    status = RefundStatus(refund.status)
    if status is RefundStatus.REQUESTED:
        await _approve(session, refund, how="merchant_deadline_passed", by="system", now=now, deadlines=rules.deadlines)
    elif status is RefundStatus.AWAITING_INSPECTION:
        refund.inspection = {
            "passed": True,
            "reason": "not inspected in time",
            "evidence": [],
            "by": "system",
            "at": now.isoformat(),
        }
        _history(session, refund, "inspection_deadline_passed", "system", now, {})
        await _start_refunding(session, refund, by="system", now=now, deadlines=rules.deadlines)
    elif status is RefundStatus.AWAITING_RETURN:
        await _close(
            session, refund, outcome="withdrawn", reason="the goods were not shipped back in time", by="system", now=now
        )
    elif status is RefundStatus.REJECTED:
        outcome = "inspection_failed" if refund.inspection is not None else "rejected"
        await _close(
            session,
            refund,
            outcome=outcome,
            reason=f"not escalated in time: {refund.rejection_reason}",
            by="system",
            now=now,
        )
    elif status is RefundStatus.REFUNDING:
        await _remind_of_overdue_credit(session, refund, str(timer.payload.get("credit_id")), now=now)


# --- execution through the refund provider ---------------------------------------------------


async def send_refund(
    session: AsyncSession,
    timer: DueTimer,
    *,
    provider: ProviderClient,
    callback_url: str,
    now: datetime,
    deadlines: Deadlines,
) -> None:
    """Send (or re-send) one attempt. An outage raises and the timer retries; the provider
    deduplicates on the request id, so a resend after a crash never refunds twice."""
    refund = (
        await session.execute(
            select(RefundRow).where(col(RefundRow.provider_request_id) == timer.timer_key).with_for_update()
        )
    ).scalar_one_or_none()
    if refund is None or refund.status != RefundStatus.REFUNDING.value:
        return
    order = await _order(session, refund.order_id)
    assert order is not None
    channel = _channel(refund, order)
    if channel not in PROVIDER_CHANNELS:  # sent before balance refunds had their own route
        await _request_balance_credit(session, refund, order, now=now, deadlines=deadlines)
        return
    body = {
        "request_id": refund.provider_request_id,
        "amount_minor": refund.refund_minor,
        "currency": refund.currency,
        "reference": f"ShipSettle refund {refund.refund_id} of order {refund.order_id}"[:140],
        "callback_url": callback_url,
        "beneficiary": {
            "original_channel": PROVIDER_CHANNELS[channel],
            "original_transaction_id": refund.beneficiary_account or order.payment_transaction_id,
        },
    }
    failpoint("refund.before_send")
    try:
        answer = await provider.send(body)
        failpoint("refund.after_send")
    except ProviderConflict:
        known = await provider.status(timer.timer_key)
        if known is None:
            raise
        answer = known
    except ProviderRefused as error:
        # the request itself is wrong for the provider: a retry would be refused the same way
        await _fail(session, refund, str(error), permanent=True, by="provider", now=now)
        return
    refund.provider_reference = answer.provider_reference
    await schedule_timer(session, REFUND_STATUS_CHECK, timer.timer_key, now + STATUS_CHECK_AFTER)
    await _settle(session, refund, answer, now=now)


async def check_refund_status(
    session: AsyncSession, timer: DueTimer, *, provider: ProviderClient, now: datetime
) -> None:
    """No callback yet: ask the provider; still in flight, ask again later."""
    request_id = timer.timer_key.split("@", 1)[0]
    refund = (
        await session.execute(
            select(RefundRow).where(col(RefundRow.provider_request_id) == request_id).with_for_update()
        )
    ).scalar_one_or_none()
    if refund is None or refund.status != RefundStatus.REFUNDING.value:
        return
    answer = await provider.status(request_id)
    if answer is None or answer.status == "accepted":
        await schedule_timer(
            session, REFUND_STATUS_CHECK, f"{request_id}@{int(now.timestamp())}", now + STATUS_CHECK_AFTER
        )
        return
    await _settle(session, refund, answer, now=now)


async def apply_provider_outcome(session: AsyncSession, outcome: ProviderStatus, *, now: datetime) -> bool:
    """From a verified callback. False for a request id we never sent."""
    refund = (
        await session.execute(
            select(RefundRow).where(col(RefundRow.provider_request_id) == outcome.request_id).with_for_update()
        )
    ).scalar_one_or_none()
    if refund is None:
        known_attempt = await session.scalar(
            select(col(RefundRow.refund_id)).where(col(RefundRow.refund_id) == outcome.request_id.rsplit("-", 1)[0])
        )
        return known_attempt is not None  # an outcome of an earlier attempt: nothing to do
    await _settle(session, refund, outcome, now=now)
    return True


async def _settle(session: AsyncSession, refund: RefundRow, outcome: ProviderStatus, *, now: datetime) -> None:
    if refund.status != RefundStatus.REFUNDING.value or outcome.request_id != refund.provider_request_id:
        return  # already settled, or an outcome for an earlier attempt
    if outcome.provider_reference:
        refund.provider_reference = outcome.provider_reference
    if outcome.status == "paid":
        order = await _order(session, refund.order_id)
        assert order is not None
        paid_to = _channel(refund, order)
        await _complete(
            session,
            refund,
            provider_reference=refund.provider_reference or "",
            now=now,
            via=refunded_via(paid_to, chosen_by_ops=refund.beneficiary_channel is not None),
            to_channel=paid_to,
        )
    elif outcome.status == "failed":
        await _fail(session, refund, outcome.reason or "failed", permanent=False, by="provider", now=now)


async def _fail(
    session: AsyncSession,
    refund: RefundRow,
    reason: str,
    *,
    permanent: bool,
    by: str,
    now: datetime,
    action: str | None = None,
) -> None:
    refund.failure_reason = reason
    refund.failure_permanent = permanent
    await _move(
        session,
        refund,
        RefundStatus.REFUND_FAILED,
        action or ("provider_refused" if permanent else "provider_failed"),
        by,
        now,
        Deadlines(),
        {"reason": reason, "provider_request_id": refund.provider_request_id, "permanent": permanent},
    )


async def _complete(
    session: AsyncSession,
    refund: RefundRow,
    *,
    provider_reference: str,
    now: datetime,
    via: RefundedVia,
    to_channel: str | None,
    by: str = "provider",
) -> None:
    """``to_channel``: the payment channel the money went to (null: offline or nothing to pay).
    A refund ops settled another way names them and their reason (``refund.resolution``)."""
    resolution = refund.resolution or {}
    refund.outcome = "completed"
    refund.closed_at = now
    refund.provider_reference = provider_reference
    refund.refunded_via = via.value
    await _move(
        session,
        refund,
        RefundStatus.COMPLETED,
        "completed",
        by,
        now,
        Deadlines(),
        {"provider_reference": provider_reference, "refund_minor": refund.refund_minor, "refunded_via": via.value},
    )
    await _emit(
        session,
        contracts.RefundCompleted(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            kind=refund.kind,
            currency=refund.currency,
            lines=_contract_lines(refund),
            shipping_minor=refund.shipping_minor,
            refund_minor=refund.refund_minor,
            provider_reference=provider_reference,
            completed_at=now,
            refunded_via=via,
            resolved_by=resolution.get("by"),
            resolution_reason=resolution.get("reason"),
            refunded_to_channel=to_channel,
        ),
        now,
    )


# --- the platform's acknowledgement of a balance credit ----------------------------------------


@dataclass(frozen=True)
class BalanceCreditAcknowledgement:
    """The platform's answer to a balance credit: credited (with its own reference of the
    balance transaction), or declined (with why: the refund fails and waits for ops)."""

    credit_id: str
    buyer_ref: str
    amount_minor: int
    credited: bool
    credit_reference: str | None
    reason: str | None
    by: str


async def acknowledge_balance_credit(
    session: AsyncSession, refund: RefundRow, ack: BalanceCreditAcknowledgement, *, now: datetime
) -> RefundRow:
    """The platform credited the buyer's balance (the refund completes) or declined to (it fails,
    for ops to settle another way). Idempotent: the same answer again returns the refund as it is.
    Judged under the refund's row lock against ops' cancellation: whichever comes first wins.
    Raises RefundRuleViolation: 409 ``credit-cancelled`` when ops cancelled the credit (the
    platform must not apply it, or must reverse it), 409 ``credit-already-answered`` for another
    answer than the first, 409 when the refund is not waiting for this balance credit, 422 when
    the answer names another buyer or amount than asked."""
    current, earlier = _credits(refund)
    named = _credit_named(current, earlier, ack.credit_id)
    if named is None:
        if current is None or refund.waiting_for != "platform":
            raise RefundRuleViolation(
                409,
                "not-a-balance-credit",
                f"refund {refund.refund_id} is not waiting for a balance credit",
                "status",
            )
        raise RefundRuleViolation(
            409,
            "not-the-open-credit",
            f"credit {ack.credit_id} is not the one open for refund {refund.refund_id} ({current.credit_id})",
            "credit_id",
        )
    answer = Answer(credited=ack.credited, credit_reference=ack.credit_reference, reason=ack.reason, by=ack.by)
    try:
        answered = balance_credits.answered(named, answer, ack.buyer_ref, ack.amount_minor, now)
    except CreditRefused as refused:
        raise RefundRuleViolation(_status(refused), refused.code, refused.message, refused.field) from refused
    if answered is named:
        return refund  # the same answer again
    if named is not current:  # an earlier credit was answered or cancelled before it was superseded
        raise RefundRuleViolation(409, "not-the-open-credit", f"credit {ack.credit_id} is not open", "credit_id")
    _check(Action.ACKNOWLEDGE_CREDIT, refund)
    _keep_credits(refund, answered, earlier)
    if ack.credited:
        assert ack.credit_reference is not None
        await _complete(
            session,
            refund,
            provider_reference=ack.credit_reference,
            now=now,
            via=RefundedVia.PLATFORM_BALANCE,
            to_channel=BALANCE,
            by=ack.by,
        )
    else:
        await _fail(
            session,
            refund,
            f"the platform declined the balance credit: {ack.reason}",
            permanent=True,
            by=ack.by,
            now=now,
        )
    return refund


def _credit_named(current: BalanceCredit | None, earlier: list[dict[str, Any]], credit_id: str) -> BalanceCredit | None:
    if current is not None and current.credit_id == credit_id:
        return current
    for record in earlier:
        if record["credit_id"] == credit_id:
            return balance_credits.from_record(record)
    return None


async def cancel_balance_credit(
    session: AsyncSession, refund: RefundRow, credit_id: str, *, reason: str, by: str, now: datetime
) -> RefundRow:
    """Ops cancel a balance credit the platform left unanswered past its deadline: the refund
    fails (waiting for ops: a retry asks the platform again under a new credit id; a resolution
    settles it another way) and the platform is told not to apply it. Recorded with who and why.
    Idempotent for the same credit. Judged under the refund's row lock against the platform's
    answer: whichever comes first wins. Raises RefundRuleViolation: 409 ``credit-already-answered``
    when the platform answered first, 409 ``credit-not-overdue`` before the deadline, 409 when
    the refund has no such open credit."""
    current, earlier = _credits(refund)
    named = _credit_named(current, earlier, credit_id)
    if named is None or current is None:
        raise RefundRuleViolation(
            409, "not-the-open-credit", f"refund {refund.refund_id} has no balance credit {credit_id}", "credit_id"
        )
    try:
        cancelled = balance_credits.cancelled(named, by=by, reason=reason, now=now)
    except CreditRefused as refused:
        raise RefundRuleViolation(_status(refused), refused.code, refused.message, refused.field) from refused
    if cancelled is named:
        return refund  # cancelled before
    if named is not current:
        raise RefundRuleViolation(409, "not-the-open-credit", f"credit {credit_id} is not open", "credit_id")
    _check(Action.CANCEL_CREDIT, refund)
    _keep_credits(refund, cancelled, earlier)
    await _emit(
        session,
        contracts.BalanceCreditCancelled(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            credit_id=credit_id,
            buyer_ref=cancelled.buyer_ref,
            currency=cancelled.currency,
            amount_minor=cancelled.amount_minor,
            cancelled_by=by,
            reason=reason,
            cancelled_at=now,
        ),
        now,
    )
    await _fail(
        session,
        refund,
        f"ops cancelled balance credit {credit_id}, unanswered since {cancelled.requested_at.isoformat()}: {reason}",
        permanent=False,
        by=by,
        now=now,
        action="balance_credit_cancelled",
    )
    return refund


# --- ops' way out of a failure ----------------------------------------------------------------


async def resolve(
    session: AsyncSession, refund: RefundRow, resolution: Resolution, *, now: datetime, rules: Rules
) -> RefundRow:
    """Ops settle a failed refund another way, recorded with who and why: to another channel the
    buyer gave (a new attempt there; the merchant's money stays frozen until it completes),
    offline with a reference (completed: settlement reverses the frozen money), or closed without
    money moving (settlement releases it). Raises RefundRuleViolation 409 unless refund_failed."""
    _check(Action.RESOLVE, refund)
    refund.resolution = {
        "how": resolution.kind.value,
        "reason": resolution.reason,
        "by": resolution.by,
        "reference": resolution.reference,
        "channel": resolution.channel,
        "at": now.isoformat(),
    }
    _history(session, refund, f"resolved ({resolution.kind.value})", resolution.by, now, dict(refund.resolution))
    if resolution.kind is ResolutionKind.OTHER_CHANNEL:
        refund.beneficiary_channel = resolution.channel
        refund.beneficiary_account = resolution.account
        refund.failure_permanent = False
        await _start_refunding(session, refund, by=resolution.by, now=now, deadlines=rules.deadlines)
    elif resolution.kind is ResolutionKind.REFUNDED_OFFLINE:
        await _complete(
            session,
            refund,
            provider_reference=f"offline:{resolution.reference}",
            now=now,
            via=RefundedVia.OFFLINE,
            to_channel=None,
            by=resolution.by,
        )
    else:
        await _close(session, refund, outcome="closed_by_ops", reason=resolution.reason, by=resolution.by, now=now)
    return refund
