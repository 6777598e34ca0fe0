from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LineRequest")


@_attrs_define
class LineRequest:
    """
    Attributes:
        category (str):
        line_id (str):
        name (str):
        quantity (int): 1 to 10000
        sku (str):
        unit_price (str): tax-inclusive, decimal string in the order currency, e.g. '128.00'
        vat_rate (str): one of 0.13, 0.09, 0.06, 0
        spec (str | Unset): 规格, e.g. '500g / 罐装' Default: ''.
    """

    category: str
    line_id: str
    name: str
    quantity: int
    sku: str
    unit_price: str
    vat_rate: str
    spec: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        line_id = self.line_id

        name = self.name

        quantity = self.quantity

        sku = self.sku

        unit_price = self.unit_price

        vat_rate = self.vat_rate

        spec = self.spec

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "line_id": line_id,
                "name": name,
                "quantity": quantity,
                "sku": sku,
                "unit_price": unit_price,
                "vat_rate": vat_rate,
            }
        )
        if spec is not UNSET:
            field_dict["spec"] = spec

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

        line_id = d.pop("line_id")

        name = d.pop("name")

        quantity = d.pop("quantity")

        sku = d.pop("sku")

        unit_price = d.pop("unit_price")

        vat_rate = d.pop("vat_rate")

        spec = d.pop("spec", UNSET)

        line_request = cls(
            category=category,
            line_id=line_id,
            name=name,
            quantity=quantity,
            sku=sku,
            unit_price=unit_price,
            vat_rate=vat_rate,
            spec=spec,
        )

        return line_request
