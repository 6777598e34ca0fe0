from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaxFiguresPublic")


@_attrs_define
class TaxFiguresPublic:
    """
    Attributes:
        net_excluding_vat_minor (int):
        net_sales_minor (int):
        net_vat_minor (int):
        refunded_sales_minor (int):
        refunded_units (int):
        refunded_vat_minor (int):
        sales_minor (int):
        signed_off_units (int):
        vat_minor (int):
    """

    net_excluding_vat_minor: int
    net_sales_minor: int
    net_vat_minor: int
    refunded_sales_minor: int
    refunded_units: int
    refunded_vat_minor: int
    sales_minor: int
    signed_off_units: int
    vat_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        net_excluding_vat_minor = self.net_excluding_vat_minor

        net_sales_minor = self.net_sales_minor

        net_vat_minor = self.net_vat_minor

        refunded_sales_minor = self.refunded_sales_minor

        refunded_units = self.refunded_units

        refunded_vat_minor = self.refunded_vat_minor

        sales_minor = self.sales_minor

        signed_off_units = self.signed_off_units

        vat_minor = self.vat_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "net_excluding_vat_minor": net_excluding_vat_minor,
                "net_sales_minor": net_sales_minor,
                "net_vat_minor": net_vat_minor,
                "refunded_sales_minor": refunded_sales_minor,
                "refunded_units": refunded_units,
                "refunded_vat_minor": refunded_vat_minor,
                "sales_minor": sales_minor,
                "signed_off_units": signed_off_units,
                "vat_minor": vat_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        net_excluding_vat_minor = d.pop("net_excluding_vat_minor")

        net_sales_minor = d.pop("net_sales_minor")

        net_vat_minor = d.pop("net_vat_minor")

        refunded_sales_minor = d.pop("refunded_sales_minor")

        refunded_units = d.pop("refunded_units")

        refunded_vat_minor = d.pop("refunded_vat_minor")

        sales_minor = d.pop("sales_minor")

        signed_off_units = d.pop("signed_off_units")

        vat_minor = d.pop("vat_minor")

        tax_figures_public = cls(
            net_excluding_vat_minor=net_excluding_vat_minor,
            net_sales_minor=net_sales_minor,
            net_vat_minor=net_vat_minor,
            refunded_sales_minor=refunded_sales_minor,
            refunded_units=refunded_units,
            refunded_vat_minor=refunded_vat_minor,
            sales_minor=sales_minor,
            signed_off_units=signed_off_units,
            vat_minor=vat_minor,
        )

        tax_figures_public.additional_properties = d
        return tax_figures_public

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
