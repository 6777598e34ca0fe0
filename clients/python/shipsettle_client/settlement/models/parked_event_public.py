from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ParkedEventPublic")


@_attrs_define
class ParkedEventPublic:
    """
    Attributes:
        event_type (str):
        order_id (None | str):
        parked_at (datetime.datetime):
        reason (str):
    """

    event_type: str
    order_id: None | str
    parked_at: datetime.datetime
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type

        order_id: None | str
        order_id = self.order_id

        parked_at = self.parked_at.isoformat()

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_type": event_type,
                "order_id": order_id,
                "parked_at": parked_at,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_type = d.pop("event_type")

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        parked_at = datetime.datetime.fromisoformat(d.pop("parked_at"))

        reason = d.pop("reason")

        parked_event_public = cls(
            event_type=event_type,
            order_id=order_id,
            parked_at=parked_at,
            reason=reason,
        )

        parked_event_public.additional_properties = d
        return parked_event_public

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
