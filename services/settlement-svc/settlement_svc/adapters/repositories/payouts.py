"""Settlement applications, payouts and what an application is checked against (bank accounts,
vouchers, risk flags), in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.repositories.rows import expire_loaded
from settlement_svc.adapters.tables import ApplicationRow, BankAccountRow, MerchantFlagRow, PayoutRow, VoucherRow
from settlement_svc.domain.payouts import VOUCHERS_STAND_WITH, ApplicationStatus
from settlement_svc.service_layer.repositories import LockedPayout
from shipsettle_shared.db import json_rows


class PayoutRepository:
    """Applications and their payouts (a payout's outcome locks the payout's row first)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def application(self, application_id: str, *, for_update: bool = False) -> ApplicationRow | None:
        return await self.session.get(ApplicationRow, application_id, with_for_update=for_update or None)

    async def add_application(self, application: ApplicationRow) -> None:
        self.session.add(application)
        await self.session.flush()

    async def add_applications(self, applications: Sequence[ApplicationRow]) -> None:
        """The automatic applications of a run of releases, in one statement whatever their number."""
        if not applications:
            return
        await self.session.execute(
            _ADD_APPLICATIONS,
            {
                "rows": json_rows(
                    [
                        {column: getattr(application, column) for column in _APPLICATION_COLUMNS}
                        for application in applications
                    ]
                )
            },
        )

    async def bank_account(self, bank_account_id: str, *, for_update: bool = False) -> BankAccountRow | None:
        return await self.session.get(BankAccountRow, bank_account_id, with_for_update=for_update or None)

    async def add_bank_account(self, account: BankAccountRow) -> None:
        self.session.add(account)
        await self.session.flush()

    async def add_voucher(self, voucher: VoucherRow) -> None:
        self.session.add(voucher)
        await self.session.flush()

    async def applications_of(self, merchant_id: str) -> list[ApplicationRow]:
        rows = await self.session.execute(select(ApplicationRow).where(col(ApplicationRow.merchant_id) == merchant_id))
        return list(rows.scalars())

    async def payouts_of(self, merchant_id: str) -> list[PayoutRow]:
        rows = await self.session.execute(select(PayoutRow).where(col(PayoutRow.merchant_id) == merchant_id))
        return list(rows.scalars())

    async def payout(self, payout_id: str) -> PayoutRow | None:
        return await self.session.get(PayoutRow, payout_id)

    async def known_vouchers(self, merchant_id: str, voucher_ids: Sequence[str]) -> set[str]:
        """Which of ``voucher_ids`` the merchant uploaded."""
        found = (
            await self.session.execute(
                select(col(VoucherRow.voucher_id)).where(
                    col(VoucherRow.voucher_id).in_(voucher_ids),
                    col(VoucherRow.merchant_id) == merchant_id,
                )
            )
        ).scalars()
        return set(found)

    async def vouchers_in_use(self, merchant_id: str, voucher_ids: Sequence[str]) -> dict[str, str]:
        standing = sorted(status.value for status in VOUCHERS_STAND_WITH)
        rows = await self.session.execute(
            _VOUCHERS_IN_USE, {"merchant_id": merchant_id, "voucher_ids": list(voucher_ids), "standing": standing}
        )
        return {row.voucher_id: row.application_id for row in rows}

    async def paid_to_account_before(self, bank_account_id: str) -> bool:
        paid_before = await self.session.scalar(
            select(col(ApplicationRow.application_id)).where(
                col(ApplicationRow.bank_account_id) == bank_account_id,
                col(ApplicationRow.status) == ApplicationStatus.PAID.value,
            )
        )
        return paid_before is not None

    async def risk_flagged(self, merchant_id: str) -> bool:
        return await self.session.get(MerchantFlagRow, merchant_id) is not None

    async def start_payouts(self, batch_id: str, *, now: datetime) -> list[str]:
        """One statement: the approved applications no other batch holds, a payout each, and the
        applications marked paying with it (their rows locked, skipped by a concurrent batch)."""
        return list(
            (
                await self.session.execute(
                    _START_PAYOUTS,
                    {
                        "batch_id": batch_id,
                        "now": now,
                        "approved": ApplicationStatus.APPROVED.value,
                        "paying": ApplicationStatus.PAYING.value,
                    },
                )
            ).scalars()
        )

    async def locked_payout(self, payout_id: str) -> LockedPayout | None:
        """The payout (locked), its application's status, its bank account and whether its merchant
        has a webhook endpoint, in one query. Only the payout's row is locked: every writer of a
        paying application holds its payout's lock first, so the application is read current."""
        row = (await self.session.execute(_LOCKED_PAYOUT, {"payout_id": payout_id})).first()
        return None if row is None else LockedPayout(**row._mapping)

    async def write(self, payout: LockedPayout, *, application_changed: bool, now: datetime) -> None:
        """The payout's columns an outcome moves, and its application's status when it changed, in
        one statement; ORM copies this session loaded before are re-read, not served stale."""
        values = {
            "payout_id": payout.payout_id,
            "status": payout.status,
            "provider_reference": payout.provider_reference,
            "reason": payout.reason,
            "sent_at": payout.sent_at,
            "settled_at": payout.settled_at,
        }
        if application_changed:
            await self.session.execute(
                _WRITE_PAYOUT_AND_APPLICATION,
                {
                    **values,
                    "application_id": payout.application_id,
                    "application_status": payout.application_status,
                    "now": now,
                },
            )
        else:
            await self.session.execute(_WRITE_PAYOUT, values)
        expire_loaded(self.session, PayoutRow, [payout.payout_id])
        expire_loaded(self.session, ApplicationRow, [payout.application_id])


_START_PAYOUTS = text(
    """
    with approved as (
        select application_id, merchant_id, amount_minor, clawback_deducted_minor, currency, created_at
        from settlement_applications
        where status = :approved and payout_id is null
        order by created_at
        for update skip locked
    ), started as (
        insert into payouts (payout_id, batch_id, application_id, merchant_id, amount_minor,
                             clawback_deducted_minor, currency, status, created_at)
        -- the claw-back deduction stays with the platform: the bank pays the net
        select 'PO-' || substr(replace(cast(gen_random_uuid() as text), '-', ''), 1, 16), :batch_id,
               a.application_id, a.merchant_id, a.amount_minor - a.clawback_deducted_minor,
               a.clawback_deducted_minor, a.currency, 'sending', cast(:now as timestamptz)
        from approved a
        order by a.created_at
        returning payout_id, application_id
    ), paying as (
        update settlement_applications s
        set payout_id = started.payout_id, status = :paying, updated_at = cast(:now as timestamptz)
        from started where s.application_id = started.application_id
        returning s.application_id
    )
    select started.payout_id from started join paying on paying.application_id = started.application_id
    order by started.payout_id
    """
)


_LOCKED_PAYOUT = text(
    """
    select p.payout_id, p.application_id, p.merchant_id, p.amount_minor, p.currency, p.status,
           p.provider_reference, p.reason, p.sent_at, p.settled_at, a.status as application_status,
           b.bank_account_id, b.holder_name, b.bank_name, b.account_number,
           exists(select 1 from merchant_webhook_endpoints e where e.merchant_id = p.merchant_id) as has_endpoint
    from payouts p
    join settlement_applications a on a.application_id = p.application_id
    join bank_accounts b on b.bank_account_id = a.bank_account_id
    where p.payout_id = :payout_id
    for update of p
    """
)
_WRITE_PAYOUT = text(
    """
    update payouts set status = :status, provider_reference = :provider_reference, reason = :reason,
                       sent_at = cast(:sent_at as timestamptz), settled_at = cast(:settled_at as timestamptz)
    where payout_id = :payout_id
    """
)
_WRITE_PAYOUT_AND_APPLICATION = text(
    """
    with payout as (
        update payouts set status = :status, provider_reference = :provider_reference, reason = :reason,
                           sent_at = cast(:sent_at as timestamptz), settled_at = cast(:settled_at as timestamptz)
        where payout_id = :payout_id
        returning payout_id
    )
    update settlement_applications set status = :application_status, updated_at = cast(:now as timestamptz)
    where application_id = :application_id
    """
)


# The automatic applications of a run of releases, in one statement whatever their number.
_APPLICATION_COLUMNS = (
    "application_id",
    "merchant_id",
    "bank_account_id",
    "amount_minor",
    "clawback_deducted_minor",
    "currency",
    "order_ids",
    "voucher_ids",
    "status",
    "review_reasons",
    "decided_by",
    "decision_reason",
    "payout_id",
    "created_at",
    "updated_at",
)
_ADD_APPLICATIONS = text(
    """
    insert into settlement_applications (application_id, merchant_id, bank_account_id, amount_minor,
        clawback_deducted_minor, currency, order_ids, voucher_ids, status, review_reasons, decided_by,
        decision_reason, payout_id, created_at, updated_at)
    select a.application_id, a.merchant_id, a.bank_account_id, a.amount_minor, a.clawback_deducted_minor,
           a.currency, a.order_ids, a.voucher_ids, a.status, a.review_reasons, a.decided_by, a.decision_reason,
           a.payout_id, a.created_at, a.updated_at
    from jsonb_to_recordset(cast(:rows as jsonb)) as a(
        application_id text, merchant_id text, bank_account_id text, amount_minor bigint,
        clawback_deducted_minor bigint, currency text, order_ids jsonb, voucher_ids jsonb, status text,
        review_reasons jsonb, decided_by text, decision_reason text, payout_id text, created_at timestamptz,
        updated_at timestamptz)
    """
)


# The merchant's applications standing on any of the vouchers (domain.payouts.VOUCHERS_STAND_WITH).
_VOUCHERS_IN_USE = text(
    "select v.voucher_id, a.application_id from settlement_applications a"
    " cross join lateral jsonb_array_elements_text(a.voucher_ids) as v(voucher_id)"
    " where a.merchant_id = :merchant_id and v.voucher_id = any(:voucher_ids)"
    " and a.status = any(:standing)"
)
