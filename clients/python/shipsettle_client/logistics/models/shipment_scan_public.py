from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tracking_status import TrackingStatus

T = TypeVar("T", bound="ShipmentScanPublic")


@_attrs_define
class ShipmentScanPublic:
    """
    Attributes:
        counts (bool): false: dated before the dispatch, about an earlier parcel under the number
        description (str):
        location (str):
        occurred_at (datetime.datetime):
        raw_status (str): the carrier's or aggregator's own status code
        status (TrackingStatus):
    """

    counts: bool
    description: str
    location: str
    occurred_at: datetime.datetime
    raw_status: str
    status: TrackingStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts

        description = self.description

        location = self.location

        occurred_at = self.occurred_at.isoformat()

        raw_status = self.raw_status

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "counts": counts,
                "description": description,
                "location": location,
                "occurred_at": occurred_at,
                "raw_status": raw_status,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        counts = d.pop("counts")

        description = d.pop("description")

        location = d.pop("location")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        raw_status = d.pop("raw_status")

        status = TrackingStatus(d.pop("status"))

        shipment_scan_public = cls(
            counts=counts,
            description=description,
            location=location,
            occurred_at=occurred_at,
            raw_status=raw_status,
            status=status,
        )

        shipment_scan_public.additional_properties = d
        return shipment_scan_public

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
