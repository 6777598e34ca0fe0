"""The suite's fresh databases: dropping one ends whatever is still connected to it."""

from __future__ import annotations

import asyncpg

from tests.support import ADMIN_DSN, recreate_database


async def test_a_database_still_in_use_is_dropped_and_created_afresh() -> None:
    name = "shipsettle_fresh_database_check"
    await recreate_database(name)
    lingering = await asyncpg.connect(ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}")
    try:
        await lingering.execute("create table leftover (id int)")
        await recreate_database(name)

        fresh = await asyncpg.connect(ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}")
        try:
            assert await fresh.fetchval("select to_regclass('leftover')") is None
        finally:
            await fresh.close()
        assert not await _still_alive(lingering)
    finally:
        await lingering.close()
        admin = await asyncpg.connect(ADMIN_DSN)
        try:
            await admin.execute(f'drop database if exists "{name}" with (force)')
        finally:
            await admin.close()


async def test_the_role_may_end_an_autovacuum_worker_busy_in_a_database_it_drops() -> None:
    # An autovacuum worker belongs to no role, so "drop database ... with (force)" may end it only
    # for a member of pg_signal_backend; without it a drop fails whenever autovacuum is at work there.
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        assert await admin.fetchval("select pg_has_role(current_user, 'pg_signal_backend', 'member')")
    finally:
        await admin.close()


async def _still_alive(connection: asyncpg.Connection) -> bool:
    try:
        await connection.fetchval("select 1")
    except (asyncpg.PostgresError, ConnectionError, asyncpg.InterfaceError):
        return False
    return True
