"""HTTP: the refund provider's outcome callbacks (Standard Webhooks signatures), applied to the
attempt they name (service_layer/provider.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from refund_svc.adapters.unit_of_work import SqlRefundUnitOfWork
from refund_svc.service_layer import provider
from shipsettle_shared.api_document import answers
from shipsettle_shared.body_limits import CALLBACK_BODY_LIMIT_BYTES, body_limit
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.problems import NotFound
from shipsettle_shared.provider_client import CallbackReceived, verified_callback

router = APIRouter(prefix="/v1", tags=["refunds"])


@router.post(
    "/refund-callbacks",
    operation_id="refund_callbacks.receive",
    summary="The refund provider's outcome callback (Standard Webhooks signature)",
    openapi_extra=body_limit(CALLBACK_BODY_LIMIT_BYTES),
    **answers(CallbackReceived, 401, 404),
)
async def refund_callback(request: Request) -> dict[str, Any]:
    """Refused with 401 for a bad signature and 404 for an unknown refund, changing nothing. A
    repeated callback moves nothing again."""
    runtime = request.app.state.runtime
    outcome = verified_callback(
        await request.body(), request.headers, runtime.settings.refund_callback_secret, "refund"
    )
    async with unit_of_work(runtime.sessions) as session:
        known = await provider.apply_provider_outcome(SqlRefundUnitOfWork(session), outcome, now=runtime.clock.now())
    if not known:
        raise NotFound("refund", outcome.request_id)
    return {"received": True}
