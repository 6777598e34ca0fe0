"""HTTP: refund requests (and their quote), a refund with its history, the refunds of an order or
a merchant, and the SLA view of the open ones. The moves are in http_moves.py, the platform's
balance credits in http_balance_credits.py, the provider's callback in http_provider_callbacks.py.

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

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from refund_svc.adapters.refund_reads import RefundReads
from refund_svc.adapters.unit_of_work import SqlRefundUnitOfWork
from refund_svc.domain.refund import Refund
from refund_svc.domain.workflow import RefundStatus, breaching
from refund_svc.entrypoints.http_bodies import RefundRequestBody
from refund_svc.entrypoints.http_models import RefundPublic, RefundQuotePublic, RefundSla, RefundWithHistory
from refund_svc.entrypoints.http_views import open_refund_view, quote_view, refund_view, rules
from refund_svc.service_layer import requests
from refund_svc.service_layer.requests import RequestRefund
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import PlatformOnly, Principal, Readers, require_roles
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import snapshot
from shipsettle_shared.idempotency import request_hash, run_idempotent
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body
from shipsettle_shared.problems import NotFound, validation_problem
from shipsettle_shared.service import ServiceRuntime

router = APIRouter(prefix="/v1", tags=["refunds"])

Quoters = Annotated[Principal, Depends(require_roles(Role.PLATFORM, Role.MERCHANT, Role.OPS))]
OpsOrAuditorOrMerchant = Annotated[Principal, Depends(require_roles(Role.OPS, Role.AUDITOR, Role.MERCHANT))]


def _command(body: RefundRequestBody, principal: Principal) -> RequestRefund:
    units: dict[str, int] = {}
    for line in body.lines:
        if line.line_id in units:
            raise validation_problem([("body.lines", f"line {line.line_id} named twice")])
        units[line.line_id] = line.units
    return RequestRefund(body.order_id, body.kind, body.reason_code, body.reason, units, principal.key_id)


def _page_key(refund: Refund) -> tuple[datetime, str]:
    return refund.requested_at, refund.refund_id


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
        order, amounts = await requests.quote_refund(
            SqlRefundUnitOfWork(session),
            _command(body, principal),
            now=runtime.clock.now(),
            rules=rules(request),
            merchant_scope=principal.merchant_scope,
        )
    return {"order_id": order.order_id, "kind": body.kind.value, **quote_view(amounts, order.currency)}


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

    async def open_refund(session: AsyncSession) -> tuple[int, dict[str, Any]]:
        now = runtime.clock.now()
        uow = SqlRefundUnitOfWork(session)
        refund = await requests.request_refund(uow, command, now=now, rules=rules(request), merchant_scope=None)
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
        found = await RefundReads(session).refund_with_history(refund_id)
    if found is None or not principal.can_access_merchant(found[0].merchant_id):
        raise NotFound("refund", refund_id)
    refund, history = found
    return refund_view(refund, runtime.clock.now(), history)


async def _require_order_access(runtime: ServiceRuntime, principal: Principal, order_id: str) -> None:
    """Another merchant's order is not found, as it is everywhere else (not an empty list)."""
    async with runtime.sessions() as session:
        owner = await RefundReads(session).order_owner(order_id)
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
    after = page.after(datetime, str)
    async with runtime.sessions() as session:
        refunds = await RefundReads(session).page(
            order_id=order_id, merchant_id=merchant_id, status=status, after=after, limit=page.limit + 1
        )
    shown, next_cursor = page.page(refunds, _page_key)
    now = runtime.clock.now()
    return page_body([refund_view(refund, now) for refund in shown], next_cursor)


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
    after = page.after(datetime, str)
    now = runtime.clock.now()
    async with snapshot(runtime.sessions) as session:
        groups, refunds = await RefundReads(session).open_refunds(
            merchant_id=principal.merchant_scope or merchant_id, now=now, after=after, limit=page.limit + 1
        )
    shown, next_cursor = page.page(refunds, _page_key)
    by_waiting: dict[str, int] = {}
    breaching_count = 0
    for group in groups:
        by_waiting[str(group.waiting_for)] = by_waiting.get(str(group.waiting_for), 0) + group.count
        # an overdue group's deadline is any moment before now: the domain rule decides
        if breaching(group.status, now - timedelta(microseconds=1) if group.overdue else None, now):
            breaching_count += group.count
    return page_body(
        [open_refund_view(refund, now) for refund in shown],
        next_cursor,
        as_of=now.isoformat(),
        open=sum(group.count for group in groups),
        breaching=breaching_count,
        by_waiting_for=by_waiting,
    )
