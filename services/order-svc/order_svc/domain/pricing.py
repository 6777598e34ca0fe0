"""The pricing engine: what an order costs, line by line, to the fen. Pure: no I/O.

Rules (SPEC section 3), stated once here and in the API description:

- A line's amount is unit price × quantity. Prices are tax-inclusive.
- Coupons are evaluated merchant-funded first, then platform-funded (店铺优惠 before 平台优惠);
  within one funder: threshold (满减), then percentage, then fixed amount. Each coupon works on
  the running base: the goods total less the discounts already applied. The shipping fee is
  never discounted.
  - threshold (满减) "300 off 30": applies when the running base reaches the threshold; with
    ``repeat`` it applies once per full threshold (每满300减30), up to ``max_repeats`` if given.
    It is an error to post a threshold coupon whose threshold is not met.
  - percentage: round half up of base × percent, then capped at ``cap`` if given.
  - fixed: the amount.
  Stacking: at most one threshold coupon per funder; percentage and fixed coupons stack with
  anything. No coupon takes the base below zero (its discount is capped at the running base).
- Every coupon's discount is allocated to the lines pro rata by each line's remaining amount,
  with the largest-remainder method (ties to the smaller line id), so the parts sum exactly to
  the coupon and no line is discounted below zero. A zero-priced gift line gets no discount.
- VAT per line on the line's tax-inclusive sales, which is its amount after merchant-funded
  discounts (what the buyer paid plus the platform's subsidy):
  ``vat = round_half_up(sales × rate / (1 + rate))``.
- Commission base per line: the line amount after merchant-funded discounts. The commission
  itself (rate per category, rounded half up per order) is settlement's policy.
- Payable = goods total − all discounts + shipping fee. It must equal the payment posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from shipsettle_shared.domain_errors import DomainError, Refusal
from shipsettle_shared.money import allocate_largest_remainder, round_half_up_div

BASIS_POINTS = 10_000


class CouponKind(StrEnum):
    THRESHOLD = "threshold"  # 满减
    PERCENTAGE = "percentage"
    FIXED = "fixed"


class Funder(StrEnum):
    MERCHANT = "merchant"
    PLATFORM = "platform"


_FUNDER_ORDER = {Funder.MERCHANT: 0, Funder.PLATFORM: 1}
_KIND_ORDER = {CouponKind.THRESHOLD: 0, CouponKind.PERCENTAGE: 1, CouponKind.FIXED: 2}


class PricingError(DomainError):
    """An order the engine cannot price as sent (a coupon whose threshold is not reached, a line
    twice ...); ``field`` names where it is, as the request has it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(Refusal.RULE, "pricing-refused", message, field=field)


@dataclass(frozen=True)
class LineInput:
    line_id: str
    sku: str
    quantity: int
    unit_price_minor: int
    vat_rate_bp: int  # 1300 = 13%
    category: str


@dataclass(frozen=True)
class CouponInput:
    coupon_id: str
    kind: CouponKind
    funded_by: Funder
    amount_off_minor: int | None = None  # threshold and fixed
    threshold_minor: int | None = None  # threshold
    repeat: bool = False  # threshold: 每满 threshold 减 amount_off
    max_repeats: int | None = None
    percent_off_bp: int | None = None  # percentage: 1000 = 10% off
    cap_minor: int | None = None  # percentage


@dataclass(frozen=True)
class AppliedCoupon:
    coupon_id: str
    kind: CouponKind
    funded_by: Funder
    base_minor: int  # the running base it was evaluated on
    discount_minor: int
    uncapped_discount_minor: int  # before the coupon's cap and the base limit
    allocation_minor: dict[str, int]  # line id -> fen


@dataclass(frozen=True)
class PricedLine:
    line_id: str
    sku: str
    category: str
    quantity: int
    unit_price_minor: int
    vat_rate_bp: int
    line_amount_minor: int
    merchant_discount_minor: int
    platform_discount_minor: int
    discounts_by_coupon_minor: dict[str, int]

    @property
    def paid_amount_minor(self) -> int:
        """What the buyer paid for this line (its share of the payment, shipping excluded)."""
        return self.line_amount_minor - self.merchant_discount_minor - self.platform_discount_minor

    @property
    def sales_amount_minor(self) -> int:
        """Tax-inclusive sales of the merchant: buyer's payment plus the platform's subsidy."""
        return self.line_amount_minor - self.merchant_discount_minor

    @property
    def commission_base_minor(self) -> int:
        return self.sales_amount_minor

    @property
    def vat_minor(self) -> int:
        return round_half_up_div(self.sales_amount_minor * self.vat_rate_bp, BASIS_POINTS + self.vat_rate_bp)


@dataclass(frozen=True)
class PricedOrder:
    lines: tuple[PricedLine, ...]
    coupons: tuple[AppliedCoupon, ...]
    shipping_fee_minor: int
    goods_total_minor: int = field(init=False)
    merchant_discount_minor: int = field(init=False)
    platform_discount_minor: int = field(init=False)
    payable_minor: int = field(init=False)
    vat_minor: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "goods_total_minor", sum(line.line_amount_minor for line in self.lines))
        object.__setattr__(self, "merchant_discount_minor", sum(line.merchant_discount_minor for line in self.lines))
        object.__setattr__(self, "platform_discount_minor", sum(line.platform_discount_minor for line in self.lines))
        object.__setattr__(
            self,
            "payable_minor",
            self.goods_total_minor
            - self.merchant_discount_minor
            - self.platform_discount_minor
            + self.shipping_fee_minor,
        )
        object.__setattr__(self, "vat_minor", sum(line.vat_minor for line in self.lines))
        # Invariants that must never break: every coupon is fully allocated, nothing negative.
        for coupon in self.coupons:
            assert sum(coupon.allocation_minor.values()) == coupon.discount_minor, coupon.coupon_id
        for line in self.lines:
            assert line.paid_amount_minor >= 0, line.line_id

    def line(self, line_id: str) -> PricedLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise KeyError(line_id)


def price_order(lines: Sequence[LineInput], coupons: Sequence[CouponInput], shipping_fee_minor: int) -> PricedOrder:
    """Price an order. Raises PricingError (with the field) for input it cannot price."""
    _check_lines(lines)
    _check_coupons(coupons)
    if shipping_fee_minor < 0:
        raise PricingError("shipping_fee", "the shipping fee must not be negative")

    remaining = {line.line_id: line.unit_price_minor * line.quantity for line in lines}
    discounts: dict[str, dict[str, int]] = {line.line_id: {} for line in lines}
    merchant_discount = dict.fromkeys(remaining, 0)
    platform_discount = dict.fromkeys(remaining, 0)
    applied: list[AppliedCoupon] = []

    ordered = sorted(
        enumerate(coupons), key=lambda item: (_FUNDER_ORDER[item[1].funded_by], _KIND_ORDER[item[1].kind], item[0])
    )
    for index, coupon in ordered:
        base = sum(remaining.values())
        uncapped = _coupon_discount(coupon, base, index)
        discount = min(uncapped, base)
        if coupon.kind is CouponKind.PERCENTAGE and coupon.cap_minor is not None:
            discount = min(discount, coupon.cap_minor)
        line_ids = sorted(remaining)  # allocation must not depend on the order lines were posted in
        parts = allocate_largest_remainder(discount, [remaining[line_id] for line_id in line_ids], line_ids)
        allocation = dict(zip(line_ids, parts, strict=True))
        for line_id, part in allocation.items():
            remaining[line_id] -= part
            if part:
                discounts[line_id][coupon.coupon_id] = part
            if coupon.funded_by is Funder.MERCHANT:
                merchant_discount[line_id] += part
            else:
                platform_discount[line_id] += part
        applied.append(
            AppliedCoupon(
                coupon_id=coupon.coupon_id,
                kind=coupon.kind,
                funded_by=coupon.funded_by,
                base_minor=base,
                discount_minor=discount,
                uncapped_discount_minor=uncapped,
                allocation_minor={line_id: part for line_id, part in allocation.items() if part},
            )
        )

    priced_lines = tuple(
        PricedLine(
            line_id=line.line_id,
            sku=line.sku,
            category=line.category,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            vat_rate_bp=line.vat_rate_bp,
            line_amount_minor=line.unit_price_minor * line.quantity,
            merchant_discount_minor=merchant_discount[line.line_id],
            platform_discount_minor=platform_discount[line.line_id],
            discounts_by_coupon_minor=discounts[line.line_id],
        )
        for line in lines
    )
    return PricedOrder(lines=priced_lines, coupons=tuple(applied), shipping_fee_minor=shipping_fee_minor)


def _coupon_discount(coupon: CouponInput, base: int, index: int) -> int:
    if coupon.kind is CouponKind.THRESHOLD:
        threshold = coupon.threshold_minor or 0
        if base < threshold:
            raise PricingError(
                f"coupons[{index}].threshold",
                f"coupon {coupon.coupon_id!r} needs {threshold} fen of goods but the order reaches {base} fen "
                "at that point (merchant coupons first, then platform; 满减 before percentage before fixed)",
            )
        times = base // threshold if coupon.repeat else 1
        if coupon.max_repeats is not None:
            times = min(times, coupon.max_repeats)
        return times * (coupon.amount_off_minor or 0)
    if coupon.kind is CouponKind.PERCENTAGE:
        return round_half_up_div(base * (coupon.percent_off_bp or 0), BASIS_POINTS)
    return coupon.amount_off_minor or 0


def _check_lines(lines: Sequence[LineInput]) -> None:
    if not lines:
        raise PricingError("lines", "an order needs at least one line")
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if line.line_id in seen:
            raise PricingError(f"lines[{index}].line_id", f"line id {line.line_id!r} appears twice")
        seen.add(line.line_id)
        if line.quantity <= 0:
            raise PricingError(f"lines[{index}].quantity", "quantity must be at least 1")
        if line.unit_price_minor < 0:
            raise PricingError(f"lines[{index}].unit_price", "unit price must not be negative")


def _check_coupons(coupons: Sequence[CouponInput]) -> None:
    seen: set[str] = set()
    threshold_funders: set[Funder] = set()
    for index, coupon in enumerate(coupons):
        where = f"coupons[{index}]"
        if coupon.coupon_id in seen:
            raise PricingError(f"{where}.coupon_id", f"coupon {coupon.coupon_id!r} appears twice")
        seen.add(coupon.coupon_id)
        if coupon.kind is CouponKind.THRESHOLD:
            if coupon.funded_by in threshold_funders:
                raise PricingError(
                    f"{where}.kind", f"only one threshold (满减) coupon per funder; {coupon.funded_by} has two"
                )
            threshold_funders.add(coupon.funded_by)
            if not coupon.threshold_minor or coupon.threshold_minor <= 0:
                raise PricingError(f"{where}.threshold", "a threshold coupon needs a positive threshold")
            if coupon.amount_off_minor is None or coupon.amount_off_minor <= 0:
                raise PricingError(f"{where}.amount_off", "a threshold coupon needs a positive amount off")
            if coupon.max_repeats is not None and coupon.max_repeats < 1:
                raise PricingError(f"{where}.max_repeats", "max_repeats must be at least 1")
        elif coupon.kind is CouponKind.PERCENTAGE:
            if coupon.percent_off_bp is None or not 0 < coupon.percent_off_bp < BASIS_POINTS:
                raise PricingError(f"{where}.percent_off", "percent off must be more than 0 and less than 100")
            if coupon.cap_minor is not None and coupon.cap_minor <= 0:
                raise PricingError(f"{where}.cap", "a cap must be positive")
        elif coupon.amount_off_minor is None or coupon.amount_off_minor <= 0:
            raise PricingError(f"{where}.amount_off", "a fixed coupon needs a positive amount off")


@dataclass(frozen=True)
class MismatchSuspect:
    coupon_id: str
    explanation: str


@dataclass(frozen=True)
class PaymentMismatch:
    """结算金额不符: what ShipSettle computed against what the platform charged."""

    computed_payable_minor: int
    paid_minor: int
    suspects: tuple[MismatchSuspect, ...]

    @property
    def difference_minor(self) -> int:
        """Paid minus computed: positive when the buyer was charged more than ShipSettle computes."""
        return self.paid_minor - self.computed_payable_minor


def check_payment(priced: PricedOrder, paid_minor: int) -> PaymentMismatch | None:
    """None when the payment matches; otherwise the mismatch with the coupons that explain it."""
    if paid_minor == priced.payable_minor:
        return None
    difference = paid_minor - priced.payable_minor
    suspects: list[MismatchSuspect] = []
    for coupon in priced.coupons:
        if difference == coupon.discount_minor:
            suspects.append(
                MismatchSuspect(
                    coupon.coupon_id,
                    f"the payment is {difference} fen more than computed, exactly coupon {coupon.coupon_id!r}'s "
                    f"discount: the platform charged as if it did not apply, but it does",
                )
            )
        elif difference == -coupon.discount_minor:
            suspects.append(
                MismatchSuspect(
                    coupon.coupon_id,
                    f"the payment is {-difference} fen less than computed, exactly coupon {coupon.coupon_id!r}'s "
                    "discount: it looks deducted twice",
                )
            )
        capped_by = coupon.uncapped_discount_minor - coupon.discount_minor
        if capped_by and difference == -capped_by:
            suspects.append(
                MismatchSuspect(
                    coupon.coupon_id,
                    f"the payment is {capped_by} fen less than computed, exactly what coupon {coupon.coupon_id!r}'s "
                    "cap removed: the platform applied it without its cap",
                )
            )
    return PaymentMismatch(priced.payable_minor, paid_minor, tuple(suspects))
