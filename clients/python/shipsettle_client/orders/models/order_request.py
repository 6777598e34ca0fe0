from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consignee_request import ConsigneeRequest
    from ..models.coupon_request import CouponRequest
    from ..models.line_request import LineRequest
    from ..models.payment_request import PaymentRequest


T = TypeVar("T", bound="OrderRequest")


@_attrs_define
class OrderRequest:
    """
    Attributes:
        buyer_ref (str):
        consignee (ConsigneeRequest):
        lines (list[LineRequest]):
        merchant_id (str):
        order_id (str): the platform's order number, unique
        payment (PaymentRequest):
        coupons (list[CouponRequest] | Unset):
        currency (str | Unset): ISO 4217 Default: 'CNY'.
        shipping_fee (str | Unset):  Default: '0.00'.
    """

    buyer_ref: str
    consignee: ConsigneeRequest
    lines: list[LineRequest]
    merchant_id: str
    order_id: str
    payment: PaymentRequest
    coupons: list[CouponRequest] | Unset = UNSET
    currency: str | Unset = "CNY"
    shipping_fee: str | Unset = "0.00"

    def to_dict(self) -> dict[str, Any]:
        buyer_ref = self.buyer_ref

        consignee = self.consignee.to_dict()

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        merchant_id = self.merchant_id

        order_id = self.order_id

        payment = self.payment.to_dict()

        coupons: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.coupons, Unset):
            coupons = []
            for coupons_item_data in self.coupons:
                coupons_item = coupons_item_data.to_dict()
                coupons.append(coupons_item)

        currency = self.currency

        shipping_fee = self.shipping_fee

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "buyer_ref": buyer_ref,
                "consignee": consignee,
                "lines": lines,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "payment": payment,
            }
        )
        if coupons is not UNSET:
            field_dict["coupons"] = coupons
        if currency is not UNSET:
            field_dict["currency"] = currency
        if shipping_fee is not UNSET:
            field_dict["shipping_fee"] = shipping_fee

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consignee_request import ConsigneeRequest  # noqa: PLC0415
        from ..models.coupon_request import CouponRequest  # noqa: PLC0415
        from ..models.line_request import LineRequest  # noqa: PLC0415
        from ..models.payment_request import PaymentRequest  # noqa: PLC0415

        d = dict(src_dict)
        buyer_ref = d.pop("buyer_ref")

        consignee = ConsigneeRequest.from_dict(d.pop("consignee"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = LineRequest.from_dict(lines_item_data)

            lines.append(lines_item)

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        payment = PaymentRequest.from_dict(d.pop("payment"))

        _coupons = d.pop("coupons", UNSET)
        coupons: list[CouponRequest] | Unset = UNSET
        if _coupons is not UNSET:
            coupons = []
            for coupons_item_data in _coupons:
                coupons_item = CouponRequest.from_dict(coupons_item_data)

                coupons.append(coupons_item)

        currency = d.pop("currency", UNSET)

        shipping_fee = d.pop("shipping_fee", UNSET)

        order_request = cls(
            buyer_ref=buyer_ref,
            consignee=consignee,
            lines=lines,
            merchant_id=merchant_id,
            order_id=order_id,
            payment=payment,
            coupons=coupons,
            currency=currency,
            shipping_fee=shipping_fee,
        )

        return order_request
