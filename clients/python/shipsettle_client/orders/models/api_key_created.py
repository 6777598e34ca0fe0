from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="ApiKeyCreated")


@_attrs_define
class ApiKeyCreated:
    """
    Attributes:
        api_key (str): Shown once; ShipSettle keeps only its hash
        carrier_code (None | str):
        key_id (str):
        merchant_id (None | str):
        role (Role):
    """

    api_key: str
    carrier_code: None | str
    key_id: str
    merchant_id: None | str
    role: Role
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_key = self.api_key

        carrier_code: None | str
        carrier_code = self.carrier_code

        key_id = self.key_id

        merchant_id: None | str
        merchant_id = self.merchant_id

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "api_key": api_key,
                "carrier_code": carrier_code,
                "key_id": key_id,
                "merchant_id": merchant_id,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        api_key = d.pop("api_key")

        def _parse_carrier_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        carrier_code = _parse_carrier_code(d.pop("carrier_code"))

        key_id = d.pop("key_id")

        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))

        role = Role(d.pop("role"))

        api_key_created = cls(
            api_key=api_key,
            carrier_code=carrier_code,
            key_id=key_id,
            merchant_id=merchant_id,
            role=role,
        )

        api_key_created.additional_properties = d
        return api_key_created

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
