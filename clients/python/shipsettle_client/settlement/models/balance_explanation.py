from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.balance_explanation_balances_minor import (
        BalanceExplanationBalancesMinor,
    )
    from ..models.balance_explanation_orders import BalanceExplanationOrders
    from ..models.clawback_deduction import ClawbackDeduction
    from ..models.refund_movement import RefundMovement


T = TypeVar("T", bound="BalanceExplanation")


@_attrs_define
class BalanceExplanation:
    """
    Attributes:
        balances_minor (BalanceExplanationBalancesMinor):
        clawback_deductions (list[ClawbackDeduction]):
        merchant_id (str):
        orders (BalanceExplanationOrders): by order id; not_order_specific for the rest
        reconciles (bool): the groups' per-account sums equal the balances
        refunds (list[RefundMovement]):
    """

    balances_minor: BalanceExplanationBalancesMinor
    clawback_deductions: list[ClawbackDeduction]
    merchant_id: str
    orders: BalanceExplanationOrders
    reconciles: bool
    refunds: list[RefundMovement]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        balances_minor = self.balances_minor.to_dict()

        clawback_deductions = []
        for clawback_deductions_item_data in self.clawback_deductions:
            clawback_deductions_item = clawback_deductions_item_data.to_dict()
            clawback_deductions.append(clawback_deductions_item)

        merchant_id = self.merchant_id

        orders = self.orders.to_dict()

        reconciles = self.reconciles

        refunds = []
        for refunds_item_data in self.refunds:
            refunds_item = refunds_item_data.to_dict()
            refunds.append(refunds_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "balances_minor": balances_minor,
                "clawback_deductions": clawback_deductions,
                "merchant_id": merchant_id,
                "orders": orders,
                "reconciles": reconciles,
                "refunds": refunds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_explanation_balances_minor import (
            BalanceExplanationBalancesMinor,  # noqa: PLC0415
        )
        from ..models.balance_explanation_orders import BalanceExplanationOrders  # noqa: PLC0415
        from ..models.clawback_deduction import ClawbackDeduction  # noqa: PLC0415
        from ..models.refund_movement import RefundMovement  # noqa: PLC0415

        d = dict(src_dict)
        balances_minor = BalanceExplanationBalancesMinor.from_dict(d.pop("balances_minor"))

        clawback_deductions = []
        _clawback_deductions = d.pop("clawback_deductions")
        for clawback_deductions_item_data in _clawback_deductions:
            clawback_deductions_item = ClawbackDeduction.from_dict(clawback_deductions_item_data)

            clawback_deductions.append(clawback_deductions_item)

        merchant_id = d.pop("merchant_id")

        orders = BalanceExplanationOrders.from_dict(d.pop("orders"))

        reconciles = d.pop("reconciles")

        refunds = []
        _refunds = d.pop("refunds")
        for refunds_item_data in _refunds:
            refunds_item = RefundMovement.from_dict(refunds_item_data)

            refunds.append(refunds_item)

        balance_explanation = cls(
            balances_minor=balances_minor,
            clawback_deductions=clawback_deductions,
            merchant_id=merchant_id,
            orders=orders,
            reconciles=reconciles,
            refunds=refunds,
        )

        balance_explanation.additional_properties = d
        return balance_explanation

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
