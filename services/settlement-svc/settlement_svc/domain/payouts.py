"""Bank accounts, vouchers, settlement applications (结算申请) and their review. Pure: no I/O.

Review rules (an application is approved automatically unless one applies; then it waits in
the ops queue with the reasons):
- the amount is over the platform's review threshold;
- it is the first payout to this bank account;
- the merchant carries a risk flag;
- the amount needs vouchers (over the voucher threshold) and none is attached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from shipsettle_shared.domain_errors import DomainError

CARD_NUMBER = re.compile(r"^[0-9]{16,19}$")
CORPORATE_ACCOUNT = re.compile(r"^[0-9]{8,30}$")
VOUCHER_TYPES = {"application/pdf": b"%PDF-", "image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
MAX_VOUCHER_BYTES = 5 * 1024 * 1024


class AccountType(StrEnum):
    CARD = "card"  # a bank card (借记卡): 16-19 digits with a Luhn check digit
    CORPORATE = "corporate"  # a corporate account (对公账户): 8-30 digits, no check digit


class ApplicationStatus(StrEnum):
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAYING = "paying"  # sent to the provider
    PAID = "paid"
    FAILED = "failed"  # the provider refused; funds back to available
    RETURNED = "returned"  # paid, then returned by the bank; funds back to available


# An application stands on its vouchers while its money is in review, on its way or paid out: a
# voucher (an invoice, a waybill) justifies one application's money. A rejected, failed or
# returned one gave its money back to available, and its vouchers with it.
VOUCHERS_STAND_WITH = frozenset(
    {ApplicationStatus.IN_REVIEW, ApplicationStatus.APPROVED, ApplicationStatus.PAYING, ApplicationStatus.PAID}
)


class PayoutRuleViolation(DomainError):
    """settlement-svc's refusals of bank accounts, vouchers, settlement applications and their
    review (and of the four-eyes actions on them): unknown, in the wrong state, or against a rule."""


def luhn_valid(number: str) -> bool:
    """ISO/IEC 7812 check digit, as bank cards (UnionPay included) carry it."""
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def account_number_problems(account_type: AccountType, number: str) -> list[str]:
    if account_type is AccountType.CARD:
        if not CARD_NUMBER.match(number):
            return ["a bank card number has 16 to 19 digits"]
        if not luhn_valid(number):
            return ["the card number's check digit is wrong (Luhn); check for a typo"]
        return []
    if not CORPORATE_ACCOUNT.match(number):
        return ["a corporate account number has 8 to 30 digits"]
    return []


def voucher_type(content: bytes, declared: str) -> str | None:
    """The content type if the bytes really are one we accept and match what was declared."""
    magic = VOUCHER_TYPES.get(declared)
    return declared if magic is not None and content.startswith(magic) else None


@dataclass(frozen=True)
class ReviewRules:
    review_over_minor: int = 5_000_000  # ¥50,000.00
    vouchers_over_minor: int = 1_000_000  # ¥10,000.00


def review_reasons(
    *,
    amount_minor: int,
    first_payout_to_account: bool,
    risk_flagged: bool,
    voucher_count: int,
    rules: ReviewRules,
) -> list[str]:
    reasons = []
    if amount_minor > rules.review_over_minor:
        reasons.append(f"amount over the review threshold of {rules.review_over_minor} fen")
    if first_payout_to_account:
        reasons.append("first payout to this bank account")
    if risk_flagged:
        reasons.append("the merchant carries a risk flag")
    if amount_minor > rules.vouchers_over_minor and voucher_count == 0:
        reasons.append(f"vouchers (invoice, logistics documents) are required over {rules.vouchers_over_minor} fen")
    return reasons


@dataclass(frozen=True)
class ApplicationTerms:
    """What an application of ``amount_minor`` does: the merchant's debt (a negative balance
    after claw-backs) is paid back first, the rest goes to the bank, and review decides whether
    it waits for ops. Nothing leaves for the bank when the debt takes it all: paid at once."""

    amount_minor: int
    clawback_deducted_minor: int
    net_minor: int
    status: ApplicationStatus
    review_reasons: list[str]

    @property
    def decision_reason(self) -> str | None:
        return None if self.net_minor else "the whole amount paid back the negative balance; nothing to send"


def application_terms(
    *,
    amount_minor: int,
    negative_balance_minor: int,
    first_payout_to_account: bool,
    risk_flagged: bool,
    voucher_count: int,
    rules: ReviewRules,
) -> ApplicationTerms:
    """``negative_balance_minor`` is the account's balance (what the merchant owes, negative)."""
    deducted = min(max(0, -negative_balance_minor), amount_minor)
    net = amount_minor - deducted
    # Review looks at what would leave for the bank; nothing leaves when the debt takes it all.
    reasons = (
        review_reasons(
            amount_minor=net,
            first_payout_to_account=first_payout_to_account,
            risk_flagged=risk_flagged,
            voucher_count=voucher_count,
            rules=rules,
        )
        if net
        else []
    )
    status = ApplicationStatus.IN_REVIEW if reasons else ApplicationStatus.APPROVED if net else ApplicationStatus.PAID
    return ApplicationTerms(amount_minor, deducted, net, status, reasons)
