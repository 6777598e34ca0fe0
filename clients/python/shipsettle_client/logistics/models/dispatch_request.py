from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.parcel_line import ParcelLine


T = TypeVar("T", bound="DispatchRequest")


@_attrs_define
class DispatchRequest:
    """
    Attributes:
        carrier_code (str):
        lines (list[ParcelLine]): the order lines and quantities in this parcel
        order_id (str):
        tracking_number (str): 物流单号, checked against the carrier's format
    """

    carrier_code: str
    lines: list[ParcelLine]
    order_id: str
    tracking_number: str

    def to_dict(self) -> dict[str, Any]:
        carrier_code = self.carrier_code

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        order_id = self.order_id

        tracking_number = self.tracking_number

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "carrier_code": carrier_code,
                "lines": lines,
                "order_id": order_id,
                "tracking_number": tracking_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.parcel_line import ParcelLine  # noqa: PLC0415

        d = dict(src_dict)
        carrier_code = d.pop("carrier_code")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = ParcelLine.from_dict(lines_item_data)

            lines.append(lines_item)

        order_id = d.pop("order_id")

        tracking_number = d.pop("tracking_number")

        dispatch_request = cls(
            carrier_code=carrier_code,
            lines=lines,
            order_id=order_id,
            tracking_number=tracking_number,
        )

        return dispatch_request
