from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_settlement_state import OrderSettlementState


T = TypeVar("T", bound="SettlementStates")


@_attrs_define
class SettlementStates:
    """
    Attributes:
        allocation_rule (str): how released order amounts are assigned to settlement applications (first in, first out)
        merchant_id (str):
        orders (list[OrderSettlementState]):
    """

    allocation_rule: str
    merchant_id: str
    orders: list[OrderSettlementState]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation_rule = self.allocation_rule

        merchant_id = self.merchant_id

        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_rule": allocation_rule,
                "merchant_id": merchant_id,
                "orders": orders,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_settlement_state import OrderSettlementState  # noqa: PLC0415

        d = dict(src_dict)
        allocation_rule = d.pop("allocation_rule")

        merchant_id = d.pop("merchant_id")

        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = OrderSettlementState.from_dict(orders_item_data)

            orders.append(orders_item)

        settlement_states = cls(
            allocation_rule=allocation_rule,
            merchant_id=merchant_id,
            orders=orders,
        )

        settlement_states.additional_properties = d
        return settlement_states

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
