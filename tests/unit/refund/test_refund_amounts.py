"""The refund amounts function, with every figure worked by hand.

The order used throughout (the same one the end-to-end test places through order-svc):
  line A "tea": 3 x 100.00 = 30000 fen; line B "books": 1 x 50.00 = 5000 fen; goods 35000.
  merchant 满减 300 减 30 (3000), pro rata by line amount, largest remainder:
      A 3000*30000/35000 = 2571.43 -> 2571, B 428.57 -> 428; 1 fen left -> B (.57 > .43): A 2571, B 429
  platform fixed 20.00 (2000): A 1714.29 -> 1714, B 285.71 -> 285; 1 left -> B: A 1714, B 286
  line A: paid 30000 - 2571 - 1714 = 25715; subsidy 1714; commission base 30000 - 2571 = 27429
  line B: paid  5000 -  429 -  286 =  4285; subsidy  286; commission base  5000 -  429 =  4571
  shipping fee 10.00 = 1000; the buyer paid 25715 + 4285 + 1000 = 31000.
Line A over its 3 units (largest remainder, ties to the earlier unit):
  paid 25715/3 = 8571.67 -> [8572, 8572, 8571]; subsidy 1714/3 = 571.33 -> [572, 571, 571];
  base 27429/3 = 9143 -> [9143, 9143, 9143]. Refunds take the last units first.
"""

from __future__ import annotations

import pytest

from refund_svc.domain.amounts import (
    OrderLine,
    ReasonCode,
    RefundableOrder,
    RefundAmountError,
    RefundKind,
    give_back,
    quote,
    take,
)

ORDER = RefundableOrder(
    order_id="O-1",
    lines={
        "A": OrderLine("A", "tea", 3, paid_minor=25715, subsidy_minor=1714, commission_base_minor=27429),
        "B": OrderLine("B", "books", 1, paid_minor=4285, subsidy_minor=286, commission_base_minor=4571),
    },
    shipping_fee_minor=1000,
)


def test_one_unit_of_a_line_with_a_threshold_share_and_a_subsidy() -> None:
    refund = quote(ORDER, RefundKind.RETURN_AND_REFUND, ReasonCode.NO_REASON, {"A": 1})
    (line,) = refund.lines
    assert (line.positions, line.paid_minor, line.subsidy_minor, line.commission_base_minor) == ([2], 8571, 571, 9143)
    assert refund.shipping_minor == 0  # a no-reason return never refunds shipping
    assert refund.refund_minor == 8571
    # the merchant gives back the buyer's 8571 and the platform's 571 subsidy on that unit
    assert refund.merchant_charge_minor == 8571 + 571


def test_units_refunded_one_by_one_add_up_to_the_line_exactly() -> None:
    order = ORDER
    paid, subsidy = [], []
    for _ in range(3):
        refund = quote(order, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 1})
        paid.append(refund.lines[0].paid_minor)
        subsidy.append(refund.lines[0].subsidy_minor)
        order = take(order, refund)
    assert paid == [8571, 8572, 8572]
    assert sum(paid) == 25715
    assert subsidy == [571, 571, 572]
    assert sum(subsidy) == 1714


def test_never_more_units_than_left() -> None:
    order = take(ORDER, quote(ORDER, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 2}))
    with pytest.raises(RefundAmountError) as refused:
        quote(order, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 2})
    assert refused.value.field == "lines.A.units"
    assert "1 of 3 left" in str(refused.value)
    with pytest.raises(RefundAmountError):
        quote(ORDER, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 4})
    with pytest.raises(RefundAmountError):
        quote(ORDER, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"C": 1})
    with pytest.raises(RefundAmountError):
        quote(ORDER, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 0})


def test_shipping_goes_back_with_the_refund_that_empties_the_order_when_the_merchant_is_at_fault() -> None:
    first = quote(ORDER, RefundKind.REFUND_ONLY, ReasonCode.NOT_RECEIVED, {"A": 3})
    assert first.shipping_minor == 0  # line B is still the buyer's
    order = take(ORDER, first)
    last = quote(order, RefundKind.REFUND_ONLY, ReasonCode.NOT_RECEIVED, {"B": 1})
    assert last.shipping_minor == 1000
    assert last.refund_minor == 4285 + 1000
    # everything: 25715 + 4285 + 1000 = 31000, exactly what the buyer paid
    assert first.refund_minor + last.refund_minor == 31000


def test_no_shipping_for_a_no_reason_return_even_of_everything() -> None:
    refund = quote(ORDER, RefundKind.RETURN_AND_REFUND, ReasonCode.NO_REASON, {"A": 3, "B": 1})
    assert refund.shipping_minor == 0
    assert refund.refund_minor == 30000


def test_a_cancellation_refunds_everything_with_shipping() -> None:
    refund = quote(ORDER, RefundKind.CANCELLATION, ReasonCode.CANCELLED, {"A": 3, "B": 1})
    assert refund.refund_minor == 31000
    assert refund.subsidy_reversed_minor == 1714 + 286


def test_a_closed_refund_gives_its_units_back_and_positions_never_overlap() -> None:
    first = quote(ORDER, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 1})  # position 2
    order = take(ORDER, first)
    second = quote(order, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 1})  # position 1
    order = take(order, second)
    order = give_back(order, first)  # the first is rejected: position 2 is free again
    third = quote(order, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 2})
    assert third.lines[0].positions == [0, 2]
    # positions 0 and 2: 8572 + 8571; with the second's 8572 the line is exactly 25715
    assert third.lines[0].paid_minor + second.lines[0].paid_minor == 25715


def test_a_closed_refund_that_carried_shipping_lets_a_later_one_carry_it() -> None:
    everything = quote(ORDER, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 3, "B": 1})
    assert everything.shipping_minor == 1000
    order = give_back(take(ORDER, everything), everything)
    assert not order.shipping_refunded
    assert quote(order, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 3, "B": 1}).shipping_minor == 1000
