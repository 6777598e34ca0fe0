"""HTTP: bank accounts, vouchers, settlement applications (结算申请), ops review, payouts, and
the payout provider's callback."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, Protocol, TypeVar

from fastapi import APIRouter, Depends, File, Form, Header, Path, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlmodel import col

from settlement_svc.adapters.tables import (
    ApplicationRow,
    BankAccountRow,
    MerchantFlagRow,
    NotificationAttemptRow,
    NotificationRow,
    PayoutRow,
    VoucherRow,
)
from settlement_svc.adapters.webhook_transport import check_endpoint
from settlement_svc.domain.payouts import MAX_VOUCHER_BYTES, AccountType, ApplicationStatus, ReviewRules
from settlement_svc.entrypoints.http_models import (
    ApplicationPublic,
    BankAccountPublic,
    MerchantWebhookEndpoint,
    NotificationPublic,
    PayoutPublic,
    PlatformWebhookEndpoint,
    VoucherPublic,
)
from settlement_svc.service_layer import four_eyes_actions, notifications
from settlement_svc.service_layer import payouts as service
from shipsettle_shared import audit, four_eyes, four_eyes_routes
from shipsettle_shared.api_document import answers, problem_responses
from shipsettle_shared.auth import MerchantOnly, OpsPrincipal, PlatformOnly, Principal, Readers, require_roles
from shipsettle_shared.body_limits import CALLBACK_BODY_LIMIT_BYTES, MULTIPART_ENVELOPE_BYTES, body_limit
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import snapshot, unit_of_work
from shipsettle_shared.idempotency import request_hash, run_idempotent
from shipsettle_shared.masking import mask_name
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, PageRequest, keyset_after, page_body
from shipsettle_shared.problems import NotFound
from shipsettle_shared.provider_client import CallbackReceived, verified_callback

router = APIRouter(prefix="/v1", tags=["applications and payouts"])


class _MerchantOwned(Protocol):
    merchant_id: str


RowT = TypeVar("RowT", bound=_MerchantOwned)

IdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
PlatformOpsAuditor = Annotated[Principal, Depends(require_roles(Role.PLATFORM, Role.OPS, Role.AUDITOR))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BankAccountRequest(Strict):
    holder_name: str = Field(min_length=1, max_length=140, description="户名, as the bank has it")
    bank_name: str = Field(min_length=1, max_length=140, description="开户行")
    account_type: AccountType
    account_number: str = Field(min_length=8, max_length=30)


class ApplicationRequest(Strict):
    bank_account_id: str
    amount_minor: int | None = Field(default=None, gt=0, description="omit to apply for everything available")
    voucher_ids: list[str] = Field(default_factory=list, max_length=20)


class Decision(Strict):
    reason: str = Field(min_length=1, max_length=500)


class RiskFlag(Strict):
    reason: str = Field(min_length=1, max_length=500)


async def _merchant_page(
    request: Request, page: PageRequest, table: type[RowT], merchant_id: str, time_field: str, id_field: str
) -> tuple[list[RowT], str | None]:
    """One page of one merchant's rows of a table, oldest first, keyed by (time, id)."""
    key = (col(getattr(table, time_field)), col(getattr(table, id_field)))
    after = page.after(datetime, str)
    async with snapshot(request.app.state.runtime.sessions) as session:
        query = select(table).where(col(table.merchant_id) == merchant_id)
        position = keyset_after(key, after, descending=False)
        if position is not None:
            query = query.where(position)
        rows = list((await session.execute(query.order_by(*key).limit(page.limit + 1))).scalars())
    return page.page(rows, lambda row: (getattr(row, time_field), getattr(row, id_field)))


def _own(principal: Principal, merchant_id: str) -> None:
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)


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
    _own(principal, merchant_id)
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        row = await service.register_bank_account(
            session,
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


def proposed(proposal: four_eyes.Proposal, now: datetime) -> JSONResponse:
    """202: the action waits for a second ops key (four eyes)."""
    return JSONResponse(
        four_eyes_routes.proposal_answer(proposal, now),
        status_code=202,
        headers={"Location": f"/v1/approvals/{proposal.approval_id}"},
    )


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
            session,
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


@router.post(
    "/merchants/{merchant_id}/vouchers",
    operation_id="vouchers.upload",
    summary="Upload a voucher (PDF, PNG or JPEG, at most 5 MiB)",
    openapi_extra=body_limit(MAX_VOUCHER_BYTES + MULTIPART_ENVELOPE_BYTES),
    **answers(VoucherPublic, 404, status_code=201),
)
async def upload_voucher(
    merchant_id: IdPath,
    request: Request,
    principal: MerchantOnly,
    kind: Annotated[Literal["invoice", "logistics_document"], Form()],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    _own(principal, merchant_id)
    runtime = request.app.state.runtime
    # The body limit (above) cut a larger upload before authentication; one byte past the file's
    # own limit is enough to refuse one that fits in the envelope.
    content = await file.read(MAX_VOUCHER_BYTES + 1)
    async with unit_of_work(runtime.sessions) as session:
        row = await service.store_voucher(
            session,
            merchant_id,
            kind=kind,
            declared_type=file.content_type or "",
            content=content,
            now=runtime.clock.now(),
        )
        await audit.record(
            session,
            principal,
            "vouchers.upload",
            "voucher",
            row.voucher_id,
            at=runtime.clock.now(),
            after={"merchant_id": merchant_id, "kind": kind, "size_bytes": row.size_bytes, "sha256": row.sha256},
        )
    return _voucher_view(row)


@router.get(
    "/merchants/{merchant_id}/vouchers",
    operation_id="vouchers.list",
    summary="A merchant's vouchers (without their content), oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[VoucherPublic], 404),
)
async def merchant_vouchers(
    merchant_id: IdPath, request: Request, principal: Readers, page: PageQuery
) -> dict[str, Any]:
    """Another merchant's: 404; a cursor of another listing: 422."""
    _own(principal, merchant_id)
    rows, next_cursor = await _merchant_page(request, page, VoucherRow, merchant_id, "uploaded_at", "voucher_id")
    return page_body([_voucher_view(row) for row in rows], next_cursor)


def _voucher_view(row: VoucherRow) -> dict[str, Any]:
    return {
        "voucher_id": row.voucher_id,
        "kind": row.kind,
        "content_type": row.content_type,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at.isoformat(),
    }


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
    _own(principal, merchant_id)
    runtime = request.app.state.runtime
    settings = runtime.settings

    async def command(session: Any) -> tuple[int, dict[str, Any]]:
        row = await service.apply_for_settlement(
            session,
            service.Apply(merchant_id, body.bank_account_id, body.amount_minor, body.voucher_ids),
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
    _own(principal, merchant_id)
    rows, next_cursor = await _merchant_page(request, page, ApplicationRow, merchant_id, "created_at", "application_id")
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
                session,
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
        row = await service.decide(
            session,
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
    _own(principal, merchant_id)
    rows, next_cursor = await _merchant_page(request, page, PayoutRow, merchant_id, "created_at", "payout_id")
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


class WebhookEndpoint(Strict):
    url: str = Field(pattern=r"^https?://\S+$", max_length=2048)


@router.put(
    "/merchants/{merchant_id}/webhook-endpoint",
    operation_id="webhook_endpoints.set",
    summary="Where to send this merchant's notifications",
    **answers(MerchantWebhookEndpoint, 404),
)
async def set_webhook_endpoint(
    merchant_id: IdPath, body: WebhookEndpoint, request: Request, principal: MerchantOnly
) -> dict[str, str]:
    """Notifications (settlement.available, payout.paid/failed/returned) are signed per the
    Standard Webhooks specification with the secret returned here, once; setting the endpoint
    again issues a new secret. What happened before the first endpoint was set is not sent (the
    balances, payouts and statements show it). Refused (422 ``webhook-endpoint-refused``): a URL
    that is not https in production, or whose host resolves to a private, loopback, link-local or
    other non-public address."""
    _own(principal, merchant_id)
    runtime = request.app.state.runtime
    await check_endpoint(runtime.settings.webhook_endpoint_policy, body.url)
    async with unit_of_work(runtime.sessions) as session:
        secret = await notifications.set_endpoint(session, merchant_id, body.url, now=runtime.clock.now())
        await audit.record(
            session,
            principal,
            "webhook_endpoints.set",
            "merchant",
            merchant_id,
            at=runtime.clock.now(),
            after={"url": body.url, "secret_rotated": True},
        )
    return {"merchant_id": merchant_id, "url": body.url, "secret": secret}


@router.get(
    "/merchants/{merchant_id}/notifications",
    operation_id="notifications.list",
    summary="Notifications and their delivery attempts, oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[NotificationPublic], 404),
)
async def notification_log(
    merchant_id: IdPath, request: Request, principal: Readers, page: PageQuery
) -> dict[str, Any]:
    """Another merchant's: 404; a cursor of another listing: 422."""
    _own(principal, merchant_id)
    return await _notifications_of(request, page, merchant_id)


@router.put(
    "/platform/webhook-endpoint",
    operation_id="platform_webhook_endpoint.set",
    summary="Where to send the platform's notifications",
    **answers(PlatformWebhookEndpoint),
)
async def set_platform_webhook_endpoint(
    body: WebhookEndpoint, request: Request, principal: PlatformOnly
) -> dict[str, str]:
    """The platform (the marketplace's backend) is notified of balance credits to apply:
    ``refund.balance_credit_requested`` with data {refund_id, order_id, merchant_id, credit_id,
    buyer_ref, amount_minor, currency} — "credit buyer X's balance (余额) with N fen for refund R".
    It answers each with POST /v1/refunds/{refund_id}/balance-credit on refund-svc, which completes
    the refund; an unanswered credit is notified again once its answer is overdue (with
    ``reminder`` counting), and ``refund.balance_credit_cancelled`` says ops cancelled one (it must
    not be applied, or be reversed). Signed per Standard Webhooks with the secret returned here,
    once; setting the endpoint again issues a new secret. Nothing is lost without an endpoint:
    notifications meanwhile are kept (``awaiting_endpoint_since`` in GET /v1/platform/notifications)
    and sent to the endpoint set here, oldest first. Refused like a merchant's endpoint (422
    ``webhook-endpoint-refused``) when not https in production or not a public address."""
    runtime = request.app.state.runtime
    await check_endpoint(runtime.settings.webhook_endpoint_policy, body.url)
    async with unit_of_work(runtime.sessions) as session:
        secret = await notifications.set_endpoint(
            session, notifications.PLATFORM_RECIPIENT, body.url, now=runtime.clock.now()
        )
        await audit.record(
            session,
            principal,
            "platform_webhook_endpoint.set",
            "platform",
            notifications.PLATFORM_RECIPIENT,
            at=runtime.clock.now(),
            after={"url": body.url, "secret_rotated": True},
        )
    return {"url": body.url, "secret": secret}


@router.delete(
    "/platform/webhook-endpoint",
    operation_id="platform_webhook_endpoint.remove",
    responses=problem_responses(404),
    status_code=204,
    summary="Stop sending the platform's notifications",
)
async def remove_platform_webhook_endpoint(request: Request, principal: PlatformOnly) -> Response:
    """E.g. while the platform moves its backend: notifications meanwhile are kept and sent once
    an endpoint is set again. 404 when none is set."""
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        removed = await notifications.remove_endpoint(session, notifications.PLATFORM_RECIPIENT)
        if removed:
            await audit.record(
                session,
                principal,
                "platform_webhook_endpoint.remove",
                "platform",
                notifications.PLATFORM_RECIPIENT,
                at=runtime.clock.now(),
            )
    if not removed:
        raise NotFound("webhook endpoint", "platform")
    return Response(status_code=204)


@router.get(
    "/platform/notifications",
    operation_id="platform_notifications.list",
    summary="The platform's notifications and their delivery attempts, oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[NotificationPublic]),
)
async def platform_notification_log(request: Request, principal: PlatformOpsAuditor, page: PageQuery) -> dict[str, Any]:
    """A cursor of another listing: 422."""
    return await _notifications_of(request, page, notifications.PLATFORM_RECIPIENT)


async def _notifications_of(request: Request, page: PageRequest, recipient: str) -> dict[str, Any]:
    rows, next_cursor = await _merchant_page(request, page, NotificationRow, recipient, "created_at", "notification_id")
    async with snapshot(request.app.state.runtime.sessions) as session:
        attempts = list(
            (
                await session.execute(
                    select(NotificationAttemptRow)
                    .where(col(NotificationAttemptRow.notification_id).in_([r.notification_id for r in rows]))
                    .order_by(col(NotificationAttemptRow.id))
                )
            ).scalars()
        )
    by_notification: dict[str, list[dict[str, Any]]] = {}
    for attempt in attempts:
        by_notification.setdefault(attempt.notification_id, []).append(
            {
                "attempted_at": attempt.attempted_at.isoformat(),
                "status_code": attempt.status_code,
                "error": attempt.error,
            }
        )
    items = [
        {
            "notification_id": row.notification_id,
            "event_type": row.event_type,
            "payload": row.payload,
            "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
            "gave_up_at": row.gave_up_at.isoformat() if row.gave_up_at else None,
            "awaiting_endpoint_since": row.awaiting_endpoint_since.isoformat() if row.awaiting_endpoint_since else None,
            "attempts": by_notification.get(row.notification_id, []),
        }
        for row in rows
    ]
    return page_body(items, next_cursor)


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
        known = await service.apply_provider_outcome(session, outcome, now=runtime.clock.now())
    if not known:
        raise NotFound("payout", outcome.request_id)
    return {"received": True}
