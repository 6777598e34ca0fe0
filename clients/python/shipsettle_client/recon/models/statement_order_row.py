from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StatementOrderRow")


@_attrs_define
class StatementOrderRow:
    """
    Attributes:
        adjustments_minor (int):
        commissions_minor (int):
        net_minor (int):
        order_id (str):
        orders_minor (int):
        refunds_minor (int):
        subsidies_minor (int):
    """

    adjustments_minor: int
    commissions_minor: int
    net_minor: int
    order_id: str
    orders_minor: int
    refunds_minor: int
    subsidies_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        adjustments_minor = self.adjustments_minor

        commissions_minor = self.commissions_minor

        net_minor = self.net_minor

        order_id = self.order_id

        orders_minor = self.orders_minor

        refunds_minor = self.refunds_minor

        subsidies_minor = self.subsidies_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "adjustments_minor": adjustments_minor,
                "commissions_minor": commissions_minor,
                "net_minor": net_minor,
                "order_id": order_id,
                "orders_minor": orders_minor,
                "refunds_minor": refunds_minor,
                "subsidies_minor": subsidies_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        adjustments_minor = d.pop("adjustments_minor")

        commissions_minor = d.pop("commissions_minor")

        net_minor = d.pop("net_minor")

        order_id = d.pop("order_id")

        orders_minor = d.pop("orders_minor")

        refunds_minor = d.pop("refunds_minor")

        subsidies_minor = d.pop("subsidies_minor")

        statement_order_row = cls(
            adjustments_minor=adjustments_minor,
            commissions_minor=commissions_minor,
            net_minor=net_minor,
            order_id=order_id,
            orders_minor=orders_minor,
            refunds_minor=refunds_minor,
            subsidies_minor=subsidies_minor,
        )

        statement_order_row.additional_properties = d
        return statement_order_row

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
