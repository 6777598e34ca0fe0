"""Four-eyes proposals of settlement's actions, in the service's approvals table
(shipsettle_shared.four_eyes keeps them; this is its door for the use cases)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared import four_eyes


class ApprovalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def propose(
        self,
        *,
        action: str,
        parameters: Mapping[str, Any],
        by: str,
        reason: str,
        now: datetime,
        ttl: timedelta,
        subject: str | None = None,
        merchant_id: str | None = None,
        amount_minor: int | None = None,
    ) -> four_eyes.Proposal:
        """``four_eyes.propose``: raises FourEyesRefused ``approval-pending`` when the subject has a
        pending proposal of this action."""
        return await four_eyes.propose(
            self.session,
            action=action,
            parameters=parameters,
            by=by,
            reason=reason,
            now=now,
            ttl=ttl,
            subject=subject,
            merchant_id=merchant_id,
            amount_minor=amount_minor,
        )
