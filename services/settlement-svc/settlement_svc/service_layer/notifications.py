"""Merchant notifications: outbound webhooks signed per the Standard Webhooks specification.

A notification is written in the same transaction as the money movement it reports (funds
available, payout paid or failed, refund deducted) and delivered behind it by a durable timer:
POST to the merchant's endpoint with ``webhook-id`` / ``webhook-timestamp`` /
``webhook-signature``; any 2xx delivers it; anything else is logged and retried with backoff
(1 s doubling to 10 min) up to ``MAX_ATTEMPTS``, then given up and left in the log for ops.
Only to an address the endpoint policy allows, checked at each delivery and connected to as
checked, following no redirect (domain/endpoint_addresses.py, adapters/webhook_transport.py); the
log the merchant reads says "address not allowed" or "endpoint not reachable", never the
connection's own error (that goes to the service's log).

The platform (the marketplace's backend) receives its notifications the same way, as the
recipient ``PLATFORM_RECIPIENT`` (a name no merchant can have: merchant ids start with a letter
or digit): a balance credit to apply for a refund (``refund.balance_credit_requested``, again as a
reminder once its answer is overdue) and a credit ops cancelled (``refund.balance_credit_cancelled``).

Without an endpoint, the two kinds of recipient differ, on purpose:
- The platform's notifications ask for an action only the platform can take (credit a buyer's
  balance), and a refund waits on each: one is never dropped. Without an endpoint it is kept,
  ``awaiting_endpoint_since``, and delivered once the platform sets one (also when the endpoint
  was removed while a delivery was being retried).
- A merchant's notifications report what its own API shows too (balances, payouts with their
  status and reason, statements), and a merchant without an endpoint has not asked to be pushed:
  none is written for it (as with Stripe's or GitHub's webhooks, an endpoint receives what happens
  from its registration on). Keeping them would write a row per hold release for every merchant
  that never sets one, on the settlement's hottest path, and greet a new endpoint with months of
  stale news.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from standardwebhooks import Webhook

from settlement_svc.adapters.tables import NotificationAttemptRow, NotificationRow, WebhookEndpointRow
from settlement_svc.domain.endpoint_addresses import ENDPOINT_NOT_REACHABLE, EndpointPolicy, EndpointRefused
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared.envelope import uuid7
from shipsettle_shared.timers import DueTimer

logger = logging.getLogger(__name__)

NOTIFY = "notify"
MAX_ATTEMPTS = 15
PLATFORM_RECIPIENT = "@platform"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def kept_without_endpoint(recipient: str) -> bool:
    """Whether a notification for ``recipient`` waits for an endpoint (see the module docstring)."""
    return recipient == PLATFORM_RECIPIENT


async def set_endpoint(uow: SettlementUnitOfWork, recipient: str, url: str, *, now: datetime) -> str:
    """Register or change the endpoint; a new secret each time (shown once). Notifications kept
    while the recipient had none are sent to it now, oldest first."""
    secret = new_secret()
    await _lock_recipient(uow, recipient)
    await uow.notifications.save_endpoint(
        WebhookEndpointRow(merchant_id=recipient, url=url, secret=secret, updated_at=now)
    )
    kept = await uow.notifications.kept_for(recipient)
    for notification in kept:
        notification.awaiting_endpoint_since = None
    # a key of its own: the kept notification's earlier timers (if any) have fired
    await uow.schedule_timers(NOTIFY, [(f"{n.notification_id}#endpoint-{uuid7().hex}", now, None) for n in kept])
    return secret


async def _lock_recipient(uow: SettlementUnitOfWork, recipient: str) -> None:
    """Taken by whoever sets an endpoint and by whoever keeps a notification for want of one, so
    a notification kept meanwhile is either seen by the new endpoint's sweep or sees the endpoint
    (never committed as kept just after the sweep looked)."""
    await uow.notifications.lock_recipient(recipient)


async def _endpoint_of(uow: SettlementUnitOfWork, recipient: str) -> WebhookEndpointRow | None:
    endpoint = await uow.notifications.endpoint(recipient)
    if endpoint is not None or not kept_without_endpoint(recipient):
        return endpoint
    await _lock_recipient(uow, recipient)
    # a new statement: sees an endpoint committed while this waited for the lock
    return await uow.notifications.endpoint_now(recipient)


async def remove_endpoint(uow: SettlementUnitOfWork, recipient: str) -> bool:
    """Stop sending; what comes meanwhile is kept (for the platform) until an endpoint is set."""
    endpoint = await uow.notifications.endpoint(recipient, for_update=True)
    if endpoint is None:
        return False
    await uow.notifications.remove_endpoint(endpoint)
    return True


async def notify(
    uow: SettlementUnitOfWork,
    recipient: str,
    event_type: str,
    data: dict[str, Any],
    *,
    now: datetime,
    endpoint_known: bool = False,
) -> None:
    """Queue a notification (in the caller's transaction): sent now if the recipient has an
    endpoint; else kept until it sets one (the platform), or not written (a merchant).
    ``endpoint_known``: the caller read in this transaction that the recipient has one."""
    has_endpoint = endpoint_known or await _endpoint_of(uow, recipient) is not None
    if not has_endpoint and not kept_without_endpoint(recipient):
        return
    notification_id = f"msg_{uuid7().hex}"
    uow.notifications.add(
        NotificationRow(
            notification_id=notification_id,
            merchant_id=recipient,
            event_type=event_type,
            payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
            created_at=now,
            awaiting_endpoint_since=None if has_endpoint else now,
        )
    )
    if has_endpoint:
        await uow.schedule_timer(NOTIFY, f"{notification_id}#0", now)


async def deliver(
    uow: SettlementUnitOfWork, timer: DueTimer, *, http: httpx.AsyncClient, policy: EndpointPolicy, now: datetime
) -> None:
    """``http``: the notification client (adapters/webhook_transport.notification_client), whose
    connections go only where ``policy`` allows."""
    notification_id = timer.timer_key.split("#", 1)[0]
    notification = await uow.notifications.notification(notification_id, for_update=True)
    if notification is None or notification.delivered_at is not None or notification.gave_up_at is not None:
        return
    endpoint = await _endpoint_of(uow, notification.merchant_id)
    if endpoint is None:  # removed since it was queued: kept for the next one, never dropped
        notification.awaiting_endpoint_since = now
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
        policy.host_of(endpoint.url)  # the URL's form again: https outside development and test
        response = await http.post(endpoint.url, content=body.encode(), headers=headers, timeout=10)
        status_code = response.status_code
    except EndpointRefused as refused:
        error = refused.reason
    except httpx.HTTPError as failure:
        logger.info(
            "notification not delivered",
            extra={"fields": {"notification_id": notification_id, "error": repr(failure)[:500]}},
        )
        error = ENDPOINT_NOT_REACHABLE
    notification.attempts += 1
    uow.notifications.add_attempt(
        NotificationAttemptRow(notification_id=notification_id, attempted_at=now, status_code=status_code, error=error)
    )
    if status_code is not None and 200 <= status_code < 300:
        notification.delivered_at = now
    elif notification.attempts >= MAX_ATTEMPTS:
        notification.gave_up_at = now
    else:
        backoff = timedelta(seconds=min(2 ** (notification.attempts - 1), 600))
        await uow.schedule_timer(NOTIFY, f"{notification_id}#{notification.attempts}", now + backoff)
