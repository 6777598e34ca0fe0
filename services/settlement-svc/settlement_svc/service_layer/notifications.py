"""Merchant notifications: outbound webhooks signed per the Standard Webhooks specification.

A notification is written in the same transaction as the money movement it reports (funds
available, payout paid or failed, refund deducted) and delivered behind it by a durable timer:
POST to the merchant's endpoint with ``webhook-id`` / ``webhook-timestamp`` /
``webhook-signature``; any 2xx delivers it; anything else is logged and retried with backoff
(1 s doubling to 10 min) up to ``MAX_ATTEMPTS``, then given up and left in the log for ops.

The platform (the marketplace's backend) receives its notifications the same way, as the
recipient ``PLATFORM_RECIPIENT`` (a name no merchant can have: merchant ids start with a letter
or digit): a balance credit to apply for a refund (``refund.balance_credit_requested``).
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook

from settlement_svc.adapters.tables import NotificationAttemptRow, NotificationRow, WebhookEndpointRow
from shipsettle_shared.envelope import uuid7
from shipsettle_shared.timers import DueTimer, schedule_timer

NOTIFY = "notify"
MAX_ATTEMPTS = 15
PLATFORM_RECIPIENT = "@platform"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


async def set_endpoint(session: AsyncSession, merchant_id: str, url: str, *, now: datetime) -> str:
    """Register or change the endpoint; a new secret each time (shown once)."""
    secret = new_secret()
    await session.merge(WebhookEndpointRow(merchant_id=merchant_id, url=url, secret=secret, updated_at=now))
    return secret


async def notify(
    session: AsyncSession,
    merchant_id: str,
    event_type: str,
    data: dict[str, Any],
    *,
    now: datetime,
    endpoint_known: bool = False,
) -> None:
    """Queue a notification if the merchant has an endpoint (in the caller's transaction).
    ``endpoint_known``: the caller read in this transaction that it has one."""
    if not endpoint_known and await session.get(WebhookEndpointRow, merchant_id) is None:
        return
    notification_id = f"msg_{uuid7().hex}"
    session.add(
        NotificationRow(
            notification_id=notification_id,
            merchant_id=merchant_id,
            event_type=event_type,
            payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
            created_at=now,
        )
    )
    await schedule_timer(session, NOTIFY, f"{notification_id}#0", now)


async def deliver(session: AsyncSession, timer: DueTimer, *, http: httpx.AsyncClient, now: datetime) -> None:
    notification_id = timer.timer_key.split("#", 1)[0]
    notification = await session.get(NotificationRow, notification_id, with_for_update=True)
    if notification is None or notification.delivered_at is not None or notification.gave_up_at is not None:
        return
    endpoint = await session.get(WebhookEndpointRow, notification.merchant_id)
    if endpoint is None:
        notification.gave_up_at = now
        return
    body = json.dumps(notification.payload, ensure_ascii=False, separators=(",", ":"))
    # The signature's timestamp is transport time, checked against the receiver's wall clock:
    # it comes from the real clock even when business time is moved in tests.
    sent_at = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": notification_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(notification_id, sent_at, body),
    }
    status_code: int | None = None
    error: str | None = None
    try:
        response = await http.post(endpoint.url, content=body.encode(), headers=headers, timeout=10)
        status_code = response.status_code
    except httpx.HTTPError as failure:
        error = repr(failure)[:500]
    notification.attempts += 1
    session.add(
        NotificationAttemptRow(notification_id=notification_id, attempted_at=now, status_code=status_code, error=error)
    )
    if status_code is not None and 200 <= status_code < 300:
        notification.delivered_at = now
    elif notification.attempts >= MAX_ATTEMPTS:
        notification.gave_up_at = now
    else:
        backoff = timedelta(seconds=min(2 ** (notification.attempts - 1), 600))
        await schedule_timer(session, NOTIFY, f"{notification_id}#{notification.attempts}", now + backoff)
