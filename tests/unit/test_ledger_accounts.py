"""The ledger's shared vocabulary: account ids are built and read in one place, for settlement
(which posts) and recon (which reads the postings)."""

from __future__ import annotations

import pytest

from shipsettle_shared.ledger_accounts import (
    AccountId,
    MalformedAccountId,
    MerchantAccount,
    PlatformAccount,
    TransactionKind,
    merchant_account,
    merchant_account_kind,
    merchant_accounts_prefix,
    platform_account,
)


def test_account_ids_have_the_wire_form_the_ledger_and_its_events_hold() -> None:
    assert merchant_account("m-1", MerchantAccount.AVAILABLE) == "merchant:m-1:available"
    assert platform_account(PlatformAccount.BALANCE_CLEARING) == "platform:balance_clearing"
    assert merchant_accounts_prefix("m-1") == "merchant:m-1:"
    assert merchant_account("m-1", MerchantAccount.NEGATIVE_BALANCE).startswith(merchant_accounts_prefix("m-1"))


@pytest.mark.parametrize(
    "account",
    [
        *(AccountId.merchant("m-1", kind) for kind in MerchantAccount),
        *(AccountId.platform(kind) for kind in PlatformAccount),
        AccountId.merchant("shop:7", MerchantAccount.PAID_OUT),  # a merchant id holding ':'
    ],
    ids=str,
)
def test_every_account_id_reads_back_as_the_account_it_was_built_from(account: AccountId) -> None:
    assert AccountId.parse(str(account)) == account


@pytest.mark.parametrize(
    "text",
    [
        "",
        "merchant",
        "merchant:m-1",  # no kind
        "merchant::available",  # no merchant
        "merchant:m-1:bogus",
        "merchant:m-1:clearing",  # a platform kind on a merchant
        "platform:available",  # a merchant kind on the platform
        "platform:",
        "bank:m-1:available",
        "Platform:clearing",
    ],
)
def test_anything_else_is_not_a_ledger_account(text: str) -> None:
    with pytest.raises(MalformedAccountId):
        AccountId.parse(text)


def test_a_posting_is_one_of_the_merchants_accounts_only_if_it_names_that_merchant() -> None:
    assert merchant_account_kind("merchant:m-1:frozen", "m-1") is MerchantAccount.FROZEN
    assert merchant_account_kind("merchant:m-10:frozen", "m-1") is None  # not a prefix match
    assert merchant_account_kind("merchant:m-1:frozen", "m-10") is None
    assert merchant_account_kind("platform:clearing", "m-1") is None
    assert merchant_account_kind("merchant:m-1:bogus", "m-1") is None


def test_transaction_kinds_are_the_texts_recorded_in_the_ledger() -> None:
    # the values are stored in ledger_transactions.kind and sent in LedgerTransactionPosted.kind
    assert {kind.value for kind in TransactionKind} == {
        "sign_off",
        "hold_release",
        "reserve_release",
        "refund_freeze",
        "refund_unfreeze",
        "refund",
        "apply",
        "application_rejected",
        "payout_paid",
        "payout_failed",
        "payout_returned",
        "adjustment",
    }
