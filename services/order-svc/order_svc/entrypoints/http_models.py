"""The bodies order-svc's routes answer, as their OpenAPI documents them (``answers(...)``).

The handlers build these bodies as dicts (``order_public`` and the pages beside it) and send them
as built; each model here says exactly what its dict holds. Times are ISO 8601 with their offset,
money in fen (``_minor``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from order_svc.domain.orders import OrderStatus
from shipsettle_shared.contracts import Consignee
from shipsettle_shared.pagination import Page


class OrderLinePublic(BaseModel):
    line_id: str
    sku: str
    name: str
    spec: str = Field(description="规格")
    category: str
    quantity: int
    unit_price_minor: int
    vat_rate_bp: int = Field(description="basis points: 1300 is 13%")
    line_amount_minor: int
    discounts_by_coupon_minor: dict[str, int] = Field(description="each coupon's share of this line, by coupon id")
    merchant_discount_minor: int
    platform_discount_minor: int
    paid_amount_minor: int
    sales_amount_minor: int
    vat_minor: int
    commission_base_minor: int
    dispatched_quantity: int


class OrderCouponPublic(BaseModel):
    coupon_id: str
    kind: str = Field(description="threshold (满减), percentage, fixed")
    funded_by: str = Field(description="merchant or platform")
    base_minor: int
    discount_minor: int
    allocation_minor: dict[str, int] = Field(description="the discount allocated to each line, by line id")


class PaymentPublic(BaseModel):
    channel: str
    transaction_id: str
    amount_minor: int
    paid_at: datetime


class OrderPublic(BaseModel):
    order_id: str
    merchant_id: str
    buyer_ref: str
    status: OrderStatus
    currency: str
    placed_at: datetime
    goods_total_minor: int
    merchant_discount_minor: int
    platform_discount_minor: int
    shipping_fee_minor: int
    payable_minor: int
    vat_minor: int
    lines: list[OrderLinePublic]
    coupons: list[OrderCouponPublic]
    consignee: Consignee = Field(description="as the events carry it (OrderPlaced, shipping confirmations)")
    payment: PaymentPublic
    shipping_confirmed_at: datetime | None
    shipping_confirmed_by: str | None
    cancelled_at: datetime | None


class OrderRead(OrderPublic):
    """The order; with ``?until=``, also the stages waited for and whether one was reached."""

    until: list[str] | None = Field(default=None, description="long-poll only: the stages waited for, sorted")
    reached: bool | None = Field(default=None, description="long-poll only: the order is at one of them")


class ShippingChangePublic(BaseModel):
    change: str = Field(description="confirmed or corrected")
    changed_by: str
    changed_at: datetime
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


class TimelineEntryPublic(BaseModel):
    occurred_at: datetime
    event_type: str
    producer: str
    summary: str
    event_id: str
    details: dict[str, Any]


class OrderTimelinePage(Page[TimelineEntryPublic]):
    order_id: str
    status: OrderStatus


class BuyerOrderData(BaseModel):
    """One order's personal data, as exported to its buyer (issue 20): the consignee whole (or
    ``[erased]``) and every confirmation or correction of it."""

    order_id: str
    merchant_id: str
    placed_at: datetime
    status: OrderStatus
    consignee: Consignee
    shipping_changes: list[ShippingChangePublic]
