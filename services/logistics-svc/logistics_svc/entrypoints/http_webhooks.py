"""HTTP: carrier and aggregator webhooks.

Each request is authenticated by its own secret (a carrier's, or the aggregator's) in constant
time, then written durably with its raw body and acknowledged; the scans are applied behind
the acknowledgement (CarrierScansReceived on tracking.events). Refusals:
- 401 problem+json, nothing written: missing, malformed or wrong signature, a body altered after
  signing, a request older than the tolerance (a replay);
- 400, the body kept in ``rejected_webhooks`` for inspection: not JSON/form, fields missing. A
  body refused before anyone authenticated it (a Kuaidi100 push that is not a form) is kept only
  as a capped, rate-limited sample, cut short (adapters/rejected_sample.py);
- 422 (native only), the body kept likewise: a body whose ``carrier_code`` names another
  carrier than the path's. A carrier's secret speaks for its own parcels only, and a carrier
  that mixes them up must hear so, not have its scans silently parked;
- 422, kept there too: text the platform cannot store (the shared rule of ``storable_text``);
- a delivery seen before: acknowledged (200) and ignored.
Whose scans they are decides which shipment they can move: the native path's carrier, or the
aggregator's carrier code mapped through the carrier registry (service_layer/tracking.py).
Kuaidi100 expects its own reply body; AfterShip and our native endpoint take any 2xx. Every
refusal is a problem+json; Kuaidi100's also carry its reply fields (``result``, ``returnCode``,
``message``) as extension members.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from logistics_svc.adapters import rejected_sample
from logistics_svc.adapters.carrier_registry import CarrierRegistry
from logistics_svc.adapters.secret_cache import WEBHOOK_SECRETS
from logistics_svc.adapters.tables import AggregatorSecretRow, RejectedWebhookRow
from logistics_svc.adapters.webhook_deliveries import WebhookDeliveries
from logistics_svc.adapters.webhook_formats import aftership, kuaidi100, native
from logistics_svc.domain.tracking import WebhookDelivery, WebhookRejected
from logistics_svc.entrypoints.http_models import Kuaidi100Reply
from logistics_svc.service_layer.webhooks import accept_webhook
from shipsettle_shared.api_document import problem_responses
from shipsettle_shared.body_limits import CALLBACK_BODY_LIMIT_BYTES, body_limit
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.problems import Problem, unstorable_text_problem
from shipsettle_shared.storable_text import UnstorableField, unstorable_in_json

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/webhooks", tags=["carrier webhooks"])


class WebhookAck(BaseModel):
    accepted: bool
    duplicate: bool


# The two possible answers, serialised once: the acknowledgement is the hot path, and validating
# and encoding a returned dict on every request (FastAPI's default) would change nothing in them.
_ACK_BODIES = {
    duplicate: WebhookAck(accepted=True, duplicate=duplicate).model_dump_json().encode() for duplicate in (False, True)
}
# Refused: 400 unreadable, 401 unauthenticated (the signature), 422 carrier mismatch or text
# that cannot be stored; the assembly adds 413 (body limit) and 503 (the intake's bulkhead).
_ACK_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": WebhookAck, "description": "Stored (or a duplicate)"},
    **problem_responses(400, 401),
}


def _acknowledge(fresh: bool) -> Response:
    return Response(_ACK_BODIES[not fresh], media_type="application/json")


def _unauthorized(reason: str) -> Problem:
    return Problem(401, "Webhook not authenticated", reason, type_slug="webhook-unauthenticated")


async def _aggregator_secret(request: Request, source: str) -> str | None:
    async def load() -> str | None:
        async with request.app.state.runtime.sessions() as session:
            row = (
                await session.execute(select(AggregatorSecretRow).where(col(AggregatorSecretRow.source) == source))
            ).scalar_one_or_none()
        return row.secret if row is not None else None

    return await WEBHOOK_SECRETS.get(f"aggregator:{source}", load)


async def _keep_rejected(request: Request, source: str, raw_body: bytes, reason: str) -> None:
    """Keep an authenticated sender's unreadable body whole, for inspection."""
    headers = {name: value for name, value in request.headers.items() if name.lower() != "authorization"}
    await _insert_rejected(request, source, raw_body, reason, headers)


async def _keep_unauthenticated_sample(request: Request, source: str, raw_body: bytes, reason: str) -> None:
    """Keep a body nobody authenticated only while the source's sample allows, cut short."""
    if not rejected_sample.UNAUTHENTICATED_SAMPLE.take(source):
        return
    kept = rejected_sample.truncated_body(raw_body)
    note = f"{reason} (unauthenticated sample; body cut to {len(kept)} of {len(raw_body)} bytes)"
    await _insert_rejected(request, source, kept, note, rejected_sample.truncated_headers(request.headers))


async def _insert_rejected(
    request: Request, source: str, raw_body: bytes, reason: str, headers: dict[str, str]
) -> None:
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        session.add(
            RejectedWebhookRow(
                source=source, reason=reason, raw_body=raw_body, headers=headers, received_at=runtime.clock.now()
            )
        )


async def _accept(request: Request, delivery: WebhookDelivery, raw_body: bytes) -> bool:
    runtime = request.app.state.runtime
    return await accept_webhook(WebhookDeliveries(runtime.lane), delivery, raw_body, now=runtime.clock.now())


async def _read(request: Request) -> bytes:
    # At most CALLBACK_BODY_LIMIT_BYTES: every route here declares it, and a larger body was
    # refused before this route ran (shipsettle_shared.body_limits).
    return await request.body()


def _unstorable_reason(found: list[UnstorableField]) -> str:
    return "text that cannot be stored in " + ", ".join(item.field for item in found)


async def _parse_or_keep(
    request: Request, source: str, raw_body: bytes, parse: Callable[[], WebhookDelivery]
) -> WebhookDelivery:
    try:
        delivery = parse()
    except WebhookRejected as rejected:
        if rejected.status == 401:
            raise _unauthorized(rejected.reason) from rejected
        await _keep_rejected(request, source, raw_body, rejected.reason)
        raise Problem(400, "Unreadable webhook", rejected.reason, type_slug="webhook-unreadable") from rejected
    # The shared text rule, on the body this route reads itself (authenticated by now).
    found = unstorable_in_json(raw_body)
    if found:
        await _keep_rejected(request, source, raw_body, _unstorable_reason(found))
        raise unstorable_text_problem(found)
    return delivery


@router.post(
    "/carriers/{carrier_code}",
    operation_id="webhooks.native",
    summary="ShipSettle's native carrier webhook (Standard Webhooks signature)",
    response_model=None,
    responses=_ACK_RESPONSES,
    openapi_extra=body_limit(CALLBACK_BODY_LIMIT_BYTES),
)
async def native_webhook(
    carrier_code: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,16}$")], request: Request
) -> Response:
    raw_body = await _read(request)

    async def load() -> str | None:
        async with request.app.state.runtime.sessions() as session:
            carrier = await CarrierRegistry(session).get(carrier_code)
            return await CarrierRegistry(session).webhook_secret(carrier_code) if carrier else None

    # The names a body may give its carrier (our code, Kuaidi100 com, AfterShip slug), cached
    # beside the secret for the same reason: one database read less on the acknowledgement path.
    async def load_names() -> str | None:
        async with request.app.state.runtime.sessions() as session:
            carrier = await CarrierRegistry(session).get(carrier_code)
        return " ".join(sorted(carrier.names)) if carrier else None

    code = carrier_code.upper()
    secret = await WEBHOOK_SECRETS.get(f"carrier:{code}", load)
    if secret is None:
        raise _unauthorized("unknown carrier")
    delivery = await _parse_or_keep(
        request, f"native:{carrier_code}", raw_body, lambda: native.verify_and_parse(raw_body, request.headers, secret)
    )
    names = (await WEBHOOK_SECRETS.get(f"carrier-names:{code}", load_names) or "").split()
    named = (delivery.vendor_carrier_code or "").strip().lower()
    if named not in names:
        reason = f"body.carrier_code {delivery.vendor_carrier_code!r} does not name carrier {code} of the path"
        await _keep_rejected(request, f"native:{carrier_code}", raw_body, reason)
        raise Problem(
            422,
            "Carrier mismatch",
            f"this endpoint takes {code}'s own scans only; carrier_code must name {code} (one of: {', '.join(names)})",
            type_slug="carrier-mismatch",
            errors=[{"field": "body.carrier_code", "message": f"must name {code}"}],
        )
    return _acknowledge(await _accept(request, replace(delivery, carrier_code=code), raw_body))


@router.post(
    "/aftership",
    operation_id="webhooks.aftership",
    summary="AfterShip tracking webhook (aftership-hmac-sha256)",
    response_model=None,
    responses=_ACK_RESPONSES,
    openapi_extra=body_limit(CALLBACK_BODY_LIMIT_BYTES),
)
async def aftership_webhook(request: Request) -> Response:
    raw_body = await _read(request)
    secret = await _aggregator_secret(request, "aftership")
    if secret is None or not aftership.verify_signature(raw_body, request.headers.get("aftership-hmac-sha256"), secret):
        raise _unauthorized("signature missing or wrong")
    delivery = await _parse_or_keep(request, "aftership", raw_body, lambda: aftership.parse_webhook(raw_body))
    # ts is inside the signed body and kept on AfterShip's retries: outside the retry window it
    # is a replay, not a retry.
    if aftership.is_stale(delivery, request.app.state.runtime.clock.now()):
        raise _unauthorized("the request's timestamp is outside the accepted window (replay)")
    return _acknowledge(await _accept(request, delivery, raw_body))


def _kuaidi100_problem(problem: Problem, return_code: str | None = None) -> Problem:
    """A refusal as problem+json that still carries Kuaidi100's reply fields (S6)."""
    problem.extensions.update(kuaidi100.failure_body(problem.detail, return_code or str(problem.status)))
    return problem


@router.post(
    "/kuaidi100",
    operation_id="webhooks.kuaidi",
    responses={
        200: {"model": Kuaidi100Reply, "description": "Stored (or a duplicate): Kuaidi100's required reply"},
        **problem_responses(400, 401),
    },
    summary="Kuaidi100 (快递100) subscription push (form param + sign)",
    openapi_extra=body_limit(CALLBACK_BODY_LIMIT_BYTES),
)
async def kuaidi100_push(request: Request) -> JSONResponse:
    raw_body = await _read(request)
    try:
        param, sign = kuaidi100.read_form(raw_body)
    except WebhookRejected as rejected:
        # Not a form: its signature cannot even be read, so the body is unauthenticated.
        await _keep_unauthenticated_sample(request, "kuaidi100", raw_body, rejected.reason)
        raise _kuaidi100_problem(
            Problem(400, "Unreadable webhook", rejected.reason, type_slug="webhook-unreadable"), "500"
        ) from rejected
    salt = await _aggregator_secret(request, "kuaidi100")
    if not salt or not kuaidi100.verify_signature(param, sign, salt):
        raise _kuaidi100_problem(_unauthorized("signature missing or wrong"))
    try:
        delivery = kuaidi100.parse_push(param)
    except WebhookRejected as rejected:
        await _keep_rejected(request, "kuaidi100", raw_body, rejected.reason)
        raise _kuaidi100_problem(
            Problem(400, "Unreadable webhook", rejected.reason, type_slug="webhook-unreadable"), "500"
        ) from rejected
    found = unstorable_in_json(param, "body.param")
    if found:
        await _keep_rejected(request, "kuaidi100", raw_body, _unstorable_reason(found))
        raise _kuaidi100_problem(unstorable_text_problem(found), "500")
    await _accept(request, delivery, raw_body)
    return JSONResponse(kuaidi100.ACK_BODY)
