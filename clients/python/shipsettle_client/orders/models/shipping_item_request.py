from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ShippingItemRequest")


@_attrs_define
class ShippingItemRequest:
    """
    Attributes:
        line_id (str):
        quantity (int):
        spec (str | Unset):  Default: ''.
    """

    line_id: str
    quantity: int
    spec: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        line_id = self.line_id

        quantity = self.quantity

        spec = self.spec

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "line_id": line_id,
                "quantity": quantity,
            }
        )
        if spec is not UNSET:
            field_dict["spec"] = spec

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        line_id = d.pop("line_id")

        quantity = d.pop("quantity")

        spec = d.pop("spec", UNSET)

        shipping_item_request = cls(
            line_id=line_id,
            quantity=quantity,
            spec=spec,
        )

        return shipping_item_request
