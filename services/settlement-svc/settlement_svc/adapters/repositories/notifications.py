"""Merchants' and the platform's webhook endpoints, the notifications queued for them and the
attempts to deliver them, in PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.tables import NotificationAttemptRow, NotificationRow, WebhookEndpointRow


class NotificationRepository:
    """Endpoints by recipient, notifications and their delivery attempts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_recipient(self, recipient: str) -> None:
        """Serialise setting a recipient's endpoint with keeping a notification for want of one."""
        await self.session.execute(
            text("select pg_advisory_xact_lock(hashtext(:r))"), {"r": f"notifications:{recipient}"}
        )

    async def endpoint(self, recipient: str, *, for_update: bool = False) -> WebhookEndpointRow | None:
        """The recipient's endpoint (the session's copy if it loaded it before)."""
        return await self.session.get(WebhookEndpointRow, recipient, with_for_update=for_update or None)

    async def endpoint_now(self, recipient: str) -> WebhookEndpointRow | None:
        """The recipient's endpoint, read by a new statement (one committed meanwhile is seen)."""
        found = await self.session.execute(
            select(WebhookEndpointRow).where(col(WebhookEndpointRow.merchant_id) == recipient)
        )
        return found.scalar_one_or_none()

    async def save_endpoint(self, endpoint: WebhookEndpointRow) -> None:
        await self.session.merge(endpoint)

    async def remove_endpoint(self, endpoint: WebhookEndpointRow) -> None:
        await self.session.delete(endpoint)

    async def kept_for(self, recipient: str) -> list[NotificationRow]:
        """The notifications kept for the recipient while it had no endpoint, oldest first, locked."""
        return list(
            (
                await self.session.execute(
                    select(NotificationRow)
                    .where(
                        col(NotificationRow.merchant_id) == recipient,
                        col(NotificationRow.awaiting_endpoint_since).is_not(None),
                    )
                    .order_by(col(NotificationRow.created_at))
                    .with_for_update()
                )
            ).scalars()
        )

    def add(self, notification: NotificationRow) -> None:
        self.session.add(notification)

    async def notification(self, notification_id: str, *, for_update: bool = False) -> NotificationRow | None:
        return await self.session.get(NotificationRow, notification_id, with_for_update=for_update or None)

    def add_attempt(self, attempt: NotificationAttemptRow) -> None:
        self.session.add(attempt)
