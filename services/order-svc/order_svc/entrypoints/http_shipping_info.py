"""HTTP: an order's shipping information (核对发货信息): confirming it, correcting it before
dispatch, and who did either when."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from order_svc.adapters.repository import OrderRepository
from order_svc.domain.orders import ShippingCheckItem
from order_svc.entrypoints.http_common import (
    ConsigneeRequest,
    Strict,
    actor,
    autocommit_reads,
    consignee_for,
    order_for_reader,
    statements,
)
from order_svc.entrypoints.http_models import OrderPublic, ShippingChangePublic
from order_svc.service_layer import orders as service
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import PlatformOrMerchant, Readers
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body
from shipsettle_shared.problems import NotFound

router = APIRouter(prefix="/v1/orders", tags=["orders"])


class ShippingItemRequest(Strict):
    line_id: str
    quantity: int
    spec: str = ""


class ConfirmShippingRequest(Strict):
    items: list[ShippingItemRequest] = Field(min_length=1, description="each line with its quantity and spec")
    consignee: ConsigneeRequest | None = Field(default=None, description="the consignee as confirmed, if changed")


class CorrectShippingRequest(Strict):
    consignee: ConsigneeRequest
    reason: str = Field(min_length=1, max_length=500)


@router.post(
    "/{order_id}/shipping-info/confirm",
    operation_id="shipping_info.confirm",
    summary="Confirm shipping information (核对发货信息)",
    **answers(OrderPublic, 404, 409),
)
async def confirm_shipping_info(
    order_id: IdPath,
    body: ConfirmShippingRequest,
    request: Request,
    principal: PlatformOrMerchant,
) -> dict[str, Any]:
    """Checks the consignee's mobile (mainland 11 digits, else E.164) and address, and that each
    line's quantity and spec (规格) match the order. Dispatch is refused until this is done."""
    runtime = request.app.state.runtime
    items = [ShippingCheckItem(item.line_id, item.quantity, item.spec) for item in body.items]
    order = await service.confirm_shipping(
        statements(runtime),
        order_id,
        items,
        body.consignee.to_domain() if body.consignee else None,
        by=actor(principal),
        now=runtime.clock.now(),
        merchant_scope=principal.merchant_scope,
    )
    return order_for_reader(order, principal)


@router.patch(
    "/{order_id}/shipping-info",
    operation_id="shipping_info.correct",
    summary="Correct shipping information before dispatch",
    **answers(OrderPublic, 404, 409),
)
async def correct_shipping_info(
    order_id: IdPath,
    body: CorrectShippingRequest,
    request: Request,
    principal: PlatformOrMerchant,
) -> dict[str, Any]:
    """Allowed until the first parcel is dispatched; recorded with who and when. After
    dispatch: 409 already-dispatched."""
    runtime = request.app.state.runtime
    order = await service.correct_shipping(
        statements(runtime),
        order_id,
        body.consignee.to_domain(),
        body.reason,
        by=actor(principal),
        now=runtime.clock.now(),
        merchant_scope=principal.merchant_scope,
    )
    return order_for_reader(order, principal)


@router.get(
    "/{order_id}/shipping-info/history",
    operation_id="shipping_info.history",
    summary="Who confirmed or corrected shipping info, and when (oldest first, with a cursor)",
    openapi_extra=PAGINATED,
    **answers(Page[ShippingChangePublic], 404),
)
async def shipping_history(order_id: IdPath, request: Request, principal: Readers, page: PageQuery) -> dict[str, Any]:
    """Another merchant's or an unknown order: 404; a cursor of another listing: 422."""
    after = page.after(int)
    runtime = request.app.state.runtime
    async with autocommit_reads(runtime) as session:
        repository = OrderRepository(session, runtime.personal_data)
        order = await repository.get(order_id)
        if order is None:
            raise NotFound("order", order_id)
        principal.require_merchant_access(order.merchant_id, "order", order_id)
        changes = await repository.shipping_changes(order_id, after=after, limit=page.limit + 1)
    shown, next_cursor = page.page(changes, lambda change: (change.id,))
    return page_body(
        [
            {
                "change": change.change,
                "changed_by": change.changed_by,
                "changed_at": change.changed_at.isoformat(),
                "reason": change.reason,
                "before": consignee_for(change.before, principal, order.status),
                "after": consignee_for(change.after, principal, order.status),
            }
            for change in shown
        ],
        next_cursor,
    )
