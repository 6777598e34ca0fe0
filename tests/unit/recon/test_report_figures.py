"""The tax report and the 发出商品 report, pure, with every figure worked by hand.

The lines used throughout:

- SERVICE, 6%: 3 x 33.33 = 99.99, less a merchant-funded 满减 share of 10.00 -> sales 8999.
  VAT = round_half_up(8999 * 6 / 106) = round(509.37) = 509.
  Split over 3 units, first units first: 8999 = 2999 * 3 + 2 -> [3000, 3000, 2999];
  509 = 169 * 3 + 2 -> [170, 170, 169].
- TEA, 13%: 2 x 128.00 = 256.00, less a merchant share of 25.60 -> sales 23040.
  VAT = round_half_up(23040 * 13 / 113) = round(2650.62) = 2651.
  Split over 2 units: [11520, 11520]; 2651 = 1325 * 2 + 1 -> [1326, 1325].
- MUG: 5 units, sales 10001: 10001 = 2000 * 5 + 1 -> [2001, 2000, 2000, 2000, 2000].
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from recon_svc.domain.goods_shipped_report import StockFigures, build_goods_shipped_report, returned_movements
from recon_svc.domain.report_tables import TAX_HEADERS_ZH, percent, stock_sku_rows, tax_line_rows, tax_rate_rows
from recon_svc.domain.report_units import Kind, LineFacts, Movement, range_share, unit_parts
from recon_svc.domain.tax_report import build_tax_report

CHINA = timezone(timedelta(hours=8))
DAY1 = datetime(2026, 11, 2, tzinfo=CHINA)
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY2 + timedelta(days=1)
DAY4 = DAY3 + timedelta(days=1)

SERVICE = LineFacts("O1", "L3", "SVC-1", 3, 8999, 509, 600)
TEA = LineFacts("O1", "L1", "TEA-500", 2, 23040, 2651, 1300)
MUG = LineFacts("O2", "L1", "MUG", 5, 10001, 1300, 1300)
LINES = {(line.order_id, line.line_id): line for line in (SERVICE, TEA, MUG)}


def at(day: datetime, hour: int) -> datetime:
    return day + timedelta(hours=hour)


def sign_off(line: LineFacts, units: int, when: datetime, shipment: str = "S1") -> Movement:
    return Movement(line.order_id, line.line_id, Kind.SIGN_OFF, units, when, shipment)


def refund(line: LineFacts, units: int, when: datetime, refund_id: str = "R1") -> Movement:
    return Movement(line.order_id, line.line_id, Kind.REFUND, units, when, refund_id)


def dispatch(line: LineFacts, units: int, when: datetime, shipment: str) -> Movement:
    return Movement(line.order_id, line.line_id, Kind.DISPATCH, units, when, shipment)


def test_a_line_is_split_over_its_units_first_units_first() -> None:
    assert unit_parts(8999, 3) == [3000, 3000, 2999]
    assert unit_parts(509, 3) == [170, 170, 169]
    assert unit_parts(2651, 2) == [1326, 1325]
    assert range_share(8999, 3, 2, 3) == 2999  # the last unit: the one a refund takes
    assert range_share(8999, 3, 2, 7) == 2999  # clamped to the line
    assert range_share(8999, 3, 2, 2) == 0


def test_units_signed_off_are_recognised_and_a_refunded_unit_reduces_sales_and_vat() -> None:
    movements = [sign_off(SERVICE, 3, at(DAY1, 10)), refund(SERVICE, 1, at(DAY2, 9))]
    report = build_tax_report("M1", LINES, movements, DAY1, DAY3)
    six = report.by_rate[600]
    # signed off: all 3 units, 8999 and 509; refunded: the last unit, 2999 and 169
    assert (six.signed_off_units, six.sales_minor, six.vat_minor) == (3, 8999, 509)
    assert (six.refunded_units, six.refunded_sales_minor, six.refunded_vat_minor) == (1, 2999, 169)
    # net: 8999 - 2999 = 6000 sales, 509 - 169 = 340 VAT, 6000 - 340 = 5660 before VAT
    assert (six.net_sales_minor, six.net_vat_minor, six.net_excluding_vat_minor) == (6000, 340, 5660)
    assert report.total == six
    assert [rate for rate in report.by_rate] == [1300, 900, 600, 0]  # every standard rate, even empty
    assert report.by_rate[1300].net_sales_minor == 0


def test_a_refund_in_a_later_period_reduces_that_period_only() -> None:
    movements = [sign_off(SERVICE, 3, at(DAY1, 10)), refund(SERVICE, 1, at(DAY2, 9))]
    first = build_tax_report("M1", LINES, movements, DAY1, DAY2)
    second = build_tax_report("M1", LINES, movements, DAY2, DAY3)
    assert (first.total.net_sales_minor, first.total.net_vat_minor) == (8999, 509)
    assert (second.total.sales_minor, second.total.refunded_sales_minor) == (0, 2999)
    assert (second.total.net_sales_minor, second.total.net_vat_minor) == (-2999, -169)


def test_two_rates_give_a_row_each_and_a_total() -> None:
    # one tea unit signed off (the first: 11520, VAT 1326) and the whole service line
    movements = [sign_off(TEA, 1, at(DAY1, 10)), sign_off(SERVICE, 3, at(DAY1, 10))]
    report = build_tax_report("M1", LINES, movements, DAY1, DAY2)
    assert (report.by_rate[1300].sales_minor, report.by_rate[1300].vat_minor) == (11520, 1326)
    assert (report.by_rate[600].sales_minor, report.by_rate[600].vat_minor) == (8999, 509)
    # total: 11520 + 8999 = 20519; 1326 + 509 = 1835
    assert (report.total.sales_minor, report.total.vat_minor) == (20519, 1835)
    # the second tea unit, signed off the next day, takes the other 11520 and 1325
    later = build_tax_report("M1", LINES, [*movements, sign_off(TEA, 1, at(DAY2, 8), "S2")], DAY2, DAY3)
    assert (later.total.sales_minor, later.total.vat_minor) == (11520, 1325)
    rows = tax_rate_rows(report, chinese=True)
    assert rows[0] == ("13%", "1", "115.20", "13.26", "0", "0.00", "0.00", "115.20", "13.26", "101.94")
    assert rows[-1][:4] == ("合计", "4", "205.19", "18.35")
    assert TAX_HEADERS_ZH[:4] == ("税率", "签收件数", "含税销售额", "销项税额")
    assert [row[:4] for row in tax_line_rows(report)] == [("O1", "L1", "TEA-500", "13%"), ("O1", "L3", "SVC-1", "6%")]


def test_units_refunded_before_sign_off_were_never_sales() -> None:
    # one unit refunded (the last: 2999) before the parcel of 3 is signed off: the sign-off
    # recognises the first two only (3000 + 3000, VAT 170 + 170), and the refund reduces nothing
    movements = [refund(SERVICE, 1, at(DAY1, 9)), sign_off(SERVICE, 3, at(DAY1, 10))]
    report = build_tax_report("M1", LINES, movements, DAY1, DAY2)
    six = report.by_rate[600]
    assert (six.signed_off_units, six.sales_minor, six.vat_minor) == (2, 6000, 340)
    assert (six.refunded_units, six.refunded_sales_minor, six.refunded_vat_minor) == (0, 0, 0)


def test_the_order_facts_arrive_in_does_not_change_the_report_and_unknown_orders_are_listed() -> None:
    movements = [sign_off(SERVICE, 3, at(DAY1, 10)), refund(SERVICE, 1, at(DAY2, 9))]
    unknown = Movement("O9", "L1", Kind.SIGN_OFF, 1, at(DAY1, 11), "S9")  # OrderPlaced not here yet
    forwards = build_tax_report("M1", LINES, movements, DAY1, DAY3)
    backwards = build_tax_report("M1", LINES, [unknown, *reversed(movements)], DAY1, DAY3)
    assert backwards.total == forwards.total
    assert backwards.incomplete_orders == ["O9"]
    assert percent(650) == "6.50%"


# --- 发出商品 --------------------------------------------------------------------------------------


def mug_movements() -> list[Movement]:
    """MUG shipped 5 in three parcels on day 1 (A: 3, B: 1, C: 1), A signed off on day 2, B
    returned to sender (退签) on day 2; C still out."""
    dispatched = [
        dispatch(MUG, 3, at(DAY1, 9), "A"),
        dispatch(MUG, 1, at(DAY1, 10), "B"),
        dispatch(MUG, 1, at(DAY1, 11), "C"),
    ]
    signed = [sign_off(MUG, 3, at(DAY2, 10), "A")]
    return [*dispatched, *signed, *returned_movements([("B", at(DAY2, 12))], dispatched, signed)]


def test_shipped_5_signed_off_3_returned_1_closes_at_1_with_its_amount() -> None:
    report = build_goods_shipped_report("M1", LINES, mug_movements(), DAY1, DAY3)
    mug = report.by_sku["MUG"]
    # shipped: positions 0..4 = 2001 + 4 * 2000 = 10001
    # signed off: the first 3 = 2001 + 2000 + 2000 = 6001
    # returned: the last unit out (position 4) = 2000
    # closing: 0 + 10001 - 6001 - 2000 = 2000, one unit (position 3)
    assert mug == StockFigures(
        opening_units=0,
        opening_minor=0,
        shipped_units=5,
        shipped_minor=10001,
        signed_off_units=3,
        signed_off_minor=6001,
        returned_units=1,
        returned_minor=2000,
    )
    assert (mug.closing_units, mug.closing_minor) == (1, 2000)
    assert stock_sku_rows(report, chinese=False)[-1] == (
        "total", "0", "0.00", "5", "100.01", "3", "60.01", "1", "20.00", "1", "20.00"
    )  # fmt: skip


def test_the_opening_is_the_closing_of_the_day_before() -> None:
    movements = mug_movements()
    day2 = build_goods_shipped_report("M1", LINES, movements, DAY2, DAY3).by_sku["MUG"]
    # opening: everything shipped on day 1, 5 units, 10001
    assert (day2.opening_units, day2.opening_minor) == (5, 10001)
    assert (day2.shipped_units, day2.signed_off_units, day2.returned_units) == (0, 3, 1)
    assert (day2.closing_units, day2.closing_minor) == (1, 2000)
    day3 = build_goods_shipped_report("M1", LINES, movements, DAY3, DAY4).by_sku["MUG"]
    assert (day3.opening_units, day3.opening_minor, day3.closing_units, day3.closing_minor) == (1, 2000, 1, 2000)
    # before anything moved: nothing to show
    assert build_goods_shipped_report("M1", LINES, movements, DAY1 - timedelta(days=1), DAY1).by_sku == {}


def test_facts_in_any_arrival_order_give_the_same_report() -> None:
    movements = mug_movements()
    forwards = build_goods_shipped_report("M1", LINES, movements, DAY1, DAY3)
    backwards = build_goods_shipped_report("M1", LINES, list(reversed(movements)), DAY1, DAY3)
    assert backwards.by_sku == forwards.by_sku


def test_a_return_whose_dispatch_is_not_known_yet_brings_back_nothing_and_a_line_without_its_order_is_listed() -> None:
    assert returned_movements([("X", at(DAY2, 9))], [], []) == []
    # a parcel signed off in part and then returned brings back only what was not signed off
    dispatched = [dispatch(MUG, 2, at(DAY1, 9), "D")]
    signed = [sign_off(MUG, 1, at(DAY1, 12), "D")]
    [back] = returned_movements([("D", at(DAY2, 9))], dispatched, signed)
    assert (back.kind, back.units, back.reference) == (Kind.RETURN, 1, "D")
    # a carrier scan dated (to the second) before our dispatch time counts from the dispatch
    [early] = returned_movements([("D", at(DAY1, 8))], dispatched, [])
    assert (early.units, early.at) == (2, at(DAY1, 9))
    orphan = Movement("O9", "L1", Kind.DISPATCH, 2, at(DAY1, 9), "Z")
    report = build_goods_shipped_report("M1", LINES, [orphan, *mug_movements()], DAY1, DAY3)
    assert report.incomplete_orders == ["O9"]
    assert report.total.closing_units == 1  # the orphan is not valued until its OrderPlaced lands
