from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.settlement_cycle import SettlementCycle
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.policy_request_commission_bp_by_category import (
        PolicyRequestCommissionBpByCategory,
    )


T = TypeVar("T", bound="PolicyRequest")


@_attrs_define
class PolicyRequest:
    """
    Attributes:
        auto_apply (bool | Unset):  Default: False.
        commission_bp_by_category (PolicyRequestCommissionBpByCategory | Unset):
        cycle (SettlementCycle | Unset):
        default_commission_bp (int | Unset):  Default: 500.
        hold_days (int | Unset): T+N: days after sign-off before funds are available Default: 7.
        min_payout_minor (int | Unset):  Default: 100.
        reserve_bp (int | Unset): rolling reserve, basis points of each release Default: 0.
        reserve_days (int | Unset):  Default: 90.
    """

    auto_apply: bool | Unset = False
    commission_bp_by_category: PolicyRequestCommissionBpByCategory | Unset = UNSET
    cycle: SettlementCycle | Unset = UNSET
    default_commission_bp: int | Unset = 500
    hold_days: int | Unset = 7
    min_payout_minor: int | Unset = 100
    reserve_bp: int | Unset = 0
    reserve_days: int | Unset = 90

    def to_dict(self) -> dict[str, Any]:
        auto_apply = self.auto_apply

        commission_bp_by_category: dict[str, Any] | Unset = UNSET
        if not isinstance(self.commission_bp_by_category, Unset):
            commission_bp_by_category = self.commission_bp_by_category.to_dict()

        cycle: str | Unset = UNSET
        if not isinstance(self.cycle, Unset):
            cycle = self.cycle.value

        default_commission_bp = self.default_commission_bp

        hold_days = self.hold_days

        min_payout_minor = self.min_payout_minor

        reserve_bp = self.reserve_bp

        reserve_days = self.reserve_days

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if auto_apply is not UNSET:
            field_dict["auto_apply"] = auto_apply
        if commission_bp_by_category is not UNSET:
            field_dict["commission_bp_by_category"] = commission_bp_by_category
        if cycle is not UNSET:
            field_dict["cycle"] = cycle
        if default_commission_bp is not UNSET:
            field_dict["default_commission_bp"] = default_commission_bp
        if hold_days is not UNSET:
            field_dict["hold_days"] = hold_days
        if min_payout_minor is not UNSET:
            field_dict["min_payout_minor"] = min_payout_minor
        if reserve_bp is not UNSET:
            field_dict["reserve_bp"] = reserve_bp
        if reserve_days is not UNSET:
            field_dict["reserve_days"] = reserve_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_request_commission_bp_by_category import (
            PolicyRequestCommissionBpByCategory,  # noqa: PLC0415
        )

        d = dict(src_dict)
        auto_apply = d.pop("auto_apply", UNSET)

        _commission_bp_by_category = d.pop("commission_bp_by_category", UNSET)
        commission_bp_by_category: PolicyRequestCommissionBpByCategory | Unset
        if isinstance(_commission_bp_by_category, Unset):
            commission_bp_by_category = UNSET
        else:
            commission_bp_by_category = PolicyRequestCommissionBpByCategory.from_dict(_commission_bp_by_category)

        _cycle = d.pop("cycle", UNSET)
        cycle: SettlementCycle | Unset
        if isinstance(_cycle, Unset):
            cycle = UNSET
        else:
            cycle = SettlementCycle(_cycle)

        default_commission_bp = d.pop("default_commission_bp", UNSET)

        hold_days = d.pop("hold_days", UNSET)

        min_payout_minor = d.pop("min_payout_minor", UNSET)

        reserve_bp = d.pop("reserve_bp", UNSET)

        reserve_days = d.pop("reserve_days", UNSET)

        policy_request = cls(
            auto_apply=auto_apply,
            commission_bp_by_category=commission_bp_by_category,
            cycle=cycle,
            default_commission_bp=default_commission_bp,
            hold_days=hold_days,
            min_payout_minor=min_payout_minor,
            reserve_bp=reserve_bp,
            reserve_days=reserve_days,
        )

        return policy_request
