from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QuoteLine")


@_attrs_define
class QuoteLine:
    """
    Attributes:
        commission_base_reversed_minor (int):
        line_id (str):
        paid_minor (int):
        platform_subsidy_reversed_minor (int):
        units (int):
    """

    commission_base_reversed_minor: int
    line_id: str
    paid_minor: int
    platform_subsidy_reversed_minor: int
    units: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        commission_base_reversed_minor = self.commission_base_reversed_minor

        line_id = self.line_id

        paid_minor = self.paid_minor

        platform_subsidy_reversed_minor = self.platform_subsidy_reversed_minor

        units = self.units

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "commission_base_reversed_minor": commission_base_reversed_minor,
                "line_id": line_id,
                "paid_minor": paid_minor,
                "platform_subsidy_reversed_minor": platform_subsidy_reversed_minor,
                "units": units,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        commission_base_reversed_minor = d.pop("commission_base_reversed_minor")

        line_id = d.pop("line_id")

        paid_minor = d.pop("paid_minor")

        platform_subsidy_reversed_minor = d.pop("platform_subsidy_reversed_minor")

        units = d.pop("units")

        quote_line = cls(
            commission_base_reversed_minor=commission_base_reversed_minor,
            line_id=line_id,
            paid_minor=paid_minor,
            platform_subsidy_reversed_minor=platform_subsidy_reversed_minor,
            units=units,
        )

        quote_line.additional_properties = d
        return quote_line

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
