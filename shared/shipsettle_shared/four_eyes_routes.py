"""HTTP of four eyes (four_eyes.py): the routes every service with four-eyes actions mounts
(GET /v1/approvals, GET /v1/approvals/{id}, POST …/approve, POST …/withdraw) and the 202
answer of an action's route that now waits for a second ops key."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from shipsettle_shared import audit
from shipsettle_shared.api_document import answers, problem_responses
from shipsettle_shared.auth import OpsPrincipal, Overseers
from shipsettle_shared.db import snapshot, unit_of_work
from shipsettle_shared.four_eyes import (
    Applier,
    ApprovalStatus,
    Approving,
    Proposal,
    approvals_table,
    approve,
    find,
    proposal_from_row,
    withdraw,
)
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, keyset_after, page_body
from shipsettle_shared.problems import NotFound


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="why, recorded with the key id and the time")


class ApprovalPublic(BaseModel):
    approval_id: str
    action: str
    subject: str | None
    merchant_id: str | None
    amount_minor: int | None = Field(description="fen, for actions that move money")
    parameters: dict[str, Any]
    status: ApprovalStatus
    proposed_by: str = Field(description="the proposing key's id")
    proposed_at: datetime
    proposal_reason: str
    expires_at: datetime
    decided_by: str | None = Field(description="the approving (or withdrawing) key's id")
    decided_at: datetime | None
    decision_reason: str | None
    outcome: dict[str, Any] | None = Field(description="what applying the action gave")


class ApprovalApplied(ApprovalPublic):
    result: dict[str, Any] = Field(description="the action's outcome, with anything shown only once (a new key)")


class ProposalPublic(ApprovalPublic):
    """The 202 answer of an action that now waits for a second ops key."""

    approve_with: str = Field(description="the request a second ops key approves it with")


def proposal_answer(proposal: Proposal, now: datetime) -> dict[str, Any]:
    """The 202 answer of an action that now waits for a second ops key."""
    return {
        **proposal.view(now),
        "approve_with": f"POST /v1/approvals/{proposal.approval_id}/approve (another ops key)",
    }


PROPOSAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": ProposalPublic, "description": "proposed: waits for a second ops key (four eyes)"}
}


def approvals_router(appliers: Mapping[str, Applier]) -> APIRouter:
    """GET /v1/approvals, GET /v1/approvals/{id}, POST …/approve and POST …/withdraw. A service
    that mounts it keeps an audit log (``ServiceDefinition.audit_log``): each decision is recorded."""
    router = APIRouter(prefix="/v1", tags=["four eyes"])

    @router.get(
        "/approvals",
        operation_id="approvals.list",
        summary="Four-eyes proposals, newest first, with a cursor (ops, auditor)",
        openapi_extra=PAGINATED,
        **answers(Page[ApprovalPublic]),
    )
    async def list_approvals(
        request: Request,
        principal: Overseers,
        page: PageQuery,
        status: ApprovalStatus | None = None,
        action: Annotated[str | None, Query(max_length=64)] = None,
        subject: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """``status=pending`` is the queue waiting for a second key (expired ones show as
        ``expired``). Keyed by (proposed_at, approval_id); a cursor of another listing: 422."""
        runtime = request.app.state.runtime
        now = runtime.clock.now()
        table = approvals_table
        key = (table.c.proposed_at, table.c.approval_id)
        query = select(table).order_by(*(column.desc() for column in key)).limit(page.limit + 1)
        position = keyset_after(key, page.after(datetime, str), descending=True)
        if position is not None:
            query = query.where(position)
        if status is ApprovalStatus.PENDING:
            query = query.where(table.c.status == status.value, table.c.expires_at > now)
        elif status is ApprovalStatus.EXPIRED:
            query = query.where(
                (table.c.status == status.value)
                | ((table.c.status == ApprovalStatus.PENDING.value) & (table.c.expires_at <= now))
            )
        elif status is not None:
            query = query.where(table.c.status == status.value)
        if action is not None:
            query = query.where(table.c.action == action)
        if subject is not None:
            query = query.where(table.c.subject == subject)
        async with snapshot(runtime.sessions) as session:
            rows = (await session.execute(query)).all()
        kept, next_cursor = page.page(rows, lambda row: (row.proposed_at, row.approval_id))
        return page_body([proposal_from_row(row).view(now) for row in kept], next_cursor)

    @router.get(
        "/approvals/{approval_id}",
        operation_id="approvals.read",
        response_model=ApprovalPublic,
        responses=problem_responses(404),
        summary="One proposal (ops, auditor)",
    )
    async def get_approval(approval_id: IdPath, request: Request, principal: Overseers) -> dict[str, Any]:
        runtime = request.app.state.runtime
        async with snapshot(runtime.sessions) as session:
            proposal = await find(session, approval_id)
        if proposal is None:
            raise NotFound("approval", approval_id)
        return proposal.view(runtime.clock.now())

    @router.post(
        "/approvals/{approval_id}/approve",
        operation_id="approvals.approve",
        response_model=ApprovalApplied,
        responses=problem_responses(403, 404, 409),
        summary="Approve a proposal with a second ops key: the action is applied (ops)",
    )
    async def approve_proposal(
        approval_id: IdPath, body: DecisionRequest, request: Request, principal: OpsPrincipal
    ) -> dict[str, Any]:
        """Applies the action in the transaction that records the approval. Refused, changing
        nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
        ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
        ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``)."""
        runtime = request.app.state.runtime
        approving = Approving(runtime=runtime, approver=principal, reason=body.reason, now=runtime.clock.now())
        async with unit_of_work(runtime.sessions) as session:
            proposal, applied = await approve(session, approval_id, approving, appliers)
            await audit.record(
                session,
                principal,
                "approvals.approve",
                "approval",
                approval_id,
                at=approving.now,
                before={"status": ApprovalStatus.PENDING, "proposed_by": proposal.proposed_by},
                after={
                    "status": proposal.status,
                    "action": proposal.action,
                    "subject": proposal.subject,
                    "outcome": applied.outcome,
                },
                reason=body.reason,
            )
        return {**proposal.view(approving.now), "result": {**applied.outcome, **applied.shown_once}}

    @router.post(
        "/approvals/{approval_id}/withdraw",
        operation_id="approvals.withdraw",
        response_model=ApprovalPublic,
        responses=problem_responses(403, 404, 409),
        summary="The proposer withdraws its proposal (ops)",
    )
    async def withdraw_proposal(
        approval_id: IdPath, body: DecisionRequest, request: Request, principal: OpsPrincipal
    ) -> dict[str, Any]:
        """Refused, changing nothing: 404 unknown; 403 ``not-the-proposer``; 409
        ``approval-not-pending`` (approved, withdrawn or expired)."""
        runtime = request.app.state.runtime
        now = runtime.clock.now()
        async with unit_of_work(runtime.sessions) as session:
            proposal = await withdraw(session, approval_id, by=principal.key_id, reason=body.reason, now=now)
            await audit.record(
                session,
                principal,
                "approvals.withdraw",
                "approval",
                approval_id,
                at=now,
                before={"status": ApprovalStatus.PENDING},
                after={"status": proposal.status, "action": proposal.action, "subject": proposal.subject},
                reason=body.reason,
            )
        return proposal.view(now)

    return router
