"""What order-svc's order routers share: path and body conventions, the runtime's statements and
autocommitted reads, who acts, and an order's answer as its reader may see it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.adapters.order_statements import OrderStatements
from order_svc.domain.orders import Actor, Consignee, Order, OrderStatus
from order_svc.domain.personal_data import sees_full_consignee
from shipsettle_shared.auth import Principal
from shipsettle_shared.masking import mask_consignee
from shipsettle_shared.service import ServiceRuntime


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsigneeRequest(Strict):
    name: str = Field(max_length=100)
    mobile: str = Field(max_length=20, description="mainland 11-digit mobile, or E.164 (+...) for others")
    province: str = Field(max_length=50)
    city: str = Field(max_length=50)
    district: str = Field(max_length=50)
    address_line: str = Field(max_length=300)
    postal_code: str = Field(max_length=12)

    def to_domain(self) -> Consignee:
        return Consignee(**self.model_dump())


def statements(runtime: ServiceRuntime) -> OrderStatements:
    """The hot paths' autocommitted statements on the runtime's connection lane."""
    return OrderStatements(runtime.lane, runtime.personal_data)


@asynccontextmanager
async def autocommit_reads(runtime: ServiceRuntime) -> AsyncIterator[AsyncSession]:
    """A session whose statements run each on its own (autocommit): a one-statement read costs
    one round trip, not BEGIN, the read and ROLLBACK."""
    async with runtime.engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        async with AsyncSession(bind=connection) as session:
            yield session


def actor(principal: Principal) -> Actor:
    return Actor(key_id=principal.key_id, role=principal.role.value)


def order_public(order: Order) -> dict[str, Any]:
    priced = order.priced
    names = {line.line_id: line for line in order.lines}
    return {
        "order_id": order.order_id,
        "merchant_id": order.merchant_id,
        "buyer_ref": order.buyer_ref,
        "status": order.status.value,
        "currency": order.currency,
        "placed_at": order.placed_at.isoformat(),
        "goods_total_minor": priced.goods_total_minor,
        "merchant_discount_minor": priced.merchant_discount_minor,
        "platform_discount_minor": priced.platform_discount_minor,
        "shipping_fee_minor": priced.shipping_fee_minor,
        "payable_minor": priced.payable_minor,
        "vat_minor": priced.vat_minor,
        "lines": [
            {
                "line_id": line.line_id,
                "sku": line.sku,
                "name": names[line.line_id].name,
                "spec": names[line.line_id].spec,
                "category": line.category,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
                "vat_rate_bp": line.vat_rate_bp,
                "line_amount_minor": line.line_amount_minor,
                "discounts_by_coupon_minor": line.discounts_by_coupon_minor,
                "merchant_discount_minor": line.merchant_discount_minor,
                "platform_discount_minor": line.platform_discount_minor,
                "paid_amount_minor": line.paid_amount_minor,
                "sales_amount_minor": line.sales_amount_minor,
                "vat_minor": line.vat_minor,
                "commission_base_minor": line.commission_base_minor,
                "dispatched_quantity": order.dispatched_quantities.get(line.line_id, 0),
            }
            for line in priced.lines
        ],
        "coupons": [
            {
                "coupon_id": coupon.coupon_id,
                "kind": coupon.kind.value,
                "funded_by": coupon.funded_by.value,
                "base_minor": coupon.base_minor,
                "discount_minor": coupon.discount_minor,
                "allocation_minor": coupon.allocation_minor,
            }
            for coupon in priced.coupons
        ],
        "consignee": asdict(order.consignee),
        "payment": {
            "channel": order.payment.channel,
            "transaction_id": order.payment.transaction_id,
            "amount_minor": order.payment.amount_minor,
            "paid_at": order.payment.paid_at.isoformat(),
        },
        "shipping_confirmed_at": order.shipping_confirmed_at.isoformat() if order.shipping_confirmed_at else None,
        "shipping_confirmed_by": order.shipping_confirmed_by,
        "cancelled_at": order.cancelled_at.isoformat() if order.cancelled_at else None,
    }


def for_reader(body: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """An order's answer as ``principal`` may see it: the consignee in full only for the merchant
    while the order is to be shipped (domain/personal_data.py), masked for everyone else."""
    return {**body, "consignee": consignee_for(body["consignee"], principal, OrderStatus(body["status"]))}


def consignee_for(consignee: dict[str, Any], principal: Principal, status: OrderStatus) -> dict[str, Any]:
    return consignee if sees_full_consignee(principal.role.value, status) else mask_consignee(consignee)


def order_for_reader(order: Order, principal: Principal) -> dict[str, Any]:
    return for_reader(order_public(order), principal)
