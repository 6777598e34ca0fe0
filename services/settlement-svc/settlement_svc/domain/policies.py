"""Merchant settlement policies: hold, cycle, minimum payout, rolling reserve, commission.

A policy has versions. The version in force at sign-off is recorded with the booking, and the
release date is computed then: a later policy change moves nothing already booked (never
retroactive).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from enum import StrEnum

from shipsettle_shared.money import round_half_up_div

BASIS_POINTS = 10_000
CHINA_TIME = timezone(timedelta(hours=8))  # settlement days are calendar days in China


class SettlementCycle(StrEnum):
    DAILY = "daily"  # T+N: available N days after sign-off
    WEEKLY = "weekly"  # after T+N, on the next Monday 00:00 China time
    MONTHLY = "monthly"  # after T+N, on the next 1st of the month 00:00 China time


@dataclass(frozen=True)
class MerchantPolicy:
    merchant_id: str
    version: int = 0  # 0 = the platform default, never stored
    hold_days: int = 7
    cycle: SettlementCycle = SettlementCycle.DAILY
    min_payout_minor: int = 100  # ¥1.00
    reserve_bp: int = 0  # share of each release kept back as a rolling reserve
    reserve_days: int = 90
    default_commission_bp: int = 500  # 5%
    commission_bp_by_category: dict[str, int] = field(default_factory=dict)
    auto_apply: bool = False  # apply for payout automatically when funds become available

    def __post_init__(self) -> None:
        problems = []
        if not 0 <= self.hold_days <= 90:
            problems.append("hold_days must be 0 to 90")
        if not 0 <= self.reserve_bp < BASIS_POINTS:
            problems.append("reserve_bp must be 0 to 9999")
        if not 0 <= self.default_commission_bp < BASIS_POINTS or any(
            not 0 <= rate < BASIS_POINTS for rate in self.commission_bp_by_category.values()
        ):
            problems.append("commission rates must be 0 to 9999 basis points")
        if self.min_payout_minor < 0 or self.reserve_days < 0:
            problems.append("amounts and days must not be negative")
        if problems:
            raise ValueError("; ".join(problems))

    def commission_bp(self, category: str) -> int:
        return self.commission_bp_by_category.get(category, self.default_commission_bp)

    def commission_minor(self, bases_by_category: list[tuple[str, int]]) -> int:
        """Commission on the bases (line amounts after merchant-funded discounts), rounded half
        up once for the whole booking (SPEC: per order)."""
        numerator = sum(base * self.commission_bp(category) for category, base in bases_by_category)
        return round_half_up_div(numerator, BASIS_POINTS)

    def release_at(self, signed_off_at: datetime) -> datetime:
        """When funds signed off at ``signed_off_at`` become available."""
        after_hold = signed_off_at + timedelta(days=self.hold_days)
        if self.cycle is SettlementCycle.DAILY:
            return after_hold
        local = after_hold.astimezone(CHINA_TIME)
        if self.cycle is SettlementCycle.WEEKLY:
            days_ahead = (7 - local.weekday()) % 7 or 7  # next Monday, strictly after
            boundary = datetime.combine(local.date() + timedelta(days=days_ahead), time(0), CHINA_TIME)
        else:
            first_next = (local.replace(day=1) + timedelta(days=32)).replace(day=1)
            boundary = datetime.combine(first_next.date(), time(0), CHINA_TIME)
        return boundary.astimezone(UTC)

    def reserve_minor(self, released_minor: int) -> int:
        return round_half_up_div(released_minor * self.reserve_bp, BASIS_POINTS) if released_minor > 0 else 0


@dataclass(frozen=True)
class PolicyVersion:
    effective_from: datetime
    policy: MerchantPolicy


def policy_in_force(versions: Sequence[PolicyVersion], merchant_id: str, at: datetime) -> MerchantPolicy:
    """The newest version in force at ``at`` (``versions`` newest first), else the platform
    default: what the policy store's ``policy`` answers, without a query."""
    for version in versions:
        if version.effective_from <= at:
            return version.policy
    return MerchantPolicy(merchant_id=merchant_id)
