"""Erasure of a buyer's personal data (crypto-shredding) and the retention purge (issue 20).

Erasing a buyer destroys order-svc's data key of the buyer (data_keys.erase_subject) in
one transaction with the BuyerErased event that makes every other keeper of the buyer's data
destroy its own (logistics-svc). Nothing else is touched: the orders, their amounts, the ledger
and the statements stay as they were, and every copy of the consignee (orders, shipping changes,
kept Idempotency-Key answers) opens as erased from then on, in a copy of those tables too. A
backup taken before still holds the key wrapped, and events on the bus hold the consignee under
keys of their own: what erasure cannot reach is in docs/security.md. A later order of the same
buyer gets a new key.

- On request (PIPL's right to deletion): an ops key proposes (``POST /v1/buyers/{ref}/erasure``),
  a different ops key approves (four_eyes.py): the key is destroyed in the approval's
  transaction, which the audit log records.
- By retention: a durable timer (``PII_PURGE``, every ``pii_purge_interval_s``) erases each
  buyer whose orders are all completed (dispatched or cancelled) and unchanged for longer than
  ``pii_retention_days``. The key is the buyer's, so a buyer with a recent order keeps it until
  that order too is past the retention period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.domain.orders import OrderRuleViolation
from shipsettle_shared import audit, contracts, four_eyes
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject, erase_subject
from shipsettle_shared.domain_errors import Refusal, not_found_message
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.timers import DueTimer, schedule_timer

PRODUCER = "order-svc"
ERASE_BUYER = "erase_buyer"
PII_PURGE = "pii.purge"


class BuyerNotFound(OrderRuleViolation):
    def __init__(self, buyer_ref: str) -> None:
        super().__init__(Refusal.NOT_FOUND, "not-found", not_found_message("buyer", buyer_ref))


async def propose_erasure(
    session: AsyncSession, buyer_ref: str, *, by: str, reason: str, now: datetime, ttl_s: int
) -> four_eyes.Proposal:
    """Raises BuyerNotFound (no order of that buyer), Conflict ``approval-pending``."""
    known = await session.scalar(
        text("select exists(select 1 from orders where buyer_ref = :buyer)"), {"buyer": buyer_ref}
    )
    if not known:
        raise BuyerNotFound(buyer_ref)
    return await four_eyes.propose(
        session,
        action=ERASE_BUYER,
        subject=f"buyer:{buyer_ref}",
        merchant_id=None,
        parameters={"buyer_ref": buyer_ref},
        by=by,
        reason=reason,
        now=now,
        ttl=timedelta(seconds=ttl_s),
    )


async def erase_buyer(
    session: AsyncSession, vault: PersonalDataVault, buyer_ref: str, *, how: str, now: datetime
) -> list[str]:
    """Destroy the buyer's data key and announce it, in the caller's transaction; returns the
    ids of the keys destroyed (none when the buyer was erased before)."""
    subject = buyer_subject(buyer_ref)
    destroyed = await erase_subject(session, subject, now)
    await add_to_outbox(
        session, contracts.BuyerErased(buyer_ref=buyer_ref, how=how, erased_at=now), producer=PRODUCER, occurred_at=now
    )
    vault.forget(subject, destroyed)  # this process at once; the others within the key cache's TTL
    return destroyed


async def apply_erasure(
    session: AsyncSession, proposal: four_eyes.Proposal, approving: four_eyes.Approving
) -> four_eyes.Applied:
    buyer_ref = str(proposal.parameters["buyer_ref"])
    destroyed = await erase_buyer(session, approving.runtime.personal_data, buyer_ref, how="request", now=approving.now)
    await audit.record(
        session,
        approving.approver,
        "buyers.erase",
        "buyer",
        buyer_ref,
        at=approving.now,
        after={"data_keys_destroyed": len(destroyed), "approval_id": proposal.approval_id},
        reason=approving.reason,
    )
    return four_eyes.Applied(outcome={"buyer_ref": buyer_ref, "data_keys_destroyed": len(destroyed)})


# Buyers with a live key whose every order is completed and unchanged since the cutoff.
_EXPIRED_BUYERS = text(
    """
    select o.buyer_ref from orders o
    where exists (select 1 from data_keys k where k.subject = 'buyer:' || o.buyer_ref and k.destroyed_at is null)
    group by o.buyer_ref
    having bool_and(o.status in ('dispatched', 'cancelled')) and max(o.updated_at) < :cutoff
    order by o.buyer_ref
    limit :batch
    """
)


async def purge_expired(
    session: AsyncSession, vault: PersonalDataVault, *, retention: timedelta, now: datetime, batch: int = 200
) -> list[str]:
    """Erase (how ``retention``) up to ``batch`` buyers past the retention period; returns them."""
    rows = await session.execute(_EXPIRED_BUYERS, {"cutoff": now - retention, "batch": batch})
    buyers = [row[0] for row in rows]
    for buyer_ref in buyers:
        await erase_buyer(session, vault, buyer_ref, how="retention", now=now)
    return buyers


async def fire_purge(
    session: AsyncSession,
    timer: DueTimer,
    vault: PersonalDataVault,
    *,
    retention: timedelta,
    interval: timedelta,
    now: datetime,
) -> None:
    """The purge timer: one pass, then the next one ``interval`` later (the timer re-arms itself)."""
    await purge_expired(session, vault, retention=retention, now=now)
    due = now + interval
    await schedule_timer(session, PII_PURGE, f"purge@{int(due.timestamp())}", due)


async def start_purge_timer(session: AsyncSession, now: datetime) -> None:
    """The first purge (idempotent: the same key at every start)."""
    await schedule_timer(session, PII_PURGE, "purge@start", now)
