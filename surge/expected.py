"""The driver's own arithmetic: what the buyer must pay and what each merchant must end with.

Written from SPEC section 3 as plain integer arithmetic on fen, independent of ShipSettle's
code on purpose: if both agree, the services moved money the way the product says.

Commission is charged per sign-off (logistics signs off parcel by parcel) and rounded half up
once per sign-off; a refund after sign-off reverses commission on the refunded units' commission
base, rounded half up once per refund, capped at what the order still has booked, and the
order's last refund reverses exactly what remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BASIS_POINTS = 10_000


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def fen_to_text(amount_minor: int) -> str:
    return f"{amount_minor // 100}.{amount_minor % 100:02d}"


def coupon_discounts(goods_minor: int, coupons: list[dict[str, Any]]) -> list[int]:
    """Each coupon's discount, in the order given (merchant first, then platform; within a funder
    满减, then percentage, then fixed), each on the running base."""
    base = goods_minor
    discounts = []
    for coupon in coupons:
        if coupon["kind"] == "threshold":
            if base < coupon["threshold_minor"]:
                raise ValueError(f"coupon {coupon['coupon_id']} threshold not met at {base}")
            discount = coupon["amount_off_minor"]
        elif coupon["kind"] == "percentage":
            discount = round_half_up_div(base * coupon["percent_off_bp"], BASIS_POINTS)
            discount = min(discount, coupon["cap_minor"])
        else:
            discount = coupon["amount_off_minor"]
        discount = min(discount, base)
        discounts.append(discount)
        base -= discount
    return discounts


def payable_minor(goods_minor: int, coupons: list[dict[str, Any]], shipping_minor: int) -> int:
    return goods_minor - sum(coupon_discounts(goods_minor, coupons)) + shipping_minor


@dataclass
class LineFigures:
    """One line of order-svc's priced breakdown, as the driver keeps it."""

    line_id: str
    category: str
    quantity: int
    paid_minor: int
    subsidy_minor: int
    commission_base_minor: int
    units_left: int = 0  # not refunded yet

    def __post_init__(self) -> None:
        if not self.units_left:
            self.units_left = self.quantity


@dataclass
class OrderLedger:
    """What one order means to its merchant, updated as the driver signs off and refunds."""

    order_id: str
    merchant_id: str
    shipping_minor: int
    lines: dict[str, LineFigures]
    commission_bp: dict[str, int]  # per category, as the driver set the merchant's policy
    default_bp: int
    booked_net_minor: int = 0
    commission_booked_minor: int = 0
    commission_reversed_minor: int = 0
    reversed_minor: int = 0
    refunded_to_buyer_minor: int = 0
    shipping_booked: bool = False
    notes: list[str] = field(default_factory=list)

    def bp(self, category: str) -> int:
        return self.commission_bp.get(category, self.default_bp)

    def sign_off_parcel(self, line_ids: list[str]) -> None:
        """A parcel carrying these whole lines was signed off."""
        paid = sum(self.lines[line_id].paid_minor for line_id in line_ids)
        subsidy = sum(self.lines[line_id].subsidy_minor for line_id in line_ids)
        numerator = sum(
            self.lines[line_id].commission_base_minor * self.bp(self.lines[line_id].category) for line_id in line_ids
        )
        commission = round_half_up_div(numerator, BASIS_POINTS)
        shipping = 0 if self.shipping_booked else self.shipping_minor
        self.shipping_booked = True
        self.commission_booked_minor += commission
        self.booked_net_minor += paid + shipping + subsidy - commission

    def refund_after_sign_off(self, amounts: dict[str, Any]) -> None:
        """A completed refund of an order fully signed off, with refund-svc's quoted amounts."""
        numerator = 0
        paid = subsidy = 0
        for line in amounts["lines"]:
            figures = self.lines[line["line_id"]]
            figures.units_left -= line["units"]
            paid += line["paid_minor"]
            subsidy += line["platform_subsidy_reversed_minor"]
            numerator += line["commission_base_reversed_minor"] * self.bp(figures.category)
        remaining = self.commission_booked_minor - self.commission_reversed_minor
        if any(figures.units_left > 0 for figures in self.lines.values()):
            commission = max(0, min(round_half_up_div(numerator, BASIS_POINTS), remaining))
        else:
            commission = remaining
        shipping = amounts["shipping_minor"]
        self.commission_reversed_minor += commission
        self.reversed_minor += paid + shipping + subsidy - commission
        self.refunded_to_buyer_minor += paid + shipping

    @property
    def merchant_net_minor(self) -> int:
        return self.booked_net_minor - self.reversed_minor
