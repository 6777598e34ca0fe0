"""Who sees a consignee in full (minimum necessary, issue 20; SPEC section 8).

Only the merchant, and only while the order still has goods to ship (placed, confirmed,
partially dispatched): it checks the shipping information (核对发货信息) and hands the parcel
to the carrier. Everyone else (the platform, ops, the auditor; support later), and the merchant
once the order is dispatched or cancelled, sees it masked: ``张*``, ``138****5678``, province
and city.
"""

from __future__ import annotations

from order_svc.domain.orders import OrderStatus

TO_BE_SHIPPED = frozenset({OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_DISPATCHED})
FULL_VIEW_ROLES = frozenset({"merchant"})


def sees_full_consignee(role: str, status: OrderStatus) -> bool:
    return role in FULL_VIEW_ROLES and status in TO_BE_SHIPPED
