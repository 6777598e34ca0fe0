from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BusProbeReceipt")


@_attrs_define
class BusProbeReceipt:
    """
    Attributes:
        consumer (str):
        event_id (str):
        received_at (datetime.datetime):
        sent_at (datetime.datetime):
    """

    consumer: str
    event_id: str
    received_at: datetime.datetime
    sent_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consumer = self.consumer

        event_id = self.event_id

        received_at = self.received_at.isoformat()

        sent_at = self.sent_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consumer": consumer,
                "event_id": event_id,
                "received_at": received_at,
                "sent_at": sent_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consumer = d.pop("consumer")

        event_id = d.pop("event_id")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        sent_at = datetime.datetime.fromisoformat(d.pop("sent_at"))

        bus_probe_receipt = cls(
            consumer=consumer,
            event_id=event_id,
            received_at=received_at,
            sent_at=sent_at,
        )

        bus_probe_receipt.additional_properties = d
        return bus_probe_receipt

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
