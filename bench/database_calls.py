"""Database round trips of a benchmark window, from PostgreSQL's ``pg_stat_statements``.

Every statement a service sends is one round trip (BEGIN and COMMIT included: asyncpg sends them
as statements of their own), so the view's ``calls``, summed per database over a window, is the
number of round trips the platform made in it. ``deploy/postgres/postgres.sh start`` loads the
module and lets the local role reset and read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

_BY_STATEMENT = """
select d.datname as database, s.query, sum(s.calls)::bigint as calls, sum(s.total_exec_time) as exec_ms,
       sum(s.total_plan_time) as plan_ms
from pg_stat_statements s join pg_database d on d.oid = s.dbid
where d.datname = any($1::text[])
group by d.datname, s.query
"""


@dataclass
class StatementCalls:
    """Calls per (database, statement text) over a window, and its length in seconds."""

    calls: dict[tuple[str, str], int] = field(default_factory=dict)
    exec_ms: dict[tuple[str, str], float] = field(default_factory=dict)
    # Planning is PostgreSQL CPU that ``calls`` does not show: a statement planned afresh on
    # every execution (a custom plan) costs it each time (zero unless track_planning is on).
    plan_ms: dict[tuple[str, str], float] = field(default_factory=dict)
    seconds: float = 0.0

    def by_database(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for (database, _), calls in self.calls.items():
            totals[database] = totals.get(database, 0) + calls
        return totals

    def per_unit(self, units: int, idle: StatementCalls | None = None) -> dict[str, float]:
        """Round trips per unit of work by database, beyond what the platform sends when idle
        (pollers, timers, relays) over a window as long as this one."""
        idle_rate = (
            {database: calls / idle.seconds for database, calls in (idle.by_database() if idle else {}).items()}
            if idle and idle.seconds
            else {}
        )
        return {
            database: max(0.0, calls - idle_rate.get(database, 0.0) * self.seconds) / max(units, 1)
            for database, calls in self.by_database().items()
        }

    def time_by_database(self) -> dict[str, tuple[float, float]]:
        """(execution ms, planning ms) summed per database over the window."""
        totals: dict[str, tuple[float, float]] = {}
        for (database, query), exec_ms in self.exec_ms.items():
            executed, planned = totals.get(database, (0.0, 0.0))
            totals[database] = (executed + exec_ms, planned + self.plan_ms.get((database, query), 0.0))
        return totals

    def top(self, count: int) -> list[tuple[str, str, int, float, float]]:
        """The ``count`` statements called most: (database, query, calls, total exec ms, total plan ms)."""
        ranked = sorted(self.calls.items(), key=lambda item: -item[1])[:count]
        return [
            (database, query, calls, self.exec_ms[(database, query)], self.plan_ms.get((database, query), 0.0))
            for (database, query), calls in ranked
        ]


async def reset(dsn: str, databases: list[str]) -> None:
    """Start a window for ``databases`` only: the server is shared, and other runs' statistics
    (another bench, a test measuring its own round trips) are theirs."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "select pg_stat_statements_reset(0, d.oid, 0) from pg_database d where d.datname = any($1::text[])",
            databases,
        )
    finally:
        await connection.close()


async def read(dsn: str, databases: list[str], seconds: float) -> StatementCalls:
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(_BY_STATEMENT, databases)
    finally:
        await connection.close()
    window = StatementCalls(seconds=seconds)
    for row in rows:
        key = (str(row["database"]), " ".join(str(row["query"]).split()))
        window.calls[key] = window.calls.get(key, 0) + int(row["calls"])
        window.exec_ms[key] = window.exec_ms.get(key, 0.0) + float(row["exec_ms"])
        window.plan_ms[key] = window.plan_ms.get(key, 0.0) + float(row["plan_ms"])
    return window
