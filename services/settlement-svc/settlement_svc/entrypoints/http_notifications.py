"""HTTP: merchants' and the platform's webhook endpoints, and the log of notifications sent to
them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field
from sqlalchemy import select
from sqlmodel import col

from settlement_svc.adapters.tables import (
    NotificationAttemptRow,
    NotificationRow,
)
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.adapters.webhook_transport import check_endpoint
from settlement_svc.entrypoints.http_common import PlatformOpsAuditor, Strict, merchant_page, own
from settlement_svc.entrypoints.http_models import (
    MerchantWebhookEndpoint,
    NotificationPublic,
    PlatformWebhookEndpoint,
)
from settlement_svc.service_layer import notifications
from shipsettle_shared import audit
from shipsettle_shared.api_document import answers, problem_responses
from shipsettle_shared.auth import MerchantOnly, PlatformOnly, Readers
from shipsettle_shared.db import snapshot, unit_of_work
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, PageRequest, page_body
from shipsettle_shared.problems import NotFound

router = APIRouter(prefix="/v1", tags=["applications and payouts"])


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
    own(principal, merchant_id)
    runtime = request.app.state.runtime
    await check_endpoint(runtime.settings.webhook_endpoint_policy, body.url)
    async with unit_of_work(runtime.sessions) as session:
        secret = await notifications.set_endpoint(
            SqlSettlementUnitOfWork(session), merchant_id, body.url, now=runtime.clock.now()
        )
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
    own(principal, merchant_id)
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
            SqlSettlementUnitOfWork(session), notifications.PLATFORM_RECIPIENT, body.url, now=runtime.clock.now()
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
        removed = await notifications.remove_endpoint(
            SqlSettlementUnitOfWork(session), notifications.PLATFORM_RECIPIENT
        )
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
    rows, next_cursor = await merchant_page(request, page, NotificationRow, recipient, "created_at", "notification_id")
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
