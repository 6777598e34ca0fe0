"""settlement-svc's main use cases through the service layer, on an in-memory unit of work
(settlement_fakes.py): a sign-off booked and held, a hold released (with its reserve, frozen while a
refund is open, at once under a 0-day policy with the automatic application), an application
applied for, reviewed and decided, and the bank's answer on a payout. Figures are the order's in
settlement_fakes.py, worked by hand there and here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration import fact_events
from settlement_fakes import MERCHANT, T0, FakeSettlementUnitOfWork, open_refund, order, sign_off, verified_account

from settlement_svc.adapters.tables import ApplicationRow, PayoutRow, VoucherRow
from settlement_svc.domain import postings
from settlement_svc.domain.ledger import (
    MerchantAccount,
    PlatformAccount,
    merchant_account,
    platform_account,
    transaction,
)
from settlement_svc.domain.payouts import ApplicationStatus, PayoutRuleViolation, ReviewRules, application_terms
from settlement_svc.domain.policies import MerchantPolicy
from settlement_svc.service_layer import applications, holds, messagebus, payouts, settlement
from settlement_svc.service_layer.applications import Apply
from shipsettle_shared import contracts
from shipsettle_shared.ledger_accounts import TransactionKind
from shipsettle_shared.messaging.events import received
from shipsettle_shared.provider_client import ProviderStatus
from shipsettle_shared.timers import LOCK_KEY, DueTimer

RULES = ReviewRules()
DAY = timedelta(days=1)
PENDING = merchant_account(MERCHANT, MerchantAccount.PENDING)
AVAILABLE = merchant_account(MERCHANT, MerchantAccount.AVAILABLE)
RESERVED = merchant_account(MERCHANT, MerchantAccount.RESERVED)
IN_PAYOUT = merchant_account(MERCHANT, MerchantAccount.IN_PAYOUT)
PAID_OUT = merchant_account(MERCHANT, MerchantAccount.PAID_OUT)
NEGATIVE = merchant_account(MERCHANT, MerchantAccount.NEGATIVE_BALANCE)


def postings_of(uow: FakeSettlementUnitOfWork, key: str) -> dict[str, int]:
    return {p.account_id: p.amount_minor for p in uow.ledger.transactions[key].postings}


async def signed_off(uow: FakeSettlementUnitOfWork, units: int = 2, shipment_id: str = "S-1") -> str:
    """Sign off ``units`` of line A; the hold's id."""
    await settlement.on_signed_off_batch(uow, [sign_off(units, shipment_id=shipment_id)], now=T0)
    return str(uow.of_type(contracts.SettlementPending)[-1].hold_id)


def hold_timer(hold_id: str) -> DueTimer:
    return DueTimer(holds.HOLD_RELEASE, hold_id, T0 + 7 * DAY, {LOCK_KEY: MERCHANT, holds.ORDER_KEY: "O-1"})


# --- sign-off -------------------------------------------------------------------------------------


async def test_a_sign_off_of_two_units_books_their_net_to_pending_and_holds_it_seven_days() -> None:
    uow = FakeSettlementUnitOfWork([order()])
    hold_id = await signed_off(uow, 2)
    # paid 10001 + 10000; subsidy 300 + 300; commission 5% of 10301 + 10300 = 1030.05 -> 1030;
    # the shipping fee with the first sign-off: net 20001 + 1000 + 600 - 1030 = 20571
    assert postings_of(uow, "sign_off:S-1") == {
        platform_account(PlatformAccount.CLEARING): -21001,
        platform_account(PlatformAccount.SUBSIDY): -600,
        platform_account(PlatformAccount.COMMISSION): 1030,
        PENDING: 20571,
    }
    [pending] = uow.of_type(contracts.SettlementPending)
    assert (pending.net_minor, pending.commission_minor, pending.release_at) == (20571, 1030, T0 + 7 * DAY)
    assert uow.timers[holds.HOLD_RELEASE, hold_id][0] == T0 + 7 * DAY
    assert [event.tx_key for event in uow.of_type(contracts.LedgerTransactionPosted)] == ["sign_off:S-1"]
    assert uow.orders.orders["O-1"].lines["A"].units_signed_off == 2
    assert uow.progress.rows["O-1"].bookings["S-1"]["net_minor"] == 20571


async def test_the_last_unit_books_no_shipping_again_and_a_redelivered_sign_off_books_nothing() -> None:
    uow = FakeSettlementUnitOfWork([order()])
    await signed_off(uow, 2, "S-1")
    await signed_off(uow, 1, "S-2")
    # paid 10000, subsidy 300, commission 5% of 10300 = 515: net 9785
    assert postings_of(uow, "sign_off:S-2")[PENDING] == 9785
    await settlement.on_signed_off_batch(uow, [sign_off(1, shipment_id="S-2")], now=T0)
    assert len(uow.ledger.transactions) == 2
    # every fen of the order: 30001 paid + 1000 shipping + 900 subsidy = 1545 commission + 30356 net
    assert uow.ledger.balance(PENDING) == 20571 + 9785 == 30001 + 1000 + 900 - (1030 + 515)


async def test_a_sign_off_before_its_order_is_known_is_parked_and_books_nothing() -> None:
    uow = FakeSettlementUnitOfWork([])
    await settlement.on_signed_off_batch(uow, [sign_off(2)], now=T0)
    assert [(order_id, reason) for order_id, _, reason in uow.parked.events] == [
        ("O-1", "sign-off before the order was known")
    ]
    assert uow.ledger.transactions == {}
    assert uow.events == []


async def test_a_sign_off_of_more_units_than_the_line_has_left_is_refused() -> None:
    uow = FakeSettlementUnitOfWork([order()])
    with pytest.raises(ValueError, match="cannot sign off 4 more of 3 left"):
        await settlement.on_signed_off_batch(uow, [sign_off(4)], now=T0)


async def test_a_sign_off_parked_before_its_order_is_booked_through_the_same_table_when_the_order_arrives() -> None:
    uow = FakeSettlementUnitOfWork([])
    await settlement.on_signed_off_batch(uow, [sign_off(2)], now=T0)
    placed = received(fact_events.placed("O-1", [("A", "home", 3, 30001, 900, 30901)], 1000, MERCHANT, at=T0))
    await messagebus.orders_placed(uow, [placed.of_kind(contracts.OrderPlaced)], now=T0 + DAY, rules=RULES)
    assert uow.parked.events == []
    assert postings_of(uow, "sign_off:S-1")[PENDING] == 20571  # as if it had come after its order
    assert uow.orders.orders["O-1"].lines["A"].units_signed_off == 2


# --- hold release ---------------------------------------------------------------------------------


async def test_a_hold_falling_due_moves_its_money_to_available_less_the_rolling_reserve() -> None:
    uow = FakeSettlementUnitOfWork([order()])
    uow.policies.set(MerchantPolicy(MERCHANT, reserve_bp=1000, reserve_days=90), effective_from=T0 - DAY)
    hold_id = await signed_off(uow, 2)
    await holds.release_hold(uow, hold_timer(hold_id), now=T0 + 7 * DAY, rules=RULES)
    # 10% of 20571 = 2057.1 -> 2057 kept back for 90 days; 18514 available
    assert postings_of(uow, f"release:{hold_id}") == {PENDING: -20571, AVAILABLE: 18514, RESERVED: 2057}
    [released] = uow.of_type(contracts.FundsReleased)
    assert (released.released_minor, released.available_minor, released.reserved_minor) == (20571, 18514, 2057)
    due, payload = uow.timers[holds.RESERVE_RELEASE, hold_id]
    assert (due, dict(payload or {})["amount_minor"]) == (T0 + 97 * DAY, 2057)
    assert uow.locks.taken[-2:] == ["order:O-1", f"merchant:{MERCHANT}"]


async def test_a_hold_of_an_order_with_an_open_refund_is_frozen_not_released() -> None:
    uow = FakeSettlementUnitOfWork([order()])
    hold_id = await signed_off(uow, 2)
    await uow.refunds.add_refund(open_refund("R-1", "O-1"))
    await holds.release_hold(uow, hold_timer(hold_id), now=T0 + 7 * DAY, rules=RULES)
    assert f"release:{hold_id}" not in uow.ledger.transactions
    assert uow.of_type(contracts.FundsReleased) == []
    assert uow.holds.holds[hold_id].frozen_at == T0 + 7 * DAY
    assert uow.ledger.balance(PENDING) == 20571


async def test_a_hold_released_twice_moves_its_money_once() -> None:
    uow = FakeSettlementUnitOfWork([order()])
    hold_id = await signed_off(uow, 2)
    await holds.release_hold(uow, hold_timer(hold_id), now=T0 + 7 * DAY, rules=RULES)
    await holds.release_hold(uow, hold_timer(hold_id), now=T0 + 8 * DAY, rules=RULES)
    assert uow.ledger.balance(AVAILABLE) == 20571
    assert len(uow.of_type(contracts.FundsReleased)) == 1


async def test_under_a_0_day_policy_the_sign_off_releases_at_once_and_applies_automatically() -> None:
    uow = FakeSettlementUnitOfWork([order()])
    uow.policies.set(MerchantPolicy(MERCHANT, hold_days=0, auto_apply=True), effective_from=T0 - DAY)
    uow.payouts.accounts["BA-1"] = verified_account("BA-1", MERCHANT)
    uow.payouts.paid_accounts.add("BA-1")  # paid before: no first-payout review
    await settlement.on_signed_off_batch(uow, [sign_off(2)], now=T0, rules=RULES)
    [application] = uow.payouts.applications.values()
    assert (application.amount_minor, application.status) == (20571, ApplicationStatus.APPROVED.value)
    assert uow.ledger.balance(PENDING) == 0
    assert uow.ledger.balance(AVAILABLE) == 0  # released, then applied for whole
    assert uow.ledger.balance(IN_PAYOUT) == 20571
    assert (payouts.PAYOUT_BATCH, f"{payouts.EARLY_BATCH_KEY}{application.application_id}") in uow.timers
    assert not any(kind == holds.HOLD_RELEASE for kind, _ in uow.timers)  # no timer left to fire


# --- applications and their review ------------------------------------------------------------------


def with_funds(available_minor: int, owed_minor: int = 0) -> FakeSettlementUnitOfWork:
    """A merchant with ``available_minor`` available and ``owed_minor`` of claw-back debt."""
    uow = FakeSettlementUnitOfWork()
    uow.payouts.accounts["BA-1"] = verified_account("BA-1", MERCHANT)
    seeded = [
        postings.hold_release(
            "H-0", MERCHANT, "O-0", available_minor, 0, policy_version=0, reversed_minor=0, after_refunds=False
        )
    ]
    if owed_minor:
        seeded.append(
            transaction(
                "clawback:R-0",
                TransactionKind.REFUND,
                MERCHANT,
                [(NEGATIVE, -owed_minor), (platform_account(PlatformAccount.CLEARING), owed_minor)],
            )
        )
    for tx in seeded:
        uow.ledger.transactions[tx.key] = tx
    return uow


async def test_an_application_pays_back_the_debt_first_and_waits_for_review_on_a_first_payout() -> None:
    uow = with_funds(50000, owed_minor=1200)
    application = await applications.apply_for_settlement(uow, Apply(MERCHANT, "BA-1", 30000, []), now=T0, rules=RULES)
    # 30000 taken from available: 1200 pays the debt back, 28800 goes to the bank
    assert (application.clawback_deducted_minor, application.net_minor) == (1200, 28800)
    assert application.status == ApplicationStatus.IN_REVIEW.value
    assert application.review_reasons == ["first payout to this bank account"]
    assert postings_of(uow, f"apply:{application.application_id}") == {
        AVAILABLE: -30000,
        NEGATIVE: 1200,
        IN_PAYOUT: 28800,
    }
    assert uow.timers == {}  # nothing to pay before ops decide


async def test_a_rejected_application_gives_the_net_back_to_available_and_the_debt_stays_paid() -> None:
    uow = with_funds(50000, owed_minor=1200)
    application = await applications.apply_for_settlement(uow, Apply(MERCHANT, "BA-1", 30000, []), now=T0, rules=RULES)
    await applications.decide(
        uow, application.application_id, approve=False, reason="unclear", by="ops-1", now=T0 + DAY
    )
    assert application.status == ApplicationStatus.REJECTED.value
    assert (uow.ledger.balance(AVAILABLE), uow.ledger.balance(NEGATIVE), uow.ledger.balance(IN_PAYOUT)) == (48800, 0, 0)


async def test_an_approved_application_starts_a_payout_batch_now() -> None:
    uow = with_funds(50000)
    application = await applications.apply_for_settlement(uow, Apply(MERCHANT, "BA-1", None, []), now=T0, rules=RULES)
    await applications.decide(uow, application.application_id, approve=True, reason="checked", by="ops-1", now=T0 + DAY)
    assert (application.amount_minor, application.status) == (50000, ApplicationStatus.APPROVED.value)
    assert uow.timers[payouts.PAYOUT_BATCH, f"{payouts.EARLY_BATCH_KEY}{application.application_id}"][0] == T0 + DAY
    with pytest.raises(PayoutRuleViolation) as again:
        await applications.decide(
            uow, application.application_id, approve=True, reason="twice", by="ops-2", now=T0 + DAY
        )
    assert again.value.code == "not-in-review"


async def test_an_application_for_more_than_is_available_is_refused_and_writes_nothing() -> None:
    uow = with_funds(50000)
    before = dict(uow.ledger.transactions)
    with pytest.raises(PayoutRuleViolation) as refused:
        await applications.apply_for_settlement(uow, Apply(MERCHANT, "BA-1", 50001, []), now=T0, rules=RULES)
    assert (refused.value.code, refused.value.field) == ("insufficient-funds", "amount_minor")
    assert uow.ledger.transactions == before
    assert uow.payouts.applications == {}


async def test_a_voucher_an_application_stands_on_justifies_no_other_until_its_money_is_back() -> None:
    # SA-0 took the invoice for an earlier payout; 50000 fen is available for a new application
    for status, refused in (("paid", True), ("in_review", True), ("rejected", False), ("returned", False)):
        uow = with_funds(50000)
        await uow.payouts.add_voucher(
            VoucherRow(
                voucher_id="V-1",
                merchant_id=MERCHANT,
                kind="invoice",
                content_type="application/pdf",
                size_bytes=3,
                sha256="0" * 64,
                content=b"pdf",
                uploaded_at=T0,
            )
        )
        terms = application_terms(
            amount_minor=28800,
            negative_balance_minor=0,
            first_payout_to_account=False,
            risk_flagged=False,
            voucher_count=1,
            rules=RULES,
        )
        used = applications.new_application(MERCHANT, "BA-1", terms, ["V-1"], now=T0 - timedelta(days=3))
        used.application_id, used.status = "SA-0", status
        uow.payouts.applications["SA-0"] = used
        before = dict(uow.ledger.transactions)
        command = Apply(MERCHANT, "BA-1", 50000, ["V-1"])
        if refused:
            with pytest.raises(PayoutRuleViolation) as refusal:
                await applications.apply_for_settlement(uow, command, now=T0, rules=RULES)
            assert (refusal.value.code, refusal.value.field) == ("voucher-in-use", "voucher_ids"), status
            assert "V-1 (application SA-0)" in str(refusal.value), status
            assert uow.ledger.transactions == before
            assert list(uow.payouts.applications) == ["SA-0"]
        else:  # its money came back to available, and the voucher with it
            application = await applications.apply_for_settlement(uow, command, now=T0, rules=RULES)
            assert (application.amount_minor, application.voucher_ids) == (50000, ["V-1"]), status


# --- the bank's answer on a payout ----------------------------------------------------------------------


def paying(amount_minor: int = 28800) -> FakeSettlementUnitOfWork:
    """A payout of ``amount_minor`` sent to the bank, its money in payout."""
    uow = with_funds(amount_minor)
    apply = postings.apply("SA-1", MERCHANT, amount_minor, 0)
    uow.ledger.transactions[apply.key] = apply
    uow.payouts.applications["SA-1"] = ApplicationRow(
        application_id="SA-1",
        merchant_id=MERCHANT,
        bank_account_id="BA-1",
        amount_minor=amount_minor,
        currency="CNY",
        order_ids=[],
        voucher_ids=[],
        status=ApplicationStatus.PAYING.value,
        review_reasons=[],
        payout_id="PO-1",
        created_at=T0,
        updated_at=T0,
    )
    uow.payouts.payouts["PO-1"] = PayoutRow(
        payout_id="PO-1",
        batch_id="PB-1",
        application_id="SA-1",
        merchant_id=MERCHANT,
        amount_minor=amount_minor,
        currency="CNY",
        status="sent",
        created_at=T0,
        sent_at=T0,
    )
    return uow


async def test_a_paid_payout_moves_its_money_to_paid_out_once_however_often_the_bank_says_so() -> None:
    uow = paying()
    for _ in range(2):
        assert await payouts.apply_provider_outcome(uow, ProviderStatus("PO-1", "paid", "BANK-1", None), now=T0 + DAY)
    assert (uow.ledger.balance(IN_PAYOUT), uow.ledger.balance(PAID_OUT)) == (0, 28800)
    [settled] = uow.of_type(contracts.PayoutSettled)
    assert (settled.status, settled.amount_minor, settled.provider_reference) == ("paid", 28800, "BANK-1")
    payout, application = uow.payouts.payouts["PO-1"], uow.payouts.applications["SA-1"]
    assert (payout.status, application.status, payout.settled_at) == ("paid", "paid", T0 + DAY)


async def test_a_failed_payout_gives_its_money_back_to_available_and_a_return_after_paid_too() -> None:
    failed = paying()
    await payouts.apply_provider_outcome(failed, ProviderStatus("PO-1", "failed", None, "account closed"), now=T0 + DAY)
    assert (failed.ledger.balance(IN_PAYOUT), failed.ledger.balance(AVAILABLE)) == (0, 28800)
    assert failed.payouts.applications["SA-1"].status == ApplicationStatus.FAILED.value

    returned = paying()
    await payouts.apply_provider_outcome(returned, ProviderStatus("PO-1", "paid", "BANK-1", None), now=T0 + DAY)
    await payouts.apply_provider_outcome(
        returned, ProviderStatus("PO-1", "returned", None, "name mismatch"), now=T0 + 2 * DAY
    )
    assert (returned.ledger.balance(PAID_OUT), returned.ledger.balance(AVAILABLE)) == (0, 28800)
    assert [e.status for e in returned.of_type(contracts.PayoutSettled)] == ["paid", "returned"]


async def test_a_callbacks_outcome_cancels_the_check_for_a_lost_callback_and_an_acceptance_keeps_it() -> None:
    check = (payouts.PAYOUT_STATUS_CHECK, "PO-1")
    for outcome, reason in (("paid", None), ("failed", "account closed")):
        uow = paying()
        await uow.schedule_timer(*check, T0 + payouts.STATUS_CHECK_AFTER)  # as the send left it
        await payouts.apply_provider_outcome(uow, ProviderStatus("PO-1", outcome, "BANK-1", reason), now=T0 + DAY)
        assert check not in uow.timers, outcome
        assert uow.cancelled_timers[check] == T0 + DAY, outcome

    accepted = paying()
    await accepted.schedule_timer(*check, T0 + payouts.STATUS_CHECK_AFTER)
    await payouts.apply_provider_outcome(accepted, ProviderStatus("PO-1", "accepted", "BANK-1", None), now=T0 + DAY)
    assert accepted.timers[check] == (T0 + payouts.STATUS_CHECK_AFTER, None)
    assert accepted.cancelled_timers == {}


async def test_an_outcome_for_an_unknown_payout_is_not_applied() -> None:
    uow = paying()
    assert not await payouts.apply_provider_outcome(uow, ProviderStatus("PO-9", "paid", None, None), now=T0)
    assert uow.events == []
