from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.parked_scans_reason import ParkedScansReason

if TYPE_CHECKING:
    from ..models.scan_public import ScanPublic
    from ..models.shipment_holding_the_number import ShipmentHoldingTheNumber


T = TypeVar("T", bound="ParkedScans")


@_attrs_define
class ParkedScans:
    """
    Attributes:
        carrier_code (None | str): null: the aggregator named a carrier the registry does not know
        held_by_other_carriers (list[ShipmentHoldingTheNumber]):
        reason (ParkedScansReason):
        scans (list[ScanPublic]):
        sources (list[str]):
        tracking_number (str):
        vendor_carrier_codes (list[str]):
    """

    carrier_code: None | str
    held_by_other_carriers: list[ShipmentHoldingTheNumber]
    reason: ParkedScansReason
    scans: list[ScanPublic]
    sources: list[str]
    tracking_number: str
    vendor_carrier_codes: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_code: None | str
        carrier_code = self.carrier_code

        held_by_other_carriers = []
        for held_by_other_carriers_item_data in self.held_by_other_carriers:
            held_by_other_carriers_item = held_by_other_carriers_item_data.to_dict()
            held_by_other_carriers.append(held_by_other_carriers_item)

        reason = self.reason.value

        scans = []
        for scans_item_data in self.scans:
            scans_item = scans_item_data.to_dict()
            scans.append(scans_item)

        sources = self.sources

        tracking_number = self.tracking_number

        vendor_carrier_codes = self.vendor_carrier_codes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_code": carrier_code,
                "held_by_other_carriers": held_by_other_carriers,
                "reason": reason,
                "scans": scans,
                "sources": sources,
                "tracking_number": tracking_number,
                "vendor_carrier_codes": vendor_carrier_codes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scan_public import ScanPublic  # noqa: PLC0415
        from ..models.shipment_holding_the_number import ShipmentHoldingTheNumber  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_carrier_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        carrier_code = _parse_carrier_code(d.pop("carrier_code"))

        held_by_other_carriers = []
        _held_by_other_carriers = d.pop("held_by_other_carriers")
        for held_by_other_carriers_item_data in _held_by_other_carriers:
            held_by_other_carriers_item = ShipmentHoldingTheNumber.from_dict(held_by_other_carriers_item_data)

            held_by_other_carriers.append(held_by_other_carriers_item)

        reason = ParkedScansReason(d.pop("reason"))

        scans = []
        _scans = d.pop("scans")
        for scans_item_data in _scans:
            scans_item = ScanPublic.from_dict(scans_item_data)

            scans.append(scans_item)

        sources = cast(list[str], d.pop("sources"))

        tracking_number = d.pop("tracking_number")

        vendor_carrier_codes = cast(list[str], d.pop("vendor_carrier_codes"))

        parked_scans = cls(
            carrier_code=carrier_code,
            held_by_other_carriers=held_by_other_carriers,
            reason=reason,
            scans=scans,
            sources=sources,
            tracking_number=tracking_number,
            vendor_carrier_codes=vendor_carrier_codes,
        )

        parked_scans.additional_properties = d
        return parked_scans

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
