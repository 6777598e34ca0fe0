"""HTTP: settlement applications (结算申请), their review by ops, and merchants' risk flags."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request, Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.tables import (
    ApplicationRow,
    MerchantFlagRow,
)
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.domain.payouts import ApplicationStatus, ReviewRules
from settlement_svc.entrypoints.http_common import Decision, Strict, merchant_page, own, proposed
from settlement_svc.entrypoints.http_models import (
    ApplicationPublic,
)
from settlement_svc.service_layer import applications, four_eyes_actions
from shipsettle_shared import audit, four_eyes_routes
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import MerchantOnly, OpsPrincipal, Readers
from shipsettle_shared.db import snapshot, unit_of_work
from shipsettle_shared.idempotency import request_hash, run_idempotent
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, keyset_after, page_body

router = APIRouter(prefix="/v1", tags=["applications and payouts"])


class ApplicationRequest(Strict):
    bank_account_id: str
    amount_minor: int | None = Field(default=None, gt=0, description="omit to apply for everything available")
    voucher_ids: list[str] = Field(default_factory=list, max_length=20)


class RiskFlag(Strict):
    reason: str = Field(min_length=1, max_length=500)


@router.post(
    "/merchants/{merchant_id}/settlement-applications",
    operation_id="applications.submit",
    summary="Apply for available funds (结算申请)",
    **answers(ApplicationPublic, 404, status_code=201),
)
async def apply(
    merchant_id: IdPath,
    body: ApplicationRequest,
    request: Request,
    response: Response,
    principal: MerchantOnly,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops."""
    own(principal, merchant_id)
    runtime = request.app.state.runtime
    settings = runtime.settings

    async def command(session: AsyncSession) -> tuple[int, dict[str, Any]]:
        row = await applications.apply_for_settlement(
            SqlSettlementUnitOfWork(session),
            applications.Apply(merchant_id, body.bank_account_id, body.amount_minor, body.voucher_ids),
            now=runtime.clock.now(),
            rules=ReviewRules(settings.review_over_minor, settings.vouchers_over_minor),
        )
        await audit.record(
            session,
            principal,
            "applications.submit",
            "settlement_application",
            row.application_id,
            at=runtime.clock.now(),
            after={"merchant_id": merchant_id, "amount_minor": row.amount_minor, "status": row.status},
        )
        return 201, _application_view(row)

    status, answer = await run_idempotent(
        runtime.sessions,
        principal,
        idempotency_key,
        request_hash("POST", f"/v1/merchants/{merchant_id}/settlement-applications", body.model_dump(mode="json")),
        command,
    )
    response.status_code = status
    return answer


@router.get(
    "/merchants/{merchant_id}/settlement-applications",
    operation_id="applications.list",
    summary="A merchant's applications, oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[ApplicationPublic], 404),
)
async def merchant_applications(
    merchant_id: IdPath, request: Request, principal: Readers, page: PageQuery
) -> dict[str, Any]:
    """Another merchant's: 404; a cursor of another listing: 422."""
    own(principal, merchant_id)
    rows, next_cursor = await merchant_page(request, page, ApplicationRow, merchant_id, "created_at", "application_id")
    return page_body([_application_view(row) for row in rows], next_cursor)


@router.get(
    "/settlement-applications/review-queue",
    operation_id="applications.review_queue",
    summary="Applications waiting for ops, oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[ApplicationPublic]),
)
async def review_queue(request: Request, principal: OpsPrincipal, page: PageQuery) -> dict[str, Any]:
    """A cursor of another listing: 422."""
    key = (col(ApplicationRow.created_at), col(ApplicationRow.application_id))
    query = select(ApplicationRow).where(col(ApplicationRow.status) == ApplicationStatus.IN_REVIEW.value)
    position = keyset_after(key, page.after(datetime, str), descending=False)
    if position is not None:
        query = query.where(position)
    async with snapshot(request.app.state.runtime.sessions) as session:
        rows = list((await session.execute(query.order_by(*key).limit(page.limit + 1))).scalars())
    shown, next_cursor = page.page(rows, lambda row: (row.created_at, row.application_id))
    return page_body([_application_view(row) for row in shown], next_cursor)


@router.post(
    "/settlement-applications/{application_id}/{decision}",
    operation_id="applications.decide",
    summary="Approve or reject an application (ops); a large approval needs a second ops key",
    **answers(ApplicationPublic, 404, 409, other_answers=four_eyes_routes.PROPOSAL_RESPONSES),
)
async def decide(
    application_id: IdPath,
    decision: Literal["approve", "reject"],
    body: Decision,
    request: Request,
    principal: OpsPrincipal,
) -> Any:
    """Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``."""
    runtime = request.app.state.runtime
    now = runtime.clock.now()
    async with unit_of_work(runtime.sessions) as session:
        if decision == "approve":
            proposal = await four_eyes_actions.propose_large_approval(
                SqlSettlementUnitOfWork(session),
                application_id,
                over_minor=runtime.settings.payout_four_eyes_over_minor,
                by=principal.key_id,
                reason=body.reason,
                now=now,
                ttl=timedelta(seconds=runtime.settings.four_eyes_ttl_s),
            )
            if proposal is not None:
                await audit.record(
                    session,
                    principal,
                    "applications.propose_approval",
                    "settlement_application",
                    application_id,
                    at=now,
                    after={"approval_id": proposal.approval_id, "amount_minor": proposal.amount_minor},
                    reason=body.reason,
                )
                return proposed(proposal, now)
        row = await applications.decide(
            SqlSettlementUnitOfWork(session),
            application_id,
            approve=decision == "approve",
            reason=body.reason,
            by=principal.key_id,
            now=now,
        )
        await audit.record(
            session,
            principal,
            f"applications.{decision}",
            "settlement_application",
            application_id,
            at=now,
            before={"status": "in_review"},
            after={"status": row.status, "amount_minor": row.amount_minor},
            reason=body.reason,
        )
    return _application_view(row)


@router.put(
    "/merchants/{merchant_id}/risk-flag",
    operation_id="risk_flags.set",
    status_code=204,
    summary="Flag a merchant: its applications go to review (ops)",
)
async def flag(merchant_id: IdPath, body: RiskFlag, request: Request, principal: OpsPrincipal) -> None:
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        await session.merge(
            MerchantFlagRow(
                merchant_id=merchant_id, reason=body.reason, flagged_by=principal.key_id, flagged_at=runtime.clock.now()
            )
        )
        await audit.record(
            session,
            principal,
            "risk_flags.set",
            "merchant",
            merchant_id,
            at=runtime.clock.now(),
            after={"flagged": True},
            reason=body.reason,
        )


def _application_view(row: ApplicationRow) -> dict[str, Any]:
    return {
        "application_id": row.application_id,
        "merchant_id": row.merchant_id,
        "bank_account_id": row.bank_account_id,
        "amount_minor": row.amount_minor,  # gross: taken from available
        "clawback_deducted_minor": row.clawback_deducted_minor,  # paid back to the platform first
        "net_minor": row.net_minor,  # sent to the bank
        "currency": row.currency,
        "status": row.status,
        "review_reasons": row.review_reasons,
        "voucher_ids": row.voucher_ids,
        "decided_by": row.decided_by,
        "decision_reason": row.decision_reason,
        "payout_id": row.payout_id,
        "created_at": row.created_at.isoformat(),
    }
