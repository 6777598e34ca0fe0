from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ParcelLine")


@_attrs_define
class ParcelLine:
    """
    Attributes:
        line_id (str):
        quantity (int):
    """

    line_id: str
    quantity: int

    def to_dict(self) -> dict[str, Any]:
        line_id = self.line_id

        quantity = self.quantity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "line_id": line_id,
                "quantity": quantity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        line_id = d.pop("line_id")

        quantity = d.pop("quantity")

        parcel_line = cls(
            line_id=line_id,
            quantity=quantity,
        )

        return parcel_line
