"""settlement-svc's payouts, notifications and four-eyes proposals in memory, for the unit of work
of settlement_fakes.py: applications, bank accounts, vouchers and payouts as the SQL repositories
keep them (the rows the use cases read and change), endpoints and notifications by recipient."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from settlement_svc.adapters.tables import (
    ApplicationRow,
    BankAccountRow,
    NotificationAttemptRow,
    NotificationRow,
    PayoutRow,
    VoucherRow,
    WebhookEndpointRow,
)
from settlement_svc.domain.payouts import VOUCHERS_STAND_WITH, ApplicationStatus
from settlement_svc.service_layer.repositories import LockedPayout
from shipsettle_shared import four_eyes


class FakePayouts:
    def __init__(self, notifications: FakeNotifications) -> None:
        self.notifications = notifications
        self.accounts: dict[str, BankAccountRow] = {}
        self.applications: dict[str, ApplicationRow] = {}
        self.vouchers: dict[str, VoucherRow] = {}
        self.paid_accounts: set[str] = set()
        self.flagged: set[str] = set()
        self.payouts: dict[str, PayoutRow] = {}

    async def application(self, application_id: str, *, for_update: bool = False) -> ApplicationRow | None:
        return self.applications.get(application_id)

    async def add_application(self, application: ApplicationRow) -> None:
        self.applications[application.application_id] = application

    async def add_applications(self, applications: Sequence[ApplicationRow]) -> None:
        for application in applications:
            await self.add_application(application)

    async def applications_of(self, merchant_id: str) -> list[ApplicationRow]:
        return [a for a in self.applications.values() if a.merchant_id == merchant_id]

    async def bank_account(self, bank_account_id: str, *, for_update: bool = False) -> BankAccountRow | None:
        return self.accounts.get(bank_account_id)

    async def add_bank_account(self, account: BankAccountRow) -> None:
        self.accounts[account.bank_account_id] = account

    async def add_voucher(self, voucher: VoucherRow) -> None:
        self.vouchers[voucher.voucher_id] = voucher

    async def known_vouchers(self, merchant_id: str, voucher_ids: Sequence[str]) -> set[str]:
        return {v for v in voucher_ids if v in self.vouchers and self.vouchers[v].merchant_id == merchant_id}

    async def vouchers_in_use(self, merchant_id: str, voucher_ids: Sequence[str]) -> dict[str, str]:
        standing = {status.value for status in VOUCHERS_STAND_WITH}
        return {
            voucher: application.application_id
            for application in self.applications.values()
            if application.merchant_id == merchant_id and application.status in standing
            for voucher in application.voucher_ids
            if voucher in voucher_ids
        }

    async def paid_to_account_before(self, bank_account_id: str) -> bool:
        return bank_account_id in self.paid_accounts

    async def risk_flagged(self, merchant_id: str) -> bool:
        return merchant_id in self.flagged

    async def payouts_of(self, merchant_id: str) -> list[PayoutRow]:
        return [p for p in self.payouts.values() if p.merchant_id == merchant_id]

    async def payout(self, payout_id: str) -> PayoutRow | None:
        return self.payouts.get(payout_id)

    async def start_payouts(self, batch_id: str, *, now: datetime) -> list[str]:
        """A payout of its net for each approved application without one, the application paying."""
        approved = [
            a
            for a in self.applications.values()
            if a.status == ApplicationStatus.APPROVED.value and a.payout_id is None
        ]
        for application in sorted(approved, key=lambda a: a.created_at):
            payout_id = f"PO-{uuid.uuid4().hex[:16]}"
            self.payouts[payout_id] = PayoutRow(
                payout_id=payout_id,
                batch_id=batch_id,
                application_id=application.application_id,
                merchant_id=application.merchant_id,
                amount_minor=application.net_minor,
                clawback_deducted_minor=application.clawback_deducted_minor,
                currency=application.currency,
                status="sending",
                created_at=now,
            )
            application.payout_id, application.status = payout_id, ApplicationStatus.PAYING.value
            application.updated_at = now
        return sorted(a.payout_id for a in approved if a.payout_id is not None)

    async def locked_payout(self, payout_id: str) -> LockedPayout | None:
        payout = self.payouts.get(payout_id)
        if payout is None:
            return None
        application = self.applications[payout.application_id]
        account = self.accounts[application.bank_account_id]
        return LockedPayout(
            payout_id=payout.payout_id,
            application_id=payout.application_id,
            merchant_id=payout.merchant_id,
            amount_minor=payout.amount_minor,
            currency=payout.currency,
            status=payout.status,
            provider_reference=payout.provider_reference,
            reason=payout.reason,
            sent_at=payout.sent_at,
            settled_at=payout.settled_at,
            application_status=application.status,
            bank_account_id=account.bank_account_id,
            holder_name=account.holder_name,
            bank_name=account.bank_name,
            account_number=account.account_number,
            has_endpoint=payout.merchant_id in self.notifications.endpoints,
        )

    async def write(self, payout: LockedPayout, *, application_changed: bool, now: datetime) -> None:
        row = self.payouts[payout.payout_id]
        row.status, row.provider_reference, row.reason = payout.status, payout.provider_reference, payout.reason
        row.sent_at, row.settled_at = payout.sent_at, payout.settled_at
        if application_changed:
            application = self.applications[payout.application_id]
            application.status, application.updated_at = payout.application_status, now


class FakeNotifications:
    """Endpoints by recipient, notifications and their attempts (no recipient has an endpoint
    unless a test saves one)."""

    def __init__(self) -> None:
        self.endpoints: dict[str, WebhookEndpointRow] = {}
        self.notifications: dict[str, NotificationRow] = {}
        self.attempts: list[NotificationAttemptRow] = []
        self.locked: list[str] = []

    async def lock_recipient(self, recipient: str) -> None:
        self.locked.append(recipient)

    async def endpoint(self, recipient: str, *, for_update: bool = False) -> WebhookEndpointRow | None:
        return self.endpoints.get(recipient)

    async def endpoint_now(self, recipient: str) -> WebhookEndpointRow | None:
        return self.endpoints.get(recipient)

    async def save_endpoint(self, endpoint: WebhookEndpointRow) -> None:
        self.endpoints[endpoint.merchant_id] = endpoint

    async def remove_endpoint(self, endpoint: WebhookEndpointRow) -> None:
        self.endpoints.pop(endpoint.merchant_id, None)

    async def kept_for(self, recipient: str) -> list[NotificationRow]:
        kept = [
            n
            for n in self.notifications.values()
            if n.merchant_id == recipient and n.awaiting_endpoint_since is not None
        ]
        return sorted(kept, key=lambda n: n.created_at)

    def add(self, notification: NotificationRow) -> None:
        self.notifications[notification.notification_id] = notification

    async def notification(self, notification_id: str, *, for_update: bool = False) -> NotificationRow | None:
        return self.notifications.get(notification_id)

    def add_attempt(self, attempt: NotificationAttemptRow) -> None:
        self.attempts.append(attempt)


class FakeApprovals:
    """Proposals as shipsettle_shared.four_eyes keeps them: one pending per action and subject."""

    def __init__(self) -> None:
        self.proposals: dict[str, four_eyes.Proposal] = {}

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
        if subject is not None:
            for pending in self.proposals.values():
                if (pending.action, pending.subject) == (action, subject) and pending.status_at(now) is PENDING:
                    raise four_eyes.approval_pending(action, subject, pending.approval_id)
        proposal = four_eyes.Proposal(
            approval_id=f"AP-{uuid.uuid4().hex[:16]}",
            action=action,
            subject=subject,
            merchant_id=merchant_id,
            amount_minor=amount_minor,
            parameters=dict(parameters),
            proposed_by=by,
            proposed_at=now,
            proposal_reason=reason,
            expires_at=now + ttl,
            status=PENDING,
        )
        self.proposals[proposal.approval_id] = proposal
        return proposal


PENDING = four_eyes.ApprovalStatus.PENDING
