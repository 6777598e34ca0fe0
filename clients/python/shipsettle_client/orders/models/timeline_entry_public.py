from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.timeline_entry_public_details import TimelineEntryPublicDetails


T = TypeVar("T", bound="TimelineEntryPublic")


@_attrs_define
class TimelineEntryPublic:
    """
    Attributes:
        details (TimelineEntryPublicDetails):
        event_id (str):
        event_type (str):
        occurred_at (datetime.datetime):
        producer (str):
        summary (str):
    """

    details: TimelineEntryPublicDetails
    event_id: str
    event_type: str
    occurred_at: datetime.datetime
    producer: str
    summary: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        details = self.details.to_dict()

        event_id = self.event_id

        event_type = self.event_type

        occurred_at = self.occurred_at.isoformat()

        producer = self.producer

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "details": details,
                "event_id": event_id,
                "event_type": event_type,
                "occurred_at": occurred_at,
                "producer": producer,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeline_entry_public_details import TimelineEntryPublicDetails  # noqa: PLC0415

        d = dict(src_dict)
        details = TimelineEntryPublicDetails.from_dict(d.pop("details"))

        event_id = d.pop("event_id")

        event_type = d.pop("event_type")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        producer = d.pop("producer")

        summary = d.pop("summary")

        timeline_entry_public = cls(
            details=details,
            event_id=event_id,
            event_type=event_type,
            occurred_at=occurred_at,
            producer=producer,
            summary=summary,
        )

        timeline_entry_public.additional_properties = d
        return timeline_entry_public

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
