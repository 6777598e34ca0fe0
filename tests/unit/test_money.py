from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipsettle_shared.money import (
    InvalidAmountError,
    Money,
    allocate_largest_remainder,
    round_half_up_div,
)


def test_decimal_strings_parse_exactly_into_fen() -> None:
    assert Money.parse("12.34") == Money(1234, "CNY")
    assert Money.parse("0.01") == Money(1, "CNY")
    assert Money.parse("100") == Money(10000, "CNY")
    assert Money.parse("-3.5") == Money(-350, "CNY")


@pytest.mark.parametrize("text", ["12.345", "1e3", "12,34", " 1.00", "", "0x10", "NaN", "01.00"])
def test_amounts_that_are_not_exact_decimal_strings_are_refused(text: str) -> None:
    with pytest.raises(InvalidAmountError):
        Money.parse(text)


def test_floats_are_refused_as_amounts() -> None:
    with pytest.raises(InvalidAmountError):
        Money(12.5, "CNY")  # type: ignore[arg-type]


def test_only_the_currencies_shipsettle_settles_in_are_money() -> None:
    with pytest.raises(InvalidAmountError):
        Money(100, "XXX")
    with pytest.raises(InvalidAmountError):
        Money.parse("1.00", "XXX")


def test_money_formats_back_to_a_decimal_string() -> None:
    assert Money(1234).to_decimal_string() == "12.34"
    assert Money(-5).to_decimal_string() == "-0.05"
    assert Money(1000, "JPY").to_decimal_string() == "1000"


def test_round_half_up_rounds_halves_away_from_zero() -> None:
    # VAT on 113.00 at 13%: 11300 * 13 / 113 = 1300 exactly
    assert round_half_up_div(11300 * 13, 113) == 1300
    # VAT on 10.00 at 13%: 1000 * 13 / 113 = 115.04... -> 115
    assert round_half_up_div(1000 * 13, 113) == 115
    assert round_half_up_div(5, 2) == 3
    assert round_half_up_div(-5, 2) == -3
    assert round_half_up_div(7, 2) == 4
    assert round_half_up_div(1, 3) == 0


def test_a_30_yuan_discount_over_three_lines_is_split_by_largest_remainder() -> None:
    # lines 100.00, 100.00, 100.00 share 30.00 off: 10.00 each
    assert allocate_largest_remainder(3000, [10000, 10000, 10000]) == [1000, 1000, 1000]
    # 1 fen over three equal lines: the first line gets it (ties go to the earlier line)
    assert allocate_largest_remainder(1, [100, 100, 100]) == [1, 0, 0]
    # 10.00 over lines of 33.33, 33.33, 33.34 (sum 100.00):
    #   exact shares 333.3, 333.3, 333.4 -> floors 333, 333, 333 = 999, 1 fen left,
    #   largest remainder is the third line (0.4) -> 333, 333, 334
    assert allocate_largest_remainder(1000, [3333, 3333, 3334]) == [333, 333, 334]


@given(
    total=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
)
def test_allocations_always_sum_exactly_and_stay_within_one_fen_of_the_pro_rata_share(
    total: int, weights: list[int]
) -> None:
    parts = allocate_largest_remainder(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part >= 0
        # part is floor or ceil of the exact share total * weight / weight_sum
        assert part * weight_sum >= total * weight - weight_sum
        assert part * weight_sum <= total * weight + weight_sum
        if weight == 0:
            assert part == 0
