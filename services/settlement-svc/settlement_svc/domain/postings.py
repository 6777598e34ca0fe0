"""The posting rules: every transaction settlement books, built here and only here. Pure: no I/O.

Each rule takes the facts its caller read (under the merchant's lock where a balance decides a
split) and returns the balanced transaction, its idempotency key and its description. Sums are
checked by ``LedgerTransaction`` (and again by the database's trigger).

    sign_off         clearing −(P+S), subsidy −U, commission +C, merchant pending +(P+S+U−C)
    hold_release     pending −H, available +(H−r), reserved +r
    reserve_release  reserved −r, available +r
    refund_freeze    available −f, frozen +f
    refund           refunds (or balance_clearing) +R, subsidy +U, commission −C; the merchant's
                     R+U−C taken from frozen, then pending holds, then available, the rest owed
                     (negative balance); frozen money not needed goes back to available
    refund_unfreeze  frozen −f, available +f
    apply            available −A, negative_balance +d, in_payout +(A−d)
    application_rejected, payout_failed  in_payout → available;  payout_paid  in_payout → paid_out;
    payout_returned  paid_out → available
    adjustment       adjustments −a, merchant available +a (a debit beyond available is owed)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from settlement_svc.domain.ledger import (
    LedgerTransaction,
    MerchantAccount,
    PlatformAccount,
    TransactionKind,
    merchant_account,
    platform_account,
    transaction,
)
from settlement_svc.domain.orders import RefundAmounts, SignOffAmounts
from shipsettle_shared.contracts import RefundedVia

# Where the buyer's money went, as the ledger books it (SPEC section 3: refunded_to_buyer): out of
# the platform's refunds, or as a credit to the buyer's platform balance (余额), which the
# platform's backend books in its own system.
REFUNDED_TO: dict[RefundedVia, PlatformAccount] = {
    RefundedVia.ORIGINAL_CHANNEL: PlatformAccount.REFUNDS,
    RefundedVia.OTHER_CHANNEL: PlatformAccount.REFUNDS,
    RefundedVia.OFFLINE: PlatformAccount.REFUNDS,
    RefundedVia.PLATFORM_BALANCE: PlatformAccount.BALANCE_CLEARING,
}


def _between(
    merchant_id: str, source: MerchantAccount, target: MerchantAccount, amount_minor: int
) -> list[tuple[str, int]]:
    """``amount_minor`` from one of the merchant's accounts to another."""
    return [
        (merchant_account(merchant_id, source), -amount_minor),
        (merchant_account(merchant_id, target), amount_minor),
    ]


def sign_off(
    key: str, merchant_id: str, order_id: str, amounts: SignOffAmounts, *, how: str, caused_by_event_id: str
) -> LedgerTransaction:
    return transaction(
        key,
        TransactionKind.SIGN_OFF,
        merchant_id,
        [
            (platform_account(PlatformAccount.CLEARING), -(amounts.paid_minor + amounts.shipping_minor)),
            (platform_account(PlatformAccount.SUBSIDY), -amounts.subsidy_minor),
            (platform_account(PlatformAccount.COMMISSION), amounts.commission_minor),
            (merchant_account(merchant_id, MerchantAccount.PENDING), amounts.net_minor),
        ],
        order_id=order_id,
        description=(
            f"signed off ({how}): paid {amounts.paid_minor} + shipping {amounts.shipping_minor} + "
            f"platform subsidy {amounts.subsidy_minor} - commission {amounts.commission_minor}"
        ),
        caused_by_event_id=caused_by_event_id,
    )


def hold_release(
    hold_id: str,
    merchant_id: str,
    order_id: str,
    amount_minor: int,
    reserve_minor: int,
    *,
    policy_version: int,
    reversed_minor: int,
    after_refunds: bool,
) -> LedgerTransaction:
    """The hold's amount leaves pending: the rolling reserve's share to reserved, the rest to available."""
    return transaction(
        f"release:{hold_id}",
        TransactionKind.HOLD_RELEASE,
        merchant_id,
        [
            (merchant_account(merchant_id, MerchantAccount.PENDING), -amount_minor),
            (merchant_account(merchant_id, MerchantAccount.AVAILABLE), amount_minor - reserve_minor),
            (merchant_account(merchant_id, MerchantAccount.RESERVED), reserve_minor),
        ],
        order_id=order_id,
        description=(
            f"hold ended (policy v{policy_version}); rolling reserve {reserve_minor}"
            + (f"; {reversed_minor} taken back by refunds before the release" if reversed_minor else "")
            + ("; released after the order's refunds ended" if after_refunds else "")
        ),
    )


def reserve_release(reserve_key: str, merchant_id: str, order_id: str, amount_minor: int) -> LedgerTransaction:
    return transaction(
        f"reserve_release:{reserve_key}",
        TransactionKind.RESERVE_RELEASE,
        merchant_id,
        _between(merchant_id, MerchantAccount.RESERVED, MerchantAccount.AVAILABLE, amount_minor),
        order_id=order_id,
        description="rolling reserve released",
    )


def refund_freeze(
    refund_id: str,
    merchant_id: str,
    order_id: str,
    frozen_minor: int,
    *,
    estimate_minor: int,
    covered_by_holds_minor: int,
    caused_by_event_id: str,
) -> LedgerTransaction:
    """Available money held against an open refund, for what the order's pending holds cannot cover."""
    return transaction(
        f"refund_freeze:{refund_id}",
        TransactionKind.REFUND_FREEZE,
        merchant_id,
        _between(merchant_id, MerchantAccount.AVAILABLE, MerchantAccount.FROZEN, frozen_minor),
        order_id=order_id,
        description=(
            f"refund {refund_id} requested: estimated reversal {estimate_minor}, "
            f"{covered_by_holds_minor} covered by the order's pending holds, {frozen_minor} frozen"
        ),
        caused_by_event_id=caused_by_event_id,
    )


HoldT = TypeVar("HoldT")


@dataclass(frozen=True)
class RefundSources(Generic[HoldT]):
    """Where a refund's merchant reversal comes from, in this order: the money frozen for it, the
    order's pending holds (oldest first, as given), the merchant's available money; what is left
    is a claw-back the merchant owes (negative balance)."""

    frozen_minor: int  # frozen for this refund when it opened
    from_frozen_minor: int
    from_holds: tuple[tuple[HoldT, int], ...]
    from_available_minor: int
    clawback_minor: int

    @property
    def from_pending_minor(self) -> int:
        return sum(take for _, take in self.from_holds)

    @property
    def unfrozen_minor(self) -> int:
        """Frozen money this refund did not need: back to available."""
        return self.frozen_minor - self.from_frozen_minor


def refund_sources(
    reversal_minor: int, frozen_minor: int, pending_holds: Sequence[tuple[HoldT, int]], available_minor: int
) -> RefundSources[HoldT]:
    """``pending_holds``: (hold, its amount) of the order's unreleased holds; ``available_minor``:
    the merchant's available balance (read under the merchant's lock; below 0 counts as 0)."""
    from_frozen = min(frozen_minor, reversal_minor)
    rest = reversal_minor - from_frozen
    from_holds: list[tuple[HoldT, int]] = []
    for hold, amount in pending_holds:
        take = min(amount, rest)
        if take > 0:
            from_holds.append((hold, take))
            rest -= take
    from_available = min(max(0, available_minor), rest)
    return RefundSources(frozen_minor, from_frozen, tuple(from_holds), from_available, rest - from_available)


def refund(
    refund_id: str,
    refund_kind: str,
    merchant_id: str,
    order_id: str,
    amounts: RefundAmounts,
    sources: RefundSources[HoldT],
    *,
    refunded_via: RefundedVia,
    resolved_by: str | None,
    resolution_reason: str | None,
    caused_by_event_id: str,
) -> LedgerTransaction:
    """The booked part of a completed refund taken back (SPEC section 3, in reverse)."""
    reversal = amounts.merchant_reversal_minor
    assert (
        sources.from_frozen_minor + sources.from_pending_minor + sources.from_available_minor + sources.clawback_minor
        == reversal
    )
    return transaction(
        f"refund:{refund_id}",
        TransactionKind.REFUND,
        merchant_id,
        [
            (platform_account(REFUNDED_TO[refunded_via]), amounts.refunded_minor),
            (platform_account(PlatformAccount.SUBSIDY), amounts.subsidy_minor),
            (platform_account(PlatformAccount.COMMISSION), -amounts.commission_minor),
            (merchant_account(merchant_id, MerchantAccount.FROZEN), -sources.frozen_minor),
            (merchant_account(merchant_id, MerchantAccount.PENDING), -sources.from_pending_minor),
            (
                merchant_account(merchant_id, MerchantAccount.AVAILABLE),
                sources.unfrozen_minor - sources.from_available_minor,
            ),
            (merchant_account(merchant_id, MerchantAccount.NEGATIVE_BALANCE), -sources.clawback_minor),
        ],
        order_id=order_id,
        description=(
            f"refund {refund_id} ({refund_kind}) completed: paid {amounts.paid_minor} + shipping "
            f"{amounts.shipping_minor} + platform subsidy {amounts.subsidy_minor} - commission "
            f"{amounts.commission_minor} = {reversal} taken back: {sources.from_frozen_minor} frozen, "
            f"{sources.from_pending_minor} pending, {sources.from_available_minor} available, "
            f"{sources.clawback_minor} claw-back (negative balance); never booked: paid "
            f"{amounts.unbooked_paid_minor}, shipping {amounts.unbooked_shipping_minor}, subsidy "
            f"{amounts.unbooked_subsidy_minor}; refunded via {refunded_via.value}"
            + (f", settled by ops {resolved_by}: {resolution_reason}" if resolved_by else "")
        ),
        caused_by_event_id=caused_by_event_id,
    )


def refund_unfreeze(
    refund_id: str, merchant_id: str, order_id: str, frozen_minor: int, *, outcome: str, caused_by_event_id: str
) -> LedgerTransaction:
    return transaction(
        f"refund_unfreeze:{refund_id}",
        TransactionKind.REFUND_UNFREEZE,
        merchant_id,
        _between(merchant_id, MerchantAccount.FROZEN, MerchantAccount.AVAILABLE, frozen_minor),
        order_id=order_id,
        description=f"refund {refund_id} closed ({outcome}): {frozen_minor} unfrozen",
        caused_by_event_id=caused_by_event_id,
    )


def apply(application_id: str, merchant_id: str, amount_minor: int, clawback_deducted_minor: int) -> LedgerTransaction:
    """An application takes ``amount_minor`` of available money; the claw-back it deducts pays
    the merchant's negative balance back, the rest goes to payout."""
    net = amount_minor - clawback_deducted_minor
    return transaction(
        f"apply:{application_id}",
        TransactionKind.APPLY,
        merchant_id,
        [
            (merchant_account(merchant_id, MerchantAccount.AVAILABLE), -amount_minor),
            (merchant_account(merchant_id, MerchantAccount.NEGATIVE_BALANCE), clawback_deducted_minor),
            (merchant_account(merchant_id, MerchantAccount.IN_PAYOUT), net),
        ],
        description=f"settlement application {application_id}"
        + (
            f": {amount_minor} applied, {clawback_deducted_minor} claw-back deducted, {net} to pay out"
            if clawback_deducted_minor
            else ""
        ),
    )


def application_rejected(application_id: str, merchant_id: str, net_minor: int, *, reason: str) -> LedgerTransaction:
    return transaction(
        f"reject:{application_id}",
        TransactionKind.APPLICATION_REJECTED,
        merchant_id,
        _between(merchant_id, MerchantAccount.IN_PAYOUT, MerchantAccount.AVAILABLE, net_minor),
        description=f"application rejected: {reason}",
    )


def payout_paid(payout_id: str, merchant_id: str, amount_minor: int) -> LedgerTransaction:
    return transaction(
        f"payout_paid:{payout_id}",
        TransactionKind.PAYOUT_PAID,
        merchant_id,
        _between(merchant_id, MerchantAccount.IN_PAYOUT, MerchantAccount.PAID_OUT, amount_minor),
        description=f"payout {payout_id} paid",
    )


def payout_failed(payout_id: str, merchant_id: str, amount_minor: int, *, reason: str | None) -> LedgerTransaction:
    return transaction(
        f"payout_failed:{payout_id}",
        TransactionKind.PAYOUT_FAILED,
        merchant_id,
        _between(merchant_id, MerchantAccount.IN_PAYOUT, MerchantAccount.AVAILABLE, amount_minor),
        description=f"payout {payout_id} failed: {reason}",
    )


def payout_returned(payout_id: str, merchant_id: str, amount_minor: int, *, reason: str | None) -> LedgerTransaction:
    return transaction(
        f"payout_returned:{payout_id}",
        TransactionKind.PAYOUT_RETURNED,
        merchant_id,
        _between(merchant_id, MerchantAccount.PAID_OUT, MerchantAccount.AVAILABLE, amount_minor),
        description=f"payout {payout_id} returned: {reason}",
    )


def adjustment(
    key: str, merchant_id: str, amount_minor: int, available_minor: int, *, by: str, reason: str, reference: str | None
) -> LedgerTransaction:
    """An ops correction of ``amount_minor`` (negative: a debit): a credit to available; a debit
    from available as far as it goes (``available_minor``, read under the merchant's lock), the
    rest owed (negative balance)."""
    if amount_minor >= 0:
        merchant_side = [(merchant_account(merchant_id, MerchantAccount.AVAILABLE), amount_minor)]
    else:
        from_available = min(available_minor, -amount_minor) if available_minor > 0 else 0
        merchant_side = [
            (merchant_account(merchant_id, MerchantAccount.AVAILABLE), -from_available),
            (merchant_account(merchant_id, MerchantAccount.NEGATIVE_BALANCE), amount_minor + from_available),
        ]
    return transaction(
        key,
        TransactionKind.ADJUSTMENT,
        merchant_id,
        [(platform_account(PlatformAccount.ADJUSTMENTS), -amount_minor), *merchant_side],
        description=f"adjustment by {by}: {reason}" + (f" (settles {reference})" if reference else ""),
    )
