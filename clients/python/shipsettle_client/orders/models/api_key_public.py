from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="ApiKeyPublic")


@_attrs_define
class ApiKeyPublic:
    """
    Attributes:
        carrier_code (None | str):
        created_at (datetime.datetime):
        key_id (str):
        label (str):
        merchant_id (None | str):
        revoked_at (datetime.datetime | None):
        role (Role):
    """

    carrier_code: None | str
    created_at: datetime.datetime
    key_id: str
    label: str
    merchant_id: None | str
    revoked_at: datetime.datetime | None
    role: Role
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_code: None | str
        carrier_code = self.carrier_code

        created_at = self.created_at.isoformat()

        key_id = self.key_id

        label = self.label

        merchant_id: None | str
        merchant_id = self.merchant_id

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_code": carrier_code,
                "created_at": created_at,
                "key_id": key_id,
                "label": label,
                "merchant_id": merchant_id,
                "revoked_at": revoked_at,
                "role": role,
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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        key_id = d.pop("key_id")

        label = d.pop("label")

        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))

        role = Role(d.pop("role"))

        api_key_public = cls(
            carrier_code=carrier_code,
            created_at=created_at,
            key_id=key_id,
            label=label,
            merchant_id=merchant_id,
            revoked_at=revoked_at,
            role=role,
        )

        api_key_public.additional_properties = d
        return api_key_public

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
