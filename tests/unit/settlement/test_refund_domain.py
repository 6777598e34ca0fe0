"""Refunds against an order's sign-offs, figures worked out by hand. The order is the worked
example of test_settlement_domain.py: L1 tea 2 units paid 211.89 subsidy 18.51 base 230.40;
L2 book paid 48.84 subsidy 4.26 base 53.10; L3 service 3 units paid 82.76 subsidy 7.23 base
89.99; shipping 10.00. Per unit (largest remainder, extra fen to the first units):
L1 paid 10595, 10594; subsidy 926, 925; base 11520, 11520.
L3 paid 2759, 2759, 2758; subsidy 241, 241, 241; base 3000, 3000, 2999.
Sign-offs take a line's first units, refunds its last ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from settlement_svc.domain.orders import RefundedUnits, SettlementLine, SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy

POLICY = MerchantPolicy(
    merchant_id="m-1", default_commission_bp=500, commission_bp_by_category={"books": 300, "services": 800}
)


def order() -> SettlementOrder:
    return SettlementOrder(
        order_id="PO-1",
        merchant_id="m-1",
        currency="CNY",
        shipping_fee_minor=1000,
        lines={
            "L1": SettlementLine("L1", "tea", 2, 21189, 1851, 23040),
            "L2": SettlementLine("L2", "books", 1, 4884, 426, 5310),
            "L3": SettlementLine("L3", "services", 3, 8276, 723, 8999),
        },
    )


def units(line_id: str, count: int, paid: int, subsidy: int, base: int) -> dict[str, RefundedUnits]:
    return {line_id: RefundedUnits(line_id, count, paid, subsidy, base)}


def test_a_refund_splits_its_units_into_the_booked_part_and_the_part_never_booked() -> None:
    signed, booking = order().sign_off({"L3": 2}, POLICY)
    assert booking.commission_minor == 480  # units 0 and 1: base 6000 * 8%
    # refund L3's last 2 units (units 2 and 1): 2758 + 2759 = 5517 paid, 482 subsidy, 5999 base
    refunded, amounts = signed.refund(units("L3", 2, 5517, 482, 5999), 0, POLICY)
    [split] = amounts.lines
    assert split.booked_units == 1  # unit 1 was signed off, unit 2 was not
    assert (amounts.paid_minor, amounts.subsidy_minor) == (2759, 241)  # unit 1
    assert (amounts.unbooked_paid_minor, amounts.unbooked_subsidy_minor) == (2758, 241)  # unit 2
    assert (amounts.shipping_minor, amounts.unbooked_shipping_minor) == (0, 0)
    # unit 1 base 3000 at the booked 8% = 240; unit 0 stays booked, so the cap (480 left) applies
    assert amounts.commission_minor == 240
    assert amounts.merchant_reversal_minor == 2759 + 241 - 240  # 2760
    assert amounts.disagreements == ()
    assert refunded.commission_remaining_minor == 480 - 240
    # A later sign-off of the last unit books nothing: it was refunded before it was booked.
    _, late = refunded.sign_off({"L3": 1}, POLICY)
    assert (late.paid_minor, late.subsidy_minor, late.commission_minor, late.net_minor) == (0, 0, 0, 0)


def test_refunded_units_are_never_booked_and_refunded_shipping_never_either() -> None:
    # A cancellation of L1's last unit with the shipping fee, before anything was signed off.
    refunded, amounts = order().refund(units("L1", 1, 10594, 925, 11520), 1000, POLICY)
    assert (amounts.paid_minor, amounts.shipping_minor, amounts.subsidy_minor, amounts.commission_minor) == (
        0,
        0,
        0,
        0,
    )
    assert (amounts.unbooked_paid_minor, amounts.unbooked_shipping_minor) == (10594, 1000)
    assert amounts.merchant_reversal_minor == 0
    _, booking = refunded.sign_off({"L1": 2, "L2": 1, "L3": 3}, POLICY)
    assert booking.paid_minor == 10595 + 4884 + 8276  # 23755: L1's unit 1 is gone
    assert booking.subsidy_minor == 926 + 426 + 723  # 2075
    assert booking.shipping_minor == 0
    # 11520*5% + 5310*3% + 8999*8% = 576 + 159.3 + 719.92 = 1455.22 -> 1455
    assert booking.commission_minor == 1455
    # conservation: paid 34349 + shipping 1000 + subsidy 3000 = refunded to the buyer 10594 + 1000
    # + subsidy never paid 925 + commission 1455 + merchant net (23755 + 2075 - 1455 = 24375)
    assert 34349 + 1000 + 3000 == 10594 + 1000 + 925 + 1455 + 24375


def test_shipping_refunded_after_it_was_booked_is_reversed_with_the_goods() -> None:
    signed, booking = order().sign_off({"L2": 1}, POLICY)
    assert booking.shipping_minor == 1000
    assert booking.commission_minor == 159  # 5310 * 3% = 159.3
    _, amounts = signed.refund(units("L2", 1, 4884, 426, 5310), 1000, POLICY)
    assert amounts.refunded_minor == 4884 + 1000
    # the order's only booked unit: the last refund reverses exactly what remains, 159
    assert amounts.commission_minor == 159
    assert amounts.merchant_reversal_minor == 4884 + 1000 + 426 - 159  # 6151 = the whole booking
    assert amounts.merchant_reversal_minor == booking.net_minor


def test_commission_is_reversed_at_the_rate_it_was_booked_not_the_rate_now() -> None:
    signed, _ = order().sign_off({"L1": 2}, POLICY)  # 5% for tea then
    later = MerchantPolicy(merchant_id="m-1", default_commission_bp=900)
    _, amounts = signed.refund(units("L1", 1, 10594, 925, 11520), 0, later)
    assert amounts.commission_minor == 576  # 11520 * 5%, not 9%


def test_commission_reversal_is_capped_by_what_remains_and_the_last_refund_takes_the_rest() -> None:
    # Three one-unit lines at 10%: bases 5, 5, 1 booked together: 0.5 + 0.5 + 0.1 = 1.1 -> 1.
    policy = MerchantPolicy(merchant_id="m-1", default_commission_bp=1000)
    small = SettlementOrder(
        order_id="PO-2",
        merchant_id="m-1",
        currency="CNY",
        shipping_fee_minor=0,
        lines={line: SettlementLine(line, "x", 1, base, 0, base) for line, base in (("A", 5), ("B", 5), ("C", 1))},
    )
    signed, booking = small.sign_off({"A": 1, "B": 1, "C": 1}, policy)
    assert booking.commission_minor == 1
    after_a, a = signed.refund(units("A", 1, 5, 0, 5), 0, policy)
    assert a.commission_minor == 1  # 0.5 -> 1, and 1 remains
    after_b, b = after_a.refund(units("B", 1, 5, 0, 5), 0, policy)
    assert b.commission_minor == 0  # 0.5 -> 1, but nothing remains: capped at 0
    _, c = after_b.refund(units("C", 1, 1, 0, 1), 0, policy)
    assert c.commission_minor == 0  # the last refund: what remains, 0
    # Three units of one line at 10%, bases 4, 4, 3 (11 over 3): booked 1.1 -> 1.
    line = SettlementOrder(
        order_id="PO-3",
        merchant_id="m-1",
        currency="CNY",
        shipping_fee_minor=0,
        lines={"L": SettlementLine("L", "x", 3, 11, 0, 11)},
    )
    state, _ = line.sign_off({"L": 3}, policy)
    state, first = state.refund(units("L", 2, 7, 0, 7), 0, policy)  # units 2 and 1: 3 + 4 = 0.7 -> 1
    assert first.commission_minor == 1
    _, last = state.refund(units("L", 1, 4, 0, 4), 0, policy)  # 0.4 -> 0, and 0 remains anyway
    assert last.commission_minor == 0


def test_the_last_refund_reverses_the_remaining_commission_even_when_its_share_rounds_lower() -> None:
    policy = MerchantPolicy(merchant_id="m-1", default_commission_bp=1000)
    line = SettlementOrder(
        order_id="PO-4",
        merchant_id="m-1",
        currency="CNY",
        shipping_fee_minor=0,
        lines={"L": SettlementLine("L", "x", 3, 15, 0, 15)},  # bases 5, 5, 5
    )
    state = line
    for _ in range(3):  # three sign-offs of one unit: 0.5 -> 1 each, 3 booked in all
        state, booking = state.sign_off({"L": 1}, policy)
        assert booking.commission_minor == 1
    state, first = state.refund(units("L", 1, 5, 0, 5), 0, policy)
    assert first.commission_minor == 1  # 0.5 -> 1; 2 remain
    _, rest = state.refund(units("L", 2, 10, 0, 10), 0, policy)
    assert rest.commission_minor == 2  # its own share 1.0 -> 1, but it is the last: what remains, 2


def test_a_refund_that_does_not_fit_the_order_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot refund 3 more of 2 left"):
        order().refund(units("L1", 3, 0, 0, 0), 0, POLICY)
    with pytest.raises(ValueError, match="has no line L9"):
        order().refund(units("L9", 1, 0, 0, 0), 0, POLICY)
    with pytest.raises(ValueError, match="shipping"):
        order().refund({}, 1001, POLICY)


def test_figures_that_disagree_with_the_orders_allocation_are_reported() -> None:
    _, amounts = order().refund(units("L3", 1, 2759, 241, 3000), 0, POLICY)  # unit 0's, not unit 2's
    assert amounts.disagreements == (
        "line L3: refund says (2759, 241, 3000), the order's last units are (2758, 241, 2999)",
    )


@given(
    steps=st.lists(st.tuples(st.booleans(), st.integers(1, 3)), max_size=8),
    paid=st.integers(0, 100_000),
    subsidy=st.integers(0, 5_000),
    quantity=st.integers(1, 7),
)
def test_every_unit_is_booked_refunded_unbooked_or_reversed_and_the_line_adds_up(
    steps: list[tuple[bool, int]], paid: int, subsidy: int, quantity: int
) -> None:
    """Whatever the order of sign-offs and refunds: merchant's paid part = line paid - refunded
    paid; commission never goes below zero, and is zero once every booked unit is refunded."""
    state = SettlementOrder(
        order_id="PO-P",
        merchant_id="m-1",
        currency="CNY",
        shipping_fee_minor=0,
        lines={"L": SettlementLine("L", "tea", quantity, paid, subsidy, paid + subsidy)},
    )
    booked_paid = reversed_paid = refunded_paid = 0
    for is_refund, count in steps:
        line = state.lines["L"]
        if is_refund:
            count = min(count, line.quantity - line.units_refunded)
            if not count:
                continue
            end = line.quantity - line.units_refunded
            paid_part, subsidy_part, base_part = line.figures(end - count, end)
            state, amounts = state.refund(units("L", count, paid_part, subsidy_part, base_part), 0, POLICY)
            reversed_paid += amounts.paid_minor
            refunded_paid += paid_part
            assert amounts.paid_minor + amounts.unbooked_paid_minor == paid_part
        else:
            count = min(count, line.quantity - line.units_signed_off)
            if not count:
                continue
            state, booking = state.sign_off({"L": count}, POLICY)
            booked_paid += booking.paid_minor
        assert state.commission_remaining_minor >= 0
    line = state.lines["L"]
    if line.units_signed_off + line.units_refunded >= line.quantity:  # every unit settled one way
        assert booked_paid - reversed_paid == paid - refunded_paid
    if line.units_booked_unrefunded == 0:
        assert state.commission_remaining_minor == 0
