"""Settlement rules with figures worked out by hand (the order of tests/unit/order/test_pricing.py:
L1 tea 2 units paid 211.89 subsidy 18.51 base 230.40; L2 book paid 48.84 subsidy 4.26 base 53.10;
L3 service 3 units paid 82.76 subsidy 7.23 base 89.99; shipping 10.00)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from settlement_svc.domain.ledger import UnbalancedTransaction, transaction
from settlement_svc.domain.orders import SettlementLine, SettlementOrder, unit_parts
from settlement_svc.domain.policies import MerchantPolicy, SettlementCycle

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


def test_a_full_sign_off_books_paid_plus_shipping_plus_subsidy_less_commission() -> None:
    _, amounts = order().sign_off({"L1": 2, "L2": 1, "L3": 3}, POLICY)
    assert amounts.paid_minor == 34349  # 21189 + 4884 + 8276
    assert amounts.subsidy_minor == 3000  # 1851 + 426 + 723
    assert amounts.shipping_minor == 1000
    # (23040*5% + 5310*3% + 8999*8%) = 1152 + 159.3 + 719.92 = 2031.22 -> 2031
    assert amounts.commission_minor == 2031
    assert amounts.net_minor == 36318
    # conservation: buyer paid 35349 + subsidy 3000 = commission 2031 + net 36318
    assert 35349 + 3000 == 2031 + 36318


def test_partial_sign_offs_take_units_in_order_and_book_shipping_once() -> None:
    first_state, first = order().sign_off({"L1": 2}, POLICY)
    assert (first.paid_minor, first.shipping_minor, first.subsidy_minor) == (21189, 1000, 1851)
    assert first.commission_minor == 1152  # 23040 * 5%
    assert first.net_minor == 22888
    second_state, second = first_state.sign_off({"L2": 1, "L3": 2}, POLICY)
    # L3 paid 8276 over 3 units: 2759, 2759, 2758 -> two units 5518; subsidy 723: 241 each -> 482;
    # base 8999: 3000, 3000, 2999 -> 6000
    assert second.paid_minor == 4884 + 5518
    assert second.subsidy_minor == 426 + 482
    assert second.shipping_minor == 0
    # 5310*3% + 6000*8% = 159.3 + 480 = 639.3 -> 639
    assert second.commission_minor == 639
    _, third = second_state.sign_off({"L3": 1}, POLICY)
    assert (third.paid_minor, third.subsidy_minor) == (2758, 241)
    assert third.commission_minor == 240  # 2999 * 8% = 239.92
    assert first.paid_minor + second.paid_minor + third.paid_minor == 34349


def test_signing_off_more_than_is_left_is_refused() -> None:
    state, _ = order().sign_off({"L1": 2}, POLICY)
    with pytest.raises(ValueError, match="cannot sign off 1 more of 0 left"):
        state.sign_off({"L1": 1}, POLICY)
    with pytest.raises(ValueError, match="has no line L9"):
        order().sign_off({"L9": 1}, POLICY)


def test_unit_parts_split_a_line_exactly() -> None:
    assert unit_parts(8276, 3) == [2759, 2759, 2758]
    assert unit_parts(0, 2) == [0, 0]


def test_release_dates_follow_the_hold_and_the_cycle() -> None:
    signed = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # a Friday, 18:00 in China
    assert POLICY.release_at(signed) == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    weekly = MerchantPolicy(merchant_id="m-1", cycle=SettlementCycle.WEEKLY)
    # after the hold: Fri 4 Dec 18:00 China -> Monday 7 Dec 00:00 China = 6 Dec 16:00 UTC
    assert weekly.release_at(signed) == datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
    monthly = MerchantPolicy(merchant_id="m-1", cycle=SettlementCycle.MONTHLY)
    assert monthly.release_at(signed) == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


def test_the_rolling_reserve_rounds_half_up() -> None:
    assert MerchantPolicy(merchant_id="m-1", reserve_bp=1000).reserve_minor(36318) == 3632  # 3631.8


def test_a_transaction_that_does_not_balance_is_refused() -> None:
    with pytest.raises(UnbalancedTransaction):
        transaction("k", "sign_off", "m-1", [("a", 100), ("b", -99)])
    assert transaction("k", "x", "m-1", [("a", 100), ("b", -100), ("c", 0)]).postings[-1].account_id == "b"


def test_a_bad_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="reserve_bp"):
        MerchantPolicy(merchant_id="m-1", reserve_bp=12000)


def test_card_numbers_are_checked_with_their_luhn_digit_and_corporate_accounts_by_length() -> None:
    from settlement_svc.domain.payouts import AccountType, account_number_problems, luhn_valid

    # 6222 0212 3456 7890 12X: the Luhn digit worked by hand for 622202123456789012 is 8
    assert luhn_valid("6222021234567890128")
    assert account_number_problems(AccountType.CARD, "6222021234567890128") == []
    assert account_number_problems(AccountType.CARD, "6222021234567890127") != []
    assert account_number_problems(AccountType.CARD, "62220212") != []
    assert account_number_problems(AccountType.CORPORATE, "110060123456789") == []
    assert account_number_problems(AccountType.CORPORATE, "11-00") != []


def test_review_routes_to_ops_for_large_first_risky_or_voucherless_applications() -> None:
    from settlement_svc.domain.payouts import ReviewRules, review_reasons

    rules = ReviewRules(review_over_minor=5_000_000, vouchers_over_minor=1_000_000)
    assert (
        review_reasons(
            amount_minor=36318, first_payout_to_account=False, risk_flagged=False, voucher_count=0, rules=rules
        )
        == []
    )
    reasons = review_reasons(
        amount_minor=6_000_000, first_payout_to_account=True, risk_flagged=True, voucher_count=0, rules=rules
    )
    assert len(reasons) == 4


def test_an_application_pays_the_merchants_debt_first_and_reviews_only_what_leaves_for_the_bank() -> None:
    from settlement_svc.domain.payouts import ApplicationStatus, ReviewRules, application_terms

    rules = ReviewRules(review_over_minor=5_000_000, vouchers_over_minor=1_000_000)
    # 36318 applied while owing 3000 (a claw-back): 3000 pays the debt, 36318 - 3000 = 33318 to the bank
    terms = application_terms(
        amount_minor=36318,
        negative_balance_minor=-3000,
        first_payout_to_account=False,
        risk_flagged=False,
        voucher_count=0,
        rules=rules,
    )
    assert (terms.clawback_deducted_minor, terms.net_minor, terms.status) == (3000, 33318, ApplicationStatus.APPROVED)
    assert terms.decision_reason is None
    # 2500 applied while owing 3000: all of it pays the debt, nothing to send, paid at once, no review
    # even for a first payout to the account
    terms = application_terms(
        amount_minor=2500,
        negative_balance_minor=-3000,
        first_payout_to_account=True,
        risk_flagged=False,
        voucher_count=0,
        rules=rules,
    )
    assert (terms.clawback_deducted_minor, terms.net_minor, terms.status) == (2500, 0, ApplicationStatus.PAID)
    assert terms.review_reasons == []
    assert terms.decision_reason is not None
    # 1_003_000 applied while owing 3000: 1_000_000 leaves for the bank, not over the voucher
    # threshold of 1_000_000; a first payout to the account is reviewed
    terms = application_terms(
        amount_minor=1_003_000,
        negative_balance_minor=-3000,
        first_payout_to_account=True,
        risk_flagged=False,
        voucher_count=0,
        rules=rules,
    )
    assert (terms.net_minor, terms.status) == (1_000_000, ApplicationStatus.IN_REVIEW)
    assert terms.review_reasons == ["first payout to this bank account"]


def test_a_voucher_must_be_what_it_says_it_is() -> None:
    from settlement_svc.domain.payouts import voucher_type

    assert voucher_type(b"%PDF-1.7 ...", "application/pdf") == "application/pdf"
    assert voucher_type(b"MZ\x90\x00", "application/pdf") is None
    assert voucher_type(b"%PDF-1.7", "application/zip") is None
