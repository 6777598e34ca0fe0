"""The pricing engine, with figures worked out by hand in each test (never by the engine)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from order_svc.domain.pricing import (
    CouponInput,
    CouponKind,
    Funder,
    LineInput,
    PricingError,
    check_payment,
    price_order,
)


def line(
    line_id: str, quantity: int, unit_price_minor: int, vat_rate_bp: int = 1300, category: str = "tea"
) -> LineInput:
    return LineInput(line_id, f"SKU-{line_id}", quantity, unit_price_minor, vat_rate_bp, category)


TEA = line("L1", 2, 12800, 1300, "tea")  # 2 x 128.00, 13%
BOOK = line("L2", 1, 5900, 900, "books")  # 59.00, 9%
SERVICE = line("L3", 3, 3333, 600, "services")  # 3 x 33.33, 6%
MERCHANT_10_PERCENT_CAP_50 = CouponInput(
    "M-10PCT", CouponKind.PERCENTAGE, Funder.MERCHANT, percent_off_bp=1000, cap_minor=5000
)
PLATFORM_300_OFF_30 = CouponInput(
    "P-300-30", CouponKind.THRESHOLD, Funder.PLATFORM, threshold_minor=30000, amount_off_minor=3000
)


def test_mixed_vat_rates_with_a_platform_threshold_coupon_and_a_merchant_percentage_coupon() -> None:
    # Coupons listed platform first on purpose: merchant coupons are still evaluated first.
    priced = price_order([TEA, BOOK, SERVICE], [PLATFORM_300_OFF_30, MERCHANT_10_PERCENT_CAP_50], 1000)

    # goods: 25600 + 5900 + 9999 = 41499
    assert priced.goods_total_minor == 41499
    # merchant 10% of 41499 = 4149.9 -> 4150 (cap 5000 not reached), allocated pro rata:
    #   L1 4150*25600/41499 = 2560 r2560, L2 590 r590, L3 999 r38349 -> 1 fen left -> L3
    merchant = next(c for c in priced.coupons if c.coupon_id == "M-10PCT")
    assert merchant.base_minor == 41499
    assert merchant.discount_minor == 4150
    assert merchant.allocation_minor == {"L1": 2560, "L2": 590, "L3": 1000}
    # platform 满减 on the running base 41499 - 4150 = 37349 >= 30000 -> 3000, over 23040/5310/8999:
    #   L1 1850 r24350, L2 426 r19326, L3 722 r31022 -> 2 fen left -> L3, then L1
    platform = next(c for c in priced.coupons if c.coupon_id == "P-300-30")
    assert platform.base_minor == 37349
    assert platform.allocation_minor == {"L1": 1851, "L2": 426, "L3": 723}

    tea, book, service = priced.line("L1"), priced.line("L2"), priced.line("L3")
    assert (tea.paid_amount_minor, book.paid_amount_minor, service.paid_amount_minor) == (21189, 4884, 8276)
    assert (tea.sales_amount_minor, book.sales_amount_minor, service.sales_amount_minor) == (23040, 5310, 8999)
    # VAT: 23040*13/113 = 2650.62 -> 2651; 5310*9/109 = 438.44 -> 438; 8999*6/106 = 509.38 -> 509
    assert (tea.vat_minor, book.vat_minor, service.vat_minor) == (2651, 438, 509)
    assert priced.vat_minor == 3598
    assert (priced.merchant_discount_minor, priced.platform_discount_minor) == (4150, 3000)
    # payable: 41499 - 4150 - 3000 + shipping 1000
    assert priced.payable_minor == 35349
    assert check_payment(priced, 35349) is None


def test_a_one_fen_remainder_goes_to_the_smallest_line_id_whatever_the_posting_order() -> None:
    coupon = CouponInput("P-10", CouponKind.FIXED, Funder.PLATFORM, amount_off_minor=1000)
    lines = [line("C", 1, 1000), line("A", 1, 1000), line("B", 1, 1000)]
    priced = price_order(lines, [coupon], 0)
    # 1000 over three equal lines: 333 each, 1 fen left, all remainders equal -> line "A"
    assert priced.coupons[0].allocation_minor == {"A": 334, "B": 333, "C": 333}
    assert [priced.line(x).paid_amount_minor for x in "ABC"] == [666, 667, 667]
    assert priced.payable_minor == 2000


def test_a_zero_priced_gift_line_gets_no_discount_and_no_vat() -> None:
    coupon = CouponInput("M-5", CouponKind.FIXED, Funder.MERCHANT, amount_off_minor=500)
    priced = price_order([line("L1", 1, 9900), line("GIFT", 1, 0)], [coupon], 0)
    assert priced.line("GIFT").paid_amount_minor == 0
    assert priced.line("GIFT").vat_minor == 0
    assert priced.line("L1").paid_amount_minor == 9400
    # 9400 * 13 / 113 = 1081.42 -> 1081
    assert priced.line("L1").vat_minor == 1081
    assert priced.payable_minor == 9400


def test_a_repeating_threshold_coupon_applies_once_per_full_threshold_up_to_its_limit() -> None:
    every_100_off_10 = CouponInput(
        "P-EVERY", CouponKind.THRESHOLD, Funder.PLATFORM, threshold_minor=10000, amount_off_minor=1000, repeat=True
    )
    # 350.00: three full 100.00 -> 30.00 off
    assert price_order([line("L1", 1, 35000)], [every_100_off_10], 0).payable_minor == 32000
    limited = CouponInput(
        "P-EVERY",
        CouponKind.THRESHOLD,
        Funder.PLATFORM,
        threshold_minor=10000,
        amount_off_minor=1000,
        repeat=True,
        max_repeats=2,
    )
    assert price_order([line("L1", 1, 35000)], [limited], 0).payable_minor == 33000


def test_a_percentage_coupon_stops_at_its_cap() -> None:
    twenty_percent_cap_30 = CouponInput(
        "P-20PCT", CouponKind.PERCENTAGE, Funder.PLATFORM, percent_off_bp=2000, cap_minor=3000
    )
    priced = price_order([line("L1", 1, 20000)], [twenty_percent_cap_30], 0)
    # 20% of 200.00 = 40.00, capped at 30.00
    assert priced.coupons[0].uncapped_discount_minor == 4000
    assert priced.coupons[0].discount_minor == 3000
    assert priced.payable_minor == 17000


def test_a_fixed_coupon_larger_than_the_goods_takes_them_to_zero_not_below() -> None:
    coupon = CouponInput("M-BIG", CouponKind.FIXED, Funder.MERCHANT, amount_off_minor=5000)
    priced = price_order([line("L1", 1, 3000)], [coupon], 800)
    assert priced.coupons[0].discount_minor == 3000
    assert priced.payable_minor == 800  # the shipping fee is never discounted


def test_a_payment_without_a_coupon_that_applies_is_a_mismatch_naming_that_coupon_and_the_fen() -> None:
    priced = price_order([TEA, BOOK, SERVICE], [PLATFORM_300_OFF_30, MERCHANT_10_PERCENT_CAP_50], 1000)
    # the platform charged 35349 + 3000: it forgot its own 满减
    mismatch = check_payment(priced, 38349)
    assert mismatch is not None
    assert mismatch.difference_minor == 3000
    assert [suspect.coupon_id for suspect in mismatch.suspects] == ["P-300-30"]
    assert "3000 fen" in mismatch.suspects[0].explanation


def test_a_payment_that_ignored_a_coupons_cap_is_a_mismatch_naming_the_cap() -> None:
    coupon = CouponInput("P-20PCT", CouponKind.PERCENTAGE, Funder.PLATFORM, percent_off_bp=2000, cap_minor=3000)
    priced = price_order([line("L1", 1, 20000)], [coupon], 0)
    mismatch = check_payment(priced, 16000)  # 200.00 - 40.00: cap ignored
    assert mismatch is not None
    assert mismatch.difference_minor == -1000
    assert [suspect.coupon_id for suspect in mismatch.suspects] == ["P-20PCT"]
    assert "cap" in mismatch.suspects[0].explanation


def test_a_threshold_coupon_whose_threshold_is_not_met_is_refused_naming_it() -> None:
    with pytest.raises(PricingError) as refused:
        price_order([line("L1", 1, 29999)], [PLATFORM_300_OFF_30], 0)
    assert refused.value.field == "coupons[0].threshold"
    assert "P-300-30" in refused.value.message


def test_the_threshold_is_checked_after_merchant_coupons() -> None:
    # 305.00 of goods, merchant 10% (30.50) first -> 274.50 left, below the platform's 300.00
    with pytest.raises(PricingError) as refused:
        price_order([line("L1", 1, 30500)], [PLATFORM_300_OFF_30, MERCHANT_10_PERCENT_CAP_50], 0)
    assert refused.value.field == "coupons[0].threshold"


@pytest.mark.parametrize(
    ("lines", "coupons", "field"),
    [
        ([line("L1", 0, 100)], [], "lines[0].quantity"),
        ([line("L1", -1, 100)], [], "lines[0].quantity"),
        ([line("L1", 1, 100), line("L1", 1, 100)], [], "lines[1].line_id"),
        ([], [], "lines"),
        (
            [line("L1", 1, 100000)],
            [PLATFORM_300_OFF_30, CouponInput("P-2", CouponKind.THRESHOLD, Funder.PLATFORM, 500, 10000)],
            "coupons[1].kind",
        ),
        (
            [line("L1", 1, 100)],
            [CouponInput("X", CouponKind.PERCENTAGE, Funder.MERCHANT, percent_off_bp=0)],
            "coupons[0].percent_off",
        ),
        ([line("L1", 1, 100)], [CouponInput("X", CouponKind.FIXED, Funder.MERCHANT)], "coupons[0].amount_off"),
    ],
)
def test_input_the_engine_cannot_price_is_refused_with_the_field(
    lines: list[LineInput], coupons: list[CouponInput], field: str
) -> None:
    with pytest.raises(PricingError) as refused:
        price_order(lines, coupons, 0)
    assert refused.value.field == field


lines_strategy = st.lists(
    st.builds(
        LineInput,
        line_id=st.text("abcdefgh", min_size=1, max_size=6),
        sku=st.just("SKU"),
        quantity=st.integers(1, 50),
        unit_price_minor=st.integers(0, 200_000),
        vat_rate_bp=st.sampled_from([0, 600, 900, 1300]),
        category=st.just("c"),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda item: item.line_id,
)
coupons_strategy = st.lists(
    st.one_of(
        st.builds(
            CouponInput,
            coupon_id=st.just("pct"),
            kind=st.just(CouponKind.PERCENTAGE),
            funded_by=st.sampled_from(list(Funder)),
            percent_off_bp=st.integers(1, 9999),
            cap_minor=st.one_of(st.none(), st.integers(1, 100_000)),
        ),
        st.builds(
            CouponInput,
            coupon_id=st.just("fixed"),
            kind=st.just(CouponKind.FIXED),
            funded_by=st.sampled_from(list(Funder)),
            amount_off_minor=st.integers(1, 500_000),
        ),
        st.builds(
            CouponInput,
            coupon_id=st.just("threshold"),
            kind=st.just(CouponKind.THRESHOLD),
            funded_by=st.just(Funder.MERCHANT),
            threshold_minor=st.just(1),
            amount_off_minor=st.integers(1, 50_000),
            repeat=st.booleans(),
            max_repeats=st.one_of(st.none(), st.integers(1, 5)),
        ),
    ),
    max_size=3,
    unique_by=lambda coupon: coupon.coupon_id,
)


@given(lines=lines_strategy, coupons=coupons_strategy, shipping=st.integers(0, 5000), data=st.data())
def test_allocations_sum_exactly_never_go_negative_never_exceed_a_line_and_ignore_line_order(
    lines: list[LineInput], coupons: list[CouponInput], shipping: int, data: st.DataObject
) -> None:
    if sum(item.unit_price_minor * item.quantity for item in lines) == 0:
        coupons = [coupon for coupon in coupons if coupon.kind is not CouponKind.THRESHOLD]
    priced = price_order(lines, coupons, shipping)
    for coupon in priced.coupons:
        assert sum(coupon.allocation_minor.values()) == coupon.discount_minor
        assert all(part > 0 for part in coupon.allocation_minor.values())
    for priced_line in priced.lines:
        assert 0 <= priced_line.paid_amount_minor <= priced_line.line_amount_minor
        assert sum(priced_line.discounts_by_coupon_minor.values()) == (
            priced_line.merchant_discount_minor + priced_line.platform_discount_minor
        )
    assert priced.payable_minor == sum(item.paid_amount_minor for item in priced.lines) + shipping

    shuffled = data.draw(st.permutations(lines))
    again = price_order(shuffled, coupons, shipping)
    assert again.payable_minor == priced.payable_minor
    assert again.vat_minor == priced.vat_minor
    assert (again.merchant_discount_minor, again.platform_discount_minor) == (
        priced.merchant_discount_minor,
        priced.platform_discount_minor,
    )
    for priced_line in priced.lines:
        assert again.line(priced_line.line_id) == priced_line
