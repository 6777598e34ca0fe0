"""Personal fields still in clear, sealed as the service writes them now (the upgrade path of
issue 20; docs/security.md, "Upgrading a database written before encryption").

Rows written before field encryption hold consignees and bank details in clear; the services read
them as they are. ``python -m shipsettle_shared.data_keys seal-clear --service <name>`` seals them:
each service lists, next to its own sealing code, the places it keeps a personal field
(``CLEAR_ROWS``: one ``ClearRows`` per table), and this module runs them against its database.

The protocol, per place, while the service serves:

1. one transaction per batch: the rows still in clear, locked (``FOR UPDATE SKIP LOCKED``). A row
   the service is writing is skipped, not waited for; one it sealed since the statement began is
   re-checked against the condition on its latest version (PostgreSQL re-evaluates a locked row)
   and left out. What is written is derived from the row as locked, so a concurrent write is never
   replaced by stale data;
2. each row sealed with the key the service itself would use: the subject's live data key
   (``PersonalDataVault.key_for``: created, stored wrapped, before any value sealed under it), the
   same context (associated data) and the same document shape; a blind index filled where the
   service keeps one;
3. a subject whose data key was destroyed (erased) is not given a new key: its clear rows
   predate the erasure, so they are sealed under a key that is never stored and read as erased,
   as the rest of that subject's data does;
4. a row that cannot be sealed (its subject unknown) is passed over and counted as left.

Running it again seals nothing: a sealed row no longer matches its ``select``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.field_crypto import BlindIndex, DataKey

# Whether the subject ever had a data key destroyed (crypto-shredding happens only after the
# upgrade, so a clear row of such a subject was written before its erasure).
_SUBJECT_ERASED = "select exists(select 1 from data_keys where subject = $1 and destroyed_at is not null)"


class OrdersDatabaseNeeded(LookupError):
    """The service does not keep the buyer of an order, and the command was not told where
    order-svc's database is."""


class Sealing:
    """What a ``ClearRows`` rewrite needs: the key a subject's values are sealed under, the blind
    index, and where the buyer of an order is found when the service does not keep it."""

    def __init__(
        self,
        vault: PersonalDataVault,
        blind_index: BlindIndex,
        *,
        buyer_of_orders: Callable[[Sequence[str]], Awaitable[dict[str, str]]] | None = None,
    ) -> None:
        self._vault = vault
        self.blind_index = blind_index
        self._buyer_of_orders = buyer_of_orders
        self._erased: dict[str, bool] = {}

    async def key_for(self, connection: asyncpg.Connection, subject: str) -> DataKey:
        """The subject's live data key (the service's choice); for an erased subject, a key that
        is never stored, so what it seals reads as erased."""
        erased = self._erased.get(subject)
        if erased is None:
            erased = self._erased[subject] = bool(await connection.fetchval(_SUBJECT_ERASED, subject))
        if erased:
            return DataKey.generate()
        return await self._vault.key_for(subject)

    async def buyers_of_orders(self, order_ids: Sequence[str]) -> dict[str, str]:
        """order id → buyer ref, from order-svc's database (``--orders-database-url``). Raises
        OrdersDatabaseNeeded when the command was not given it."""
        if self._buyer_of_orders is None:
            raise OrdersDatabaseNeeded("this service does not keep the buyer of an order: pass --orders-database-url")
        return await self._buyer_of_orders(order_ids)


@dataclass(frozen=True)
class ClearRows:
    """One table where a service keeps personal fields that rows written before encryption hold in
    clear.

    ``select`` takes ``$1`` (the batch size) and ``$2`` (``text[]``: row keys to pass over) and
    returns the rows still in clear, locked (``FOR UPDATE SKIP LOCKED``), each with a text
    ``row_key``; ``rewrite`` turns a batch of them into the arguments of ``update``, one tuple per
    row, or ``None`` for a row it cannot seal; ``count`` counts the rows still in clear."""

    name: str
    select: str
    update: str
    count: str
    rewrite: Callable[[Sealing, asyncpg.Connection, Sequence[asyncpg.Record]], Awaitable[list[tuple[Any, ...] | None]]]


@dataclass
class SealedCount:
    name: str
    sealed: int = 0
    left: int = 0
    passed_over: list[str] = field(default_factory=list)


async def seal_clear_batch(
    connection: asyncpg.Connection, sealing: Sealing, rows: ClearRows, batch: int, passed_over: list[str]
) -> int:
    """One transaction: up to ``batch`` clear rows of ``rows`` locked, sealed and written; the
    rows that cannot be sealed are added to ``passed_over``. Returns how many rows it looked at."""
    async with connection.transaction():
        records = await connection.fetch(rows.select, batch, passed_over)
        if not records:
            return 0
        rewritten = await rows.rewrite(sealing, connection, records)
        arguments = []
        for record, values in zip(records, rewritten, strict=True):
            if values is None:
                passed_over.append(record["row_key"])
            else:
                arguments.append(values)
        if arguments:
            await connection.executemany(rows.update, arguments)
        return len(records)


async def seal_clear(
    connection: asyncpg.Connection, sealing: Sealing, places: Sequence[ClearRows], *, batch: int = 500
) -> list[SealedCount]:
    """Every place's clear rows sealed, batch by batch; what was sealed and what is left."""
    counts = []
    for rows in places:
        count = SealedCount(rows.name)
        while looked_at := await seal_clear_batch(connection, sealing, rows, batch, count.passed_over):
            count.sealed += looked_at
        count.sealed -= len(count.passed_over)
        count.left = int(await connection.fetchval(rows.count))
        counts.append(count)
    return counts


def clear_rows_of(package: str) -> list[ClearRows]:
    """The places a service keeps personal fields: every ``CLEAR_ROWS`` in its ``adapters``
    modules (each service lists its own next to its sealing code; this module knows none)."""
    adapters = importlib.import_module(f"{package}.adapters")
    places: list[ClearRows] = []
    for module in sorted(pkgutil.iter_modules(adapters.__path__), key=lambda each: each.name):
        listed = getattr(importlib.import_module(f"{package}.adapters.{module.name}"), "CLEAR_ROWS", ())
        places.extend(listed)
    return places


async def seal_clear_database(
    dsn: str,
    package: str,
    vault: PersonalDataVault,
    blind_index: BlindIndex,
    *,
    batch: int = 500,
    orders_dsn: str | None = None,
) -> list[SealedCount]:
    """``seal_clear`` over one service's database (its ``CLEAR_ROWS``); ``orders_dsn``: order-svc's
    database, for a service that does not keep the buyer of an order."""
    connection = await asyncpg.connect(dsn)
    orders = await asyncpg.connect(orders_dsn) if orders_dsn else None
    try:

        async def buyers_of_orders(order_ids: Sequence[str]) -> dict[str, str]:
            assert orders is not None
            records = await orders.fetch(
                "select order_id, buyer_ref from orders where order_id = any($1::text[])", list(order_ids)
            )
            return {record["order_id"]: record["buyer_ref"] for record in records}

        sealing = Sealing(vault, blind_index, buyer_of_orders=buyers_of_orders if orders is not None else None)
        return await seal_clear(connection, sealing, clear_rows_of(package), batch=batch)
    finally:
        await connection.close()
        if orders is not None:
            await orders.close()
