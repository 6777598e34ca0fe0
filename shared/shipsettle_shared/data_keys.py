"""Data keys in a service's database, wrapped; the vault that seals and opens personal fields.

``data_keys`` holds one row per data key: its id, its *subject* (``buyer:<buyer_ref>``: one key
per buyer; ``bank-account:<id>``: one per bank account), the KEK id it is wrapped under and the
wrapped key. At most one live key per subject (a partial unique index); erasure destroys it
(``wrapped_key`` null, ``destroyed_at`` set: crypto-shredding) and a later record of the same
subject gets a new key. Values sealed under a destroyed key open as ``None`` (erased). A consumer
that erases a subject it holds no key of leaves a destroyed row all the same (``erase_subject``),
so that a value dated before the erasure, consumed after it, is not sealed under a new key
(``PersonalDataVault.key_unless_erased_since``).

Each process keeps the keys it used in memory for ``SHIPSETTLE_PII_DATA_KEY_CACHE_TTL_S``
(5 s): the bound within which an erasure made by another process is seen here. Reads and the
creation of a key are single autocommitted statements on the runtime's connection lane, outside
the caller's transaction: a key exists before any value sealed under it is written.

Re-wrap under a new KEK while the platform serves (docs/security.md, "Key rotation"):

    SHIPSETTLE_ENVIRONMENT=... SHIPSETTLE_DATABASE_URL=... SHIPSETTLE_PII_KEYRING=new:...,old:... \\
    SHIPSETTLE_PII_ACTIVE_KEK=new python -m shipsettle_shared.data_keys rewrap [--batch 500]

It takes the live keys not under the active KEK in batches (``FOR UPDATE SKIP LOCKED``, one
transaction per batch), unwraps each under its old KEK and wraps it under the active one. Sealed
values are not touched; readers unwrap a key under whichever KEK its row names, so they see the
old wrap or the new, never neither. Run it with every service's database; once it reports 0
left everywhere, the old KEK can leave the keyring.

Seal the personal fields that rows written before encryption still hold in clear, once, after
upgrading a database (docs/security.md, "Upgrading a database written before encryption"):

    SHIPSETTLE_ENVIRONMENT=... SHIPSETTLE_DATABASE_URL=... SHIPSETTLE_PII_KEYRING=... \\
    SHIPSETTLE_PII_BLIND_INDEX_KEY=... python -m shipsettle_shared.data_keys seal-clear \\
    --service order-svc [--batch 500] [--orders-database-url ...  (logistics-svc)]

The service's own list of places says what is sealed and how (clear_rows.py has the protocol).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import Column, DateTime, Index, LargeBinary, MetaData, Table, Text, text
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.field_crypto import (
    DataKey,
    KeyManagementService,
    WrappedKey,
    is_sealed,
    open_sealed,
    seal,
    sealed_key_id,
)

if TYPE_CHECKING:
    from shipsettle_shared.settings import ServiceSettings

data_keys_metadata = MetaData()

data_keys_table = Table(
    "data_keys",
    data_keys_metadata,
    Column("key_id", Text, primary_key=True),
    Column("subject", Text, nullable=False),
    Column("kek_id", Text, nullable=False),
    Column("wrapped_key", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("rewrapped_at", DateTime(timezone=True)),
    Column("destroyed_at", DateTime(timezone=True)),
    Index("data_keys_live_subject", "subject", unique=True, postgresql_where=text("destroyed_at is null")),
    Index("data_keys_by_kek", "kek_id", postgresql_where=text("destroyed_at is null")),
)


# The KEK id of a row that records an erasure and never held a key (erase_subject).
ERASURE_ONLY_KEK_ID = "-"


def buyer_subject(buyer_ref: str) -> str:
    return f"buyer:{buyer_ref}"


def bank_account_subject(account_id: str) -> str:
    return f"bank-account:{account_id}"


# The subject's live key, or a new one when it has none. A concurrent creation for the same
# subject makes this one insert nothing and (its snapshot predating the other) read nothing:
# the caller asks again.
_KEY_FOR_SUBJECT = """
with live as (
    select key_id, kek_id, wrapped_key from data_keys where subject = $1 and destroyed_at is null
), created as (
    insert into data_keys (key_id, subject, kek_id, wrapped_key)
    select $2, $1, $3, $4 where not exists (select 1 from live)
    on conflict do nothing
    returning key_id, kek_id, wrapped_key
)
select key_id, kek_id, wrapped_key from live union all select key_id, kek_id, wrapped_key from created
"""

# The same, unless the subject was erased at or after $5 (a key destroyed then, or the erasure's
# own destroyed row; a tie goes to the erasure): then one row, erased, and no key made. One
# statement, so no key is made for a subject whose erasure it saw. The index of destroyed rows
# by subject is logistics' (its migration 0008), the one service that asks this.
_KEY_FOR_SUBJECT_UNLESS_ERASED_SINCE = """
with erased as (
    select 1 from data_keys where subject = $1 and destroyed_at >= $5
), live as (
    select key_id, kek_id, wrapped_key from data_keys
    where subject = $1 and destroyed_at is null and not exists (select 1 from erased)
), created as (
    insert into data_keys (key_id, subject, kek_id, wrapped_key)
    select $2, $1, $3, $4 where not exists (select 1 from live) and not exists (select 1 from erased)
    on conflict do nothing
    returning key_id, kek_id, wrapped_key
)
select false as erased, key_id, kek_id, wrapped_key from live
union all select false, key_id, kek_id, wrapped_key from created
union all select true, null, null, null where exists (select 1 from erased)
"""

_KEYS_BY_ID = "select key_id, kek_id, wrapped_key from data_keys where key_id = any($1::text[])"

_STALE_WRAPS = """
select key_id, kek_id, wrapped_key from data_keys
where destroyed_at is null and kek_id <> $1
order by key_id limit $2 for update skip locked
"""

_REWRAP = """
update data_keys as d set kek_id = r.kek_id, wrapped_key = r.wrapped_key, rewrapped_at = now()
from unnest($1::text[], $2::text[], $3::bytea[]) as r(key_id, kek_id, wrapped_key)
where d.key_id = r.key_id and d.destroyed_at is null
"""

_COUNT_STALE = "select count(*) from data_keys where destroyed_at is null and kek_id <> $1"


@dataclass
class _Cached:
    key: DataKey | None  # None: destroyed (or never existed)
    read_at_s: float


class PersonalDataVault:
    """Seals personal fields under their subject's data key and opens them (``None`` once the
    key is destroyed). One per process (``ServiceRuntime.personal_data``)."""

    def __init__(
        self,
        lane: ConnectionLane,
        kms: KeyManagementService,
        *,
        ttl_s: float,
        monotonic_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lane = lane
        self._kms = kms
        self._ttl_s = ttl_s
        self._monotonic_s = monotonic_s
        self._by_subject: dict[str, _Cached] = {}
        self._by_id: dict[str, _Cached] = {}

    @property
    def kms(self) -> KeyManagementService:
        return self._kms

    def _fresh(self, cached: _Cached | None) -> bool:
        return cached is not None and self._monotonic_s() - cached.read_at_s < self._ttl_s

    def _remember(self, subject: str | None, key: DataKey) -> None:
        entry = _Cached(key, self._monotonic_s())
        self._by_id[key.key_id] = entry
        if subject is not None:
            self._by_subject[subject] = entry
        if len(self._by_id) > 50_000:  # a bound on memory: forget everything, read again
            self._by_id.clear()
            self._by_subject.clear()

    def _unwrapped(self, key_id: str, kek_id: str, wrapped: bytes | None) -> DataKey | None:
        if wrapped is None:
            return None
        return DataKey(key_id, self._kms.unwrap(key_id, WrappedKey(kek_id, bytes(wrapped))))

    async def key_for(self, subject: str) -> DataKey:
        """The subject's live data key, created (and stored wrapped) if it has none."""
        cached = self._by_subject.get(subject)
        if self._fresh(cached) and cached is not None and cached.key is not None:
            return cached.key
        key = await self._live_or_new_key(subject, _KEY_FOR_SUBJECT)
        assert key is not None, "only the query with an erasure's bound answers erased"
        return key

    async def key_unless_erased_since(self, subject: str, happened_at: datetime) -> DataKey | None:
        """The subject's live data key (created if it has none), or ``None`` when the subject was
        erased at or after ``happened_at``: a value from before an erasure must not be kept openable,
        whichever of the two a consumer sees first. Always read from the database (one statement):
        the erasure may have been made by another process a moment ago."""
        return await self._live_or_new_key(subject, _KEY_FOR_SUBJECT_UNLESS_ERASED_SINCE, happened_at)

    async def _live_or_new_key(self, subject: str, query: str, *bound: datetime) -> DataKey | None:
        for _ in range(5):
            candidate = DataKey.generate()
            wrapped = self._kms.wrap(candidate.key_id, candidate.material)
            async with self._lane.connection() as connection:
                record = await connection.fetchrow(
                    query, subject, candidate.key_id, wrapped.kek_id, wrapped.wrapped, *bound
                )
            if record is not None and record.get("erased"):
                return None
            if record is not None:
                key = self._unwrapped(record["key_id"], record["kek_id"], record["wrapped_key"])
                if key is not None:
                    self._remember(subject, key)
                    return key
        raise RuntimeError(f"no data key could be created for {subject}")

    async def keys(self, key_ids: Iterable[str]) -> dict[str, DataKey | None]:
        """The data keys by id; ``None`` for a destroyed (or unknown) one."""
        wanted = set(key_ids)
        found: dict[str, DataKey | None] = {}
        missing = []
        for key_id in wanted:
            cached = self._by_id.get(key_id)
            if self._fresh(cached) and cached is not None:
                found[key_id] = cached.key
            else:
                missing.append(key_id)
        if missing:
            async with self._lane.connection() as connection:
                records = await connection.fetch(_KEYS_BY_ID, missing)
            now_s = self._monotonic_s()
            for record in records:
                key = self._unwrapped(record["key_id"], record["kek_id"], record["wrapped_key"])
                self._by_id[record["key_id"]] = _Cached(key, now_s)
                found[record["key_id"]] = key
            for key_id in missing:
                found.setdefault(key_id, None)
        return found

    async def seal(self, subject: str, context: str, value: Any) -> str:
        return seal(await self.key_for(subject), context, value)

    async def seal_unless_erased_since(
        self, subject: str, context: str, value: Any, happened_at: datetime
    ) -> str | None:
        """``value`` sealed under the subject's key, or ``None`` (nothing to keep) when the subject
        was erased at or after ``happened_at`` (key_unless_erased_since)."""
        key = await self.key_unless_erased_since(subject, happened_at)
        return None if key is None else seal(key, context, value)

    async def open_many(self, items: Sequence[tuple[str, Any]]) -> list[Any | None]:
        """Each (context, sealed value) opened; ``None`` where its key is destroyed. A value that
        is not sealed (a row written before encryption) is returned as it is. Raises
        SealedValueError for a sealed value that does not open under its key and context."""
        key_ids = [sealed_key_id(value) for _, value in items if is_sealed(value)]
        keys = await self.keys(key_ids) if key_ids else {}
        opened: list[Any | None] = []
        for context, value in items:
            if not is_sealed(value):
                opened.append(value)
                continue
            key = keys.get(sealed_key_id(value))
            opened.append(None if key is None else open_sealed(key, context, value))
        return opened

    async def open(self, context: str, value: Any) -> Any | None:
        return (await self.open_many([(context, value)]))[0]

    def forget(self, subject: str, key_ids: Iterable[str] = ()) -> None:
        """Drop what this process remembers of a subject's keys (after destroying them)."""
        self._by_subject.pop(subject, None)
        for key_id in key_ids:
            self._by_id[key_id] = _Cached(None, self._monotonic_s())


# A subject that never had a key (its data all written before encryption, still in clear) gets a
# destroyed row all the same: the record that it was erased, which ``seal-clear`` honours by
# sealing its clear rows under no key that can open them (clear_rows.py). Only the really
# destroyed keys are returned.
async def erase_subject(session: AsyncSession, subject: str, at: datetime) -> list[str]:
    """Crypto-shred: destroy the subject's live data keys in the caller's transaction (returns
    the ids destroyed), and remember the erasure even when the subject has no live key (a
    consumer that learns of it before it ever kept the subject's data, or a subject whose rows
    are still in clear, written before encryption, which ``seal-clear`` must then seal under no
    readable key): a destroyed row of its own, no key in it. ``at`` is the erasure's time, as the service that
    erased said it: a value dated before it is never sealed again (key_unless_erased_since)."""
    result = await session.execute(
        text(
            "with destroyed as ("
            " update data_keys set wrapped_key = null, destroyed_at = :at where subject = :subject"
            " and destroyed_at is null returning key_id"
            "), remembered as ("
            " insert into data_keys (key_id, subject, kek_id, wrapped_key, destroyed_at)"
            " select :erasure_id, :subject, :no_kek, null, :at where not exists (select 1 from destroyed)"
            ") select key_id from destroyed"
        ),
        {"subject": subject, "at": at, "erasure_id": str(uuid.uuid4()), "no_kek": ERASURE_ONLY_KEK_ID},
    )
    return [row[0] for row in result]


async def rewrap_batch(connection: asyncpg.Connection, kms: KeyManagementService, batch: int) -> int:
    """One transaction: up to ``batch`` live keys not under the active KEK re-wrapped under it.
    Returns how many."""
    async with connection.transaction():
        records = await connection.fetch(_STALE_WRAPS, kms.active_kek_id, batch)
        if not records:
            return 0
        ids, keks, wraps = [], [], []
        for record in records:
            material = kms.unwrap(record["key_id"], WrappedKey(record["kek_id"], bytes(record["wrapped_key"])))
            wrapped = kms.wrap(record["key_id"], material)
            ids.append(record["key_id"])
            keks.append(wrapped.kek_id)
            wraps.append(wrapped.wrapped)
        await connection.execute(_REWRAP, ids, keks, wraps)
        return len(records)


async def rewrap_all(dsn: str, kms: KeyManagementService, *, batch: int = 500) -> tuple[int, int]:
    """Re-wrap every live data key of one database under the active KEK; (re-wrapped, left)."""
    connection = await asyncpg.connect(dsn)
    try:
        total = 0
        while done := await rewrap_batch(connection, kms, batch):
            total += done
        left = int(await connection.fetchval(_COUNT_STALE, kms.active_kek_id))
        return total, left
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> int:
    from shipsettle_shared.settings import ServiceSettings, load_settings_or_exit

    parser = argparse.ArgumentParser(
        prog="shipsettle-data-keys", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    rewrap = commands.add_parser("rewrap", help="re-wrap every live data key under the active KEK")
    rewrap.add_argument("--batch", type=int, default=500)
    rewrap.add_argument("--service", default="data-keys", help="the service whose settings to read (logging only)")
    seal_clear = commands.add_parser("seal-clear", help="seal the personal fields rows written before encryption hold")
    seal_clear.add_argument("--service", required=True, help="the service whose database it is (order-svc, ...)")
    seal_clear.add_argument("--batch", type=int, default=500)
    seal_clear.add_argument(
        "--orders-database-url", default="", help="order-svc's database: where logistics-svc finds an order's buyer"
    )
    arguments = parser.parse_args(argv)
    settings = load_settings_or_exit(ServiceSettings, arguments.service)
    if arguments.command == "seal-clear":
        return _seal_clear(settings, arguments.service, arguments.batch, arguments.orders_database_url)
    done, left = asyncio.run(rewrap_all(asyncpg_dsn(settings.database_url), settings.keyring(), batch=arguments.batch))
    print(f"re-wrapped {done} data keys under {settings.keyring().active_kek_id}; {left} left under other KEKs")
    return 0 if left == 0 else 1


def _seal_clear(settings: ServiceSettings, service: str, batch: int, orders_database_url: str) -> int:
    from shipsettle_shared.clear_rows import OrdersDatabaseNeeded, seal_clear_database
    from shipsettle_shared.topology import SERVICES_BY_NAME

    async def run() -> list[Any]:
        dsn = asyncpg_dsn(settings.database_url)
        lane = ConnectionLane(dsn, 2)
        try:
            vault = PersonalDataVault(lane, settings.keyring(), ttl_s=settings.pii_data_key_cache_ttl_s)
            orders_dsn = asyncpg_dsn(orders_database_url) if orders_database_url else None
            package = SERVICES_BY_NAME[service].package
            return await seal_clear_database(
                dsn, package, vault, settings.blind_index(), batch=batch, orders_dsn=orders_dsn
            )
        finally:
            await lane.close()

    try:
        counts = asyncio.run(run())
    except OrdersDatabaseNeeded as error:
        print(f"{service}: {error}", file=sys.stderr)
        return 2
    for count in counts:
        print(f"{service} {count.name}: sealed {count.sealed}; {count.left} left in clear")
    return 0 if all(count.left == 0 for count in counts) else 1


if __name__ == "__main__":
    sys.exit(main())
