"""Orders as a marketplace backend posts them, for the order-svc end-to-end tests."""

from __future__ import annotations

import copy
import uuid
from typing import Any

CONSIGNEE = {
    "name": "张三",
    "mobile": "13812345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "address_line": "文三路 90 号 3 幢 501",
    "postal_code": "310012",
}


def worked_example_order(merchant_id: str, *, payment_amount: str = "353.49") -> dict[str, Any]:
    """Hand-worked in tests/unit/order/test_pricing.py: goods 414.99, merchant 10% (41.50),
    platform 满减 300-30, shipping 10.00 -> payable 353.49."""
    order_id = f"PO-{uuid.uuid4().hex[:12]}"
    return {
        "order_id": order_id,
        "merchant_id": merchant_id,
        "buyer_ref": "buyer-42",
        "currency": "CNY",
        "lines": [
            {
                "line_id": "L1",
                "sku": "TEA-500",
                "name": "龙井茶",
                "spec": "500g/罐",
                "quantity": 2,
                "unit_price": "128.00",
                "vat_rate": "0.13",
                "category": "tea",
            },
            {
                "line_id": "L2",
                "sku": "BOOK-1",
                "name": "茶经",
                "spec": "精装",
                "quantity": 1,
                "unit_price": "59.00",
                "vat_rate": "0.09",
                "category": "books",
            },
            {
                "line_id": "L3",
                "sku": "SVC-1",
                "name": "刻字服务",
                "spec": "标准",
                "quantity": 3,
                "unit_price": "33.33",
                "vat_rate": "0.06",
                "category": "services",
            },
        ],
        "coupons": [
            {
                "coupon_id": "P-300-30",
                "kind": "threshold",
                "funded_by": "platform",
                "threshold": "300.00",
                "amount_off": "30.00",
            },
            {
                "coupon_id": "M-10PCT",
                "kind": "percentage",
                "funded_by": "merchant",
                "percent_off": "10",
                "cap": "50.00",
            },
        ],
        "shipping_fee": "10.00",
        "consignee": dict(CONSIGNEE),
        "payment": {
            "channel": "alipay",
            "transaction_id": f"ALI-{uuid.uuid4().hex[:16]}",
            "amount": payment_amount,
            "paid_at": "2026-11-27T10:00:00+08:00",
        },
    }


def simple_order(merchant_id: str, *, unit_price: str = "100.00", quantity: int = 1) -> dict[str, Any]:
    order = worked_example_order(merchant_id)
    order["lines"] = [
        {
            "line_id": "L1",
            "sku": "CUP-1",
            "name": "杯子",
            "spec": "白色",
            "quantity": quantity,
            "unit_price": unit_price,
            "vat_rate": "0.13",
            "category": "home",
        }
    ]
    order["coupons"] = []
    order["shipping_fee"] = "0.00"
    cents = int(unit_price.replace(".", "")) * quantity
    order["payment"]["amount"] = f"{cents // 100}.{cents % 100:02d}"
    return order


def variant(order: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy with one field changed: 'lines.0.quantity' -> value."""
    changed = copy.deepcopy(order)
    target: Any = changed
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return changed
