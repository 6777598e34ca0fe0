"""Refund use cases: requests and their rules, the workflow's moves, deadlines, and execution
through the refund provider or, for orders paid from the platform balance, as a balance credit
the platform acknowledges; ops' resolutions of refunds that failed.

Every move of a refund happens in one transaction with its history entry and the event it
emits (outbox), under a row lock on the order (requests) or the refund (moves), so two racing
requests can never hold the same units and a repeated callback or timer moves nothing twice.

Agreement with settlement and logistics is by events: RefundRequested freezes the amount in
settlement and pauses auto-confirm in logistics; RefundCompleted reverses it (or claws it back
after payout); RefundClosed releases it. BalanceCreditRequested asks the platform to credit a
buyer's balance (settlement delivers it to the platform's webhook endpoint).
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
from refund_svc.domain.channels import (
    PROVIDER_CHANNELS,
    RefundRoute,
    Resolution,
    ResolutionKind,
    UnknownChannel,
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
        await _refund_cancellation(session, row, read_payload(envelope.payload, contracts.OrderCancelled), now=now)


async def _refund_cancellation(
    session: AsyncSession, row: RefundOrderRow, event: contracts.OrderCancelled, *, now: datetime
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
    await _approve(session, refund, how="automatic", by=event.cancelled_by, now=now, deadlines=Deadlines())


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
        await _complete(session, refund, provider_reference="none: nothing to pay back", now=now)
        return
    order = await _order(session, refund.order_id)
    assert order is not None
    try:
        route = route_of(_channel(refund, order))
    except UnknownChannel as error:
        await _fail(session, refund, str(error), permanent=True, by="system", now=now)
        return
    if route is RefundRoute.PLATFORM_BALANCE:
        await _request_balance_credit(session, refund, order, now=now)
    else:
        await schedule_timer(session, REFUND_SEND, refund.provider_request_id, now)


def _channel(refund: RefundRow, order: RefundOrderRow) -> str:
    """Where this attempt pays: the channel ops chose after a failure, or the buyer's own."""
    return refund.beneficiary_channel or order.payment_channel


async def _request_balance_credit(
    session: AsyncSession, refund: RefundRow, order: RefundOrderRow, *, now: datetime
) -> None:
    """The platform owns the buyer's balance: ask it to credit the refund and wait for its
    acknowledgement (one credit id per attempt, so an acknowledgement names what it settles)."""
    assert refund.provider_request_id is not None
    buyer_ref = order.buyer_ref or ""
    refund.balance_credit = {
        "credit_id": refund.provider_request_id,
        "buyer_ref": buyer_ref,
        "amount_minor": refund.refund_minor,
        "currency": refund.currency,
        "requested_at": now.isoformat(),
    }
    refund.waiting_for = "platform"
    _history(session, refund, "balance_credit_requested", "system", now, dict(refund.balance_credit))
    await _emit(
        session,
        contracts.BalanceCreditRequested(
            order_id=refund.order_id,
            merchant_id=refund.merchant_id,
            refund_id=refund.refund_id,
            credit_id=refund.provider_request_id,
            buyer_ref=buyer_ref,
            currency=refund.currency,
            amount_minor=refund.refund_minor,
            requested_at=now,
        ),
        now,
    )


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


# --- execution through the refund provider ---------------------------------------------------


async def send_refund(
    session: AsyncSession, timer: DueTimer, *, provider: ProviderClient, callback_url: str, now: datetime
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
        await _request_balance_credit(session, refund, order, now=now)
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
        via = RefundedVia.OTHER_CHANNEL if refund.beneficiary_channel else RefundedVia.ORIGINAL_CHANNEL
        await _complete(session, refund, provider_reference=refund.provider_reference or "", now=now, via=via)
    elif outcome.status == "failed":
        await _fail(session, refund, outcome.reason or "failed", permanent=False, by="provider", now=now)


async def _fail(
    session: AsyncSession, refund: RefundRow, reason: str, *, permanent: bool, by: str, now: datetime
) -> None:
    refund.failure_reason = reason
    refund.failure_permanent = permanent
    await _move(
        session,
        refund,
        RefundStatus.REFUND_FAILED,
        "provider_refused" if permanent else "provider_failed",
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
    via: RefundedVia = RefundedVia.ORIGINAL_CHANNEL,
    by: str = "provider",
    resolution: Resolution | None = None,
) -> None:
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
            resolved_by=resolution.by if resolution else None,
            resolution_reason=resolution.reason if resolution else None,
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
    Raises RefundRuleViolation: 409 when the refund is not waiting for this balance credit or it
    was answered otherwise before; 422 when the answer names another buyer or amount than asked."""
    credit = refund.balance_credit or {}
    if credit.get("credit_id") == ack.credit_id and "answered_at" in credit:
        if (credit.get("credited"), credit.get("credit_reference")) != (ack.credited, ack.credit_reference):
            raise RefundRuleViolation(
                409,
                "credit-already-answered",
                f"credit {ack.credit_id} was already answered: credited {credit.get('credited')}, "
                f"reference {credit.get('credit_reference')}",
                "credit_id",
            )
        return refund
    _check(Action.ACKNOWLEDGE_CREDIT, refund)
    if not credit or refund.waiting_for != "platform":
        raise RefundRuleViolation(
            409,
            "not-a-balance-credit",
            f"refund {refund.refund_id} is being paid back through the refund provider, not as a balance credit",
            "status",
        )
    if ack.credit_id != credit["credit_id"]:
        raise RefundRuleViolation(
            409,
            "not-the-open-credit",
            f"credit {ack.credit_id} is not the one open for refund {refund.refund_id} ({credit['credit_id']})",
            "credit_id",
        )
    for field, value in (("buyer_ref", ack.buyer_ref), ("amount_minor", ack.amount_minor)):
        if value != credit[field]:
            raise RefundRuleViolation(
                422, "credit-mismatch", f"{field} {value!r} is not the credit asked for ({credit[field]!r})", field
            )
    refund.balance_credit = {
        **credit,
        "credited": ack.credited,
        "credit_reference": ack.credit_reference,
        "reason": ack.reason,
        "answered_by": ack.by,
        "answered_at": now.isoformat(),
    }
    if ack.credited:
        assert ack.credit_reference is not None
        await _complete(
            session,
            refund,
            provider_reference=ack.credit_reference,
            now=now,
            via=RefundedVia.PLATFORM_BALANCE,
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
            by=resolution.by,
            resolution=resolution,
        )
    else:
        await _close(session, refund, outcome="closed_by_ops", reason=resolution.reason, by=resolution.by, now=now)
    return refund
