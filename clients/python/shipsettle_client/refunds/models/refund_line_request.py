from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RefundLineRequest")


@_attrs_define
class RefundLineRequest:
    """
    Attributes:
        line_id (str):
        units (int):
    """

    line_id: str
    units: int

    def to_dict(self) -> dict[str, Any]:
        line_id = self.line_id

        units = self.units

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "line_id": line_id,
                "units": units,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        line_id = d.pop("line_id")

        units = d.pop("units")

        refund_line_request = cls(
            line_id=line_id,
            units=units,
        )

        return refund_line_request
