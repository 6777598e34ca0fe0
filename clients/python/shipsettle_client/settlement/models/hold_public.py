from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HoldPublic")


@_attrs_define
class HoldPublic:
    """
    Attributes:
        amount_minor (int):
        frozen_at (datetime.datetime | None):
        hold_id (str):
        policy_version (int):
        release_at (datetime.datetime):
        released_at (datetime.datetime | None):
        reversed_minor (int):
        shipment_id (str):
    """

    amount_minor: int
    frozen_at: datetime.datetime | None
    hold_id: str
    policy_version: int
    release_at: datetime.datetime
    released_at: datetime.datetime | None
    reversed_minor: int
    shipment_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        frozen_at: None | str
        if isinstance(self.frozen_at, datetime.datetime):
            frozen_at = self.frozen_at.isoformat()
        else:
            frozen_at = self.frozen_at

        hold_id = self.hold_id

        policy_version = self.policy_version

        release_at = self.release_at.isoformat()

        released_at: None | str
        if isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        reversed_minor = self.reversed_minor

        shipment_id = self.shipment_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "frozen_at": frozen_at,
                "hold_id": hold_id,
                "policy_version": policy_version,
                "release_at": release_at,
                "released_at": released_at,
                "reversed_minor": reversed_minor,
                "shipment_id": shipment_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        def _parse_frozen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                frozen_at_type_0 = datetime.datetime.fromisoformat(data)

                return frozen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        frozen_at = _parse_frozen_at(d.pop("frozen_at"))

        hold_id = d.pop("hold_id")

        policy_version = d.pop("policy_version")

        release_at = datetime.datetime.fromisoformat(d.pop("release_at"))

        def _parse_released_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        released_at = _parse_released_at(d.pop("released_at"))

        reversed_minor = d.pop("reversed_minor")

        shipment_id = d.pop("shipment_id")

        hold_public = cls(
            amount_minor=amount_minor,
            frozen_at=frozen_at,
            hold_id=hold_id,
            policy_version=policy_version,
            release_at=release_at,
            released_at=released_at,
            reversed_minor=reversed_minor,
            shipment_id=shipment_id,
        )

        hold_public.additional_properties = d
        return hold_public

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
