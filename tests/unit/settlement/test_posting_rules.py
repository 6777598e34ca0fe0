"""Settlement's posting rules (domain/postings.py), each worked by hand: which accounts move, by
how much, and that every transaction sums to zero."""

from __future__ import annotations

from settlement_svc.domain import postings
from settlement_svc.domain.ledger import LedgerTransaction, TransactionKind
from settlement_svc.domain.orders import RefundAmounts, SignOffAmounts
from shipsettle_shared.contracts import RefundedVia


def _moves(tx: LedgerTransaction) -> dict[str, int]:
    assert sum(posting.amount_minor for posting in tx.postings) == 0
    return {posting.account_id: posting.amount_minor for posting in tx.postings}


def test_a_sign_off_releases_the_buyers_payment_to_the_merchants_pending_money() -> None:
    # paid 100.00 + shipping 10.00 + platform coupon 5.00 - commission 5.25 = 109.75 for the merchant
    amounts = SignOffAmounts(paid_minor=10_000, shipping_minor=1_000, subsidy_minor=500, commission_minor=525)
    tx = postings.sign_off("sign_off:S-1", "m-1", "o-1", amounts, how="buyer", caused_by_event_id="e-1")
    assert (tx.key, tx.kind, tx.order_id, tx.caused_by_event_id) == (
        "sign_off:S-1",
        TransactionKind.SIGN_OFF,
        "o-1",
        "e-1",
    )
    assert _moves(tx) == {
        "platform:clearing": -11_000,
        "platform:subsidy": -500,
        "platform:commission": 525,
        "merchant:m-1:pending": 10_975,
    }
    assert tx.description == "signed off (buyer): paid 10000 + shipping 1000 + platform subsidy 500 - commission 525"


def test_a_hold_release_splits_the_rolling_reserve_from_available() -> None:
    tx = postings.hold_release(
        "H-1", "m-1", "o-1", 10_975, 1_097, policy_version=2, reversed_minor=0, after_refunds=False
    )
    assert tx.key == "release:H-1"
    assert _moves(tx) == {
        "merchant:m-1:pending": -10_975,
        "merchant:m-1:available": 9_878,  # 10,975 - 1,097
        "merchant:m-1:reserved": 1_097,
    }
    assert tx.description == "hold ended (policy v2); rolling reserve 1097"
    no_reserve = postings.hold_release(
        "H-2", "m-1", "o-1", 500, 0, policy_version=1, reversed_minor=200, after_refunds=True
    )
    assert _moves(no_reserve) == {"merchant:m-1:pending": -500, "merchant:m-1:available": 500}  # zero dropped
    assert no_reserve.description == (
        "hold ended (policy v1); rolling reserve 0; 200 taken back by refunds before the release; "
        "released after the order's refunds ended"
    )


def test_a_refund_is_taken_from_frozen_then_holds_then_available_and_the_rest_is_owed() -> None:
    # reversal 6,000: 1,000 frozen, the older hold's 2,000, 1,500 available, 1,500 owed
    sources = postings.refund_sources(6_000, 1_000, [("H-old", 2_000), ("H-new", 0)], 1_500)
    assert (sources.from_frozen_minor, sources.from_holds, sources.from_available_minor, sources.clawback_minor) == (
        1_000,
        (("H-old", 2_000),),
        1_500,
        1_500,
    )
    # enough in the holds: the older one first, the newer one only for the rest
    sources = postings.refund_sources(6_000, 2_000, [("H-old", 3_000), ("H-new", 5_000)], 500)
    assert sources.from_holds == (("H-old", 3_000), ("H-new", 1_000))
    assert (sources.from_available_minor, sources.clawback_minor, sources.unfrozen_minor) == (0, 0, 0)
    # more frozen than needed: the difference goes back to available
    sources = postings.refund_sources(6_000, 8_000, [("H-old", 3_000)], 0)
    assert (sources.from_frozen_minor, sources.unfrozen_minor, sources.from_holds) == (6_000, 2_000, ())
    # a negative available balance gives nothing
    assert postings.refund_sources(1_000, 0, [], -300).clawback_minor == 1_000


def test_a_completed_refund_books_the_reversal_from_its_sources() -> None:
    # paid 50.00 + shipping 10.00 + subsidy 3.00 - commission 3.15 = 59.85 taken back from the merchant
    amounts = RefundAmounts(
        paid_minor=5_000,
        shipping_minor=1_000,
        subsidy_minor=300,
        commission_minor=315,
        unbooked_paid_minor=0,
        unbooked_subsidy_minor=0,
        unbooked_shipping_minor=0,
    )
    sources = postings.refund_sources(amounts.merchant_reversal_minor, 1_000, [("H-1", 2_000)], 1_500)
    assert sources.clawback_minor == 1_485  # 5,985 - 1,000 - 2,000 - 1,500
    tx = postings.refund(
        "R-1",
        "refund_only",
        "m-1",
        "o-1",
        amounts,
        sources,
        refunded_via=RefundedVia.ORIGINAL_CHANNEL,
        resolved_by=None,
        resolution_reason=None,
        caused_by_event_id="e-9",
    )
    assert tx.key == "refund:R-1"
    assert _moves(tx) == {
        "platform:refunds": 6_000,
        "platform:subsidy": 300,
        "platform:commission": -315,
        "merchant:m-1:frozen": -1_000,
        "merchant:m-1:pending": -2_000,
        "merchant:m-1:available": -1_500,
        "merchant:m-1:negative_balance": -1_485,
    }
    to_balance = postings.refund(
        "R-2",
        "refund_only",
        "m-1",
        "o-1",
        amounts,
        postings.refund_sources(5_985, 0, [], 10_000),
        refunded_via=RefundedVia.PLATFORM_BALANCE,
        resolved_by="ops-key-1",
        resolution_reason="buyer asked for balance",
        caused_by_event_id="e-10",
    )
    assert _moves(to_balance) == {
        "platform:balance_clearing": 6_000,
        "platform:subsidy": 300,
        "platform:commission": -315,
        "merchant:m-1:available": -5_985,
    }
    assert to_balance.description.endswith(
        "refunded via platform_balance, settled by ops ops-key-1: buyer asked for balance"
    )


def test_freezing_and_unfreezing_move_between_available_and_frozen() -> None:
    frozen = postings.refund_freeze(
        "R-1", "m-1", "o-1", 700, estimate_minor=1_200, covered_by_holds_minor=500, caused_by_event_id="e-1"
    )
    assert (frozen.key, _moves(frozen)) == (
        "refund_freeze:R-1",
        {"merchant:m-1:available": -700, "merchant:m-1:frozen": 700},
    )
    assert (
        frozen.description
        == "refund R-1 requested: estimated reversal 1200, 500 covered by the order's pending holds, 700 frozen"
    )
    unfrozen = postings.refund_unfreeze("R-1", "m-1", "o-1", 700, outcome="rejected", caused_by_event_id="e-2")
    assert _moves(unfrozen) == {"merchant:m-1:frozen": -700, "merchant:m-1:available": 700}
    assert unfrozen.description == "refund R-1 closed (rejected): 700 unfrozen"


def test_an_application_pays_the_negative_balance_back_first_and_its_payout_moves_the_rest() -> None:
    # applied 100.00, 15.00 owed from a claw-back deducted, 85.00 to pay out
    applied = postings.apply("SA-1", "m-1", 10_000, 1_500)
    assert _moves(applied) == {
        "merchant:m-1:available": -10_000,
        "merchant:m-1:negative_balance": 1_500,
        "merchant:m-1:in_payout": 8_500,
    }
    assert applied.description == "settlement application SA-1: 10000 applied, 1500 claw-back deducted, 8500 to pay out"
    assert postings.apply("SA-2", "m-1", 4_000, 0).description == "settlement application SA-2"
    assert _moves(postings.payout_paid("P-1", "m-1", 8_500)) == {
        "merchant:m-1:in_payout": -8_500,
        "merchant:m-1:paid_out": 8_500,
    }
    assert _moves(postings.payout_failed("P-1", "m-1", 8_500, reason="account closed")) == {
        "merchant:m-1:in_payout": -8_500,
        "merchant:m-1:available": 8_500,
    }
    returned = postings.payout_returned("P-1", "m-1", 8_500, reason="name mismatch")
    assert (returned.key, _moves(returned)) == (
        "payout_returned:P-1",
        {"merchant:m-1:paid_out": -8_500, "merchant:m-1:available": 8_500},
    )
    rejected = postings.application_rejected("SA-1", "m-1", 8_500, reason="voucher missing")
    assert (rejected.key, rejected.kind, rejected.description) == (
        "reject:SA-1",
        TransactionKind.APPLICATION_REJECTED,
        "application rejected: voucher missing",
    )


def test_an_adjustment_debits_available_as_far_as_it_goes_and_the_rest_is_owed() -> None:
    credit = postings.adjustment("adjustment:A-1", "m-1", 2_000, 0, by="ops-1", reason="fee refund", reference=None)
    assert _moves(credit) == {"platform:adjustments": -2_000, "merchant:m-1:available": 2_000}
    debit = postings.adjustment("adjustment:A-2", "m-1", -3_000, 1_000, by="ops-1", reason="dup", reference="D-7")
    assert _moves(debit) == {
        "platform:adjustments": 3_000,
        "merchant:m-1:available": -1_000,
        "merchant:m-1:negative_balance": -2_000,
    }
    assert debit.description == "adjustment by ops-1: dup (settles D-7)"
    overdrawn = postings.adjustment("adjustment:A-3", "m-1", -3_000, -50, by="ops-1", reason="dup", reference=None)
    assert _moves(overdrawn) == {"platform:adjustments": 3_000, "merchant:m-1:negative_balance": -3_000}
