"""HTTP: a buyer's personal data (issue 20). Erasure is four-eyed: this route proposes it, a
second ops key approves it (``POST /v1/approvals/{approval_id}/approve``), which destroys the
buyer's data key (service_layer/erasure.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from order_svc.service_layer import erasure
from shipsettle_shared import audit, four_eyes_routes
from shipsettle_shared.api_document import problem_responses
from shipsettle_shared.auth import OpsPrincipal
from shipsettle_shared.db import unit_of_work

router = APIRouter(prefix="/v1/buyers", tags=["personal data"])

BuyerRefPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^/\s]+$")]


class ErasureRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="why (the buyer's request, its reference)")


@router.post(
    "/{buyer_ref}/erasure",
    operation_id="buyers.erase",
    responses={**four_eyes_routes.PROPOSAL_RESPONSES, **problem_responses(404, 409)},
    status_code=202,
    summary="Propose erasing a buyer's personal data (crypto-shredding); a second ops key approves (ops)",
)
async def propose_erasure(
    buyer_ref: BuyerRefPath, body: ErasureRequest, request: Request, principal: OpsPrincipal
) -> JSONResponse:
    """Four eyes: this records the proposal (202); once a different ops key approves it, the
    buyer's data key is destroyed here and in every service that keeps the buyer's data: their
    consignees read as ``[erased]`` everywhere; orders, amounts, the ledger and statements are
    unchanged. Refused: 404 no order of that buyer, 409 ``approval-pending``."""
    runtime = request.app.state.runtime
    now = runtime.clock.now()
    async with unit_of_work(runtime.sessions) as session:
        proposal = await erasure.propose_erasure(
            session,
            buyer_ref,
            by=principal.key_id,
            reason=body.reason,
            now=now,
            ttl_s=runtime.settings.four_eyes_ttl_s,
        )
        await audit.record(
            session,
            principal,
            "buyers.propose_erasure",
            "buyer",
            buyer_ref,
            at=now,
            after={"status": proposal.status, "approval_id": proposal.approval_id},
            reason=body.reason,
        )
    return JSONResponse(
        four_eyes_routes.proposal_answer(proposal, now),
        status_code=202,
        headers={"Location": f"/v1/approvals/{proposal.approval_id}"},
    )
