"""HTTP: where a merchant's money goes, bank accounts (verified with four eyes) and payouts, and
the payout provider's callback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from settlement_svc.adapters.tables import (
    BankAccountRow,
    PayoutRow,
)
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.domain.payouts import AccountType
from settlement_svc.entrypoints.http_common import Decision, Strict, merchant_page, own, proposed
from settlement_svc.entrypoints.http_models import (
    BankAccountPublic,
    PayoutPublic,
)
from settlement_svc.service_layer import four_eyes_actions
from settlement_svc.service_layer import payouts as service
from shipsettle_shared import audit, four_eyes_routes
from shipsettle_shared.api_document import answers, problem_responses
from shipsettle_shared.auth import MerchantOnly, OpsPrincipal, Readers
from shipsettle_shared.body_limits import CALLBACK_BODY_LIMIT_BYTES, body_limit
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.masking import mask_name
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body
from shipsettle_shared.problems import NotFound
from shipsettle_shared.provider_client import CallbackReceived, verified_callback

router = APIRouter(prefix="/v1", tags=["applications and payouts"])


class BankAccountRequest(Strict):
    holder_name: str = Field(min_length=1, max_length=140, description="户名, as the bank has it")
    bank_name: str = Field(min_length=1, max_length=140, description="开户行")
    account_type: AccountType
    account_number: str = Field(min_length=8, max_length=30)


@router.post(
    "/merchants/{merchant_id}/bank-accounts",
    operation_id="bank_accounts.register",
    summary="Register a bank account",
    **answers(BankAccountPublic, 404, status_code=201),
)
async def register_account(
    merchant_id: IdPath, body: BankAccountRequest, request: Request, principal: MerchantOnly
) -> dict[str, Any]:
    """Card numbers are checked with their Luhn check digit; corporate accounts by length. The
    account can be used once ops verified it."""
    own(principal, merchant_id)
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        row = await service.register_bank_account(
            SqlSettlementUnitOfWork(session),
            merchant_id,
            now=runtime.clock.now(),
            vault=runtime.personal_data,
            blind_index=runtime.settings.blind_index(),
            **body.model_dump(),
        )
        await audit.record(
            session,
            principal,
            "bank_accounts.register",
            "bank_account",
            row.bank_account_id,
            at=runtime.clock.now(),
            after={**body.model_dump(), "merchant_id": merchant_id, "status": row.status},
        )
    return _account_view(row, body.holder_name)


@router.post(
    "/bank-accounts/{bank_account_id}/verify",
    operation_id="bank_accounts.verify",
    responses={**four_eyes_routes.PROPOSAL_RESPONSES, **problem_responses(404, 409)},
    status_code=202,
    summary="Propose a bank account's verification; a second ops key approves it (ops)",
)
async def verify_account(
    bank_account_id: IdPath, body: Decision, request: Request, principal: OpsPrincipal
) -> JSONResponse:
    """Four eyes: this records the proposal (202); the account is verified when a different ops
    key approves it (``POST /v1/approvals/{approval_id}/approve``). Refused: 404 unknown account,
    409 ``already-verified``, 409 ``approval-pending`` (the account has a pending proposal)."""
    runtime = request.app.state.runtime
    now = runtime.clock.now()
    async with unit_of_work(runtime.sessions) as session:
        proposal = await four_eyes_actions.propose_verification(
            SqlSettlementUnitOfWork(session),
            bank_account_id,
            by=principal.key_id,
            reason=body.reason,
            now=now,
            ttl=timedelta(seconds=runtime.settings.four_eyes_ttl_s),
        )
        await audit.record(
            session,
            principal,
            "bank_accounts.propose_verification",
            "bank_account",
            bank_account_id,
            at=now,
            after={"approval_id": proposal.approval_id, "status": proposal.status},
            reason=body.reason,
        )
    return proposed(proposal, now)


def _account_view(row: BankAccountRow, holder_name: str) -> dict[str, Any]:
    """Masked for every reader: the holder's first character, the number's last four digits."""
    return {
        "bank_account_id": row.bank_account_id,
        "holder_name": mask_name(holder_name),
        "bank_name": row.bank_name,
        "account_type": row.account_type,
        "account_number_masked": f"**** {row.account_number_last4}",
        "status": row.status,
    }


@router.get(
    "/merchants/{merchant_id}/payouts",
    operation_id="payouts.list",
    summary="A merchant's payouts, oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[PayoutPublic], 404),
)
async def merchant_payouts(
    merchant_id: IdPath, request: Request, principal: Readers, page: PageQuery
) -> dict[str, Any]:
    """Another merchant's: 404; a cursor of another listing: 422."""
    own(principal, merchant_id)
    rows, next_cursor = await merchant_page(request, page, PayoutRow, merchant_id, "created_at", "payout_id")
    payouts = [
        {
            "payout_id": row.payout_id,
            "batch_id": row.batch_id,
            "application_id": row.application_id,
            "amount_minor": row.amount_minor,  # net: what the bank is asked to pay
            "gross_minor": row.amount_minor + row.clawback_deducted_minor,
            "clawback_deducted_minor": row.clawback_deducted_minor,
            "currency": row.currency,
            "status": row.status,
            "provider_reference": row.provider_reference,
            "reason": row.reason,
        }
        for row in rows
    ]
    return page_body(payouts, next_cursor)


@router.post(
    "/payout-callbacks",
    operation_id="payout_callbacks.receive",
    summary="The payout provider's outcome callback (Standard Webhooks signature)",
    openapi_extra=body_limit(CALLBACK_BODY_LIMIT_BYTES),
    **answers(CallbackReceived, 401, 404),
)
async def payout_callback(request: Request) -> dict[str, Any]:
    """Refused with 401 for a bad signature and 404 for an unknown payout, changing nothing. A
    repeated callback moves nothing again (ledger keys are per payout and outcome)."""
    runtime = request.app.state.runtime
    outcome = verified_callback(
        await request.body(), request.headers, runtime.settings.payout_callback_secret, "payout"
    )
    async with unit_of_work(runtime.sessions) as session:
        known = await service.apply_provider_outcome(SqlSettlementUnitOfWork(session), outcome, now=runtime.clock.now())
    if not known:
        raise NotFound("payout", outcome.request_id)
    return {"received": True}
