"""The audit log (审计日志): every action a person or a key takes, append-only and hash-chained.

One row per action, written with ``record`` in the same transaction as the change it describes
(so the log never says something happened that rolled back, nor misses what committed): the
actor's key id and role, the action, its target (type and id), what it changed (before/after,
masked by ``masking.masked``: no secret, no mobile, account number or address in clear), the
reason given, the correlation id and the time.

The chain, kept by the database in the insert's own statement (``AUDIT_LOG_DDL``): a BEFORE
INSERT trigger takes a transaction-scoped advisory lock (appends are serialised until commit, so
concurrent writers never fork the chain; ``seq`` being the primary key would refuse a fork
anyway), reads the last row and sets ``seq`` (1, 2, 3, … without gaps), ``prev_hash`` (that row's
``row_hash``; 64 zeros for the first) and ``row_hash`` = SHA-256 of ``canonical_bytes``. So an
append costs one statement, one round trip, however the chain is kept.

``canonical_bytes`` is the one encoding, written twice: here in Python (what the verifier trusts)
and in SQL (what the trigger runs); an integration test holds them equal. Each field, in
``CANONICAL_FIELDS`` order, is ``<length in UTF-8 bytes>:<UTF-8 bytes>`` or ``~`` for null, after
the header ``shipsettle-audit-v1\\n``; the time is ISO 8601 in UTC to the microsecond. Before and
after are stored as the canonical JSON text they were hashed as (sorted keys, no spaces).

Verification (``ChainWalker``) recomputes every row's hash and names the first broken link: a row
edited (its hash no longer matches its content), a row deleted (a gap in ``seq``), a row
re-linked (its ``prev_hash`` is not the previous row's hash), and, against the last head recon
kept (``PublishedHead``), a truncated tail or a chain rewritten after its head was published.

The runtime role may INSERT and SELECT the table, never UPDATE, DELETE or TRUNCATE it
(``migrations.grant_runtime_privileges``); triggers refuse UPDATE, DELETE and TRUNCATE as well.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import BigInteger, Column, DateTime, Index, MetaData, Table, Text, text
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.logs import current_correlation_id
from shipsettle_shared.masking import masked

AUDIT_LOG = "audit_log"
GENESIS_HASH = "0" * 64
ENCODING_HEADER = b"shipsettle-audit-v1\n"
# pg_advisory_xact_lock key of the chain's appends (advisory locks are per database)
APPEND_LOCK = 0x5E7_A0D17

audit_metadata = MetaData()

audit_log_table = Table(
    AUDIT_LOG,
    audit_metadata,
    # 0 until the trigger numbers the row: the insert never sets seq, prev_hash or row_hash
    Column("seq", BigInteger, primary_key=True, server_default=text("0")),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor_key_id", Text, nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("target_type", Text, nullable=False),
    Column("target_id", Text, nullable=False),
    Column("before_state", Text),
    Column("after_state", Text),
    Column("reason", Text),
    Column("correlation_id", Text),
    Column("prev_hash", Text, nullable=False, server_default=text("''")),
    Column("row_hash", Text, nullable=False, server_default=text("''")),
    Index("audit_log_by_target", "target_type", "target_id", "seq"),
    Index("audit_log_by_action", "action", "seq"),
)

# The fields hashed, in order, and how the trigger renders each as text.
CANONICAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("seq", "new.seq::text"),
    ("prev_hash", "new.prev_hash"),
    ("occurred_at", """to_char(new.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""),
    ("actor_key_id", "new.actor_key_id"),
    ("actor_role", "new.actor_role"),
    ("action", "new.action"),
    ("target_type", "new.target_type"),
    ("target_id", "new.target_id"),
    ("before_state", "new.before_state"),
    ("after_state", "new.after_state"),
    ("reason", "new.reason"),
    ("correlation_id", "new.correlation_id"),
)

_CANONICAL_SQL = " || ".join(
    ["convert_to('shipsettle-audit-v1' || chr(10), 'UTF8')"]
    + [f"audit_field({expression})" for _, expression in CANONICAL_FIELDS]
)

# Created by each service's revision (``migrations.create_audit_log_v1``).
AUDIT_LOG_DDL: tuple[str, ...] = (
    """
    create function audit_field(value text) returns bytea language sql immutable as $$
        select case when value is null then convert_to('~', 'UTF8')
               else convert_to(length(convert_to(value, 'UTF8'))::text || ':', 'UTF8') || convert_to(value, 'UTF8')
               end
    $$
    """,
    # built from constants of this module only (no input reaches it)
    f"""
    create function audit_log_append() returns trigger language plpgsql as $$
    declare
        last_seq bigint;
        last_hash text;
    begin
        -- held until commit: the next append waits, and then reads this row (a fresh snapshot per
        -- statement under READ COMMITTED); a fork would also break seq's primary key
        perform pg_advisory_xact_lock({APPEND_LOCK});
        select seq, row_hash into last_seq, last_hash from audit_log order by seq desc limit 1;
        new.seq := coalesce(last_seq, 0) + 1;
        new.prev_hash := coalesce(last_hash, '{GENESIS_HASH}');
        new.row_hash := encode(sha256({_CANONICAL_SQL}), 'hex');
        return new;
    end $$
    """,  # noqa: S608
    """
    create trigger audit_log_append before insert on audit_log
        for each row execute function audit_log_append()
    """,
    """
    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
        raise exception 'audit_log is append-only: % refused', tg_op using errcode = '55000';
    end $$
    """,
    """
    create trigger audit_log_no_update_or_delete before update or delete on audit_log
        for each row execute function audit_log_refuse_change()
    """,
    """
    create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_refuse_change()
    """,
)

AUDIT_LOG_DROP: tuple[str, ...] = (
    "drop table if exists audit_log",
    "drop function if exists audit_log_append()",
    "drop function if exists audit_log_refuse_change()",
    "drop function if exists audit_field(text)",
)


# --- the encoding ----------------------------------------------------------------------------


def _json_value(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)  # Decimal, UUID: their text


def canonical_json(value: Mapping[str, Any] | None) -> str | None:
    """``value`` masked (``masking.masked``) as the JSON text that is stored and hashed."""
    if value is None:
        return None
    return json.dumps(masked(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_value)


def canonical_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("an audit time needs its offset")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainRow:
    """A row of the chain as stored (what ``verify`` reads and what ``canonical_bytes`` encodes)."""

    seq: int
    prev_hash: str
    occurred_at: datetime
    actor_key_id: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    before_state: str | None
    after_state: str | None
    reason: str | None
    correlation_id: str | None
    row_hash: str = ""

    def field_text(self, name: str) -> str | None:
        if name == "seq":
            return str(self.seq)
        if name == "occurred_at":
            return canonical_time(self.occurred_at)
        value: str | None = getattr(self, name)
        return value


def _field(value: str | None) -> bytes:
    if value is None:
        return b"~"
    raw = value.encode()
    return f"{len(raw)}:".encode() + raw


def canonical_bytes(row: ChainRow) -> bytes:
    """The unambiguous encoding of a row that its hash covers (its previous row's hash included)."""
    return ENCODING_HEADER + b"".join(_field(row.field_text(name)) for name, _ in CANONICAL_FIELDS)


def row_hash(row: ChainRow) -> str:
    return hashlib.sha256(canonical_bytes(row)).hexdigest()


# --- writing ---------------------------------------------------------------------------------


class Actor(Protocol):
    """Who acts: an API key (``auth.Principal``)."""

    @property
    def key_id(self) -> str: ...

    @property
    def role(self) -> Any: ...


_INSERT = text(
    "insert into audit_log (occurred_at, actor_key_id, actor_role, action, target_type, target_id,"
    " before_state, after_state, reason, correlation_id)"
    " values (:occurred_at, :actor_key_id, :actor_role, :action, :target_type, :target_id,"
    " :before_state, :after_state, :reason, :correlation_id)"
)


async def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    *,
    at: datetime,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Append one row in the session's current transaction (one statement; the trigger chains
    it). Place it last in the transaction: the chain's lock is held from here to the commit."""
    role = actor.role
    connection = await session.connection()
    await connection.execute(
        _INSERT,
        {
            "occurred_at": at,
            "actor_key_id": actor.key_id,
            "actor_role": str(getattr(role, "value", role)),
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "before_state": canonical_json(before),
            "after_state": canonical_json(after),
            "reason": reason,
            "correlation_id": current_correlation_id(),
        },
    )


# --- verifying -------------------------------------------------------------------------------


class BreakKind(enum.StrEnum):
    EDITED = "edited"  # the row's content no longer gives its hash
    MISSING = "missing"  # seq jumps: rows were deleted
    RELINKED = "relinked"  # prev_hash is not the previous row's hash (a row edited and re-hashed)
    TRUNCATED = "truncated"  # the chain ends before the head recon kept
    REWRITTEN = "rewritten"  # the row at recon's kept head has another hash: the chain was rebuilt


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    kind: BreakKind
    detail: str


@dataclass(frozen=True)
class PublishedHead:
    """The last head of this chain recon kept (``AuditChainHeadPublished``), and whether every
    head it received continued the one before (a head whose anchor hash differs from what recon
    kept shows a chain rewritten between two publications)."""

    seq: int
    row_hash: str
    discontinuous_at: int | None = None


@dataclass
class ChainWalker:
    """Feed rows in ``seq`` order (``feed``), then ``finish``; the first break found is kept."""

    head: PublishedHead | None = None
    rows_checked: int = 0
    tail: ChainRow | None = None
    first_break: ChainBreak | None = None
    head_hash_seen: str | None = field(default=None, init=False)

    def _break(self, seq: int, kind: BreakKind, detail: str) -> None:
        if self.first_break is None:
            self.first_break = ChainBreak(seq, kind, detail)

    def feed(self, row: ChainRow) -> None:
        expected_seq = self.tail.seq + 1 if self.tail is not None else 1
        expected_prev = self.tail.row_hash if self.tail is not None else GENESIS_HASH
        if row.seq != expected_seq:
            missing = f"{expected_seq}" if row.seq == expected_seq + 1 else f"{expected_seq}..{row.seq - 1}"
            self._break(expected_seq, BreakKind.MISSING, f"row(s) {missing} are missing: deleted")
        elif row.prev_hash != expected_prev:
            self._break(row.seq, BreakKind.RELINKED, f"row {row.seq} does not link to row {row.seq - 1}'s hash")
        if row_hash(row) != row.row_hash:
            self._break(row.seq, BreakKind.EDITED, f"row {row.seq}'s content does not give its hash: edited")
        if self.head is not None and row.seq == self.head.seq:
            self.head_hash_seen = row.row_hash
        self.rows_checked += 1
        self.tail = row

    def finish(self) -> ChainBreak | None:
        head = self.head
        if head is not None and self.first_break is None:
            tail_seq = self.tail.seq if self.tail is not None else 0
            if head.discontinuous_at is not None:
                self._break(
                    head.discontinuous_at,
                    BreakKind.REWRITTEN,
                    f"recon saw the chain change under a head it had kept (at row {head.discontinuous_at})",
                )
            elif tail_seq < head.seq:
                self._break(
                    tail_seq + 1,
                    BreakKind.TRUNCATED,
                    f"the chain ends at row {tail_seq}; recon kept its head at row {head.seq}",
                )
            elif self.head_hash_seen != head.row_hash:
                self._break(
                    head.seq, BreakKind.REWRITTEN, f"row {head.seq}'s hash is not the head recon kept: rewritten"
                )
        return self.first_break
