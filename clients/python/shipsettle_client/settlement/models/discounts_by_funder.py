from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DiscountsByFunder")


@_attrs_define
class DiscountsByFunder:
    """
    Attributes:
        merchant (int | None):
        platform (int | None):
    """

    merchant: int | None
    platform: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        merchant: int | None
        merchant = self.merchant

        platform: int | None
        platform = self.platform

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "merchant": merchant,
                "platform": platform,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_merchant(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        merchant = _parse_merchant(d.pop("merchant"))

        def _parse_platform(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        platform = _parse_platform(d.pop("platform"))

        discounts_by_funder = cls(
            merchant=merchant,
            platform=platform,
        )

        discounts_by_funder.additional_properties = d
        return discounts_by_funder

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
