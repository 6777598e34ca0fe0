"""The double-entry ledger's vocabulary. Pure: no I/O.

Every transaction is a list of postings that sums to zero (asserted here, and enforced again by
a trigger in the database, once per insert of postings). Postings are never updated or deleted; a
correction is a new transaction. An account's balance is the sum of its postings.

The account kinds, account ids and transaction kinds are the shared contract's
(``shipsettle_shared.ledger_accounts``: recon reads the postings with the same vocabulary).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shipsettle_shared.ledger_accounts import (
    MerchantAccount,
    PlatformAccount,
    TransactionKind,
    merchant_account,
    platform_account,
)


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
    kind: TransactionKind
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
    kind: TransactionKind,
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


__all__ = [
    "LedgerTransaction",
    "MerchantAccount",
    "PlatformAccount",
    "Posting",
    "TransactionKind",
    "UnbalancedTransaction",
    "merchant_account",
    "platform_account",
    "transaction",
]
