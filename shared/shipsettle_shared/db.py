"""Async database engine and sessions, plus the infrastructure tables every service has.

Every service owns its own database; each one has the same infrastructure tables (outbox,
processed events, timers, API keys, idempotency keys), defined once here and created by the
service's first Alembic migration. Service tables live in the service's own metadata.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import asyncpg
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    any_,
    bindparam,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from shipsettle_shared.settings import ServiceSettings

infrastructure_metadata = MetaData()

# Transactional outbox: written in the same transaction as the state change it announces.
# ``shard`` = hash of the message key; a relay instance holds a shard's advisory lock while it
# publishes, so several relays run at once and per-key order is still kept.
outbox_table = Table(
    "outbox",
    infrastructure_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("topic", Text, nullable=False),
    Column("message_key", Text, nullable=False),
    Column("shard", SmallInteger, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("envelope", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("published_at", DateTime(timezone=True)),
    Index("outbox_unpublished", "shard", "id", postgresql_where=text("published_at is null")),
)

# Inbox: one row per (consumer group, event id), inserted in the effect's transaction.
processed_events_table = Table(
    "processed_events",
    infrastructure_metadata,
    Column("consumer", Text, nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("event_type", Text, nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("consumer", "event_id"),
)

# Durable timers: the due time lives in the database; the scheduler claims due rows with
# FOR UPDATE SKIP LOCKED and marks them fired in the handler's transaction.
timers_table = Table(
    "timers",
    infrastructure_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("timer_kind", Text, nullable=False),
    Column("timer_key", Text, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("fired_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    UniqueConstraint("timer_kind", "timer_key", name="timers_kind_key"),
    Index("timers_due", "due_at", postgresql_where=text("fired_at is null and cancelled_at is null")),
)

# API keys replicated from access events; only the HMAC of the secret is ever stored.
api_keys_table = Table(
    "api_keys",
    infrastructure_metadata,
    Column("key_id", Text, primary_key=True),
    Column("secret_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("merchant_id", Text),
    Column("carrier_code", Text),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("revoked_at", DateTime(timezone=True)),
)

# Idempotency-Key store for money-moving commands: the first response is kept with a hash of
# the request, so a retry gets the same answer and a different body under the same key a 409.
idempotency_keys_table = Table(
    "idempotency_keys",
    infrastructure_metadata,
    Column("principal_key_id", Text, nullable=False),
    Column("idempotency_key", Text, nullable=False),
    Column("request_hash", Text, nullable=False),
    Column("response_status", Integer, nullable=False),
    Column("response_body", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("principal_key_id", "idempotency_key"),
)

# Arrival log of bus probes (the diagnostics canary). Deliberately without a unique key on the
# event: only the inbox stands between a redelivery and a second row, which is what the
# exactly-once tests and bench-bus measure.
bus_probe_receipts_table = Table(
    "bus_probe_receipts",
    infrastructure_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("probe_id", Text, nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("consumer", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()")),
    Index("bus_probe_receipts_probe", "probe_id"),
)


def json_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as one JSON array (times in ISO 8601), for a set-based statement that reads them with
    ``jsonb_to_recordset(cast(:rows as jsonb)) as r(column type, ...)``: one parameter and one
    statement text whatever the number of rows, so its compiled form and prepared statement are
    reused. (A multi-row ``insert().values([...])`` is compiled again on every call.)"""
    return json.dumps(rows, default=_json_value, ensure_ascii=False)


def _json_value(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# Prepared statements SQLAlchemy keeps per connection (its default is 100). A statement not in
# the cache costs an extra round trip (Parse/Describe) before it runs, which pg_stat_statements
# does not count. settlement ran 100 distinct texts in 80 lifecycles alone (and evicted ones are
# deallocated, then prepared again); a bound well above what a service runs keeps every one of
# them prepared on every pooled connection. Server memory goes only to statements actually run.
PREPARED_STATEMENT_CACHE_SIZE = 1000


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    return create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_pre_ping=settings.database_pool_pre_ping,
        pool_recycle=1800,
        connect_args={"prepared_statement_cache_size": PREPARED_STATEMENT_CACHE_SIZE},
    )


def any_of(column: ColumnElement[Any] | Mapped[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column = any(:values)``: the values as one array parameter, so the statement's text (and
    its prepared statement) is the same however many there are. ``column.in_(values)`` renders a
    parameter per value: a new text, prepared again on each connection, for every list length."""
    element = column.expression if isinstance(column, QueryableAttribute) else column
    if not isinstance(element, ColumnElement):
        raise TypeError(f"not a column: {column!r}")
    return element == any_(bindparam(None, list(values), type_=ARRAY(element.type)))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A transaction that commits only if the block finishes; anything else rolls back."""
    async with sessions() as session, session.begin():
        yield session


@asynccontextmanager
async def snapshot(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A read-only view of one committed moment, for answers that read several tables.

    Under the default READ COMMITTED each statement sees the commits made before it, so a view
    built from several reads can mix states: a refund already completed beside the hold it has
    not yet reduced, in the reader's eyes. REPEATABLE READ takes one snapshot for the whole
    transaction; READ ONLY makes any write in it an error.
    """
    async with sessions() as session:
        # begins the session's transaction on a connection with these characteristics; closing the
        # session ends it, and the pool puts the connection's defaults back
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True})
        yield session


def asyncpg_dsn(database_url: str) -> str:
    """The service's SQLAlchemy URL as asyncpg takes it: no driver suffix, and ssl named sslmode."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    return dsn.replace("?ssl=", "?sslmode=").replace("&ssl=", "&sslmode=")


class ConnectionLane:
    """A few asyncpg connections of their own for a hot path whose whole work is one autocommitted
    statement (the carrier webhook's acknowledgement), or one short transaction that its user
    always ends with asyncpg's ``transaction()`` block (the outbox relay's pass).

    Outside a transaction block PostgreSQL runs a statement as its own transaction and (with
    synchronous_commit=on) answers only once its commit is flushed: a durable write in one round
    trip. Checking a connection out of SQLAlchemy's pool and back for it cost about 250-400 µs of
    CPU per request on this machine; taking one from a queue costs next to nothing. Nothing has to
    be reset on return: a connection comes back outside any transaction block (single statements,
    or a ``transaction()`` block, which commits or rolls back before it is given back; one left
    in an unknown state is never given back). Parameters go as asyncpg takes them ($1, $2, ...; JSONB as JSON text).

    The queue holds ``size`` slots: an open connection, or ``None`` for one to open. A user takes a
    slot (waiting if there is none) and always gives one back: its connection, or ``None`` when the
    connection failed for any reason but a refused statement, so a waiter is never left waiting
    for a connection that is gone.
    """

    def __init__(self, dsn: str, size: int, *, connect_timeout_s: float = 10.0) -> None:
        self._dsn = dsn
        self._connect_timeout_s = connect_timeout_s
        self._slots: asyncio.Queue[asyncpg.Connection | None] = asyncio.Queue()
        for _ in range(size):
            self._slots.put_nowait(None)  # opened on first use
        self._closed = False

    @classmethod
    def for_settings(cls, settings: ServiceSettings) -> ConnectionLane:
        return cls(asyncpg_dsn(settings.database_url), settings.database_lane_size)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        if self._closed:
            raise RuntimeError("the connection lane is closed")
        slot = await self._slots.get()
        if slot is None:
            try:
                slot = await asyncpg.connect(self._dsn, timeout=self._connect_timeout_s)
            except BaseException:
                self._slots.put_nowait(None)
                raise
        connection = slot
        try:
            yield connection
        except BaseException as error:
            refused = (
                isinstance(error, asyncpg.PostgresError)
                and not isinstance(error, asyncpg.PostgresConnectionError)
                and not connection.is_closed()
            )
            if refused:  # the server refused the statement; the connection is fine
                self._slots.put_nowait(connection)
                raise
            # lost, or left mid-statement by a cancellation: never hand it out again; and a lost
            # one usually means a server restart, which took the idle ones with it
            connection.terminate()
            self._slots.put_nowait(None)
            self._drop_idle()
            raise
        if self._closed:  # given back after close(): nobody will take it again
            connection.terminate()
        self._slots.put_nowait(None if connection.is_closed() else connection)

    def _drop_idle(self) -> None:
        slots = [self._slots.get_nowait() for _ in range(self._slots.qsize())]
        for slot in slots:
            if slot is not None:
                slot.terminate()
            self._slots.put_nowait(None)

    async def close(self) -> None:
        self._closed = True
        for _ in range(self._slots.qsize()):
            slot = self._slots.get_nowait()
            if slot is not None:
                await slot.close(timeout=5)
