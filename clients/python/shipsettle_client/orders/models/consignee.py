from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Consignee")


@_attrs_define
class Consignee:
    """
    Attributes:
        address_line (str):
        city (str):
        district (str):
        mobile (str):
        name (str):
        postal_code (str):
        province (str):
    """

    address_line: str
    city: str
    district: str
    mobile: str
    name: str
    postal_code: str
    province: str

    def to_dict(self) -> dict[str, Any]:
        address_line = self.address_line

        city = self.city

        district = self.district

        mobile = self.mobile

        name = self.name

        postal_code = self.postal_code

        province = self.province

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "address_line": address_line,
                "city": city,
                "district": district,
                "mobile": mobile,
                "name": name,
                "postal_code": postal_code,
                "province": province,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address_line = d.pop("address_line")

        city = d.pop("city")

        district = d.pop("district")

        mobile = d.pop("mobile")

        name = d.pop("name")

        postal_code = d.pop("postal_code")

        province = d.pop("province")

        consignee = cls(
            address_line=address_line,
            city=city,
            district=district,
            mobile=mobile,
            name=name,
            postal_code=postal_code,
            province=province,
        )

        return consignee
