from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_line_public_discounts_by_coupon_minor import (
        OrderLinePublicDiscountsByCouponMinor,
    )


T = TypeVar("T", bound="OrderLinePublic")


@_attrs_define
class OrderLinePublic:
    """
    Attributes:
        category (str):
        commission_base_minor (int):
        discounts_by_coupon_minor (OrderLinePublicDiscountsByCouponMinor): each coupon's share of this line, by coupon
            id
        dispatched_quantity (int):
        line_amount_minor (int):
        line_id (str):
        merchant_discount_minor (int):
        name (str):
        paid_amount_minor (int):
        platform_discount_minor (int):
        quantity (int):
        sales_amount_minor (int):
        sku (str):
        spec (str): 规格
        unit_price_minor (int):
        vat_minor (int):
        vat_rate_bp (int): basis points: 1300 is 13%
    """

    category: str
    commission_base_minor: int
    discounts_by_coupon_minor: OrderLinePublicDiscountsByCouponMinor
    dispatched_quantity: int
    line_amount_minor: int
    line_id: str
    merchant_discount_minor: int
    name: str
    paid_amount_minor: int
    platform_discount_minor: int
    quantity: int
    sales_amount_minor: int
    sku: str
    spec: str
    unit_price_minor: int
    vat_minor: int
    vat_rate_bp: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        commission_base_minor = self.commission_base_minor

        discounts_by_coupon_minor = self.discounts_by_coupon_minor.to_dict()

        dispatched_quantity = self.dispatched_quantity

        line_amount_minor = self.line_amount_minor

        line_id = self.line_id

        merchant_discount_minor = self.merchant_discount_minor

        name = self.name

        paid_amount_minor = self.paid_amount_minor

        platform_discount_minor = self.platform_discount_minor

        quantity = self.quantity

        sales_amount_minor = self.sales_amount_minor

        sku = self.sku

        spec = self.spec

        unit_price_minor = self.unit_price_minor

        vat_minor = self.vat_minor

        vat_rate_bp = self.vat_rate_bp

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "commission_base_minor": commission_base_minor,
                "discounts_by_coupon_minor": discounts_by_coupon_minor,
                "dispatched_quantity": dispatched_quantity,
                "line_amount_minor": line_amount_minor,
                "line_id": line_id,
                "merchant_discount_minor": merchant_discount_minor,
                "name": name,
                "paid_amount_minor": paid_amount_minor,
                "platform_discount_minor": platform_discount_minor,
                "quantity": quantity,
                "sales_amount_minor": sales_amount_minor,
                "sku": sku,
                "spec": spec,
                "unit_price_minor": unit_price_minor,
                "vat_minor": vat_minor,
                "vat_rate_bp": vat_rate_bp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_line_public_discounts_by_coupon_minor import (
            OrderLinePublicDiscountsByCouponMinor,  # noqa: PLC0415
        )

        d = dict(src_dict)
        category = d.pop("category")

        commission_base_minor = d.pop("commission_base_minor")

        discounts_by_coupon_minor = OrderLinePublicDiscountsByCouponMinor.from_dict(d.pop("discounts_by_coupon_minor"))

        dispatched_quantity = d.pop("dispatched_quantity")

        line_amount_minor = d.pop("line_amount_minor")

        line_id = d.pop("line_id")

        merchant_discount_minor = d.pop("merchant_discount_minor")

        name = d.pop("name")

        paid_amount_minor = d.pop("paid_amount_minor")

        platform_discount_minor = d.pop("platform_discount_minor")

        quantity = d.pop("quantity")

        sales_amount_minor = d.pop("sales_amount_minor")

        sku = d.pop("sku")

        spec = d.pop("spec")

        unit_price_minor = d.pop("unit_price_minor")

        vat_minor = d.pop("vat_minor")

        vat_rate_bp = d.pop("vat_rate_bp")

        order_line_public = cls(
            category=category,
            commission_base_minor=commission_base_minor,
            discounts_by_coupon_minor=discounts_by_coupon_minor,
            dispatched_quantity=dispatched_quantity,
            line_amount_minor=line_amount_minor,
            line_id=line_id,
            merchant_discount_minor=merchant_discount_minor,
            name=name,
            paid_amount_minor=paid_amount_minor,
            platform_discount_minor=platform_discount_minor,
            quantity=quantity,
            sales_amount_minor=sales_amount_minor,
            sku=sku,
            spec=spec,
            unit_price_minor=unit_price_minor,
            vat_minor=vat_minor,
            vat_rate_bp=vat_rate_bp,
        )

        order_line_public.additional_properties = d
        return order_line_public

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
