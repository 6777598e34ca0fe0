"""Idempotency-Key handling for commands that create or move money.

The key is claimed in the command's own transaction, before the command runs: an
``INSERT … ON CONFLICT DO NOTHING`` of (principal, key, hash of the request). Then:

- the claim inserted a row: this request runs the command, and the row is completed with the
  response before the same transaction commits; a command that fails rolls the claim back with
  everything else, so the key stays free for a retry (only successes are stored);
- the claim found a row: another request with this key committed first, and its stored response
  is the answer (the same body) or 409 (another body). The command does not run.

Concurrent duplicates never both run: PostgreSQL makes the second claim wait on the first one's
uncommitted row until that transaction ends, then reports the conflict (committed) or inserts
(rolled back, e.g. the first attempt failed). Happy path: one INSERT and one UPDATE inside the
command's transaction; no session of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shipsettle_shared.auth import Principal
from shipsettle_shared.db import idempotency_keys_table
from shipsettle_shared.problems import Conflict, Problem
from shipsettle_shared.timers import DueTimer, TimerHandler, schedule_timer

MAX_KEY_LENGTH = 200
# The claim's placeholder answer: never committed, since the claim and its completion share one
# transaction; a row that holds it would mean a bug, and is refused below rather than replayed.
_CLAIMED_STATUS = 0

_table = idempotency_keys_table


def _is_key(principal_key_id: str, idempotency_key: str) -> ColumnElement[bool]:
    return and_(_table.c.principal_key_id == principal_key_id, _table.c.idempotency_key == idempotency_key)


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


def answer_of_used_key(
    stored_hash: str, stored_status: int, stored_body: dict[str, Any], fingerprint: str
) -> tuple[int, dict[str, Any]]:
    """The answer to a request whose key a committed request used first (its stored hash, status
    and body): that first answer again for the same request. Raises Conflict (409) for another
    body. (A service that stores key and answer in its command's own statement uses this too.)"""
    if stored_hash != fingerprint:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body.",
            type_slug="idempotency-key-reused",
        )
    if stored_status == _CLAIMED_STATUS:
        raise RuntimeError("an idempotency claim was committed without its answer")
    return stored_status, dict(stored_body)


async def _stored_answer(
    session: AsyncSession, is_key: ColumnElement[bool], fingerprint: str
) -> tuple[int, dict[str, Any]]:
    """The first request's answer, read after our claim met its committed row."""
    stored = select(_table.c.request_hash, _table.c.response_status, _table.c.response_body).where(is_key)
    row = (await session.execute(stored)).one()
    return answer_of_used_key(row.request_hash, row.response_status, row.response_body, fingerprint)


async def run_idempotent(
    sessions: async_sessionmaker[AsyncSession],
    principal: Principal,
    idempotency_key: str | None,
    fingerprint: str,
    command: Callable[[AsyncSession], Awaitable[tuple[int, dict[str, Any]]]],
) -> tuple[int, dict[str, Any]]:
    """Run ``command`` once per (principal, key) in one transaction with the key's claim; returns
    (status, body) of the first run. Raises Conflict (409) for the key reused with another body,
    and whatever ``command`` raises (nothing is stored then)."""
    key = check_key(idempotency_key)
    is_key = _is_key(principal.key_id, key)
    claim = (
        insert(_table)
        .values(
            principal_key_id=principal.key_id,
            idempotency_key=key,
            request_hash=fingerprint,
            response_status=_CLAIMED_STATUS,
            response_body={},
        )
        .on_conflict_do_nothing(index_elements=["principal_key_id", "idempotency_key"])
        .returning(_table.c.principal_key_id)
    )
    async with sessions() as session, session.begin():
        if (await session.execute(claim)).first() is None:
            return await _stored_answer(session, is_key, fingerprint)
        status, body = await command(session)
        await session.execute(update(_table).where(is_key).values(response_status=status, response_body=body))
    return status, body


# --- expiry (issue 20) -------------------------------------------------------------------------
# A key is honoured for SHIPSETTLE_IDEMPOTENCY_KEY_TTL_HOURS (48 h by default, never less than
# 24 h): a retry within that time gets the first answer. Then the key and its answer are deleted
# by a durable timer, every service, every hour: kept answers are not kept for ever (order-svc's
# hold the consignee, sealed).

EXPIRE_KEYS = "idempotency.expire"
EXPIRY_PASS_INTERVAL = timedelta(hours=1)


async def expire_keys(session: AsyncSession, *, created_before: datetime) -> int:
    """Delete the keys (and answers) created before ``created_before``; returns how many."""
    result = await session.execute(delete(_table).where(_table.c.created_at < created_before))
    return int(getattr(result, "rowcount", 0) or 0)


def expiry_timer_handler(runtime: Any) -> TimerHandler:
    ttl = timedelta(hours=runtime.settings.idempotency_key_ttl_hours)

    async def handle(session: AsyncSession, timer: DueTimer) -> None:
        now = runtime.clock.now()
        await expire_keys(session, created_before=now - ttl)
        due = now + EXPIRY_PASS_INTERVAL
        await schedule_timer(session, EXPIRE_KEYS, f"expire@{int(due.timestamp())}", due)

    return handle


async def start_expiry_timer(session: AsyncSession, now: datetime) -> None:
    """The first pass (idempotent: the same key at every start); each pass schedules the next."""
    await schedule_timer(session, EXPIRE_KEYS, "expire@start", now)
