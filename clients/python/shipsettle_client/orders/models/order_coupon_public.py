from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_coupon_public_allocation_minor import (
        OrderCouponPublicAllocationMinor,
    )


T = TypeVar("T", bound="OrderCouponPublic")


@_attrs_define
class OrderCouponPublic:
    """
    Attributes:
        allocation_minor (OrderCouponPublicAllocationMinor): the discount allocated to each line, by line id
        base_minor (int):
        coupon_id (str):
        discount_minor (int):
        funded_by (str): merchant or platform
        kind (str): threshold (满减), percentage, fixed
    """

    allocation_minor: OrderCouponPublicAllocationMinor
    base_minor: int
    coupon_id: str
    discount_minor: int
    funded_by: str
    kind: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation_minor = self.allocation_minor.to_dict()

        base_minor = self.base_minor

        coupon_id = self.coupon_id

        discount_minor = self.discount_minor

        funded_by = self.funded_by

        kind = self.kind

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_minor": allocation_minor,
                "base_minor": base_minor,
                "coupon_id": coupon_id,
                "discount_minor": discount_minor,
                "funded_by": funded_by,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_coupon_public_allocation_minor import (
            OrderCouponPublicAllocationMinor,  # noqa: PLC0415
        )

        d = dict(src_dict)
        allocation_minor = OrderCouponPublicAllocationMinor.from_dict(d.pop("allocation_minor"))

        base_minor = d.pop("base_minor")

        coupon_id = d.pop("coupon_id")

        discount_minor = d.pop("discount_minor")

        funded_by = d.pop("funded_by")

        kind = d.pop("kind")

        order_coupon_public = cls(
            allocation_minor=allocation_minor,
            base_minor=base_minor,
            coupon_id=coupon_id,
            discount_minor=discount_minor,
            funded_by=funded_by,
            kind=kind,
        )

        order_coupon_public.additional_properties = d
        return order_coupon_public

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
