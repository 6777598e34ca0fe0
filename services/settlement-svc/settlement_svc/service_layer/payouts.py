"""Payouts: the bank accounts they go to, payout batches, sending to the payout provider and its
answer. Applications (applications.py) are approved into them.

Money on the ledger, for an application's net N (applications.py):
- paid:      in_payout −N, paid_out +N
- payout failed:   in_payout −N, available +N (a claw-back deducted stays paid back)
- returned by the bank after paid:   paid_out −N, available +N
Each movement's transaction key names its cause (``payout_paid:<id>`` ...), so a repeated
callback or a retried timer cannot move money twice.

Sending: a batch timer groups approved applications into a batch and creates one payout each
(status ``sending``) with a ``payout_send`` timer. The timer's handler sends to the provider,
which is idempotent on the payout id; a crash before the answer is recorded leaves the timer
due, and the resend is answered with the payout's current status instead of a second payment.
A ``payout_status_check`` timer asks the provider when no callback came.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from settlement_svc.adapters.bank_data import opened_bank_fields, sealed_bank_fields
from settlement_svc.adapters.repositories.ledger import posted_event
from settlement_svc.adapters.tables import (
    BankAccountRow,
)
from settlement_svc.domain import postings
from settlement_svc.domain.ledger import LedgerTransaction
from settlement_svc.domain.payouts import (
    AccountType,
    ApplicationStatus,
    PayoutRuleViolation,
    account_number_problems,
)
from settlement_svc.service_layer import notifications
from settlement_svc.service_layer.repositories import LockedPayout
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.failpoints import failpoint
from shipsettle_shared.field_crypto import BlindIndex
from shipsettle_shared.outbox import StagedEvent, stage_event
from shipsettle_shared.provider_client import ProviderClient, ProviderConflict, ProviderRefused, ProviderStatus
from shipsettle_shared.timers import DueTimer

PAYOUT_BATCH = "payout_batch"
PAYOUT_SEND = "payout_send"
PAYOUT_STATUS_CHECK = "payout_status_check"
BATCH_KEY = "batch@"  # the interval's batch timers: batch@<epoch seconds>
EARLY_BATCH_KEY = "approved:"  # a batch started by approvals: approved:<the first application id>
STATUS_CHECK_AFTER = timedelta(minutes=10)
OUTCOMES = ("paid", "failed", "returned")  # what the provider says of a payout it has handled


# --- bank accounts -----------------------------------------------------------------------------


async def register_bank_account(
    uow: SettlementUnitOfWork,
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
    await uow.payouts.add_bank_account(row)
    return row


async def verify_bank_account(
    uow: SettlementUnitOfWork, bank_account_id: str, *, by: str, now: datetime
) -> BankAccountRow:
    row = await uow.payouts.bank_account(bank_account_id, for_update=True)
    if row is None:
        raise PayoutRuleViolation.not_found("bank account", bank_account_id)
    row.status = "verified"
    row.verified_by = by
    row.verified_at = now
    return row


# --- payouts -------------------------------------------------------------------------------


async def run_payout_batch(
    uow: SettlementUnitOfWork, *, now: datetime, interval: timedelta, reschedule: bool = True
) -> str | None:
    """Group every approved application into one batch, one payout each; schedule the next run
    (``reschedule``: the interval's timer; a batch started early by ``start_payout_batch_now`` does
    not start a second chain)."""
    batch_id = f"PB-{now.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
    payout_ids = await uow.payouts.start_payouts(batch_id, now=now)
    if reschedule:
        await uow.schedule_timer(PAYOUT_BATCH, f"{BATCH_KEY}{int((now + interval).timestamp())}", now + interval)
    if not payout_ids:
        return None
    await uow.schedule_timers(PAYOUT_SEND, [(payout_id, now, None) for payout_id in payout_ids])
    return batch_id


async def start_payout_batch_now(uow: SettlementUnitOfWork, application_ids: Sequence[str], *, now: datetime) -> None:
    """Applications were approved (in this transaction): a payout batch is due now rather than at
    the next interval (issue 17: approval to paid in seconds). One timer for them, of their own
    (keyed by the first of them), never one row shared by every approval: inserting it never
    waits for a scheduler that is firing another (a debounced row per merchant would, and a
    scheduler's batch can hold it while it waits for the merchant's lock this transaction holds).
    The first of several due takes every approved application; the others find nothing to do."""
    if application_ids:
        await uow.schedule_timer(PAYOUT_BATCH, f"{EARLY_BATCH_KEY}{min(application_ids)}", now)


async def send_payout(
    uow: SettlementUnitOfWork,
    timer: DueTimer,
    *,
    provider: ProviderClient,
    callback_url: str,
    now: datetime,
    vault: PersonalDataVault,
) -> None:
    """Send (or re-send) one payout. A provider outage raises, and the timer retries with backoff."""
    payout = await uow.payouts.locked_payout(timer.timer_key)
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
        await _settle(uow, payout, outcome, now=now)
        return
    payout.status = "sent"
    payout.sent_at = now
    payout.provider_reference = answer.provider_reference
    if answer.status in OUTCOMES:
        await _settle(uow, payout, answer, now=now, sent=True)
    else:
        await uow.schedule_timer(PAYOUT_STATUS_CHECK, payout.payout_id, now + STATUS_CHECK_AFTER)
        await uow.payouts.write(payout, application_changed=False, now=now)


async def check_payout_status(
    uow: SettlementUnitOfWork, timer: DueTimer, *, provider: ProviderClient, now: datetime
) -> None:
    """No callback yet: ask the provider. Still in flight: ask again later."""
    payout = await uow.payouts.locked_payout(timer.timer_key.split("@", 1)[0])
    if payout is None or payout.status not in ("sent", "paid"):
        return
    answer = await provider.status(payout.payout_id)
    if answer is None or answer.status == "accepted":
        await uow.schedule_timer(
            PAYOUT_STATUS_CHECK, f"{payout.payout_id}@{int(now.timestamp())}", now + STATUS_CHECK_AFTER
        )
        return
    await _settle(uow, payout, answer, now=now)


async def apply_provider_outcome(uow: SettlementUnitOfWork, outcome: ProviderStatus, *, now: datetime) -> bool:
    """From a verified callback. False for an unknown payout."""
    payout = await uow.payouts.locked_payout(outcome.request_id)
    if payout is None:
        return False
    await _settle(uow, payout, outcome, now=now)
    if payout.status in OUTCOMES:
        # The outcome came: the check for a lost callback would only ask the provider what it
        # just said (a return later comes by its own callback). Cancelled in this transaction,
        # it costs one statement here instead of a transaction and a call to the provider later.
        await uow.cancel_timer(PAYOUT_STATUS_CHECK, payout.payout_id, now)
    return True


async def _settle(
    uow: SettlementUnitOfWork, payout: LockedPayout, outcome: ProviderStatus, *, now: datetime, sent: bool = False
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
            await uow.payouts.write(payout, application_changed=False, now=now)
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
                uow,
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
    await uow.payouts.write(payout, application_changed=True, now=now)
    await uow.add_events(staged)
    # Last: the postings' trigger updates the merchant's balance rows; the commit follows.
    inserted = await uow.ledger.insert_transactions(movements, now=now)
    if len(inserted) != len(movements):
        # Under the payout's lock a status moves once: its movement cannot be on the ledger yet.
        raise RuntimeError(f"payout {payout.payout_id} settled twice: {sorted({m.key for m in movements} - inserted)}")


def _stage(payload: contracts.EventPayload, *, now: datetime) -> StagedEvent:
    return stage_event(payload, producer="settlement-svc", occurred_at=now)
