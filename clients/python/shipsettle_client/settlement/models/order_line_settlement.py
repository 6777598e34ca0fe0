from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OrderLineSettlement")


@_attrs_define
class OrderLineSettlement:
    """
    Attributes:
        quantity (int):
        units_refunded (int):
        units_signed_off (int):
    """

    quantity: int
    units_refunded: int
    units_signed_off: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        quantity = self.quantity

        units_refunded = self.units_refunded

        units_signed_off = self.units_signed_off

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "quantity": quantity,
                "units_refunded": units_refunded,
                "units_signed_off": units_signed_off,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        quantity = d.pop("quantity")

        units_refunded = d.pop("units_refunded")

        units_signed_off = d.pop("units_signed_off")

        order_line_settlement = cls(
            quantity=quantity,
            units_refunded=units_refunded,
            units_signed_off=units_signed_off,
        )

        order_line_settlement.additional_properties = d
        return order_line_settlement

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
