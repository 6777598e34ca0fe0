"""Settlement applications (结算申请) and their review.

Money on the ledger, per application of amount A (gross) by a merchant owing D (a claw-back
after a refund: ``negative_balance`` is −D), with the deduction d = min(D, A) and the net
N = A − d:
- applied:   available −A, negative_balance +d, in_payout +N (so the same funds cannot be
  applied for twice; the debt is paid back first, and the bank is sent N)
- rejected:   in_payout −N, available +N (the debt stays paid back)
An application whose whole amount goes to the debt (N = 0) sends nothing: it is paid at once.
Approved, it waits for a payout batch (payouts.py), started at once rather than at the next
interval. Each movement's key names its cause (``apply:<id>``, ``reject:<id>``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from settlement_svc.adapters.tables import (
    ApplicationRow,
)
from settlement_svc.domain import postings
from settlement_svc.domain.ledger import LedgerTransaction
from settlement_svc.domain.payouts import (
    ApplicationStatus,
    ApplicationTerms,
    PayoutRuleViolation,
    ReviewRules,
    application_terms,
)
from settlement_svc.service_layer import payouts
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared.domain_errors import Refusal


@dataclass(frozen=True)
class Apply:
    merchant_id: str
    bank_account_id: str
    amount_minor: int | None  # None: everything available
    voucher_ids: list[str]


async def apply_for_settlement(
    uow: SettlementUnitOfWork, command: Apply, *, now: datetime, rules: ReviewRules
) -> ApplicationRow:
    """Raises PayoutRuleViolation (each a rule's refusal, naming the field): unknown or unverified
    account, more than available, below the minimum payout, unknown vouchers or vouchers another
    application stands on. Money frozen for open refunds is
    not available and cannot be applied for; a negative balance is deducted first."""
    await uow.locks.lock_merchant(command.merchant_id)
    min_payout_minor = (await uow.policies.policy(command.merchant_id, now)).min_payout_minor
    account = await uow.payouts.bank_account(command.bank_account_id)
    if account is None or account.merchant_id != command.merchant_id:
        raise PayoutRuleViolation(
            Refusal.RULE, "unknown-account", "no such bank account for this merchant", field="bank_account_id"
        )
    if account.status != "verified":
        raise PayoutRuleViolation(
            Refusal.RULE, "account-unverified", "the bank account is not verified yet", field="bank_account_id"
        )
    balances = await uow.ledger.merchant_balances(command.merchant_id)
    available = balances["available"]
    amount = available if command.amount_minor is None else command.amount_minor
    if amount <= 0 or amount > available:
        raise PayoutRuleViolation(
            Refusal.RULE,
            "insufficient-funds",
            f"{amount} fen requested but {available} fen is available",
            field="amount_minor",
        )
    if amount < min_payout_minor:
        raise PayoutRuleViolation(
            Refusal.RULE, "below-minimum", f"the minimum payout is {min_payout_minor} fen", field="amount_minor"
        )
    if command.voucher_ids:
        missing = set(command.voucher_ids) - await uow.payouts.known_vouchers(command.merchant_id, command.voucher_ids)
        if missing:
            raise PayoutRuleViolation(
                Refusal.RULE, "unknown-voucher", f"unknown vouchers: {sorted(missing)}", field="voucher_ids"
            )
        # A voucher (an invoice, a waybill) justifies the money of one application: it cannot
        # justify another while that one's money is in review, on its way or paid out.
        in_use = await uow.payouts.vouchers_in_use(command.merchant_id, command.voucher_ids)
        if in_use:
            named = ", ".join(f"{voucher} (application {in_use[voucher]})" for voucher in sorted(in_use))
            raise PayoutRuleViolation(
                Refusal.RULE, "voucher-in-use", f"vouchers already used: {named}", field="voucher_ids"
            )
    terms = application_terms(
        amount_minor=amount,
        negative_balance_minor=balances["negative_balance"],
        first_payout_to_account=not await uow.payouts.paid_to_account_before(account.bank_account_id),
        risk_flagged=await uow.payouts.risk_flagged(command.merchant_id),
        voucher_count=len(command.voucher_ids),
        rules=rules,
    )
    application = new_application(command.merchant_id, account.bank_account_id, terms, command.voucher_ids, now=now)
    await uow.payouts.add_application(application)
    await uow.ledger.post(apply_transaction(application), now=now)
    if application.status == ApplicationStatus.APPROVED.value:
        await payouts.start_payout_batch_now(uow, [application.application_id], now=now)
    return application


def new_application(
    merchant_id: str, bank_account_id: str, terms: ApplicationTerms, voucher_ids: list[str], *, now: datetime
) -> ApplicationRow:
    return ApplicationRow(
        application_id=f"SA-{uuid.uuid4().hex[:12]}",
        merchant_id=merchant_id,
        bank_account_id=bank_account_id,
        amount_minor=terms.amount_minor,
        clawback_deducted_minor=terms.clawback_deducted_minor,
        currency="CNY",
        order_ids=[],
        voucher_ids=list(voucher_ids),
        status=terms.status.value,
        review_reasons=terms.review_reasons,
        decision_reason=terms.decision_reason,
        created_at=now,
        updated_at=now,
    )


def apply_transaction(application: ApplicationRow) -> LedgerTransaction:
    return postings.apply(
        application.application_id,
        application.merchant_id,
        application.amount_minor,
        application.clawback_deducted_minor,
    )


async def decide(
    uow: SettlementUnitOfWork, application_id: str, *, approve: bool, reason: str, by: str, now: datetime
) -> ApplicationRow:
    """Ops decision on an application in review. Raises PayoutRuleViolation: unknown, or
    ``not-in-review``."""
    application = await uow.payouts.application(application_id, for_update=True)
    if application is None:
        raise PayoutRuleViolation.not_found("application", application_id)
    if application.status != ApplicationStatus.IN_REVIEW.value:
        raise PayoutRuleViolation(Refusal.CONFLICT, "not-in-review", f"the application is {application.status}")
    application.decided_by = by
    application.decision_reason = reason
    application.updated_at = now
    if approve:
        application.status = ApplicationStatus.APPROVED.value
        await payouts.start_payout_batch_now(uow, [application.application_id], now=now)
        return application
    application.status = ApplicationStatus.REJECTED.value
    await uow.ledger.post(
        postings.application_rejected(application_id, application.merchant_id, application.net_minor, reason=reason),
        now=now,
    )
    return application
