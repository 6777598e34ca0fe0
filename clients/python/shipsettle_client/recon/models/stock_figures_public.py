from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StockFiguresPublic")


@_attrs_define
class StockFiguresPublic:
    """
    Attributes:
        closing_minor (int):
        closing_units (int):
        opening_minor (int):
        opening_units (int):
        returned_minor (int):
        returned_units (int):
        shipped_minor (int):
        shipped_units (int):
        signed_off_minor (int):
        signed_off_units (int):
    """

    closing_minor: int
    closing_units: int
    opening_minor: int
    opening_units: int
    returned_minor: int
    returned_units: int
    shipped_minor: int
    shipped_units: int
    signed_off_minor: int
    signed_off_units: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        closing_minor = self.closing_minor

        closing_units = self.closing_units

        opening_minor = self.opening_minor

        opening_units = self.opening_units

        returned_minor = self.returned_minor

        returned_units = self.returned_units

        shipped_minor = self.shipped_minor

        shipped_units = self.shipped_units

        signed_off_minor = self.signed_off_minor

        signed_off_units = self.signed_off_units

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "closing_minor": closing_minor,
                "closing_units": closing_units,
                "opening_minor": opening_minor,
                "opening_units": opening_units,
                "returned_minor": returned_minor,
                "returned_units": returned_units,
                "shipped_minor": shipped_minor,
                "shipped_units": shipped_units,
                "signed_off_minor": signed_off_minor,
                "signed_off_units": signed_off_units,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        closing_minor = d.pop("closing_minor")

        closing_units = d.pop("closing_units")

        opening_minor = d.pop("opening_minor")

        opening_units = d.pop("opening_units")

        returned_minor = d.pop("returned_minor")

        returned_units = d.pop("returned_units")

        shipped_minor = d.pop("shipped_minor")

        shipped_units = d.pop("shipped_units")

        signed_off_minor = d.pop("signed_off_minor")

        signed_off_units = d.pop("signed_off_units")

        stock_figures_public = cls(
            closing_minor=closing_minor,
            closing_units=closing_units,
            opening_minor=opening_minor,
            opening_units=opening_units,
            returned_minor=returned_minor,
            returned_units=returned_units,
            shipped_minor=shipped_minor,
            shipped_units=shipped_units,
            signed_off_minor=signed_off_minor,
            signed_off_units=signed_off_units,
        )

        stock_figures_public.additional_properties = d
        return stock_figures_public

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
