"""The audit log over HTTP and on the bus, the same in every service that keeps one (audit.py).

- ``GET /v1/audit``: the rows, newest first, with a cursor (auditor, ops).
- ``GET /v1/audit/verify``: the chain recomputed from its first row, checked against the head
  recon kept last; names the first broken link.
- The head timer (``AUDIT_HEAD``): every ``audit_head_interval_s`` the chain's head, if it moved,
  goes out on ``audit.events`` through the outbox; recon keeps it (recon-svc's audit_heads).

How verify learns recon's head: it asks recon over HTTP (``GET /v1/audit/heads/{chain}`` at
``recon_url``) with the caller's own API key. The rows can only be read where they are (this
service's database), and the evidence they are checked against must come from outside it, or
whoever rewrites the rows rewrites the evidence too; asking recon per verify keeps both where
they belong, needs no credential of the service's own (an auditor's or ops key is valid on every
service, and recon checks it), and a recon that does not answer is reported as such
(``head_check: unavailable``), never as intact.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import make_url, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.api_document import answers
from shipsettle_shared.audit import (
    BreakKind,
    ChainRow,
    ChainWalker,
    PublishedHead,
    audit_log_table,
)
from shipsettle_shared.auth import Overseers
from shipsettle_shared.contracts import AuditChainHeadPublished
from shipsettle_shared.db import snapshot
from shipsettle_shared.http_client import CALL_FAILED
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, keyset_after, page_body
from shipsettle_shared.settings import ServiceSettings
from shipsettle_shared.timers import DueTimer, TimerHandler, schedule_timer

logger = logging.getLogger(__name__)

AUDIT_HEAD = "audit.head"
FIRST_HEAD_KEY = "head@first"
_VERIFY_BATCH = 1000
HASH_PATTERN = "^[0-9a-f]{64}$"


def chain_of(settings: ServiceSettings) -> str:
    """``<service>:<database>``: one chain per service database (tests run several platforms,
    each with databases of its own, on one broker)."""
    return f"{settings.service_name}:{make_url(settings.database_url).database}"


# --- the head on the bus ---------------------------------------------------------------------

_TAIL = text("select seq, row_hash, occurred_at from audit_log order by seq desc limit 1")
_HASH_AT = text("select row_hash from audit_log where seq = :seq")


async def publish_head(
    session: AsyncSession,
    *,
    chain: str,
    service: str,
    anchor_seq: int | None,
    now: datetime,
    interval: timedelta,
) -> int | None:
    """Publish the chain's head if it moved past ``anchor_seq`` (the head published last), and
    schedule the next look; returns the seq published."""
    tail = (await session.execute(_TAIL)).first()
    published: int | None = None
    if tail is not None and tail.seq != anchor_seq:
        anchor_hash = await session.scalar(_HASH_AT, {"seq": anchor_seq}) if anchor_seq is not None else None
        await add_to_outbox(
            session,
            AuditChainHeadPublished(
                chain=chain,
                service=service,
                seq=tail.seq,
                row_hash=tail.row_hash,
                anchor_seq=anchor_seq,
                anchor_hash=anchor_hash,  # None when the anchor row is gone: recon sees a discontinuity
                head_at=tail.occurred_at,
            ),
            producer=service,
            occurred_at=now,
        )
        published = tail.seq
    next_anchor = published if published is not None else anchor_seq
    due = now + interval
    await schedule_timer(session, AUDIT_HEAD, f"head@{int(due.timestamp())}", due, {"anchor_seq": next_anchor})
    return published


def head_timer_handler(runtime: Any) -> TimerHandler:
    settings: ServiceSettings = runtime.settings
    chain = chain_of(settings)
    interval = timedelta(seconds=settings.audit_head_interval_s)

    async def handle(session: AsyncSession, timer: DueTimer) -> None:
        anchor = timer.payload.get("anchor_seq")
        await publish_head(
            session,
            chain=chain,
            service=settings.service_name,
            anchor_seq=int(anchor) if anchor is not None else None,
            now=runtime.clock.now(),
            interval=interval,
        )

    return handle


async def start_head_timer(session: AsyncSession, now: datetime) -> None:
    """The head timer reschedules itself; this creates the first one (idempotent: same key)."""
    await schedule_timer(session, AUDIT_HEAD, FIRST_HEAD_KEY, now, {"anchor_seq": None})


# --- HTTP ------------------------------------------------------------------------------------


class AuditEntryPublic(BaseModel):
    seq: int = Field(description="the row's place in the chain: 1, 2, 3, … without gaps")
    occurred_at: datetime
    actor_key_id: str = Field(description="the acting API key's id")
    actor_role: str
    action: str = Field(description="what was done, e.g. applications.approve, api_keys.revoke")
    target_type: str
    target_id: str
    before: dict[str, Any] | None = Field(description="the state before, masked (no secret in it)")
    after: dict[str, Any] | None = Field(description="the state after, masked (no secret in it)")
    reason: str | None
    correlation_id: str | None = Field(description="the request's X-Correlation-ID")
    prev_hash: str = Field(description="the previous row's row_hash (64 zeros for the first)")
    row_hash: str = Field(description="SHA-256 of the row's canonical encoding, hex")


class ChainPoint(BaseModel):
    seq: int
    row_hash: str


class ChainBreakPublic(BaseModel):
    seq: int = Field(description="the first row found broken (or missing)")
    kind: BreakKind = Field(
        description="edited: the row's content no longer gives its hash; missing: rows deleted (a gap in "
        "seq); relinked: the row does not link to the previous row's hash; truncated: the chain ends "
        "before the head recon kept; rewritten: the chain was rebuilt after recon kept its head"
    )
    detail: str


class KeptHead(BaseModel):
    """The head of a chain recon kept last (recon-svc's ``GET /v1/audit/heads/{chain}``)."""

    chain: str
    seq: int
    row_hash: str
    head_at: datetime
    received_at: datetime
    heads_received: int = Field(description="how many heads of this chain recon has kept")
    discontinuous_at: int | None = Field(
        description="the row of the first head whose anchor hash differed from the head recon had kept "
        "there (the chain was changed under a published head); null when every head continued the last"
    )


class AuditVerification(BaseModel):
    chain: str = Field(description="<service>:<database>")
    intact: bool = Field(description="no broken link, and the head recon kept (if reachable) matches")
    rows_checked: int
    tail: ChainPoint | None = Field(description="the chain's last row; null when it is empty")
    head_check: Literal["matched", "mismatched", "none_published", "unavailable", "not_reached"] = Field(
        description="against recon's last kept head: matched; mismatched (first_break says how); "
        "none_published yet; recon unavailable (the local chain alone was checked); not_reached (a "
        "break was found before the head)"
    )
    published_head: KeptHead | None
    first_break: ChainBreakPublic | None


def _row_view(row: Any) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "occurred_at": row.occurred_at.isoformat(),
        "actor_key_id": row.actor_key_id,
        "actor_role": row.actor_role,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "before": json.loads(row.before_state) if row.before_state is not None else None,
        "after": json.loads(row.after_state) if row.after_state is not None else None,
        "reason": row.reason,
        "correlation_id": row.correlation_id,
        "prev_hash": row.prev_hash,
        "row_hash": row.row_hash,
    }


def _chain_row(row: Any) -> ChainRow:
    return ChainRow(
        seq=row.seq,
        prev_hash=row.prev_hash,
        occurred_at=row.occurred_at,
        actor_key_id=row.actor_key_id,
        actor_role=row.actor_role,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        before_state=row.before_state,
        after_state=row.after_state,
        reason=row.reason,
        correlation_id=row.correlation_id,
        row_hash=row.row_hash,
    )


async def kept_head(request: Request, chain: str) -> tuple[str, KeptHead | None]:
    """Recon's last kept head of ``chain``, asked with the caller's own key: ("matched" is
    decided later) "none_published" on 404, "unavailable" when recon does not answer."""
    runtime = request.app.state.runtime
    settings: ServiceSettings = runtime.settings
    url = f"{settings.recon_url.rstrip('/')}/v1/audit/heads/{chain}"
    headers = {"Authorization": request.headers.get("authorization", "")}
    try:
        response = await runtime.http.get(url, headers=headers, timeout=5.0)
    except CALL_FAILED as error:
        logger.warning("recon's audit head unavailable", extra={"fields": {"error": type(error).__name__}})
        return "unavailable", None
    if response.status_code == 404:
        return "none_published", None
    if response.status_code != 200:
        logger.warning("recon's audit head unavailable", extra={"fields": {"status": response.status_code}})
        return "unavailable", None
    return "matched", KeptHead.model_validate(response.json())


async def verify_chain(session: AsyncSession, head: PublishedHead | None) -> ChainWalker:
    """Walk the whole chain in ``seq`` order, a batch at a time, in the caller's snapshot."""
    walker = ChainWalker(head=head)
    after = 0
    while True:
        rows = (
            await session.execute(
                select(audit_log_table)
                .where(audit_log_table.c.seq > after)
                .order_by(audit_log_table.c.seq)
                .limit(_VERIFY_BATCH)
            )
        ).all()
        for row in rows:
            walker.feed(_chain_row(row))
        if len(rows) < _VERIFY_BATCH:
            break
        after = rows[-1].seq
    walker.finish()
    return walker


def audit_router() -> APIRouter:
    router = APIRouter(prefix="/v1/audit", tags=["audit"])

    @router.get(
        "",
        operation_id="audit.list",
        summary="The audit log: every action by a person or a key, newest first, with a cursor (auditor, ops)",
        openapi_extra=PAGINATED,
        **answers(Page[AuditEntryPublic]),
    )
    async def list_audit(
        request: Request,
        principal: Overseers,
        page: PageQuery,
        action: Annotated[str | None, Query(max_length=64)] = None,
        target_type: Annotated[str | None, Query(max_length=64)] = None,
        target_id: Annotated[str | None, Query(max_length=128)] = None,
        actor_key_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """Keyed by ``seq``; a cursor of another listing (or other filters): 422."""
        table = audit_log_table
        query = select(table).order_by(table.c.seq.desc()).limit(page.limit + 1)
        position = keyset_after((table.c.seq,), page.after(int), descending=True)
        if position is not None:
            query = query.where(position)
        for column, value in (
            (table.c.action, action),
            (table.c.target_type, target_type),
            (table.c.target_id, target_id),
            (table.c.actor_key_id, actor_key_id),
        ):
            if value is not None:
                query = query.where(column == value)
        async with snapshot(request.app.state.runtime.sessions) as session:
            rows = (await session.execute(query)).all()
        kept, next_cursor = page.page(rows, lambda row: (row.seq,))
        return page_body([_row_view(row) for row in kept], next_cursor)

    @router.get(
        "/verify",
        operation_id="audit.verify",
        summary="Recompute the chain and check it against the head recon kept; names the first broken link",
        **answers(AuditVerification),
    )
    async def verify(request: Request, principal: Overseers) -> dict[str, Any]:
        """Reads every row (in one snapshot): its cost grows with the log. ``intact`` is false at
        the first break found, which ``first_break`` names."""
        runtime = request.app.state.runtime
        chain = chain_of(runtime.settings)
        head_check, head = await kept_head(request, chain)
        published = PublishedHead(head.seq, head.row_hash, head.discontinuous_at) if head is not None else None
        async with snapshot(runtime.sessions) as session:
            walker = await verify_chain(session, published)
        broken = walker.first_break
        if broken is not None and head_check == "matched":
            # the head is compared only when the chain itself held up to its tail
            head_at_fault = broken.kind in (BreakKind.TRUNCATED, BreakKind.REWRITTEN)
            head_check = "mismatched" if head_at_fault else "not_reached"
        tail = walker.tail
        return {
            "chain": chain,
            "intact": broken is None,
            "rows_checked": walker.rows_checked,
            "tail": {"seq": tail.seq, "row_hash": tail.row_hash} if tail is not None else None,
            "head_check": head_check,
            "published_head": head.model_dump(mode="json") if head is not None else None,
            "first_break": (
                {"seq": broken.seq, "kind": broken.kind.value, "detail": broken.detail} if broken is not None else None
            ),
        }

    return router
