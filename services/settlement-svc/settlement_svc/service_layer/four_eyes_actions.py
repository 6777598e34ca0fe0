"""settlement-svc's four-eyes actions (shipsettle_shared/four_eyes.py): proposed by one ops key,
applied when a different ops key approves.

- verifying a bank account: every one (the account payouts go to is what a fraudulent insider
  would change first);
- an adjustment: every one, whatever its amount (a threshold would invite splitting one
  correction into several under it, and an adjustment moves the platform's money with no
  outside evidence);
- approving a settlement application in review whose gross amount is above
  ``payout_four_eyes_over_minor`` (default ¥50,000.00, the same line as the large-amount review);
  at or below it one ops key approves, as before. Rejecting stays one step: it moves the money
  back to the merchant's available balance and pays nobody.

Each applier re-checks what it acts on (the account still unverified, the application still in
review) because time passed since the proposal; a refusal rolls the approval back with it.
Raises PayoutRuleViolation like the one-step handlers (problems.py answers it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from settlement_svc.adapters.tables import BankAccountRow
from settlement_svc.domain.payouts import ApplicationStatus, PayoutRuleViolation
from settlement_svc.service_layer import adjustments, applications
from settlement_svc.service_layer import payouts as service
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import four_eyes
from shipsettle_shared.domain_errors import Refusal

VERIFY_BANK_ACCOUNT = "verify_bank_account"
BOOK_ADJUSTMENT = "book_adjustment"
APPROVE_APPLICATION = "approve_application"


def _unverified(account: BankAccountRow | None, bank_account_id: str) -> BankAccountRow:
    """The account, known and not verified yet; raises PayoutRuleViolation otherwise."""
    if account is None:
        raise PayoutRuleViolation.not_found("bank account", bank_account_id)
    if account.status == "verified":
        raise PayoutRuleViolation(Refusal.CONFLICT, "already-verified", "the bank account is already verified")
    return account


async def propose_verification(
    uow: SettlementUnitOfWork, bank_account_id: str, *, by: str, reason: str, now: datetime, ttl: timedelta
) -> four_eyes.Proposal:
    """Raises PayoutRuleViolation: unknown account, ``already-verified``; Conflict 409
    ``approval-pending`` when the account already has a pending proposal."""
    account = _unverified(await uow.payouts.bank_account(bank_account_id), bank_account_id)
    return await uow.approvals.propose(
        action=VERIFY_BANK_ACCOUNT,
        subject=bank_account_id,
        merchant_id=account.merchant_id,
        parameters={"bank_account_id": bank_account_id},
        by=by,
        reason=reason,
        now=now,
        ttl=ttl,
    )


async def apply_verification(
    uow: SettlementUnitOfWork, proposal: four_eyes.Proposal, approving: four_eyes.Approving
) -> four_eyes.Applied:
    bank_account_id = str(proposal.parameters["bank_account_id"])
    _unverified(await uow.payouts.bank_account(bank_account_id, for_update=True), bank_account_id)
    verified = await service.verify_bank_account(uow, bank_account_id, by=approving.approver.key_id, now=approving.now)
    return four_eyes.Applied(
        outcome={
            "bank_account_id": verified.bank_account_id,
            "merchant_id": verified.merchant_id,
            "status": verified.status,
            "verified_by": verified.verified_by,
        }
    )


async def propose_adjustment(
    uow: SettlementUnitOfWork,
    merchant_id: str,
    amount_minor: int,
    *,
    reason: str,
    reference: str | None,
    by: str,
    now: datetime,
    ttl: timedelta,
) -> four_eyes.Proposal:
    return await uow.approvals.propose(
        action=BOOK_ADJUSTMENT,
        merchant_id=merchant_id,
        amount_minor=amount_minor,
        parameters={"merchant_id": merchant_id, "amount_minor": amount_minor, "reference": reference},
        by=by,
        reason=reason,
        now=now,
        ttl=ttl,
    )


async def apply_adjustment(
    uow: SettlementUnitOfWork, proposal: four_eyes.Proposal, approving: four_eyes.Approving
) -> four_eyes.Applied:
    reference = proposal.parameters.get("reference")
    booked = await adjustments.book_adjustment(
        uow,
        str(proposal.parameters["merchant_id"]),
        int(proposal.parameters["amount_minor"]),
        reason=proposal.proposal_reason,
        reference=str(reference) if reference is not None else None,
        by=f"{proposal.proposed_by}, approved by {approving.approver.key_id}",
        now=approving.now,
    )
    return four_eyes.Applied(outcome=dict(booked))


async def propose_large_approval(
    uow: SettlementUnitOfWork,
    application_id: str,
    *,
    over_minor: int,
    by: str,
    reason: str,
    now: datetime,
    ttl: timedelta,
) -> four_eyes.Proposal | None:
    """None when one ops key may approve (the gross amount is at most ``over_minor``); otherwise
    the proposal. Raises PayoutRuleViolation: unknown, ``not-in-review``; Conflict 409
    ``approval-pending``."""
    application = await uow.payouts.application(application_id, for_update=True)
    if application is None:
        raise PayoutRuleViolation.not_found("application", application_id)
    if application.status != ApplicationStatus.IN_REVIEW.value:
        raise PayoutRuleViolation(Refusal.CONFLICT, "not-in-review", f"the application is {application.status}")
    if application.amount_minor <= over_minor:
        return None
    return await uow.approvals.propose(
        action=APPROVE_APPLICATION,
        subject=application_id,
        merchant_id=application.merchant_id,
        amount_minor=application.amount_minor,
        parameters={"application_id": application_id, "net_minor": application.net_minor},
        by=by,
        reason=reason,
        now=now,
        ttl=ttl,
    )


async def apply_large_approval(
    uow: SettlementUnitOfWork, proposal: four_eyes.Proposal, approving: four_eyes.Approving
) -> four_eyes.Applied:
    """The application is approved (decided by the approving key, with the proposal's reason)
    and its payout batch started, as one key's approval does below the threshold."""
    application = await applications.decide(
        uow,
        str(proposal.parameters["application_id"]),
        approve=True,
        reason=proposal.proposal_reason,
        by=approving.approver.key_id,
        now=approving.now,
    )
    return four_eyes.Applied(
        outcome={
            "application_id": application.application_id,
            "status": application.status,
            "amount_minor": application.amount_minor,
            "decided_by": application.decided_by,
        }
    )
