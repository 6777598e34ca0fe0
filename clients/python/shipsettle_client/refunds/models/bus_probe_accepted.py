from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BusProbeAccepted")


@_attrs_define
class BusProbeAccepted:
    """
    Attributes:
        event_id (str):
        probe_id (str):
        sent_at (datetime.datetime):
    """

    event_id: str
    probe_id: str
    sent_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        probe_id = self.probe_id

        sent_at = self.sent_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "probe_id": probe_id,
                "sent_at": sent_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_id = d.pop("event_id")

        probe_id = d.pop("probe_id")

        sent_at = datetime.datetime.fromisoformat(d.pop("sent_at"))

        bus_probe_accepted = cls(
            event_id=event_id,
            probe_id=probe_id,
            sent_at=sent_at,
        )

        bus_probe_accepted.additional_properties = d
        return bus_probe_accepted

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
