"""The ledger's vocabulary, shared by the service that posts (settlement) and the one that reads
the postings from ``LedgerTransactionPosted`` (recon): account kinds, account ids and
transaction kinds. On the wire and in the database an account id is text:
``merchant:<merchant id>:<kind>`` or ``platform:<kind>``; it is built and read only here.

Sign convention: a merchant account's balance is what the platform owes the merchant in that
state (pending, available, frozen, reserved, in payout, paid out). ``frozen`` is money that was
available but is held against an open refund (it cannot be applied for). ``negative_balance``
holds what the merchant owes back (claw-backs after payout), as a negative number; the next
settlement application pays it back first. Platform accounts: ``clearing`` releases buyer
payments (negative: released from escrow), ``subsidy`` what the platform paid in coupons it
funded (negative), ``commission`` what it earned (positive), ``refunds`` what was paid back to
buyers out of money already booked to merchants (positive), ``balance_clearing`` the part of it
credited to buyers' platform balances (余额, positive: the platform's backend owes the buyer that
credit and books it in its own balance system, so it clears there, not through a refund
provider), ``payout_clearing`` money sent to banks, ``adjustments`` ops corrections.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MERCHANT_OWNER = "merchant"
PLATFORM_OWNER = "platform"


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


class TransactionKind(StrEnum):
    """What a ledger transaction records (``LedgerTransactionPosted.kind``)."""

    SIGN_OFF = "sign_off"  # the buyer signed off: paid, shipping, subsidy and commission booked
    HOLD_RELEASE = "hold_release"  # pending → available (or reserved)
    RESERVE_RELEASE = "reserve_release"  # the rolling reserve's share back to available
    REFUND_FREEZE = "refund_freeze"  # available → frozen while a refund is open
    REFUND_UNFREEZE = "refund_unfreeze"  # the refund declined or closed: frozen → available
    REFUND = "refund"  # paid back to the buyer, from the merchant's money
    APPLY = "apply"  # an application takes available money into payout (less a claw-back deduction)
    APPLICATION_REJECTED = "application_rejected"  # the money goes back to available
    PAYOUT_PAID = "payout_paid"
    PAYOUT_FAILED = "payout_failed"  # back to available
    PAYOUT_RETURNED = "payout_returned"  # the bank returned a paid payout: back to available
    ADJUSTMENT = "adjustment"  # an ops correction, approved by a second key


class MalformedAccountId(ValueError):
    pass


@dataclass(frozen=True)
class AccountId:
    """A ledger account: a merchant's (``merchant_id`` set) or the platform's."""

    kind: MerchantAccount | PlatformAccount
    merchant_id: str | None = None

    @classmethod
    def merchant(cls, merchant_id: str, kind: MerchantAccount) -> AccountId:
        if not merchant_id:
            raise MalformedAccountId("a merchant account needs a merchant id")
        return cls(kind, merchant_id)

    @classmethod
    def platform(cls, kind: PlatformAccount) -> AccountId:
        return cls(kind)

    @classmethod
    def parse(cls, text: str) -> AccountId:
        """The account an id names; ``MalformedAccountId`` for anything else. A merchant id may
        itself hold ``:`` (the kind is the last part)."""
        owner, _, rest = text.partition(":")
        try:
            if owner == PLATFORM_OWNER:
                return cls.platform(PlatformAccount(rest))
            if owner == MERCHANT_OWNER:
                merchant_id, _, kind = rest.rpartition(":")
                return cls.merchant(merchant_id, MerchantAccount(kind))
        except ValueError as error:
            raise MalformedAccountId(f"not a ledger account: {text!r}") from error
        raise MalformedAccountId(f"not a ledger account: {text!r}")

    @property
    def is_merchant(self) -> bool:
        return self.merchant_id is not None

    def __str__(self) -> str:
        if self.merchant_id is None:
            return f"{PLATFORM_OWNER}:{self.kind.value}"
        return f"{MERCHANT_OWNER}:{self.merchant_id}:{self.kind.value}"


def merchant_account(merchant_id: str, kind: MerchantAccount) -> str:
    return str(AccountId.merchant(merchant_id, kind))


def platform_account(kind: PlatformAccount) -> str:
    return str(AccountId.platform(kind))


def merchant_accounts_prefix(merchant_id: str) -> str:
    """What every account id of the merchant starts with (for a prefix match in SQL)."""
    return f"{MERCHANT_OWNER}:{merchant_id}:"


def merchant_account_kind(account_id: str, merchant_id: str) -> MerchantAccount | None:
    """The kind of ``account_id`` if it is one of ``merchant_id``'s accounts, else None."""
    try:
        account = AccountId.parse(account_id)
    except MalformedAccountId:
        return None
    if account.merchant_id != merchant_id:
        return None
    assert isinstance(account.kind, MerchantAccount)
    return account.kind
