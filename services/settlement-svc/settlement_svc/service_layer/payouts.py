"""Settlement applications (结算申请), their review, payout batches and payouts.

Money on the ledger, per application of amount A (gross) by a merchant owing D (a claw-back
after a refund: ``negative_balance`` is −D), with the deduction d = min(D, A) and the net
N = A − d:
- applied:   available −A, negative_balance +d, in_payout +N (so the same funds cannot be
  applied for twice; the debt is paid back first, and the bank is sent N)
- rejected / payout failed:   in_payout −N, available +N (the debt stays paid back)
- paid:      in_payout −N, paid_out +N
- returned by the bank after paid:   paid_out −N, available +N
An application whose whole amount goes to the debt (N = 0) sends nothing: it is paid at once.
Each movement's transaction key names its cause (``apply:<id>``, ``payout_paid:<id>`` ...), so a
repeated callback or a retried timer cannot move money twice.

Sending: a batch timer groups approved applications into a batch and creates one payout each
(status ``sending``) with a ``payout_send`` timer. The timer's handler sends to the provider,
which is idempotent on the payout id; a crash before the answer is recorded leaves the timer
due, and the resend is answered with the payout's current status instead of a second payment.
A ``payout_status_check`` timer asks the provider when no callback came.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key
from sqlmodel import col

from settlement_svc.adapters.bank_data import opened_bank_fields, sealed_bank_fields
from settlement_svc.adapters.repository import SettlementRepository, posted_event
from settlement_svc.adapters.tables import (
    ApplicationRow,
    BankAccountRow,
    MerchantFlagRow,
    PayoutRow,
    VoucherRow,
)
from settlement_svc.domain import postings
from settlement_svc.domain.ledger import LedgerTransaction
from settlement_svc.domain.payouts import (
    MAX_VOUCHER_BYTES,
    AccountType,
    ApplicationStatus,
    ApplicationTerms,
    PayoutRuleViolation,
    ReviewRules,
    account_number_problems,
    application_terms,
    voucher_type,
)
from settlement_svc.service_layer import notifications
from shipsettle_shared import contracts
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.failpoints import failpoint
from shipsettle_shared.field_crypto import BlindIndex
from shipsettle_shared.outbox import StagedEvent, add_staged_to_outbox, stage_event
from shipsettle_shared.provider_client import ProviderClient, ProviderConflict, ProviderRefused, ProviderStatus
from shipsettle_shared.timers import DueTimer, schedule_timer, schedule_timers

PAYOUT_BATCH = "payout_batch"
PAYOUT_SEND = "payout_send"
PAYOUT_STATUS_CHECK = "payout_status_check"
BATCH_KEY = "batch@"  # the interval's batch timers: batch@<epoch seconds>
EARLY_BATCH_KEY = "approved:"  # a batch started by approvals: approved:<the first application id>
STATUS_CHECK_AFTER = timedelta(minutes=10)


# --- bank accounts and vouchers ---------------------------------------------------------


async def register_bank_account(
    session: AsyncSession,
    merchant_id: str,
    *,
    holder_name: str,
    bank_name: str,
    account_type: AccountType,
    account_number: str,
    now: datetime,
    vault: PersonalDataVault,
    blind_index: BlindIndex,
) -> BankAccountRow:
    """The holder and number are stored sealed (adapters/bank_data.py)."""
    problems = account_number_problems(account_type, account_number)
    if problems:
        raise PayoutRuleViolation(Refusal.RULE, "bad-account-number", problems[0], field="account_number")
    bank_account_id = f"BA-{uuid.uuid4().hex[:12]}"
    sealed = await sealed_bank_fields(
        vault, blind_index, bank_account_id, holder_name=holder_name, account_number=account_number
    )
    row = BankAccountRow(
        bank_account_id=bank_account_id,
        merchant_id=merchant_id,
        holder_name=sealed.holder_name,
        bank_name=bank_name,
        account_type=account_type.value,
        account_number=sealed.account_number,
        account_number_last4=sealed.account_number_last4,
        account_number_index=sealed.account_number_index,
        status="unverified",
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def verify_bank_account(session: AsyncSession, bank_account_id: str, *, by: str, now: datetime) -> BankAccountRow:
    row = await session.get(BankAccountRow, bank_account_id, with_for_update=True)
    if row is None:
        raise PayoutRuleViolation.not_found("bank account", bank_account_id)
    row.status = "verified"
    row.verified_by = by
    row.verified_at = now
    return row


async def store_voucher(
    session: AsyncSession, merchant_id: str, *, kind: str, declared_type: str, content: bytes, now: datetime
) -> VoucherRow:
    if len(content) > MAX_VOUCHER_BYTES:
        raise PayoutRuleViolation(
            Refusal.RULE, "voucher-too-large", f"vouchers are limited to {MAX_VOUCHER_BYTES} bytes", field="file"
        )
    content_type = voucher_type(content, declared_type)
    if content_type is None:
        raise PayoutRuleViolation(
            Refusal.RULE,
            "voucher-type",
            "a voucher is a PDF, PNG or JPEG file whose content matches its type",
            field="file",
        )
    row = VoucherRow(
        voucher_id=f"V-{uuid.uuid4().hex[:12]}",
        merchant_id=merchant_id,
        kind=kind,
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_at=now,
    )
    session.add(row)
    await session.flush()
    return row


# --- applications --------------------------------------------------------------------------


@dataclass(frozen=True)
class Apply:
    merchant_id: str
    bank_account_id: str
    amount_minor: int | None  # None: everything available
    voucher_ids: list[str]


async def apply_for_settlement(
    session: AsyncSession, command: Apply, *, now: datetime, rules: ReviewRules
) -> ApplicationRow:
    """Raises PayoutRuleViolation (each a rule's refusal, naming the field): unknown or unverified
    account, more than available, below the minimum payout, unknown vouchers. Money frozen for open refunds is
    not available and cannot be applied for; a negative balance is deducted first."""
    repository = SettlementRepository(session)
    await repository.lock_merchant(command.merchant_id)
    min_payout_minor = (await repository.policy(command.merchant_id, now)).min_payout_minor
    account = await session.get(BankAccountRow, command.bank_account_id)
    if account is None or account.merchant_id != command.merchant_id:
        raise PayoutRuleViolation(
            Refusal.RULE, "unknown-account", "no such bank account for this merchant", field="bank_account_id"
        )
    if account.status != "verified":
        raise PayoutRuleViolation(
            Refusal.RULE, "account-unverified", "the bank account is not verified yet", field="bank_account_id"
        )
    balances = await repository.merchant_balances(command.merchant_id)
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
        found = (
            await session.execute(
                select(col(VoucherRow.voucher_id)).where(
                    col(VoucherRow.voucher_id).in_(command.voucher_ids),
                    col(VoucherRow.merchant_id) == command.merchant_id,
                )
            )
        ).scalars()
        missing = set(command.voucher_ids) - set(found)
        if missing:
            raise PayoutRuleViolation(
                Refusal.RULE, "unknown-voucher", f"unknown vouchers: {sorted(missing)}", field="voucher_ids"
            )
    paid_before = await session.scalar(
        select(col(ApplicationRow.application_id)).where(
            col(ApplicationRow.bank_account_id) == account.bank_account_id,
            col(ApplicationRow.status) == ApplicationStatus.PAID.value,
        )
    )
    flagged = await session.get(MerchantFlagRow, command.merchant_id)
    terms = application_terms(
        amount_minor=amount,
        negative_balance_minor=balances["negative_balance"],
        first_payout_to_account=paid_before is None,
        risk_flagged=flagged is not None,
        voucher_count=len(command.voucher_ids),
        rules=rules,
    )
    application = new_application(command.merchant_id, account.bank_account_id, terms, command.voucher_ids, now=now)
    session.add(application)
    await session.flush()
    await repository.post(apply_transaction(application), now=now)
    if application.status == ApplicationStatus.APPROVED.value:
        await start_payout_batch_now(session, [application.application_id], now=now)
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
    session: AsyncSession, application_id: str, *, approve: bool, reason: str, by: str, now: datetime
) -> ApplicationRow:
    """Ops decision on an application in review. Raises PayoutRuleViolation: unknown, or
    ``not-in-review``."""
    application = await session.get(ApplicationRow, application_id, with_for_update=True)
    if application is None:
        raise PayoutRuleViolation.not_found("application", application_id)
    if application.status != ApplicationStatus.IN_REVIEW.value:
        raise PayoutRuleViolation(Refusal.CONFLICT, "not-in-review", f"the application is {application.status}")
    application.decided_by = by
    application.decision_reason = reason
    application.updated_at = now
    if approve:
        application.status = ApplicationStatus.APPROVED.value
        await start_payout_batch_now(session, [application.application_id], now=now)
        return application
    application.status = ApplicationStatus.REJECTED.value
    await SettlementRepository(session).post(
        postings.application_rejected(application_id, application.merchant_id, application.net_minor, reason=reason),
        now=now,
    )
    return application


# --- payouts -------------------------------------------------------------------------------


async def run_payout_batch(
    session: AsyncSession, *, now: datetime, interval: timedelta, reschedule: bool = True
) -> str | None:
    """Group every approved application into one batch, one payout each; schedule the next run
    (``reschedule``: the interval's timer; a batch started early by ``start_payout_batch_now`` does
    not start a second chain)."""
    batch_id = f"PB-{now.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
    # One statement: the approved applications no other batch holds, a payout each, and the
    # applications marked paying with it (their rows locked, skipped by a concurrent batch).
    payout_ids = list(
        (
            await session.execute(
                _START_PAYOUTS,
                {
                    "batch_id": batch_id,
                    "now": now,
                    "approved": ApplicationStatus.APPROVED.value,
                    "paying": ApplicationStatus.PAYING.value,
                },
            )
        ).scalars()
    )
    if reschedule:
        await schedule_timer(session, PAYOUT_BATCH, f"{BATCH_KEY}{int((now + interval).timestamp())}", now + interval)
    if not payout_ids:
        return None
    await schedule_timers(session, PAYOUT_SEND, [(payout_id, now, None) for payout_id in payout_ids])
    return batch_id


_START_PAYOUTS = text(
    """
    with approved as (
        select application_id, merchant_id, amount_minor, clawback_deducted_minor, currency, created_at
        from settlement_applications
        where status = :approved and payout_id is null
        order by created_at
        for update skip locked
    ), started as (
        insert into payouts (payout_id, batch_id, application_id, merchant_id, amount_minor,
                             clawback_deducted_minor, currency, status, created_at)
        -- the claw-back deduction stays with the platform: the bank pays the net
        select 'PO-' || substr(replace(cast(gen_random_uuid() as text), '-', ''), 1, 16), :batch_id,
               a.application_id, a.merchant_id, a.amount_minor - a.clawback_deducted_minor,
               a.clawback_deducted_minor, a.currency, 'sending', cast(:now as timestamptz)
        from approved a
        order by a.created_at
        returning payout_id, application_id
    ), paying as (
        update settlement_applications s
        set payout_id = started.payout_id, status = :paying, updated_at = cast(:now as timestamptz)
        from started where s.application_id = started.application_id
        returning s.application_id
    )
    select started.payout_id from started join paying on paying.application_id = started.application_id
    order by started.payout_id
    """
)


async def start_payout_batch_now(session: AsyncSession, application_ids: Sequence[str], *, now: datetime) -> None:
    """Applications were approved (in this transaction): a payout batch is due now rather than at
    the next interval (issue 17: approval to paid in seconds). One timer for them, of their own
    (keyed by the first of them), never one row shared by every approval: inserting it never
    waits for a scheduler that is firing another (a debounced row per merchant would, and a
    scheduler's batch can hold it while it waits for the merchant's lock this transaction holds).
    The first of several due takes every approved application; the others find nothing to do."""
    if application_ids:
        await schedule_timer(session, PAYOUT_BATCH, f"{EARLY_BATCH_KEY}{min(application_ids)}", now)


@dataclass
class LockedPayout:
    """A payout as its sender and its outcomes read it (plain values, not ORM objects), with its
    application's status, the beneficiary, and whether its merchant has a webhook endpoint.
    Changed in memory, then written back in one statement (``_write``)."""

    payout_id: str
    application_id: str
    merchant_id: str
    amount_minor: int
    currency: str
    status: str
    provider_reference: str | None
    reason: str | None
    sent_at: datetime | None
    settled_at: datetime | None
    application_status: str
    bank_account_id: str
    holder_name: str  # sealed
    bank_name: str
    account_number: str  # sealed
    has_endpoint: bool


async def _locked_payout(session: AsyncSession, payout_id: str) -> LockedPayout | None:
    """The payout (locked), its application's status, its bank account and whether its merchant
    has a webhook endpoint, in one query. Only the payout's row is locked: every writer of a
    paying application holds its payout's lock first, so the application is read current."""
    row = (await session.execute(_LOCKED_PAYOUT, {"payout_id": payout_id})).first()
    return None if row is None else LockedPayout(**row._mapping)


async def _write(session: AsyncSession, payout: LockedPayout, *, application_changed: bool, now: datetime) -> None:
    """The payout's columns an outcome moves, and its application's status when it changed, in
    one statement; ORM copies this session loaded before are re-read, not served stale."""
    values = {
        "payout_id": payout.payout_id,
        "status": payout.status,
        "provider_reference": payout.provider_reference,
        "reason": payout.reason,
        "sent_at": payout.sent_at,
        "settled_at": payout.settled_at,
    }
    if application_changed:
        await session.execute(
            _WRITE_PAYOUT_AND_APPLICATION,
            {
                **values,
                "application_id": payout.application_id,
                "application_status": payout.application_status,
                "now": now,
            },
        )
    else:
        await session.execute(_WRITE_PAYOUT, values)
    for model, key in ((PayoutRow, payout.payout_id), (ApplicationRow, payout.application_id)):
        loaded = session.sync_session.identity_map.get(identity_key(model, key))
        if loaded is not None:
            session.expire(loaded)


_LOCKED_PAYOUT = text(
    """
    select p.payout_id, p.application_id, p.merchant_id, p.amount_minor, p.currency, p.status,
           p.provider_reference, p.reason, p.sent_at, p.settled_at, a.status as application_status,
           b.bank_account_id, b.holder_name, b.bank_name, b.account_number,
           exists(select 1 from merchant_webhook_endpoints e where e.merchant_id = p.merchant_id) as has_endpoint
    from payouts p
    join settlement_applications a on a.application_id = p.application_id
    join bank_accounts b on b.bank_account_id = a.bank_account_id
    where p.payout_id = :payout_id
    for update of p
    """
)
_WRITE_PAYOUT = text(
    """
    update payouts set status = :status, provider_reference = :provider_reference, reason = :reason,
                       sent_at = cast(:sent_at as timestamptz), settled_at = cast(:settled_at as timestamptz)
    where payout_id = :payout_id
    """
)
_WRITE_PAYOUT_AND_APPLICATION = text(
    """
    with payout as (
        update payouts set status = :status, provider_reference = :provider_reference, reason = :reason,
                           sent_at = cast(:sent_at as timestamptz), settled_at = cast(:settled_at as timestamptz)
        where payout_id = :payout_id
        returning payout_id
    )
    update settlement_applications set status = :application_status, updated_at = cast(:now as timestamptz)
    where application_id = :application_id
    """
)


async def send_payout(
    session: AsyncSession,
    timer: DueTimer,
    *,
    provider: ProviderClient,
    callback_url: str,
    now: datetime,
    vault: PersonalDataVault,
) -> None:
    """Send (or re-send) one payout. A provider outage raises, and the timer retries with backoff."""
    payout = await _locked_payout(session, timer.timer_key)
    if payout is None or payout.status != "sending":
        return
    holder_name, account_number = await opened_bank_fields(
        vault, payout.bank_account_id, holder_name=payout.holder_name, account_number=payout.account_number
    )
    body = {
        "request_id": payout.payout_id,
        "amount_minor": payout.amount_minor,
        "currency": payout.currency,
        "reference": f"ShipSettle settlement {payout.application_id}",
        "callback_url": callback_url,
        "beneficiary": {
            "account_holder_name": holder_name,
            "bank_name": payout.bank_name,
            "account_number": account_number,
        },
    }
    failpoint("payout.before_send")
    try:
        answer = await provider.send(body)
        failpoint("payout.after_send")  # the bank has it; we have not recorded that yet
    except ProviderConflict:
        known = await provider.status(payout.payout_id)
        if known is None:
            raise  # cannot be: the conflict says it exists; retry later
        answer = known
    except ProviderRefused as error:
        outcome = ProviderStatus(payout.payout_id, "failed", None, str(error))
        await _settle(session, payout, outcome, now=now)
        return
    payout.status = "sent"
    payout.sent_at = now
    payout.provider_reference = answer.provider_reference
    await schedule_timer(session, PAYOUT_STATUS_CHECK, payout.payout_id, now + STATUS_CHECK_AFTER)
    if answer.status in ("paid", "failed", "returned"):
        await _settle(session, payout, answer, now=now, sent=True)
    else:
        await _write(session, payout, application_changed=False, now=now)


async def check_payout_status(
    session: AsyncSession, timer: DueTimer, *, provider: ProviderClient, now: datetime
) -> None:
    """No callback yet: ask the provider. Still in flight: ask again later."""
    payout = await _locked_payout(session, timer.timer_key.split("@", 1)[0])
    if payout is None or payout.status not in ("sent", "paid"):
        return
    answer = await provider.status(payout.payout_id)
    if answer is None or answer.status == "accepted":
        await schedule_timer(
            session, PAYOUT_STATUS_CHECK, f"{payout.payout_id}@{int(now.timestamp())}", now + STATUS_CHECK_AFTER
        )
        return
    await _settle(session, payout, answer, now=now)


async def apply_provider_outcome(session: AsyncSession, outcome: ProviderStatus, *, now: datetime) -> bool:
    """From a verified callback. False for an unknown payout."""
    payout = await _locked_payout(session, outcome.request_id)
    if payout is None:
        return False
    await _settle(session, payout, outcome, now=now)
    return True


async def _settle(
    session: AsyncSession, payout: LockedPayout, outcome: ProviderStatus, *, now: datetime, sent: bool = False
) -> None:
    """Book the provider's outcome once (each movement's key names the payout and the outcome):
    the ledger, the payout's and the application's status, PayoutSettled and the merchant's
    notification, written together. An outcome that changes nothing writes nothing but a new
    provider reference, or the send the caller just recorded on the payout (``sent``)."""
    merchant, amount = payout.merchant_id, payout.amount_minor
    movements: list[LedgerTransaction] = []
    reached: list[str] = []  # the statuses this outcome moves the payout through, in order
    reference_before = payout.provider_reference
    if outcome.provider_reference:
        payout.provider_reference = outcome.provider_reference
    if outcome.status in ("paid", "returned") and payout.status in ("sending", "sent"):
        # paid; or a return that overtook the paid callback: book both, in order
        movements.append(postings.payout_paid(payout.payout_id, merchant, amount))
        payout.status, payout.settled_at = "paid", now
        payout.application_status = ApplicationStatus.PAID.value
        reached.append("paid")
    if outcome.status == "failed" and payout.status in ("sending", "sent"):
        movements.append(postings.payout_failed(payout.payout_id, merchant, amount, reason=outcome.reason))
        payout.status, payout.reason, payout.settled_at = "failed", outcome.reason, now
        payout.application_status = ApplicationStatus.FAILED.value
        reached.append("failed")
    elif outcome.status == "returned" and payout.status == "paid":
        movements.append(postings.payout_returned(payout.payout_id, merchant, amount, reason=outcome.reason))
        reached.append("returned")
    if not reached:
        if sent or payout.provider_reference != reference_before:
            await _write(session, payout, application_changed=False, now=now)
        return
    staged = [_stage(posted_event(movement, now=now), now=now) for movement in movements]
    for status in reached:
        reason = outcome.reason if status == "returned" else payout.reason
        if status == "returned":
            payout.status, payout.reason = "returned", outcome.reason
            payout.application_status = ApplicationStatus.RETURNED.value
        staged.append(
            _stage(
                contracts.PayoutSettled(
                    payout_id=payout.payout_id,
                    application_id=payout.application_id,
                    merchant_id=merchant,
                    currency=payout.currency,
                    amount_minor=amount,
                    status=status,
                    provider_reference=payout.provider_reference,
                    reason=reason,
                    settled_at=now,
                ),
                now=now,
            )
        )
        if payout.has_endpoint:
            await notifications.notify(
                session,
                merchant,
                f"payout.{status}",
                {
                    "payout_id": payout.payout_id,
                    "application_id": payout.application_id,
                    "amount_minor": amount,
                    "currency": payout.currency,
                    "reason": reason,
                },
                now=now,
                endpoint_known=True,
            )
    await _write(session, payout, application_changed=True, now=now)
    await add_staged_to_outbox(session, staged)
    # Last: the postings' trigger updates the merchant's balance rows; the commit follows.
    inserted = await SettlementRepository(session).insert_transactions(movements, now=now)
    if len(inserted) != len(movements):
        # Under the payout's lock a status moves once: its movement cannot be on the ledger yet.
        raise RuntimeError(f"payout {payout.payout_id} settled twice: {sorted({m.key for m in movements} - inserted)}")


def _stage(payload: contracts.EventPayload, *, now: datetime) -> StagedEvent:
    return stage_event(payload, producer="settlement-svc", occurred_at=now)
