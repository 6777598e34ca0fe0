"""HTTP: a buyer's personal data (issue 20). Erasure is four-eyed: this route proposes it, a
second ops key approves it (``POST /v1/approvals/{approval_id}/approve``), which destroys the
buyer's data key (service_layer/erasure.py)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from order_svc.adapters.repository import OrderRepository
from order_svc.entrypoints.http_models import BuyerOrderData
from order_svc.service_layer import erasure
from shipsettle_shared import audit, four_eyes_routes
from shipsettle_shared.api_document import answers, problem_responses
from shipsettle_shared.auth import OpsPrincipal
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body
from shipsettle_shared.problems import NotFound

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


@router.get(
    "/{buyer_ref}/personal-data",
    operation_id="buyers.export",
    summary="Export a buyer's personal data: each order's consignee and its changes (ops; audited)",
    openapi_extra=PAGINATED,
    **answers(Page[BuyerOrderData], 404),
)
async def export_personal_data(
    buyer_ref: BuyerRefPath, request: Request, principal: OpsPrincipal, page: PageQuery
) -> dict[str, Any]:
    """For a buyer's access or portability request (PIPL): their orders, oldest first, with the
    consignee whole (``[erased]`` once erased) and every confirmation or correction of it.
    order-svc holds every consignee the platform keeps (logistics keeps a copy of the latest
    confirmed one; settlement none). Each page read is audit-logged (``buyers.export``). 404: no
    order of that buyer."""
    after = page.after(datetime, str)
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        repository = OrderRepository(session, runtime.personal_data)
        orders = await repository.orders_of_buyer(buyer_ref, after=after, limit=page.limit + 1)
        if not orders and after is None:
            raise NotFound("buyer", buyer_ref)
        shown, next_cursor = page.page(orders, lambda order: (order.placed_at, order.order_id))
        items = []
        for order in shown:
            changes = await repository.shipping_changes(order.order_id, after=None, limit=1000)
            items.append(
                {
                    "order_id": order.order_id,
                    "merchant_id": order.merchant_id,
                    "placed_at": order.placed_at.isoformat(),
                    "status": order.status.value,
                    "consignee": asdict(order.consignee),
                    "shipping_changes": [
                        {
                            "change": change.change,
                            "changed_by": change.changed_by,
                            "changed_at": change.changed_at.isoformat(),
                            "reason": change.reason,
                            "before": change.before,
                            "after": change.after,
                        }
                        for change in changes
                    ],
                }
            )
        await audit.record(
            session,
            principal,
            "buyers.export",
            "buyer",
            buyer_ref,
            at=runtime.clock.now(),
            after={"orders": len(items)},
        )
    return page_body(items, next_cursor)
