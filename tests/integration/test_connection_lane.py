"""The connection lane of the webhook acknowledgement, on real PostgreSQL: never more connections
than its size, a refused statement keeps its connection, a lost connection is replaced, and
nothing is handed out after close."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from support import fresh_service_database

from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra

# what using a connection whose server process was terminated raises, depending on when asyncpg
# notices: the server's goodbye, the closed socket, or its protocol state
LOST = (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError)


@pytest.fixture(scope="module")
async def database_url() -> str:
    return await fresh_service_database("logistics-svc", "_lane")


def lane_for(database_url: str, size: int) -> ConnectionLane:
    settings = ServiceSettings(service_name="logistics-svc", database_url=database_url, database_lane_size=size)
    return ConnectionLane.for_settings(settings)


async def backend_pid(lane: ConnectionLane, hold_s: float = 0.0) -> int:
    async with lane.connection() as connection:
        pid = int(await connection.fetchval("select pg_backend_pid()"))
        await asyncio.sleep(hold_s)  # keep it checked out, so concurrent users need others
        return pid


async def test_concurrent_users_share_at_most_size_connections(database_url: str) -> None:
    lane = lane_for(database_url, size=3)
    try:
        pids = await asyncio.gather(*(backend_pid(lane, hold_s=0.05) for _ in range(20)))
        assert len(set(pids)) == 3
        # later uses reuse them
        assert {await backend_pid(lane) for _ in range(10)} <= set(pids)
    finally:
        await lane.close()


async def test_a_refused_statement_keeps_its_connection(database_url: str) -> None:
    lane = lane_for(database_url, size=1)
    try:
        before = await backend_pid(lane)

        async def refused() -> None:
            async with lane.connection() as connection:
                await connection.execute("select * from no_such_table")

        with pytest.raises(asyncpg.UndefinedTableError):
            await refused()
        assert await backend_pid(lane) == before
    finally:
        await lane.close()


async def test_a_lost_connection_fails_its_use_and_is_replaced(database_url: str) -> None:
    lane = lane_for(database_url, size=2)
    try:
        first, second = await asyncio.gather(backend_pid(lane, 0.05), backend_pid(lane, 0.05))
        admin = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://").split("?")[0])
        try:  # as a server restart would: both idle connections die
            await admin.execute("select pg_terminate_backend($1), pg_terminate_backend($2)", first, second)
        finally:
            await admin.close()
        with pytest.raises(LOST):
            await backend_pid(lane)
        # the failure dropped the other dead one too: the next uses get new, working connections
        replacements = await asyncio.gather(backend_pid(lane, 0.05), backend_pid(lane, 0.05))
        assert not set(replacements) & {first, second}
    finally:
        await lane.close()


async def test_a_waiter_gets_a_new_connection_when_the_one_it_waited_for_is_lost(database_url: str) -> None:
    lane = lane_for(database_url, size=1)
    admin = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://").split("?")[0])
    try:
        holding = asyncio.Event()
        lost_pid: list[int] = []

        async def holder_whose_connection_dies() -> None:
            async with lane.connection() as connection:
                lost_pid.append(int(await connection.fetchval("select pg_backend_pid()")))
                holding.set()
                await asyncio.sleep(0.1)  # the waiter queues up behind this use
                await admin.execute("select pg_terminate_backend($1)", lost_pid[0])
                await connection.fetchval("select 1")

        holder = asyncio.create_task(holder_whose_connection_dies())
        await holding.wait()
        waiter = asyncio.create_task(backend_pid(lane))
        with pytest.raises(LOST):
            await holder
        # bounded only so a regression fails instead of hanging the suite
        assert await asyncio.wait_for(waiter, timeout=30) != lost_pid[0]
    finally:
        await admin.close()
        await lane.close()


async def test_a_closed_lane_hands_out_nothing(database_url: str) -> None:
    lane = lane_for(database_url, size=1)
    await backend_pid(lane)
    await lane.close()
    with pytest.raises(RuntimeError, match="closed"):
        await backend_pid(lane)
