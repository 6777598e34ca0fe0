"""The double-entry ledger's vocabulary. Pure: no I/O.

Every transaction is a list of postings that sums to zero (asserted here, and enforced again by
a trigger in the database, once per insert of postings). Postings are never updated or deleted; a
correction is a new transaction. An account's balance is the sum of its postings.

Sign convention: a merchant account's balance is what the platform owes the merchant in that
state (pending, available, frozen, reserved, in payout, paid out). ``frozen`` is money that
was available but is held against an open refund (it cannot be applied for).
``negative_balance`` holds what the merchant owes back (claw-backs after payout), as a negative
number; the next settlement application pays it back first. Platform accounts: ``clearing``
releases buyer payments (negative: released from escrow), ``subsidy`` what the platform paid in
coupons it funded (negative), ``commission`` what it earned (positive), ``refunds`` what was
paid back to buyers out of money already booked to merchants (positive), ``balance_clearing``
the part of it credited to buyers' platform balances (余额, positive: the platform's backend owes
the buyer that credit and books it in its own balance system, so it clears there, not through a
refund provider), ``payout_clearing`` money sent to banks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class MerchantAccount(StrEnum):
    PENDING = "pending"  # signed off, in hold
    AVAILABLE = "available"
    FROZEN = "frozen"  # available money held against an open refund (冻结)
    RESERVED = "reserved"  # rolling reserve
    IN_PAYOUT = "in_payout"
    PAID_OUT = "paid_out"
    NEGATIVE_BALANCE = "negative_balance"


class PlatformAccount(StrEnum):
    CLEARING = "clearing"
    SUBSIDY = "subsidy"
    COMMISSION = "commission"
    REFUNDS = "refunds"  # paid back to buyers
    BALANCE_CLEARING = "balance_clearing"  # refunds credited to buyers' platform balances
    PAYOUT_CLEARING = "payout_clearing"  # sent to merchants' banks
    ADJUSTMENTS = "adjustments"  # ops corrections, each with its reason (e.g. a recon discrepancy)


def merchant_account(merchant_id: str, kind: MerchantAccount) -> str:
    return f"merchant:{merchant_id}:{kind.value}"


def platform_account(kind: PlatformAccount) -> str:
    return f"platform:{kind.value}"


class UnbalancedTransaction(AssertionError):
    pass


@dataclass(frozen=True)
class Posting:
    account_id: str
    amount_minor: int


@dataclass(frozen=True)
class LedgerTransaction:
    """``kind`` says what happened (sign_off, hold_release, ...); ``key`` makes it idempotent:
    the same business fact always produces the same key, and the database refuses a second."""

    key: str
    kind: str
    merchant_id: str
    postings: tuple[Posting, ...]
    order_id: str | None = None
    description: str = ""
    caused_by_event_id: str | None = None

    def __post_init__(self) -> None:
        if sum(posting.amount_minor for posting in self.postings) != 0:
            raise UnbalancedTransaction(f"{self.kind} {self.key} does not sum to zero: {self.postings}")
        if any(type(posting.amount_minor) is not int for posting in self.postings):
            raise UnbalancedTransaction("amounts are integers in fen")


def transaction(
    key: str,
    kind: str,
    merchant_id: str,
    postings: Sequence[tuple[str, int]],
    *,
    order_id: str | None = None,
    description: str = "",
    caused_by_event_id: str | None = None,
) -> LedgerTransaction:
    """Build a transaction, dropping zero postings (they explain nothing)."""
    return LedgerTransaction(
        key=key,
        kind=kind,
        merchant_id=merchant_id,
        postings=tuple(Posting(account, amount) for account, amount in postings if amount != 0),
        order_id=order_id,
        description=description,
        caused_by_event_id=caused_by_event_id,
    )
