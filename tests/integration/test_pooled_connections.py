"""A service's pooled connections on real PostgreSQL: they outlive a burst of load, and each keeps
every statement it ran prepared. A statement a connection has not prepared costs a round trip
more (Parse/Describe) than pg_stat_statements counts, and a new connection prepares every
statement again and introspects its array types."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from support import fresh_service_database

from shipsettle_shared.db import create_engine
from shipsettle_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
async def database_url() -> str:
    return await fresh_service_database("order-svc", "_pooled_connections")


def service_settings(database_url: str) -> ServiceSettings:
    """The pool settings every service runs with (only the URL is this test's)."""
    return ServiceSettings(service_name="order-svc", database_url=database_url)


async def test_a_burst_as_large_as_the_pool_opens_no_connection_after_the_first(database_url: str) -> None:
    settings = service_settings(database_url)
    engine = create_engine(settings)
    burst = settings.database_pool_size + settings.database_max_overflow  # as many as it may open
    everyone_in = asyncio.Barrier(burst)

    async def backend_pid() -> int:
        async with engine.connect() as connection:
            pid = int((await connection.execute(text("select pg_backend_pid()"))).scalar_one())
            await everyone_in.wait()  # all checked out at once, as under load
            return pid

    try:
        first = await asyncio.gather(*(backend_pid() for _ in range(burst)))
        second = await asyncio.gather(*(backend_pid() for _ in range(burst)))
        assert len(set(first)) == burst
        # with overflow connections, the burst's share above the pool's size was closed on return
        # and the next burst opened (and prepared) new ones
        assert set(second) == set(first)
    finally:
        await engine.dispose()


async def test_a_connection_keeps_more_statements_prepared_than_sqlalchemys_default_hundred(
    database_url: str,
) -> None:
    settings = service_settings(database_url)
    engine = create_engine(settings)
    texts = [f"select {number} as n" for number in range(150)]  # a service's statements, and more
    try:
        async with engine.connect() as connection:
            for statement in texts:
                await connection.execute(text(statement))
            prepared = await connection.execute(text("select statement from pg_prepared_statements"))
            assert set(texts) <= {row.statement for row in prepared}
    finally:
        await engine.dispose()
