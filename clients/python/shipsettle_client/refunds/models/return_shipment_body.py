from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReturnShipmentBody")


@_attrs_define
class ReturnShipmentBody:
    """
    Attributes:
        carrier_code (str): a carrier code logistics-svc knows, e.g. SF
        tracking_number (str):
    """

    carrier_code: str
    tracking_number: str

    def to_dict(self) -> dict[str, Any]:
        carrier_code = self.carrier_code

        tracking_number = self.tracking_number

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "carrier_code": carrier_code,
                "tracking_number": tracking_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        carrier_code = d.pop("carrier_code")

        tracking_number = d.pop("tracking_number")

        return_shipment_body = cls(
            carrier_code=carrier_code,
            tracking_number=tracking_number,
        )

        return return_shipment_body
