"""recon's pure judgements: the money invariants of one order, and a statement read off ledger
postings — figures worked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from recon_svc.domain.invariants import OrderMoney, check_order, window_violation
from recon_svc.domain.statements import LedgerEntry, build_statement

T0 = datetime(2026, 11, 1, tzinfo=UTC)
# paid 10000 for 2 units; signed off: commission 500, merchant 9500; no subsidy, nothing refunded
SETTLED = OrderMoney(
    order_id="O-1",
    merchant_id="m-1",
    buyer_paid_minor=10000,
    refunded_to_buyer_minor=0,
    subsidy_minor=0,
    commission_minor=500,
    merchant_net_minor=9500,
    units_ordered=2,
    units_signed_off=2,
    units_refunded=0,
    open_refunds=0,
    booked_for_merchant=True,
    signed_off=True,
)


def test_a_settled_order_conserves_money() -> None:
    assert SETTLED.escrow_minor == 0
    assert check_order(SETTLED) == []


def test_money_in_escrow_is_fine_until_every_unit_is_accounted_for() -> None:
    # one unit signed off: 5000 booked (250 commission, 4750 merchant), 5000 still in escrow
    half = replace(SETTLED, units_signed_off=1, commission_minor=250, merchant_net_minor=4750)
    assert half.escrow_minor == 5000
    assert check_order(half) == []
    # but if every unit is signed off, 5000 unaccounted for is a violation
    [violation] = check_order(replace(half, units_signed_off=2))
    assert violation.check == "conservation"
    assert violation.figures["escrow_minor"] == 5000


def test_more_out_than_in_is_a_violation_at_any_time() -> None:
    # 1000 fen more booked to the merchant than the buyer paid
    [violation] = check_order(replace(SETTLED, merchant_net_minor=10500))
    assert violation.check == "conservation"
    assert violation.figures["escrow_minor"] == -1000


def test_refunding_more_than_was_paid_is_a_violation() -> None:
    [violation] = check_order(replace(SETTLED, refunded_to_buyer_minor=10001, merchant_net_minor=0, commission_minor=0))
    assert "refunded 10001 of 10000" in violation.message


def test_booked_without_sign_off_is_a_violation() -> None:
    checks = [v.check for v in check_order(replace(SETTLED, signed_off=False))]
    assert checks == ["settled_without_sign_off"]


def test_a_hold_not_released_by_its_date_is_a_violation_unless_a_refund_holds_it() -> None:
    release_at = T0 + timedelta(days=7)
    late = window_violation(SETTLED, "H-1", release_at, None, release_at + timedelta(hours=2))
    assert late is not None
    assert late.check == "not_settled_in_window"
    assert window_violation(SETTLED, "H-1", release_at, release_at, release_at + timedelta(hours=2)) is None
    assert window_violation(replace(SETTLED, open_refunds=1), "H-1", release_at, None, release_at) is None


def entry(key: str, kind: str, at: datetime, *postings: tuple[str, int], order_id: str | None = None) -> LedgerEntry:
    return LedgerEntry(key, kind, "m-1", order_id, at, tuple(postings))


def test_a_statement_reads_its_lines_off_the_postings_and_closes_on_the_balance() -> None:
    m = "merchant:m-1:"
    entries = [
        # before the period: order 1 signed off and released -> opening 9500
        entry("s1", "sign_off", T0, ("platform:clearing", -10000), ("platform:commission", 500), (m + "pending", 9500), order_id="O-1"),
        entry("r1", "hold_release", T0 + timedelta(days=7), (m + "pending", -9500), (m + "available", 9500), order_id="O-1"),
        # in the period: paid out, then a refund of 5000 clawed back (commission 250 returned)
        entry("a1", "apply", T0 + timedelta(days=10), (m + "available", -9500), (m + "in_payout", 9500)),
        entry("p1", "payout_paid", T0 + timedelta(days=10, hours=1), (m + "in_payout", -9500), (m + "paid_out", 9500)),
        entry("f1", "refund", T0 + timedelta(days=12), ("platform:refunds", 5000), ("platform:commission", -250), (m + "negative_balance", -4750), order_id="O-1"),
    ]  # fmt: skip
    statement = build_statement("m-1", entries, T0 + timedelta(days=9), T0 + timedelta(days=20))
    assert statement.opening_balance_minor == 9500
    assert statement.lines == {
        "orders": 0,
        "subsidies": 0,
        "commissions": 250,
        "refunds": -5000,
        "payouts": -9500,
        "returned_payouts": 0,
        "adjustments": 0,
    }
    # 9500 + 250 - 5000 - 9500 = -4750: what the merchant owes back
    assert statement.closing_balance_minor == -4750
    assert statement.accounts_at_close["negative_balance"] == -4750
    assert statement.memo["clawback_booked"] == 4750
    [row] = statement.orders
    assert (row.order_id, row.refunds_minor, row.commissions_minor, row.net_minor) == ("O-1", -5000, 250, -4750)


def test_a_release_counts_as_on_time_up_to_the_windows_slack_past_its_date() -> None:
    from datetime import UTC, datetime, timedelta

    from recon_svc.domain.invariants import released_in_window

    due = datetime(2026, 12, 5, 13, 43, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert released_in_window(due, due + timedelta(minutes=30), hour)  # 13:43 + 0:30 = 14:13
    assert released_in_window(due, due + hour, hour)  # 14:43 exactly: still on time
    assert not released_in_window(due, due + hour + timedelta(seconds=1), hour)
