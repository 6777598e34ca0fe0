"""What a database round trip costs the service's own process, by the way it is sent.

    .venv/bin/python bench/db_client_overhead.py [--rounds 3000]

The services send every statement through SQLAlchemy's asyncio session over asyncpg (their hot
paths use text statements, compiled once and prepared once per connection). This measures the
client CPU (the process's user + system time, from ``resource``) of the same one-row statement
and of a transaction holding it, sent four ways, on the local PostgreSQL (loopback, no TLS, as
the services connect):

- SQLAlchemy session: ``async with sessions() as s, s.begin(): await s.execute(...)`` (a unit
  of work's shape: session, connection checkout, BEGIN, the statement, COMMIT, checkin);
- SQLAlchemy connection: ``engine.begin()`` and ``connection.execute`` (no ORM session);
- asyncpg: one pooled connection's ``transaction()`` and ``fetch``;
- each on its own, a statement alone on an open connection (no transaction around it).

Figures are per round (a statement, or a transaction with its statement), the median of three
rounds of ``--rounds`` each, after a warm-up. What it tells the next step of issue 17: the part
of a lifecycle's CPU that is the database client rather than the work.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import uvloop
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "shared"))

from shipsettle_shared.db import PREPARED_STATEMENT_CACHE_SIZE, asyncpg_dsn  # noqa: E402
from shipsettle_shared.topology import database_url  # noqa: E402

STATEMENT_SA = text("select cast(:order_id as text) as order_id, cast(:amount as bigint) as amount, now() as at")
STATEMENT_PG = "select $1::text as order_id, $2::bigint as amount, now() as at"
PARAMETERS = {"order_id": "O-1", "amount": 12_345}


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def per_round_us(rounds: int, one: Callable[[], Awaitable[object]]) -> float:
    for _ in range(max(200, rounds // 10)):
        await one()
    trials = []
    for _ in range(3):
        started = cpu_s()
        for _ in range(rounds):
            await one()
        trials.append((cpu_s() - started) / rounds * 1e6)
    return statistics.median(trials)


async def measure(rounds: int) -> dict[str, float]:
    url = database_url("postgres")
    engine = create_async_engine(url, connect_args={"prepared_statement_cache_size": PREPARED_STATEMENT_CACHE_SIZE})
    sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    pool = await asyncpg.create_pool(asyncpg_dsn(url), min_size=1, max_size=1)
    figures: dict[str, float] = {}
    try:

        async def session_transaction() -> None:
            async with sessions() as session, session.begin():
                (await session.execute(STATEMENT_SA, PARAMETERS)).all()

        async def connection_transaction() -> None:
            async with engine.begin() as connection:
                (await connection.execute(STATEMENT_SA, PARAMETERS)).all()

        async def asyncpg_transaction() -> None:
            async with pool.acquire() as connection, connection.transaction():
                await connection.fetch(STATEMENT_PG, "O-1", 12_345)

        figures["transaction: SQLAlchemy session"] = await per_round_us(rounds, session_transaction)
        figures["transaction: SQLAlchemy connection"] = await per_round_us(rounds, connection_transaction)
        figures["transaction: asyncpg"] = await per_round_us(rounds, asyncpg_transaction)

        async with engine.connect() as connection:

            async def sa_statement() -> None:
                (await connection.execute(STATEMENT_SA, PARAMETERS)).all()

            figures["statement: SQLAlchemy connection"] = await per_round_us(rounds, sa_statement)
        async with pool.acquire() as raw:

            async def pg_statement() -> None:
                await raw.fetch(STATEMENT_PG, "O-1", 12_345)

            figures["statement: asyncpg"] = await per_round_us(rounds, pg_statement)
    finally:
        await pool.close()
        await engine.dispose()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args(argv)
    uvloop.install()
    figures = asyncio.run(measure(args.rounds))
    print("| how | client CPU per round (µs) |")
    print("|---|---:|")
    for how, us in figures.items():
        print(f"| {how} | {us:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
