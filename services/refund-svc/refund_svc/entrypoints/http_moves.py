"""HTTP: the moves of a refund's workflow (domain/workflow.py) — the merchant's answer and
inspection, the buyer's escalation, return parcel and withdrawal, ops' decision, retry and
resolution. Each answers the refund as the move left it; a move its status does not allow is a
409 (``wrong-status``), a refund outside the caller's merchants a 404."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request

from refund_svc.domain.channels import Resolution
from refund_svc.entrypoints.http_bodies import DecisionBody, InspectionBody, Reason, ResolutionBody, ReturnShipmentBody
from refund_svc.entrypoints.http_models import RefundPublic
from refund_svc.entrypoints.http_views import moved
from refund_svc.service_layer import decisions
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import MerchantOnly, OpsPrincipal, PlatformOnly
from shipsettle_shared.identifiers import IdPath

router = APIRouter(prefix="/v1", tags=["refunds"])


@router.post(
    "/refunds/{refund_id}/approve",
    operation_id="refunds.approve",
    summary="The merchant approves",
    **answers(RefundPublic, 404, 409),
)
async def approve(refund_id: IdPath, request: Request, principal: MerchantOnly) -> dict[str, Any]:
    return await moved(request, principal, refund_id, decisions.approve, action="refunds.approve")


@router.post(
    "/refunds/{refund_id}/reject",
    operation_id="refunds.reject",
    summary="The merchant rejects, with a reason",
    **answers(RefundPublic, 404, 409),
)
async def reject(refund_id: IdPath, body: Reason, request: Request, principal: MerchantOnly) -> dict[str, Any]:
    """The buyer may escalate a rejection to ops until the escalation deadline."""
    rejected = partial(decisions.reject, reason=body.reason)
    return await moved(request, principal, refund_id, rejected, action="refunds.reject", reason=body.reason)


@router.post(
    "/refunds/{refund_id}/escalate",
    operation_id="refunds.escalate",
    summary="The buyer escalates a rejection to ops",
    **answers(RefundPublic, 404, 409),
)
async def escalate(refund_id: IdPath, body: Reason, request: Request, principal: PlatformOnly) -> dict[str, Any]:
    escalated = partial(decisions.escalate, reason=body.reason)
    return await moved(request, principal, refund_id, escalated, action="refunds.escalate", reason=body.reason)


@router.post(
    "/refunds/{refund_id}/decision",
    operation_id="refunds.decide",
    summary="Ops decides an escalated refund",
    **answers(RefundPublic, 404, 409),
)
async def decision(refund_id: IdPath, body: DecisionBody, request: Request, principal: OpsPrincipal) -> dict[str, Any]:
    decided = partial(decisions.decide, approve=body.approve, reason=body.reason)
    return await moved(request, principal, refund_id, decided, action="refunds.decide", reason=body.reason)


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
    shipped = partial(decisions.ship_back, carrier_code=body.carrier_code, tracking_number=body.tracking_number)
    return await moved(request, principal, refund_id, shipped, action="refunds.record_return_shipment")


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
    evidence = [item.model_dump() for item in body.evidence]
    inspected = partial(decisions.inspect, passed=body.passed, reason=body.reason, evidence=evidence)
    return await moved(
        request, principal, refund_id, inspected, action="refunds.record_inspection", reason=body.reason or None
    )


@router.post(
    "/refunds/{refund_id}/withdraw",
    operation_id="refunds.withdraw",
    summary="The buyer withdraws the request",
    **answers(RefundPublic, 404, 409),
)
async def withdraw(refund_id: IdPath, body: Reason, request: Request, principal: PlatformOnly) -> dict[str, Any]:
    withdrawn = partial(decisions.withdraw, reason=body.reason)
    return await moved(request, principal, refund_id, withdrawn, action="refunds.withdraw", reason=body.reason)


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
    return await moved(request, principal, refund_id, decisions.retry, action="refunds.retry")


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
    # judged before the refund is read: a resolution that would record nothing useful is a 422
    settled_how = Resolution(body.how, body.reason, principal.key_id, body.reference, body.channel, body.account)
    resolved = partial(decisions.resolve, resolution=settled_how)
    return await moved(request, principal, refund_id, resolved, action="refunds.resolve", reason=body.reason)
