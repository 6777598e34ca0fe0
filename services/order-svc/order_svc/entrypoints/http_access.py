"""HTTP: API keys. Routers only parse, call the service layer and shape the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from order_svc.domain.access import IssueApiKey
from order_svc.service_layer import access
from shipsettle_shared import audit, four_eyes_routes
from shipsettle_shared.api_document import answers, problem_responses
from shipsettle_shared.auth import AnyPrincipal, OpsPrincipal
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body
from shipsettle_shared.problems import NotFound

router = APIRouter(prefix="/v1", tags=["api keys"])


class ApiKeyRequest(BaseModel):
    role: Role
    label: str = Field(min_length=1, max_length=200, description="Who holds the key, e.g. 'acme marketplace backend'")
    merchant_id: str | None = Field(default=None, description="Required for merchant keys, refused for others")
    carrier_code: str | None = Field(default=None, description="Required for carrier keys, refused for others")
    reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Why the key is needed (recorded for an ops key's proposal)",
    )


class ApiKeyCreated(BaseModel):
    key_id: str
    api_key: str = Field(description="Shown once; ShipSettle keeps only its hash")
    role: Role
    merchant_id: str | None
    carrier_code: str | None


class ApiKeyPublic(BaseModel):
    key_id: str
    role: Role
    merchant_id: str | None
    carrier_code: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


class RevokeRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


@router.post(
    "/api-keys",
    operation_id="api_keys.issue",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=four_eyes_routes.PROPOSAL_RESPONSES,
    summary="Issue an API key (ops); an ops key needs a second ops key's approval",
)
async def issue_key(body: ApiKeyRequest, request: Request, principal: OpsPrincipal) -> ApiKeyCreated | JSONResponse:
    """Not idempotent by design: replaying a stored response would mean storing the secret.

    An ops key is not issued here: the request becomes a four-eyes proposal (202, the proposal),
    and a different ops key's ``POST /v1/approvals/{approval_id}/approve`` issues it and shows
    its secret once. Other roles' keys are issued at once (201). 422 for a request that does not
    fit the role (``InvalidApiKeyRequest``)."""
    runtime = request.app.state.runtime
    command = IssueApiKey(
        role=body.role, label=body.label, merchant_id=body.merchant_id, carrier_code=body.carrier_code
    )
    now = runtime.clock.now()
    if access.needs_four_eyes(command):
        async with unit_of_work(runtime.sessions) as session:
            proposal = await access.propose_ops_key(
                session,
                command,
                by=principal.key_id,
                reason=body.reason or f"an ops key for {body.label}",
                now=now,
                ttl_s=runtime.settings.four_eyes_ttl_s,
            )
            await audit.record(
                session,
                principal,
                "api_keys.propose",
                "approval",
                proposal.approval_id,
                at=now,
                after={"role": command.role, "label": command.label, "status": proposal.status},
                reason=proposal.proposal_reason,
            )
        return JSONResponse(
            four_eyes_routes.proposal_answer(proposal, now),
            status_code=202,
            headers={"Location": f"/v1/approvals/{proposal.approval_id}"},
        )
    async with unit_of_work(runtime.sessions) as session:
        issued = await access.issue_api_key(session, command, pepper=runtime.settings.api_key_pepper, now=now)
        await audit.record(
            session,
            principal,
            "api_keys.issue",
            "api_key",
            issued.key_id,
            at=now,
            after={
                "role": command.role,
                "label": command.label,
                "merchant_id": command.merchant_id,
                "carrier_code": command.carrier_code,
            },
            reason=body.reason,
        )
    return ApiKeyCreated(
        key_id=issued.key_id,
        api_key=issued.api_key,
        role=command.role,
        merchant_id=command.merchant_id,
        carrier_code=command.carrier_code,
    )


@router.post(
    "/api-keys/{key_id}/revoke",
    operation_id="api_keys.revoke",
    responses=problem_responses(404),
    status_code=204,
    summary="Revoke an API key (ops)",
)
async def revoke_key(key_id: IdPath, body: RevokeRequest, request: Request, principal: OpsPrincipal) -> None:
    """Refused at once by this instance; by the other instances of every service within the
    bound stated in README (API keys: how fast a revocation bites). Unknown key: 404."""
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        await access.revoke_api_key(session, key_id, body.reason, now=runtime.clock.now())
        await audit.record(
            session, principal, "api_keys.revoke", "api_key", key_id, at=runtime.clock.now(), reason=body.reason
        )
    runtime.api_keys.revoke(key_id)


@router.get(
    "/merchants/{merchant_id}/api-keys",
    operation_id="api_keys.list",
    summary="A merchant's API keys (the merchant itself, platform, ops, auditor), oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[ApiKeyPublic], 404),
)
async def merchant_keys(
    merchant_id: IdPath, request: Request, principal: AnyPrincipal, page: PageQuery
) -> dict[str, Any]:
    """``items`` are ApiKeyPublic. Another merchant's or a merchant without keys: 404; a cursor
    of another listing: 422."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    after = page.after(datetime, str)
    runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        keys = await access.list_merchant_keys(session, merchant_id, after=after, limit=page.limit + 1)
    if not keys and after is None:
        raise NotFound("merchant", merchant_id)
    shown, next_cursor = page.page(keys, lambda key: (key.created_at, key.key_id))
    return page_body([ApiKeyPublic(**vars(key)).model_dump(mode="json") for key in shown], next_cursor)
