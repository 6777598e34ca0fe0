from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReturnShipmentPublic")


@_attrs_define
class ReturnShipmentPublic:
    """
    Attributes:
        carrier_code (None | str):
        return_shipment_id (str):
        tracking_number (None | str):
    """

    carrier_code: None | str
    return_shipment_id: str
    tracking_number: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_code: None | str
        carrier_code = self.carrier_code

        return_shipment_id = self.return_shipment_id

        tracking_number: None | str
        tracking_number = self.tracking_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_code": carrier_code,
                "return_shipment_id": return_shipment_id,
                "tracking_number": tracking_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_carrier_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        carrier_code = _parse_carrier_code(d.pop("carrier_code"))

        return_shipment_id = d.pop("return_shipment_id")

        def _parse_tracking_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tracking_number = _parse_tracking_number(d.pop("tracking_number"))

        return_shipment_public = cls(
            carrier_code=carrier_code,
            return_shipment_id=return_shipment_id,
            tracking_number=tracking_number,
        )

        return_shipment_public.additional_properties = d
        return return_shipment_public

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
