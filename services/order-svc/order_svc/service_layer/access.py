"""Issuing and revoking API keys: the key row and its event commit together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.domain.access import ApiKeyNotFound, IssueApiKey
from order_svc.service_layer.erasure import ERASE_BUYER, apply_erasure
from shipsettle_shared import four_eyes
from shipsettle_shared.auth import IssuedKey, generate_key
from shipsettle_shared.contracts import ApiKeyIssued, ApiKeyRevoked, Role
from shipsettle_shared.db import api_keys_table
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.pagination import KeyValue, keyset_after

PRODUCER = "order-svc"


@dataclass(frozen=True)
class ApiKeyView:
    key_id: str
    role: str
    merchant_id: str | None
    carrier_code: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


async def issue_api_key(session: AsyncSession, command: IssueApiKey, *, pepper: str, now: datetime) -> IssuedKey:
    """Store the key's hash and announce it. The secret is returned once and never stored."""
    issued = generate_key(pepper)
    await session.execute(
        api_keys_table.insert().values(
            key_id=issued.key_id,
            secret_hash=issued.secret_hash,
            role=command.role.value,
            merchant_id=command.merchant_id,
            carrier_code=command.carrier_code,
            label=command.label,
            created_at=now,
        )
    )
    await add_to_outbox(
        session,
        ApiKeyIssued(
            key_id=issued.key_id,
            secret_hash=issued.secret_hash,
            role=command.role,
            merchant_id=command.merchant_id,
            carrier_code=command.carrier_code,
            label=command.label,
        ),
        producer=PRODUCER,
        occurred_at=now,
    )
    return issued


async def revoke_api_key(session: AsyncSession, key_id: str, reason: str, *, now: datetime) -> None:
    """Raises ApiKeyNotFound for an unknown key; revoking twice is a no-op."""
    result = await session.execute(
        update(api_keys_table)
        .where(api_keys_table.c.key_id == key_id, api_keys_table.c.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(api_keys_table.c.key_id)
    )
    if result.first() is None:
        exists = await session.scalar(select(api_keys_table.c.key_id).where(api_keys_table.c.key_id == key_id))
        if exists is None:
            raise ApiKeyNotFound(key_id)
        return
    await add_to_outbox(session, ApiKeyRevoked(key_id=key_id, reason=reason), producer=PRODUCER, occurred_at=now)


async def list_merchant_keys(
    session: AsyncSession, merchant_id: str, *, after: Sequence[KeyValue] | None, limit: int
) -> list[ApiKeyView]:
    """Oldest first, keyed by (created_at, key_id)."""
    key = (api_keys_table.c.created_at, api_keys_table.c.key_id)
    statement = select(api_keys_table).where(api_keys_table.c.merchant_id == merchant_id)
    position = keyset_after(key, after, descending=False)
    if position is not None:
        statement = statement.where(position)
    rows = (await session.execute(statement.order_by(*key).limit(limit))).all()
    return [
        ApiKeyView(row.key_id, row.role, row.merchant_id, row.carrier_code, row.label, row.created_at, row.revoked_at)
        for row in rows
    ]


# --- four eyes: an ops key is issued only when a second ops key approves -----------------------

ISSUE_OPS_KEY = "issue_ops_key"


def needs_four_eyes(command: IssueApiKey) -> bool:
    """Only ops keys: an ops key can verify bank accounts, book adjustments, approve payouts and
    issue keys, so one ops key minting another would let one holder act as two. Other roles
    cannot propose or approve anything, so their keys keep one step (docs/security.md)."""
    return command.role is Role.OPS


async def propose_ops_key(
    session: AsyncSession, command: IssueApiKey, *, by: str, reason: str, now: datetime, ttl_s: int
) -> four_eyes.Proposal:
    return await four_eyes.propose(
        session,
        action=ISSUE_OPS_KEY,
        parameters={"role": command.role.value, "label": command.label},
        by=by,
        reason=reason,
        now=now,
        ttl=timedelta(seconds=ttl_s),
    )


async def apply_ops_key(
    session: AsyncSession, proposal: four_eyes.Proposal, approving: four_eyes.Approving
) -> four_eyes.Applied:
    """The approved ops key: its row and ``ApiKeyIssued`` in the approval's transaction. The
    secret is in the approver's answer only; the approval keeps the key id."""
    command = IssueApiKey(role=Role.OPS, label=str(proposal.parameters["label"]))
    issued = await issue_api_key(session, command, pepper=approving.runtime.settings.api_key_pepper, now=approving.now)
    return four_eyes.Applied(
        outcome={"key_id": issued.key_id, "role": command.role.value, "label": command.label},
        shown_once={"api_key": issued.api_key},
    )


APPLIERS: dict[str, four_eyes.Applier] = {ISSUE_OPS_KEY: apply_ops_key, ERASE_BUYER: apply_erasure}
