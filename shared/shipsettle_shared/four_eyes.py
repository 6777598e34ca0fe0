"""Four eyes (双人复核): an action one ops key proposes and a different ops key approves.

Which actions need it is each service's choice (README, docs/security.md): order-svc issuing an
ops key; settlement-svc verifying a bank account, booking any adjustment and approving a
settlement application above ``payout_four_eyes_over_minor``. The shape is the same everywhere,
so it lives here once:

- a proposal is a row of the service's ``approvals`` table: the action, what it acts on, its
  parameters, and who proposed it, when and why (``proposed_by`` is the proposing key's id);
- it is pending until approved, withdrawn by its proposer, or ``expires_at`` passes
  (``four_eyes_ttl_s`` after it was proposed, 24 hours by default). An expired proposal is
  refused like a decided one; it is shown as ``expired`` and never applied;
- approving locks the row, refuses the proposer's own key (403 ``four-eyes-same-key``), a
  proposal that is not pending (409 ``approval-not-pending``), an expired one (409
  ``approval-expired``) and one whose proposer's key was revoked since (409
  ``proposer-key-revoked``), then applies the action in the same transaction that records the
  approval (who, when, why, and the action's outcome). If the action itself is refused (the
  application was rejected meanwhile, say), the whole transaction rolls back and the proposal
  stays pending: nothing changed;
- the database holds the rule as well: an approved row's approver differs from its proposer
  (a CHECK constraint), and a subject has at most one pending proposal of an action (a partial
  unique index; a second is 409 ``approval-pending``, naming the first).

ShipSettle knows keys, not people: the rule compares key ids. One person holding two ops keys
can still approve their own proposal; what stops that is that an ops key is itself issued
through four eyes, and both key ids stay on the record for the auditor.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    MetaData,
    Table,
    Text,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.auth import Principal
from shipsettle_shared.db import api_keys_table
from shipsettle_shared.domain_errors import DomainError, Refusal

# Created by each service's own revision (``migrations.create_approvals_table_v1``), not by the
# first one: the infrastructure tables of revision 0001 stay as they were applied.
approvals_metadata = MetaData()

approvals_table = Table(
    "approvals",
    approvals_metadata,
    Column("approval_id", Text, primary_key=True),
    Column("action", Text, nullable=False),
    # what the action acts on when it may have only one pending proposal (a bank account, an
    # application); null for actions that may have several at once (adjustments, key issuance)
    Column("subject", Text),
    Column("merchant_id", Text),
    Column("amount_minor", BigInteger),
    Column("parameters", JSONB, nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("proposal_reason", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_reason", Text),
    # what applying the action gave (a transaction key, a key id), never a secret
    Column("outcome", JSONB),
    CheckConstraint(
        "status in ('pending', 'approved', 'withdrawn', 'expired')",
        name="approvals_status",
    ),
    CheckConstraint(
        "status <> 'approved' or (decided_by is not null and decided_by <> proposed_by)",
        name="approvals_second_key",
    ),
    Index(
        "approvals_one_pending_per_subject",
        "action",
        "subject",
        unique=True,
        postgresql_where=text("status = 'pending' and subject is not null"),
    ),
    Index("approvals_by_status", "status", "proposed_at"),
)

DEFAULT_TTL = timedelta(hours=24)


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Proposal:
    approval_id: str
    action: str
    subject: str | None
    merchant_id: str | None
    amount_minor: int | None
    parameters: dict[str, Any]
    proposed_by: str
    proposed_at: datetime
    proposal_reason: str
    expires_at: datetime
    status: ApprovalStatus
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    outcome: dict[str, Any] | None = None

    def status_at(self, now: datetime) -> ApprovalStatus:
        """``expired`` once a pending proposal's time is up (stored lazily: nothing runs at expiry)."""
        if self.status is ApprovalStatus.PENDING and now >= self.expires_at:
            return ApprovalStatus.EXPIRED
        return self.status

    def view(self, now: datetime) -> dict[str, Any]:
        return {
            "approval_id": self.approval_id,
            "action": self.action,
            "subject": self.subject,
            "merchant_id": self.merchant_id,
            "amount_minor": self.amount_minor,
            "parameters": self.parameters,
            "status": self.status_at(now).value,
            "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at.isoformat(),
            "proposal_reason": self.proposal_reason,
            "expires_at": self.expires_at.isoformat(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decision_reason": self.decision_reason,
            "outcome": self.outcome,
        }


# --- the rule, without I/O --------------------------------------------------------------------


class FourEyesRefused(DomainError):
    """A proposal, approval or withdrawal the rule refuses (or of an approval that does not
    exist); nothing is changed."""


def approval_refusal(proposal: Proposal, approver_key_id: str, now: datetime) -> FourEyesRefused | None:
    """Why ``approver_key_id`` may not approve ``proposal`` now, or None."""
    status = proposal.status_at(now)
    if status is ApprovalStatus.EXPIRED:
        return FourEyesRefused(
            Refusal.CONFLICT,
            "approval-expired",
            f"approval {proposal.approval_id} expired at {proposal.expires_at.isoformat()}; propose it again",
            extensions={"approval_id": proposal.approval_id, "approval_status": status.value},
        )
    if status is not ApprovalStatus.PENDING:
        return FourEyesRefused(
            Refusal.CONFLICT,
            "approval-not-pending",
            f"approval {proposal.approval_id} is {status.value}, not pending",
            extensions={"approval_id": proposal.approval_id, "approval_status": status.value},
        )
    if approver_key_id == proposal.proposed_by:
        return FourEyesRefused(
            Refusal.FORBIDDEN,
            "four-eyes-same-key",
            "four eyes: the key that proposed this action cannot approve it; another ops key must",
            extensions={"approval_id": proposal.approval_id, "proposed_by": proposal.proposed_by},
        )
    return None


def withdrawal_refusal(proposal: Proposal, key_id: str, now: datetime) -> FourEyesRefused | None:
    """Only the proposer withdraws, and only a pending proposal."""
    status = proposal.status_at(now)
    if status is not ApprovalStatus.PENDING:
        return FourEyesRefused(
            Refusal.CONFLICT,
            "approval-not-pending",
            f"approval {proposal.approval_id} is {status.value}, not pending",
            extensions={"approval_id": proposal.approval_id, "approval_status": status.value},
        )
    if key_id != proposal.proposed_by:
        return FourEyesRefused(
            Refusal.FORBIDDEN,
            "not-the-proposer",
            "only the key that proposed this action can withdraw it",
            extensions={"approval_id": proposal.approval_id},
        )
    return None


# --- the table ------------------------------------------------------------------------------


def proposal_from_row(row: Any) -> Proposal:
    return Proposal(
        approval_id=row.approval_id,
        action=row.action,
        subject=row.subject,
        merchant_id=row.merchant_id,
        amount_minor=row.amount_minor,
        parameters=dict(row.parameters),
        proposed_by=row.proposed_by,
        proposed_at=row.proposed_at,
        proposal_reason=row.proposal_reason,
        expires_at=row.expires_at,
        status=ApprovalStatus(row.status),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
        outcome=dict(row.outcome) if row.outcome is not None else None,
    )


async def propose(
    session: AsyncSession,
    *,
    action: str,
    parameters: Mapping[str, Any],
    by: str,
    reason: str,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    subject: str | None = None,
    merchant_id: str | None = None,
    amount_minor: int | None = None,
) -> Proposal:
    """Record a pending proposal. With a ``subject``, raises FourEyesRefused (``approval-pending``,
    naming the pending one) when that subject already has a pending proposal of this action; an
    expired one is marked expired first and does not block."""
    table = approvals_table
    if subject is not None:
        await session.execute(
            update(table)
            .where(
                table.c.action == action,
                table.c.subject == subject,
                table.c.status == ApprovalStatus.PENDING.value,
                table.c.expires_at <= now,
            )
            .values(status=ApprovalStatus.EXPIRED.value)
        )
    approval_id = f"AP-{uuid.uuid4().hex[:16]}"
    inserted = await session.execute(
        insert(table)
        .values(
            approval_id=approval_id,
            action=action,
            subject=subject,
            merchant_id=merchant_id,
            amount_minor=amount_minor,
            parameters=dict(parameters),
            proposed_by=by,
            proposed_at=now,
            proposal_reason=reason,
            expires_at=now + ttl,
            status=ApprovalStatus.PENDING.value,
        )
        .on_conflict_do_nothing(
            index_elements=["action", "subject"],
            index_where=text("status = 'pending' and subject is not null"),
        )
        .returning(table)
    )
    row = inserted.first()
    if row is None:
        pending = await session.scalar(
            select(table.c.approval_id).where(
                table.c.action == action, table.c.subject == subject, table.c.status == ApprovalStatus.PENDING.value
            )
        )
        raise approval_pending(action, subject, str(pending))
    return proposal_from_row(row)


def approval_pending(action: str, subject: str | None, pending_id: str) -> FourEyesRefused:
    """The refusal of a second proposal for a subject that has one pending (``propose``)."""
    return FourEyesRefused(
        Refusal.CONFLICT,
        "approval-pending",
        f"{subject} already has a pending {action} proposal ({pending_id}): approve or withdraw that one",
        extensions={"approval_id": pending_id},
    )


async def find(session: AsyncSession, approval_id: str, *, for_update: bool = False) -> Proposal | None:
    query = select(approvals_table).where(approvals_table.c.approval_id == approval_id)
    row = (await session.execute(query.with_for_update() if for_update else query)).first()
    return proposal_from_row(row) if row is not None else None


@dataclass(frozen=True)
class Applied:
    """What applying an action gave: ``outcome`` is stored on the approval; ``shown_once`` (a new
    key's secret) is only in the approver's answer."""

    outcome: dict[str, Any]
    shown_once: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Approving:
    """What an applier gets besides the session and the proposal."""

    runtime: Any
    approver: Principal
    reason: str
    now: datetime


Applier = Callable[[AsyncSession, Proposal, Approving], Awaitable[Applied]]


async def approve(
    session: AsyncSession, approval_id: str, approving: Approving, appliers: Mapping[str, Applier]
) -> tuple[Proposal, Applied]:
    """Approve and apply in the caller's transaction. Raises FourEyesRefused (unknown, forbidden,
    conflict),
    and whatever the applier raises (the caller's transaction then rolls back)."""
    proposal = await find(session, approval_id, for_update=True)
    if proposal is None or proposal.action not in appliers:
        raise FourEyesRefused.not_found("approval", approval_id)
    refusal = approval_refusal(proposal, approving.approver.key_id, approving.now)
    if refusal is not None:
        raise refusal
    proposer_revoked = await session.scalar(
        select(api_keys_table.c.revoked_at).where(api_keys_table.c.key_id == proposal.proposed_by)
    )
    if proposer_revoked is not None:
        raise FourEyesRefused(
            Refusal.CONFLICT,
            "proposer-key-revoked",
            f"the key that proposed approval {approval_id} was revoked; propose it again",
            extensions={"approval_id": approval_id},
        )
    applied = await appliers[proposal.action](session, proposal, approving)
    decided = await session.execute(
        update(approvals_table)
        .where(approvals_table.c.approval_id == approval_id)
        .values(
            status=ApprovalStatus.APPROVED.value,
            decided_by=approving.approver.key_id,
            decided_at=approving.now,
            decision_reason=approving.reason,
            outcome=applied.outcome,
        )
        .returning(approvals_table)
    )
    return proposal_from_row(decided.one()), applied


async def withdraw(session: AsyncSession, approval_id: str, *, by: str, reason: str, now: datetime) -> Proposal:
    """The proposer takes a pending proposal back. Raises FourEyesRefused (unknown, forbidden,
    conflict)."""
    proposal = await find(session, approval_id, for_update=True)
    if proposal is None:
        raise FourEyesRefused.not_found("approval", approval_id)
    refusal = withdrawal_refusal(proposal, by, now)
    if refusal is not None:
        raise refusal
    withdrawn = await session.execute(
        update(approvals_table)
        .where(approvals_table.c.approval_id == approval_id)
        .values(status=ApprovalStatus.WITHDRAWN.value, decided_by=by, decided_at=now, decision_reason=reason)
        .returning(approvals_table)
    )
    return proposal_from_row(withdrawn.one())
