from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.delivery_attempt import DeliveryAttempt
    from ..models.notification_public_payload import NotificationPublicPayload


T = TypeVar("T", bound="NotificationPublic")


@_attrs_define
class NotificationPublic:
    """
    Attributes:
        attempts (list[DeliveryAttempt]):
        awaiting_endpoint_since (datetime.datetime | None):
        delivered_at (datetime.datetime | None):
        event_type (str):
        gave_up_at (datetime.datetime | None):
        notification_id (str):
        payload (NotificationPublicPayload): the notification's data as sent
    """

    attempts: list[DeliveryAttempt]
    awaiting_endpoint_since: datetime.datetime | None
    delivered_at: datetime.datetime | None
    event_type: str
    gave_up_at: datetime.datetime | None
    notification_id: str
    payload: NotificationPublicPayload
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        awaiting_endpoint_since: None | str
        if isinstance(self.awaiting_endpoint_since, datetime.datetime):
            awaiting_endpoint_since = self.awaiting_endpoint_since.isoformat()
        else:
            awaiting_endpoint_since = self.awaiting_endpoint_since

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        event_type = self.event_type

        gave_up_at: None | str
        if isinstance(self.gave_up_at, datetime.datetime):
            gave_up_at = self.gave_up_at.isoformat()
        else:
            gave_up_at = self.gave_up_at

        notification_id = self.notification_id

        payload = self.payload.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "awaiting_endpoint_since": awaiting_endpoint_since,
                "delivered_at": delivered_at,
                "event_type": event_type,
                "gave_up_at": gave_up_at,
                "notification_id": notification_id,
                "payload": payload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_attempt import DeliveryAttempt  # noqa: PLC0415
        from ..models.notification_public_payload import NotificationPublicPayload  # noqa: PLC0415

        d = dict(src_dict)
        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = DeliveryAttempt.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        def _parse_awaiting_endpoint_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                awaiting_endpoint_since_type_0 = datetime.datetime.fromisoformat(data)

                return awaiting_endpoint_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        awaiting_endpoint_since = _parse_awaiting_endpoint_since(d.pop("awaiting_endpoint_since"))

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        event_type = d.pop("event_type")

        def _parse_gave_up_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                gave_up_at_type_0 = datetime.datetime.fromisoformat(data)

                return gave_up_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        gave_up_at = _parse_gave_up_at(d.pop("gave_up_at"))

        notification_id = d.pop("notification_id")

        payload = NotificationPublicPayload.from_dict(d.pop("payload"))

        notification_public = cls(
            attempts=attempts,
            awaiting_endpoint_since=awaiting_endpoint_since,
            delivered_at=delivered_at,
            event_type=event_type,
            gave_up_at=gave_up_at,
            notification_id=notification_id,
            payload=payload,
        )

        notification_public.additional_properties = d
        return notification_public

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
