from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.settlement_cycle import SettlementCycle

if TYPE_CHECKING:
    from ..models.policy_public_commission_bp_by_category import (
        PolicyPublicCommissionBpByCategory,
    )


T = TypeVar("T", bound="PolicyPublic")


@_attrs_define
class PolicyPublic:
    """
    Attributes:
        auto_apply (bool):
        commission_bp_by_category (PolicyPublicCommissionBpByCategory):
        cycle (SettlementCycle):
        default_commission_bp (int):
        hold_days (int):
        merchant_id (str):
        min_payout_minor (int):
        reserve_bp (int):
        reserve_days (int):
        version (int): 0: the platform default, never stored
    """

    auto_apply: bool
    commission_bp_by_category: PolicyPublicCommissionBpByCategory
    cycle: SettlementCycle
    default_commission_bp: int
    hold_days: int
    merchant_id: str
    min_payout_minor: int
    reserve_bp: int
    reserve_days: int
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auto_apply = self.auto_apply

        commission_bp_by_category = self.commission_bp_by_category.to_dict()

        cycle = self.cycle.value

        default_commission_bp = self.default_commission_bp

        hold_days = self.hold_days

        merchant_id = self.merchant_id

        min_payout_minor = self.min_payout_minor

        reserve_bp = self.reserve_bp

        reserve_days = self.reserve_days

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auto_apply": auto_apply,
                "commission_bp_by_category": commission_bp_by_category,
                "cycle": cycle,
                "default_commission_bp": default_commission_bp,
                "hold_days": hold_days,
                "merchant_id": merchant_id,
                "min_payout_minor": min_payout_minor,
                "reserve_bp": reserve_bp,
                "reserve_days": reserve_days,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_public_commission_bp_by_category import (
            PolicyPublicCommissionBpByCategory,  # noqa: PLC0415
        )

        d = dict(src_dict)
        auto_apply = d.pop("auto_apply")

        commission_bp_by_category = PolicyPublicCommissionBpByCategory.from_dict(d.pop("commission_bp_by_category"))

        cycle = SettlementCycle(d.pop("cycle"))

        default_commission_bp = d.pop("default_commission_bp")

        hold_days = d.pop("hold_days")

        merchant_id = d.pop("merchant_id")

        min_payout_minor = d.pop("min_payout_minor")

        reserve_bp = d.pop("reserve_bp")

        reserve_days = d.pop("reserve_days")

        version = d.pop("version")

        policy_public = cls(
            auto_apply=auto_apply,
            commission_bp_by_category=commission_bp_by_category,
            cycle=cycle,
            default_commission_bp=default_commission_bp,
            hold_days=hold_days,
            merchant_id=merchant_id,
            min_payout_minor=min_payout_minor,
            reserve_bp=reserve_bp,
            reserve_days=reserve_days,
            version=version,
        )

        policy_public.additional_properties = d
        return policy_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
