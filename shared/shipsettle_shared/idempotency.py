"""Idempotency-Key handling for commands that create or move money.

The first response is stored with a hash of the request, in the same transaction as the
command's effect. A retry with the same key and body gets the stored response; the same key
with another body gets 409. Two identical requests racing both run the command, but only one
commits (the key is the primary key); the other rolls back and answers with the winner's
response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shipsettle_shared.auth import Principal
from shipsettle_shared.db import idempotency_keys_table
from shipsettle_shared.problems import Conflict, Problem

MAX_KEY_LENGTH = 200


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps({"method": method, "path": path, "body": body}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(idempotency_key: str | None) -> str:
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        raise Problem(
            400,
            "Idempotency-Key required",
            f"This command needs an Idempotency-Key header of 1 to {MAX_KEY_LENGTH} characters.",
            type_slug="idempotency-key-required",
            errors=[{"field": "header.Idempotency-Key", "message": "missing or too long"}],
        )
    return idempotency_key


async def _stored(
    session: AsyncSession, principal: Principal, key: str, fingerprint: str
) -> tuple[int, dict[str, Any]] | None:
    row = (
        await session.execute(
            select(idempotency_keys_table).where(
                idempotency_keys_table.c.principal_key_id == principal.key_id,
                idempotency_keys_table.c.idempotency_key == key,
            )
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body.",
            type_slug="idempotency-key-reused",
        )
    return row.response_status, dict(row.response_body)


async def run_idempotent(
    sessions: async_sessionmaker[AsyncSession],
    principal: Principal,
    idempotency_key: str | None,
    fingerprint: str,
    command: Callable[[AsyncSession], Awaitable[tuple[int, dict[str, Any]]]],
) -> tuple[int, dict[str, Any]]:
    """Run ``command`` once per (principal, key); returns (status, body) of the first run."""
    key = check_key(idempotency_key)
    async with sessions() as session:
        stored = await _stored(session, principal, key, fingerprint)
    if stored is not None:
        return stored
    try:
        async with sessions() as session, session.begin():
            status, body = await command(session)
            await session.execute(
                idempotency_keys_table.insert().values(
                    principal_key_id=principal.key_id,
                    idempotency_key=key,
                    request_hash=fingerprint,
                    response_status=status,
                    response_body=body,
                )
            )
        return status, body
    except Exception:
        # A concurrent request with the same key may have committed first (our insert, or the
        # command's own unique keys, collided with it): then its result is the answer.
        async with sessions() as session:
            stored = await _stored(session, principal, key, fingerprint)
        if stored is None:
            raise
        return stored
