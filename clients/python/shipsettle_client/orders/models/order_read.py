from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consignee import Consignee
    from ..models.order_coupon_public import OrderCouponPublic
    from ..models.order_line_public import OrderLinePublic
    from ..models.payment_public import PaymentPublic


T = TypeVar("T", bound="OrderRead")


@_attrs_define
class OrderRead:
    """The order; with ``?until=``, also the stages waited for and whether one was reached.

    Attributes:
        buyer_ref (str):
        cancelled_at (datetime.datetime | None):
        consignee (Consignee):
        coupons (list[OrderCouponPublic]):
        currency (str):
        goods_total_minor (int):
        lines (list[OrderLinePublic]):
        merchant_discount_minor (int):
        merchant_id (str):
        order_id (str):
        payable_minor (int):
        payment (PaymentPublic):
        placed_at (datetime.datetime):
        platform_discount_minor (int):
        shipping_confirmed_at (datetime.datetime | None):
        shipping_confirmed_by (None | str):
        shipping_fee_minor (int):
        status (OrderStatus):
        vat_minor (int):
        reached (bool | None | Unset): long-poll only: the order is at one of them
        until (list[str] | None | Unset): long-poll only: the stages waited for, sorted
    """

    buyer_ref: str
    cancelled_at: datetime.datetime | None
    consignee: Consignee
    coupons: list[OrderCouponPublic]
    currency: str
    goods_total_minor: int
    lines: list[OrderLinePublic]
    merchant_discount_minor: int
    merchant_id: str
    order_id: str
    payable_minor: int
    payment: PaymentPublic
    placed_at: datetime.datetime
    platform_discount_minor: int
    shipping_confirmed_at: datetime.datetime | None
    shipping_confirmed_by: None | str
    shipping_fee_minor: int
    status: OrderStatus
    vat_minor: int
    reached: bool | None | Unset = UNSET
    until: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        buyer_ref = self.buyer_ref

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        consignee = self.consignee.to_dict()

        coupons = []
        for coupons_item_data in self.coupons:
            coupons_item = coupons_item_data.to_dict()
            coupons.append(coupons_item)

        currency = self.currency

        goods_total_minor = self.goods_total_minor

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        merchant_discount_minor = self.merchant_discount_minor

        merchant_id = self.merchant_id

        order_id = self.order_id

        payable_minor = self.payable_minor

        payment = self.payment.to_dict()

        placed_at = self.placed_at.isoformat()

        platform_discount_minor = self.platform_discount_minor

        shipping_confirmed_at: None | str
        if isinstance(self.shipping_confirmed_at, datetime.datetime):
            shipping_confirmed_at = self.shipping_confirmed_at.isoformat()
        else:
            shipping_confirmed_at = self.shipping_confirmed_at

        shipping_confirmed_by: None | str
        shipping_confirmed_by = self.shipping_confirmed_by

        shipping_fee_minor = self.shipping_fee_minor

        status = self.status.value

        vat_minor = self.vat_minor

        reached: bool | None | Unset
        if isinstance(self.reached, Unset):
            reached = UNSET
        else:
            reached = self.reached

        until: list[str] | None | Unset
        if isinstance(self.until, Unset):
            until = UNSET
        elif isinstance(self.until, list):
            until = self.until

        else:
            until = self.until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buyer_ref": buyer_ref,
                "cancelled_at": cancelled_at,
                "consignee": consignee,
                "coupons": coupons,
                "currency": currency,
                "goods_total_minor": goods_total_minor,
                "lines": lines,
                "merchant_discount_minor": merchant_discount_minor,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "payable_minor": payable_minor,
                "payment": payment,
                "placed_at": placed_at,
                "platform_discount_minor": platform_discount_minor,
                "shipping_confirmed_at": shipping_confirmed_at,
                "shipping_confirmed_by": shipping_confirmed_by,
                "shipping_fee_minor": shipping_fee_minor,
                "status": status,
                "vat_minor": vat_minor,
            }
        )
        if reached is not UNSET:
            field_dict["reached"] = reached
        if until is not UNSET:
            field_dict["until"] = until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consignee import Consignee  # noqa: PLC0415
        from ..models.order_coupon_public import OrderCouponPublic  # noqa: PLC0415
        from ..models.order_line_public import OrderLinePublic  # noqa: PLC0415
        from ..models.payment_public import PaymentPublic  # noqa: PLC0415

        d = dict(src_dict)
        buyer_ref = d.pop("buyer_ref")

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at"))

        consignee = Consignee.from_dict(d.pop("consignee"))

        coupons = []
        _coupons = d.pop("coupons")
        for coupons_item_data in _coupons:
            coupons_item = OrderCouponPublic.from_dict(coupons_item_data)

            coupons.append(coupons_item)

        currency = d.pop("currency")

        goods_total_minor = d.pop("goods_total_minor")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = OrderLinePublic.from_dict(lines_item_data)

            lines.append(lines_item)

        merchant_discount_minor = d.pop("merchant_discount_minor")

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        payable_minor = d.pop("payable_minor")

        payment = PaymentPublic.from_dict(d.pop("payment"))

        placed_at = datetime.datetime.fromisoformat(d.pop("placed_at"))

        platform_discount_minor = d.pop("platform_discount_minor")

        def _parse_shipping_confirmed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                shipping_confirmed_at_type_0 = datetime.datetime.fromisoformat(data)

                return shipping_confirmed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        shipping_confirmed_at = _parse_shipping_confirmed_at(d.pop("shipping_confirmed_at"))

        def _parse_shipping_confirmed_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        shipping_confirmed_by = _parse_shipping_confirmed_by(d.pop("shipping_confirmed_by"))

        shipping_fee_minor = d.pop("shipping_fee_minor")

        status = OrderStatus(d.pop("status"))

        vat_minor = d.pop("vat_minor")

        def _parse_reached(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        reached = _parse_reached(d.pop("reached", UNSET))

        def _parse_until(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                until_type_0 = cast(list[str], data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        until = _parse_until(d.pop("until", UNSET))

        order_read = cls(
            buyer_ref=buyer_ref,
            cancelled_at=cancelled_at,
            consignee=consignee,
            coupons=coupons,
            currency=currency,
            goods_total_minor=goods_total_minor,
            lines=lines,
            merchant_discount_minor=merchant_discount_minor,
            merchant_id=merchant_id,
            order_id=order_id,
            payable_minor=payable_minor,
            payment=payment,
            placed_at=placed_at,
            platform_discount_minor=platform_discount_minor,
            shipping_confirmed_at=shipping_confirmed_at,
            shipping_confirmed_by=shipping_confirmed_by,
            shipping_fee_minor=shipping_fee_minor,
            status=status,
            vat_minor=vat_minor,
            reached=reached,
            until=until,
        )

        order_read.additional_properties = d
        return order_read

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
