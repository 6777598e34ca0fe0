"""Merchants' settlement policies in PostgreSQL: versions, each in force from its time on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.tables import (
    MerchantPolicyRow,
)
from settlement_svc.domain.policies import MerchantPolicy, PolicyVersion, SettlementCycle
from shipsettle_shared.db import any_of


class PolicyRepository:
    """Merchant policy versions (a new version per change, never an update)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def policy(self, merchant_id: str, at: datetime) -> MerchantPolicy:
        row = (
            await self.session.execute(
                select(MerchantPolicyRow)
                .where(col(MerchantPolicyRow.merchant_id) == merchant_id, col(MerchantPolicyRow.effective_from) <= at)
                .order_by(col(MerchantPolicyRow.version).desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if row is None:
            return MerchantPolicy(merchant_id=merchant_id)
        return policy_from_json(merchant_id, row.version, row.policy)

    async def policy_versions(self, merchant_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        """Every stored version of the merchants' policies, newest first, in one query; pick the
        one in force at a time with ``policy_in_force``."""
        rows = await self.session.execute(
            select(MerchantPolicyRow)
            .where(any_of(col(MerchantPolicyRow.merchant_id), sorted(set(merchant_ids))))
            .order_by(col(MerchantPolicyRow.merchant_id), col(MerchantPolicyRow.version).desc())
        )
        versions: dict[str, list[PolicyVersion]] = {}
        for row in rows.scalars():
            versions.setdefault(row.merchant_id, []).append(
                PolicyVersion(row.effective_from, policy_from_json(row.merchant_id, row.version, row.policy))
            )
        return versions

    async def add_policy(self, policy: MerchantPolicy, *, by: str, now: datetime) -> MerchantPolicy:
        latest = await self.session.scalar(
            select(func.max(col(MerchantPolicyRow.version))).where(
                col(MerchantPolicyRow.merchant_id) == policy.merchant_id
            )
        )
        version = (latest or 0) + 1
        self.session.add(
            MerchantPolicyRow(
                merchant_id=policy.merchant_id,
                version=version,
                policy=policy_to_json(policy),
                effective_from=now,
                created_by=by,
            )
        )
        await self.session.flush()
        return policy_from_json(policy.merchant_id, version, policy_to_json(policy))


def policy_versions_from_json(merchant_id: str, versions: Sequence[Mapping[str, Any]]) -> list[PolicyVersion]:
    """A merchant's policy versions from their JSON form in a query (newest first, as built there)."""
    return [
        PolicyVersion(
            datetime.fromisoformat(version["effective_from"]),
            policy_from_json(merchant_id, version["version"], version["policy"]),
        )
        for version in versions
    ]


def policy_to_json(policy: MerchantPolicy) -> dict[str, Any]:
    document = asdict(policy)
    document.pop("merchant_id")
    document.pop("version")
    document["cycle"] = policy.cycle.value
    return document


def policy_from_json(merchant_id: str, version: int, document: dict[str, Any]) -> MerchantPolicy:
    return MerchantPolicy(
        merchant_id=merchant_id, version=version, **{**document, "cycle": SettlementCycle(document["cycle"])}
    )
