"""The balance explanation's grouping (service_layer/explanations.explain_balances), figures by hand."""

from __future__ import annotations

from typing import Any

from settlement_svc.service_layer.explanations import NOT_ORDER_SPECIFIC, explain_balances
from shipsettle_shared.ledger_accounts import (
    MerchantAccount,
    PlatformAccount,
    TransactionKind,
    merchant_account,
    platform_account,
)

M = "m-1"


def _tx(kind: TransactionKind, order_id: str | None, *postings: tuple[str, int]) -> dict[str, Any]:
    return {
        "kind": kind,
        "order_id": order_id,
        "description": str(kind),
        "caused_by_event_id": f"event-{kind}-{order_id}",
        "created_at": "2026-12-07T10:00:00+00:00",
        "postings": [{"account_id": account, "amount_minor": amount} for account, amount in postings],
    }


def _mine(kind: MerchantAccount) -> str:
    return merchant_account(M, kind)


# Order O-1: 100.00 paid, 5.00 commission; released with a 10% reserve of the 95.00 (9.50);
# then 50.00 of the available 85.50 applied for payout (an application has no order).
TRANSACTIONS = [
    _tx(
        TransactionKind.SIGN_OFF,
        "O-1",
        (platform_account(PlatformAccount.CLEARING), -10_000),
        (_mine(MerchantAccount.PENDING), 9_500),
        (platform_account(PlatformAccount.COMMISSION), 500),
    ),
    _tx(
        TransactionKind.HOLD_RELEASE,
        "O-1",
        (_mine(MerchantAccount.PENDING), -9_500),
        (_mine(MerchantAccount.AVAILABLE), 8_550),
        (_mine(MerchantAccount.RESERVED), 950),
    ),
    _tx(
        TransactionKind.APPLY,
        None,
        (_mine(MerchantAccount.AVAILABLE), -5_000),
        (_mine(MerchantAccount.IN_PAYOUT), 5_000),
    ),
]


def test_each_order_groups_its_transactions_and_their_effect_on_the_merchants_accounts_only() -> None:
    balances = {"pending": 0, "available": 3_550, "reserved": 950, "in_payout": 5_000}
    explained = explain_balances(M, balances, TRANSACTIONS)

    order = explained["orders"]["O-1"]
    assert [tx["kind"] for tx in order["transactions"]] == [TransactionKind.SIGN_OFF, TransactionKind.HOLD_RELEASE]
    # the platform's clearing and commission postings are not the merchant's: left out
    assert order["transactions"][0]["effect_minor"] == {"pending": 9_500}
    assert order["effect_minor"] == {"pending": 0, "available": 8_550, "reserved": 950}
    assert explained["orders"][NOT_ORDER_SPECIFIC]["effect_minor"] == {"available": -5_000, "in_payout": 5_000}
    # 8,550 − 5,000 = 3,550 available; the groups sum to the balances
    assert explained["reconciles"] is True
    assert explained["balances_minor"] == balances


def test_a_balance_the_ledger_does_not_explain_does_not_reconcile() -> None:
    off_by_one_fen = {"pending": 0, "available": 3_551, "reserved": 950, "in_payout": 5_000}
    assert explain_balances(M, off_by_one_fen, TRANSACTIONS)["reconciles"] is False


def test_another_merchants_postings_in_a_transaction_are_not_this_merchants_effect() -> None:
    # a merchant whose id begins with this one's ("m-1" and "m-10") must not be counted as it
    other = merchant_account("m-10", MerchantAccount.AVAILABLE)
    transfer = _tx(TransactionKind.ADJUSTMENT, None, (other, -100), (_mine(MerchantAccount.AVAILABLE), 100))
    explained = explain_balances(M, {"available": 100}, [transfer])
    assert explained["orders"][NOT_ORDER_SPECIFIC]["effect_minor"] == {"available": 100}
    assert explained["reconciles"] is True
