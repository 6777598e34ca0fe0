"""HTTP: refunds and returns, their SLA view, and the refund provider's callback.

Amounts (the same function computes the quote, the request and what settlement reverses):
a refunded unit gives back its allocated paid amount (largest remainder over the line's units,
refunds taking the line's last units); its platform subsidy and commission base are reversed
with it. Shipping fee: refunded in full, once, by the refund that leaves no unit unrefunded,
when it is a cancellation or the reason is the merchant's fault (not_received, damaged,
wrong_item, quality); never for a no-reason return (return postage is the buyer's) or a
partial refund.

Where the money goes (see refund_svc/domain/channels.py): back through the refund provider for
wechat_pay, alipay, unionpay and bank_card; for balance (余额), the buyer's platform balance, the
platform credits it: refund-svc publishes BalanceCreditRequested, settlement-svc delivers it to
the platform's webhook endpoint (PUT /v1/platform/webhook-endpoint there) as
``refund.balance_credit_requested``, and the platform answers POST
/v1/refunds/{refund_id}/balance-credit here, within ``balance_credit_answer_hours`` (24 by
default): after that the refund breaches its SLA, the platform is reminded once, and ops may
cancel the credit (POST /v1/refunds/{refund_id}/balance-credit/cancel) — a late answer to a
cancelled credit is then refused (409 credit-cancelled), and a cancellation after the answer too
(409 credit-already-answered). A refund that fails for good is settled by ops with
POST /v1/refunds/{refund_id}/resolution; until then GET /v1/refund-sla shows it breaching.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from refund_svc.adapters.tables import RefundHistoryRow, RefundOrderRow, RefundRow
from refund_svc.domain.amounts import ReasonCode, RefundKind, RefundQuote
from refund_svc.domain.channels import InvalidResolution, Resolution, ResolutionKind
from refund_svc.domain.workflow import FINAL, RefundStatus, breaching
from refund_svc.entrypoints.consumers import rules_of
from refund_svc.entrypoints.http_models import (
    RefundPublic,
    RefundQuotePublic,
    RefundSla,
    RefundWithHistory,
)
from refund_svc.service_layer import refunds as service
from refund_svc.service_layer.refunds import (
    BalanceCreditAcknowledgement,
    RefundRuleViolation,
    RequestRefund,
    Rules,
)
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import MerchantOnly, OpsPrincipal, PlatformOnly, Principal, Readers, require_roles
from shipsettle_shared.body_limits import CALLBACK_BODY_LIMIT_BYTES, body_limit
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import snapshot, unit_of_work
from shipsettle_shared.idempotency import request_hash, run_idempotent
from shipsettle_shared.money import Money
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, keyset_after, page_body
from shipsettle_shared.problems import Conflict, NotFound, Problem, validation_problem
from shipsettle_shared.provider_client import CallbackReceived, verified_callback
from shipsettle_shared.service import ServiceRuntime

router = APIRouter(prefix="/v1", tags=["refunds"])

IdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
Quoters = Annotated[Principal, Depends(require_roles(Role.PLATFORM, Role.MERCHANT, Role.OPS))]
OpsOrAuditorOrMerchant = Annotated[Principal, Depends(require_roles(Role.OPS, Role.AUDITOR, Role.MERCHANT))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RefundLineRequest(Strict):
    line_id: Identifier
    units: int = Field(gt=0, le=10_000)


class RefundRequestBody(Strict):
    order_id: Identifier
    kind: RefundKind = Field(description="refund_only (仅退款) or return_and_refund (退货退款)")
    reason_code: ReasonCode
    reason: str = Field(min_length=1, max_length=500)
    lines: list[RefundLineRequest] = Field(min_length=1, max_length=200)


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=500)


class DecisionBody(Strict):
    approve: bool
    reason: str = Field(min_length=1, max_length=500)


class ReturnShipmentBody(Strict):
    carrier_code: str = Field(
        pattern=r"^[A-Za-z0-9_]{2,32}$", description="a carrier code logistics-svc knows, e.g. SF"
    )
    tracking_number: str = Field(pattern=r"^[A-Za-z0-9]{6,40}$")


class Evidence(Strict):
    name: str = Field(min_length=1, max_length=200)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="hash of the photo or document kept by the merchant")


class BalanceCreditBody(Strict):
    credit_id: Identifier = Field(description="the credit id of the refund.balance_credit_requested notification")
    buyer_ref: str = Field(min_length=1, max_length=64, description="the buyer whose balance was credited")
    amount_minor: int = Field(gt=0, description="fen credited: exactly the amount asked for")
    outcome: Literal["credited", "declined"] = Field(
        default="credited", description="declined: the refund fails and waits for ops to settle it another way"
    )
    credit_reference: str | None = Field(
        default=None, min_length=1, max_length=64, description="the platform's id of the balance transaction"
    )
    reason: str | None = Field(default=None, min_length=1, max_length=500, description="why it was declined")


class CancelCreditBody(Strict):
    credit_id: Identifier = Field(description="the open credit to cancel, as in the refund's balance_credit")
    reason: str = Field(min_length=1, max_length=500, description="why, for the record")


class ResolutionBody(Strict):
    how: ResolutionKind = Field(
        description="other_channel: pay again to a channel the buyer gave; refunded_offline: ops paid the buyer "
        "outside ShipSettle (completed); closed: nobody is to be paid (the merchant's frozen money is released)"
    )
    reason: str = Field(min_length=1, max_length=500, description="why, for the record")
    reference: str | None = Field(
        default=None, min_length=1, max_length=64, description="refunded_offline: the transfer's reference"
    )
    channel: str | None = Field(
        default=None, description="other_channel: wechat_pay, alipay, unionpay, bank_card or balance"
    )
    account: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9@._-]+$",
        description="other_channel: the buyer's account on that channel (not for balance)",
    )


class InspectionBody(Strict):
    passed: bool
    reason: str = Field(default="", max_length=500)
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


def _rules(request: Request) -> Rules:
    return rules_of(request.app.state.runtime.settings)


def _problem(error: RefundRuleViolation) -> Problem:
    if error.status == 404:
        return NotFound("refund or order", "requested")
    if error.status == 409:
        return Conflict(error.message, type_slug=error.code)
    return validation_problem([(f"body.{error.field or 'request'}", error.message)], title="Refused")


def _command(body: RefundRequestBody, principal: Principal) -> RequestRefund:
    units: dict[str, int] = {}
    for line in body.lines:
        if line.line_id in units:
            raise validation_problem([("body.lines", f"line {line.line_id} named twice")])
        units[line.line_id] = line.units
    return RequestRefund(body.order_id, body.kind, body.reason_code, body.reason, units, principal.key_id)


def _money(amount_minor: int, currency: str) -> str:
    return Money(amount_minor, currency).to_decimal_string()


def quote_view(amounts: RefundQuote, currency: str) -> dict[str, Any]:
    return {
        "currency": currency,
        "lines": [
            {
                "line_id": line.line_id,
                "units": line.units,
                "paid_minor": line.paid_minor,
                "platform_subsidy_reversed_minor": line.subsidy_minor,
                "commission_base_reversed_minor": line.commission_base_minor,
            }
            for line in amounts.lines
        ],
        "goods_minor": amounts.goods_minor,
        "shipping_minor": amounts.shipping_minor,
        "refund_minor": amounts.refund_minor,
        "refund": _money(amounts.refund_minor, currency),
        "platform_subsidy_reversed_minor": amounts.subsidy_reversed_minor,
        "commission_base_reversed_minor": amounts.commission_base_minor,
        "merchant_charge_before_commission_minor": amounts.merchant_charge_minor,
        "explanation": (
            f"buyer gets {amounts.goods_minor} for the goods + {amounts.shipping_minor} shipping; the merchant gives "
            f"back that and the platform's subsidy of {amounts.subsidy_reversed_minor} on those units, and gets back "
            f"the commission charged on {amounts.commission_base_minor} at the rate settlement booked"
        ),
    }


def refund_view(refund: RefundRow, now: datetime, history: list[RefundHistoryRow] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "refund_id": refund.refund_id,
        "order_id": refund.order_id,
        "merchant_id": refund.merchant_id,
        "kind": refund.kind,
        "reason_code": refund.reason_code,
        "reason": refund.reason,
        "status": refund.status,
        "outcome": refund.outcome,
        "amounts": quote_view(service.quote_of(refund), refund.currency),
        "requested_at": refund.requested_at.isoformat(),
        "waiting_for": refund.waiting_for,
        "deadline_at": refund.deadline_at.isoformat() if refund.deadline_at else None,
        "seconds_left": int((refund.deadline_at - now).total_seconds()) if refund.deadline_at else None,
        "approved_how": refund.approved_how,
        "rejection_reason": refund.rejection_reason,
        "return_shipment": (
            {
                "return_shipment_id": refund.return_shipment_id,
                "carrier_code": refund.return_carrier_code,
                "tracking_number": refund.return_tracking_number,
            }
            if refund.return_shipment_id
            else None
        ),
        "inspection": refund.inspection,
        "attempt": refund.attempt,
        "provider_reference": refund.provider_reference,
        "failure_reason": refund.failure_reason,
        "failure_permanent": refund.failure_permanent,
        "beneficiary_channel": refund.beneficiary_channel,
        "balance_credit": refund.balance_credit,
        "refunded_via": refund.refunded_via,
        "resolution": refund.resolution,
        "breaching": breaching(RefundStatus(refund.status), refund.deadline_at, now),
        "closed_at": refund.closed_at.isoformat() if refund.closed_at else None,
    }
    if history is not None:
        view["history"] = [
            {"at": h.at.isoformat(), "action": h.action, "actor": h.actor, "status": h.status_after, "detail": h.detail}
            for h in history
        ]
    return view


@router.post(
    "/refunds/quote",
    operation_id="refunds.quote",
    summary="What a refund would give back, before anyone asks for it",
    **answers(RefundQuotePublic, 404),
)
async def quote_refund(body: RefundRequestBody, request: Request, principal: Quoters) -> dict[str, Any]:
    """The same rules and amounts as POST /v1/refunds, changing nothing: shown to the buyer and
    the merchant before a refund is requested or approved."""
    runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        try:
            row, amounts = await service.quote_refund(
                session,
                _command(body, principal),
                now=runtime.clock.now(),
                rules=_rules(request),
                merchant_scope=principal.merchant_scope,
            )
        except RefundRuleViolation as error:
            raise _problem(error) from error
    return {"order_id": row.order_id, "kind": body.kind.value, **quote_view(amounts, row.currency)}


@router.post(
    "/refunds",
    operation_id="refunds.request",
    summary="The buyer asks for a refund (posted by the platform)",
    **answers(RefundPublic, 404, status_code=201),
)
async def request_refund(
    body: RefundRequestBody,
    request: Request,
    response: Response,
    principal: PlatformOnly,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """refund_only any time after payment; return_and_refund for units signed off; reason
    no_reason (七天无理由) only as a return, within the window after sign-off and outside the
    excluded categories. Never more units than were bought and are not already refunded or
    being refunded. Needs an Idempotency-Key."""
    runtime = request.app.state.runtime
    command = _command(body, principal)

    async def open_refund(session: Any) -> tuple[int, dict[str, Any]]:
        now = runtime.clock.now()
        try:
            refund = await service.request_refund(session, command, now=now, rules=_rules(request), merchant_scope=None)
        except RefundRuleViolation as error:
            raise _problem(error) from error
        return 201, refund_view(refund, now)

    status, answer = await run_idempotent(
        runtime.sessions,
        principal,
        idempotency_key,
        request_hash("POST", "/v1/refunds", body.model_dump(mode="json")),
        open_refund,
    )
    response.status_code = status
    return answer


@router.get(
    "/refunds/{refund_id}",
    operation_id="refunds.read",
    summary="A refund, its amounts, deadline and history",
    **answers(RefundWithHistory, 404),
)
async def get_refund(refund_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    runtime = request.app.state.runtime
    async with snapshot(runtime.sessions) as session:
        refund = await session.get(RefundRow, refund_id)
        if refund is None or not principal.can_access_merchant(refund.merchant_id):
            raise NotFound("refund", refund_id)
        history = list(
            (
                await session.execute(
                    select(RefundHistoryRow)
                    .where(col(RefundHistoryRow.refund_id) == refund_id)
                    .order_by(col(RefundHistoryRow.id))
                )
            ).scalars()
        )
    return refund_view(refund, runtime.clock.now(), history)


async def _require_order_access(runtime: ServiceRuntime, principal: Principal, order_id: str) -> None:
    """Another merchant's order is not found, as it is everywhere else (not an empty list)."""
    async with runtime.sessions() as session:
        owner = await session.scalar(
            select(col(RefundOrderRow.merchant_id)).where(col(RefundOrderRow.order_id) == order_id)
        )
    if owner is not None:
        principal.require_merchant_access(owner, "order", order_id)


@router.get(
    "/refunds",
    operation_id="refunds.list",
    summary="Refunds of an order or a merchant, oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[RefundPublic], 404),
)
async def list_refunds(
    request: Request,
    principal: Readers,
    page: PageQuery,
    order_id: Annotated[str | None, Query(max_length=64)] = None,
    merchant_id: Annotated[str | None, Query(max_length=64)] = None,
    status: RefundStatus | None = None,
) -> dict[str, Any]:
    """Another merchant, or another merchant's order, named: 404; a cursor of another listing: 422."""
    runtime = request.app.state.runtime
    scope = principal.merchant_scope
    if merchant_id is not None:
        principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    if scope is not None:
        merchant_id = scope
        if order_id:
            await _require_order_access(runtime, principal, order_id)
    key = (col(RefundRow.requested_at), col(RefundRow.refund_id))
    query = select(RefundRow)
    if order_id:
        query = query.where(col(RefundRow.order_id) == order_id)
    if merchant_id:
        query = query.where(col(RefundRow.merchant_id) == merchant_id)
    if status:
        query = query.where(col(RefundRow.status) == status.value)
    position = keyset_after(key, page.after(datetime, str), descending=False)
    if position is not None:
        query = query.where(position)
    async with runtime.sessions() as session:
        rows = list((await session.execute(query.order_by(*key).limit(page.limit + 1))).scalars())
    shown, next_cursor = page.page(rows, lambda row: (row.requested_at, row.refund_id))
    now = runtime.clock.now()
    return page_body([refund_view(row, now) for row in shown], next_cursor)


@router.get(
    "/refund-sla",
    operation_id="refund_sla.read",
    summary="Open refunds by age against their deadline, with a cursor",
    openapi_extra=PAGINATED,
    **answers(RefundSla, 404),
)
async def refund_sla(
    request: Request,
    principal: OpsOrAuditorOrMerchant,
    page: PageQuery,
    merchant_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422."""
    runtime = request.app.state.runtime
    if merchant_id is not None:
        principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    scope = principal.merchant_scope or merchant_id
    after = page.after(datetime, str)
    now = runtime.clock.now()
    still_open = col(RefundRow.status).notin_([s.value for s in FINAL])
    in_scope = [still_open] + ([col(RefundRow.merchant_id) == scope] if scope else [])
    # the moment is bound once, in the inner query, so the grouping names the same expression
    states = (
        select(
            col(RefundRow.status).label("status"),
            col(RefundRow.waiting_for).label("waiting_for"),
            func.coalesce(col(RefundRow.deadline_at) < now, False).label("overdue"),
        )
        .where(*in_scope)
        .subquery("open_refunds")
    )
    summary = select(states.c.status, states.c.waiting_for, states.c.overdue, func.count()).group_by(
        states.c.status, states.c.waiting_for, states.c.overdue
    )
    key = (col(RefundRow.requested_at), col(RefundRow.refund_id))
    listed = select(RefundRow).where(*in_scope)
    position = keyset_after(key, after, descending=False)
    if position is not None:
        listed = listed.where(position)
    async with snapshot(runtime.sessions) as session:
        groups = (await session.execute(summary)).all()
        rows = list((await session.execute(listed.order_by(*key).limit(page.limit + 1))).scalars())
    shown, next_cursor = page.page(rows, lambda row: (row.requested_at, row.refund_id))
    open_refunds = [
        {
            "refund_id": row.refund_id,
            "order_id": row.order_id,
            "merchant_id": row.merchant_id,
            "status": row.status,
            "waiting_for": row.waiting_for,
            "age_seconds": int((now - row.requested_at).total_seconds()),
            "deadline_at": row.deadline_at.isoformat() if row.deadline_at else None,
            "seconds_left": int((row.deadline_at - now).total_seconds()) if row.deadline_at else None,
            "refund_minor": row.refund_minor,
            "failure_reason": row.failure_reason,
            "breaching": breaching(RefundStatus(row.status), row.deadline_at, now),
        }
        for row in shown
    ]
    by_waiting: dict[str, int] = {}
    breaching_count = 0
    for status, waiting_for, is_overdue, count in groups:
        by_waiting[str(waiting_for)] = by_waiting.get(str(waiting_for), 0) + count
        # an overdue group's deadline is any moment before now: the domain rule decides
        if breaching(RefundStatus(status), now - timedelta(microseconds=1) if is_overdue else None, now):
            breaching_count += count
    return page_body(
        open_refunds,
        next_cursor,
        as_of=now.isoformat(),
        open=sum(count for *_, count in groups),
        breaching=breaching_count,
        by_waiting_for=by_waiting,
    )


# --- moves -----------------------------------------------------------------------------------


Move = Callable[[AsyncSession, RefundRow, datetime], Awaitable[Any]]


async def _move(request: Request, refund_id: str, principal: Principal, move: Move) -> dict[str, Any]:
    runtime = request.app.state.runtime
    now = runtime.clock.now()
    try:
        async with unit_of_work(runtime.sessions) as session:
            refund = await service.refund_for_update(session, refund_id, principal.merchant_scope)
            await move(session, refund, now)
            view = refund_view(refund, now)
    except RefundRuleViolation as error:
        raise _problem(error) from error
    return view


@router.post(
    "/refunds/{refund_id}/approve",
    operation_id="refunds.approve",
    summary="The merchant approves",
    **answers(RefundPublic, 404, 409),
)
async def approve(refund_id: IdPath, request: Request, principal: MerchantOnly) -> dict[str, Any]:
    rules = _rules(request)
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.approve(s, r, by=principal.key_id, now=now, rules=rules),
    )


@router.post(
    "/refunds/{refund_id}/reject",
    operation_id="refunds.reject",
    summary="The merchant rejects, with a reason",
    **answers(RefundPublic, 404, 409),
)
async def reject(refund_id: IdPath, body: Reason, request: Request, principal: MerchantOnly) -> dict[str, Any]:
    """The buyer may escalate a rejection to ops until the escalation deadline."""
    rules = _rules(request)
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.reject(s, r, reason=body.reason, by=principal.key_id, now=now, rules=rules),
    )


@router.post(
    "/refunds/{refund_id}/escalate",
    operation_id="refunds.escalate",
    summary="The buyer escalates a rejection to ops",
    **answers(RefundPublic, 404, 409),
)
async def escalate(refund_id: IdPath, body: Reason, request: Request, principal: PlatformOnly) -> dict[str, Any]:
    rules = _rules(request)
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.escalate(s, r, by=principal.key_id, reason=body.reason, now=now, rules=rules),
    )


@router.post(
    "/refunds/{refund_id}/decision",
    operation_id="refunds.decide",
    summary="Ops decides an escalated refund",
    **answers(RefundPublic, 404, 409),
)
async def decision(refund_id: IdPath, body: DecisionBody, request: Request, principal: OpsPrincipal) -> dict[str, Any]:
    rules = _rules(request)
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.decide(
            s, r, approve_it=body.approve, reason=body.reason, by=principal.key_id, now=now, rules=rules
        ),
    )


@router.post(
    "/refunds/{refund_id}/return-shipment",
    operation_id="refunds.record_return_shipment",
    summary="The buyer shipped the goods back",
    **answers(RefundPublic, 404, 409),
)
async def return_shipment(
    refund_id: IdPath, body: ReturnShipmentBody, request: Request, principal: PlatformOnly
) -> dict[str, Any]:
    """logistics-svc tracks the parcel through the carriers' signed webhooks; its delivery
    opens the merchant's inspection."""
    rules = _rules(request)
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.ship_back(
            s,
            r,
            carrier_code=body.carrier_code,
            tracking_number=body.tracking_number,
            by=principal.key_id,
            now=now,
            rules=rules,
        ),
    )


@router.post(
    "/refunds/{refund_id}/inspection",
    operation_id="refunds.record_inspection",
    summary="The merchant inspected the returned goods",
    **answers(RefundPublic, 404, 409),
)
async def inspection(
    refund_id: IdPath, body: InspectionBody, request: Request, principal: MerchantOnly
) -> dict[str, Any]:
    """A failed inspection needs a reason and at least one piece of evidence."""
    rules = _rules(request)
    evidence = [item.model_dump() for item in body.evidence]
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.inspect(
            s,
            r,
            passed=body.passed,
            reason=body.reason,
            evidence=evidence,
            by=principal.key_id,
            now=now,
            rules=rules,
        ),
    )


@router.post(
    "/refunds/{refund_id}/withdraw",
    operation_id="refunds.withdraw",
    summary="The buyer withdraws the request",
    **answers(RefundPublic, 404, 409),
)
async def withdraw(refund_id: IdPath, body: Reason, request: Request, principal: PlatformOnly) -> dict[str, Any]:
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.withdraw(s, r, reason=body.reason, by=principal.key_id, now=now),
    )


@router.post(
    "/refunds/{refund_id}/retry",
    operation_id="refunds.retry",
    summary="Ops sends a failed refund again",
    **answers(RefundPublic, 404, 409),
)
async def retry(refund_id: IdPath, request: Request, principal: OpsPrincipal) -> dict[str, Any]:
    """A new attempt through the same channel (for a balance credit ops cancelled, a new credit
    id). 409 after a refusal by the provider or a declined balance credit (the same request would
    be refused again): settle it with /resolution."""
    rules = _rules(request)
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.retry(s, r, by=principal.key_id, now=now, rules=rules),
    )


@router.post(
    "/refunds/{refund_id}/balance-credit",
    operation_id="balance_credits.answer",
    summary="The platform credited the buyer's balance (余额) for a refund, or declined to",
    **answers(RefundPublic, 404, 409),
)
async def balance_credit(
    refund_id: IdPath, body: BalanceCreditBody, request: Request, principal: PlatformOnly
) -> dict[str, Any]:
    """The answer to a ``refund.balance_credit_requested`` notification (a refund of an order paid
    from the platform balance: the platform owns balances, so its backend credits them). Name the
    notification's credit id, buyer and amount; ``credited`` with the platform's reference
    completes the refund (settlement books it against platform:balance_clearing); ``declined``
    with a reason fails it, for ops to settle another way. Idempotent: the same answer again
    returns the refund unchanged; another answer to an answered credit is refused with 409. Answer
    by the credit's ``answer_by``: after it ops may cancel the credit, and an answer to a cancelled
    credit is refused with 409 ``credit-cancelled`` — do not apply it (reverse it if applied).
    Platform keys only; a refund outside the caller's merchants answers 404."""
    if body.outcome == "credited" and body.credit_reference is None:
        raise validation_problem([("body.credit_reference", "a credited balance needs the platform's reference")])
    if body.outcome == "declined" and body.reason is None:
        raise validation_problem([("body.reason", "say why the credit was declined")])
    ack = BalanceCreditAcknowledgement(
        credit_id=body.credit_id,
        buyer_ref=body.buyer_ref,
        amount_minor=body.amount_minor,
        credited=body.outcome == "credited",
        credit_reference=body.credit_reference,
        reason=body.reason,
        by=principal.key_id,
    )
    return await _move(
        request, refund_id, principal, lambda s, r, now: service.acknowledge_balance_credit(s, r, ack, now=now)
    )


@router.post(
    "/refunds/{refund_id}/balance-credit/cancel",
    operation_id="balance_credits.cancel",
    summary="Ops cancel a balance credit the platform did not answer in time",
    **answers(RefundPublic, 404, 409),
)
async def cancel_balance_credit(
    refund_id: IdPath, body: CancelCreditBody, request: Request, principal: OpsPrincipal
) -> dict[str, Any]:
    """After the credit's ``answer_by`` (409 ``credit-not-overdue`` before): the refund becomes
    refund_failed, waiting for ops to retry (a new credit id) or settle it another way
    (/resolution); the platform is notified (``refund.balance_credit_cancelled``) and any later
    acknowledgement of the credit is refused with 409 ``credit-cancelled``. If the platform's
    acknowledgement came first, the cancellation is refused (409 ``credit-already-answered``).
    Recorded with the ops key and the reason; the same cancellation again changes nothing."""
    return await _move(
        request,
        refund_id,
        principal,
        lambda s, r, now: service.cancel_balance_credit(
            s, r, body.credit_id, reason=body.reason, by=principal.key_id, now=now
        ),
    )


@router.post(
    "/refunds/{refund_id}/resolution",
    operation_id="refunds.resolve",
    summary="Ops settle a failed refund another way",
    **answers(RefundPublic, 404, 409),
)
async def resolution(
    refund_id: IdPath, body: ResolutionBody, request: Request, principal: OpsPrincipal
) -> dict[str, Any]:
    """For a refund_failed refund (a retry is refused after a provider refusal, and a declined
    balance credit cannot be retried either): ``other_channel`` pays again to the channel and
    account the buyer gave (a balance credit for ``balance``); ``refunded_offline`` records that
    ops paid the buyer outside ShipSettle, with the transfer's reference, and completes the refund
    (settlement reverses the merchant's frozen money); ``closed`` ends it without money moving
    (the frozen money is released). Recorded with the ops key and the reason. 409 unless the
    refund is refund_failed."""
    try:
        settled_how = Resolution(
            kind=body.how,
            reason=body.reason,
            by=principal.key_id,
            reference=body.reference,
            channel=body.channel,
            account=body.account,
        )
    except InvalidResolution as error:
        raise validation_problem([(f"body.{error.field}", error.message)], title="Refused") from error
    rules = _rules(request)
    return await _move(
        request, refund_id, principal, lambda s, r, now: service.resolve(s, r, settled_how, now=now, rules=rules)
    )


@router.post(
    "/refund-callbacks",
    operation_id="refund_callbacks.receive",
    summary="The refund provider's outcome callback (Standard Webhooks signature)",
    openapi_extra=body_limit(CALLBACK_BODY_LIMIT_BYTES),
    **answers(CallbackReceived, 401, 404),
)
async def refund_callback(request: Request) -> dict[str, Any]:
    """Refused with 401 for a bad signature and 404 for an unknown refund, changing nothing. A
    repeated callback moves nothing again."""
    runtime = request.app.state.runtime
    outcome = verified_callback(
        await request.body(), request.headers, runtime.settings.refund_callback_secret, "refund"
    )
    async with unit_of_work(runtime.sessions) as session:
        known = await service.apply_provider_outcome(session, outcome, now=runtime.clock.now())
    if not known:
        raise NotFound("refund", outcome.request_id)
    return {"received": True}
