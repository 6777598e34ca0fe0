"""Holds in PostgreSQL: signed-off money in pending until its release date, claimed when it falls
due (or frozen while a refund of its order is open), and what a release depends on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.repositories.policies import policy_versions_from_json
from settlement_svc.adapters.repositories.rows import expire_loaded
from settlement_svc.adapters.tables import (
    HoldRow,
)
from settlement_svc.domain.ledger import MerchantAccount, merchant_account
from settlement_svc.service_layer.repositories import DueHold, NewHold, ReleaseFacts
from shipsettle_shared.db import json_rows


class HoldRepository:
    """Holds, and the merchant facts their release reads."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_holds(self, holds: Sequence[NewHold]) -> None:
        """New holds in one statement whatever their number (plain values, not ORM objects:
        building hundreds of those costs more than the statement)."""
        if not holds:
            return
        await self.session.execute(_ADD_HOLDS, {"rows": json_rows([dict(vars(hold)) for hold in holds])})

    async def hold(self, hold_id: str, *, for_update: bool = False) -> HoldRow | None:
        statement = select(HoldRow).where(col(HoldRow.hold_id) == hold_id)
        if for_update:  # re-read: the row may have changed since this session first loaded it
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def claim_due_hold(self, hold_id: str, *, now: datetime) -> DueHold | None:
        """The hold falling due now, in one statement: released (``released_at`` now) unless a
        refund of its order is open, then frozen (``frozen_at``, kept if set before); None if it
        is unknown or released already. The caller holds the order's lock, taken in an earlier
        statement so that this one's snapshot sees every refund opened before it."""
        row = (await self.session.execute(_CLAIM_DUE_HOLD, {"hold_id": hold_id, "now": now})).first()
        if row is None:
            return None
        expire_loaded(self.session, HoldRow, [hold_id])
        return DueHold(
            hold_id=row.hold_id,
            merchant_id=row.merchant_id,
            order_id=row.order_id,
            amount_minor=row.amount_minor,
            reversed_minor=row.reversed_minor,
            policy_version=row.policy_version,
            signed_off_at=row.signed_off_at,
            frozen_at=row.frozen_at,
            currency=row.currency or "CNY",
            refund_open=row.refund_open,
        )

    async def release_facts(self, merchant_id: str) -> ReleaseFacts:
        """``release_facts_of`` for one merchant."""
        return (await self.release_facts_of([merchant_id]))[merchant_id]

    async def release_facts_of(self, merchant_ids: Sequence[str]) -> dict[str, ReleaseFacts]:
        """What releases and the merchants' automatic applications depend on, in one query: the
        policy versions, available and negative balances, the most recently verified account,
        whether it was paid to before, a risk flag, a webhook endpoint. The caller holds the
        merchants' locks: only their own movements can take from available until it commits."""
        merchants = sorted(set(merchant_ids))
        rows = await self.session.execute(
            _RELEASE_FACTS,
            {
                "merchants": merchants,
                "available": [merchant_account(m, MerchantAccount.AVAILABLE) for m in merchants],
                "negative": [merchant_account(m, MerchantAccount.NEGATIVE_BALANCE) for m in merchants],
            },
        )
        return {
            row.merchant_id: ReleaseFacts(
                policies=policy_versions_from_json(row.merchant_id, row.policies),
                available_minor=row.available_minor or 0,
                negative_balance_minor=row.negative_balance_minor or 0,
                bank_account_id=row.bank_account_id,
                paid_to_account_before=bool(row.paid_before),
                risk_flagged=row.risk_flagged,
                has_webhook_endpoint=row.has_webhook_endpoint,
            )
            for row in rows
        }

    async def holds_of_order(self, order_id: str) -> list[HoldRow]:
        rows = await self.session.execute(
            select(HoldRow).where(col(HoldRow.order_id) == order_id).order_by(col(HoldRow.release_at))
        )
        return list(rows.scalars())

    async def unreleased_holds(self, order_id: str) -> list[HoldRow]:
        """The order's holds still in pending, locked, latest release first."""
        rows = await self.session.execute(
            select(HoldRow)
            .where(col(HoldRow.order_id) == order_id, col(HoldRow.released_at).is_(None))
            .order_by(col(HoldRow.release_at).desc(), col(HoldRow.hold_id))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(rows.scalars())

    async def holds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[HoldRow]:
        statement = select(HoldRow).where(col(HoldRow.merchant_id) == merchant_id)
        if order_id is not None:
            statement = statement.where(col(HoldRow.order_id) == order_id)
        return list((await self.session.execute(statement.order_by(col(HoldRow.release_at)))).scalars())


_ADD_HOLDS = text(
    """
    insert into holds (hold_id, merchant_id, order_id, shipment_id, amount_minor, policy_version, signed_off_at,
                       release_at, released_at)
    select h.hold_id, h.merchant_id, h.order_id, h.shipment_id, h.amount_minor, h.policy_version, h.signed_off_at,
           h.release_at, h.released_at
    from jsonb_to_recordset(cast(:rows as jsonb)) as h(
        hold_id text, merchant_id text, order_id text, shipment_id text, amount_minor bigint, policy_version integer,
        signed_off_at timestamptz, release_at timestamptz, released_at timestamptz)
    order by h.hold_id
    """
)


_CLAIM_DUE_HOLD = text(
    """
    update holds h
    set released_at = case when facts.refund_open then null else cast(:now as timestamptz) end,
        frozen_at = case when facts.refund_open then coalesce(h.frozen_at, cast(:now as timestamptz)) else h.frozen_at end
    from (
        select held.hold_id,
               exists(select 1 from settlement_refunds r where r.order_id = held.order_id and r.status = 'open')
                   as refund_open,
               (select o.currency from settlement_orders o where o.order_id = held.order_id) as currency
        from holds held where held.hold_id = :hold_id
    ) facts
    where h.hold_id = facts.hold_id and h.released_at is null
    returning h.hold_id, h.merchant_id, h.order_id, h.amount_minor, h.reversed_minor, h.policy_version,
              h.signed_off_at, h.frozen_at, facts.currency, facts.refund_open
    """
)


_RELEASE_FACTS = text(
    """
    select
        m.merchant_id,
        (select coalesce(json_agg(json_build_object('version', p.version, 'effective_from', p.effective_from,
                                                    'policy', p.policy) order by p.version desc), '[]')
         from merchant_policies p where p.merchant_id = m.merchant_id) as policies,
        (select b.balance_minor from account_balances b where b.account_id = m.available) as available_minor,
        (select b.balance_minor from account_balances b where b.account_id = m.negative) as negative_balance_minor,
        account.bank_account_id,
        exists(select 1 from settlement_applications a
               where a.bank_account_id = account.bank_account_id and a.status = 'paid') as paid_before,
        exists(select 1 from merchant_flags f where f.merchant_id = m.merchant_id) as risk_flagged,
        exists(select 1 from merchant_webhook_endpoints e where e.merchant_id = m.merchant_id) as has_webhook_endpoint
    from unnest(cast(:merchants as text[]), cast(:available as text[]), cast(:negative as text[]))
        as m(merchant_id, available, negative)
    left join lateral (
        select bank_account_id from bank_accounts
        where merchant_id = m.merchant_id and status = 'verified'
        order by verified_at desc limit 1
    ) account on true
    """
).columns(policies=JSONB)
