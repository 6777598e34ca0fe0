"""Composite read views (settlement ETA, balance explanation...) read through ``snapshot``: every
statement in it sees the same committed moment, whatever commits in between, and it cannot write.

Found by CI: an ETA read saw a refund's completion but not yet the hold the same transaction had
reduced, because each READ COMMITTED statement saw the commits made before it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker
from support import engine_for, fresh_service_database

from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import BusProbeSent
from shipsettle_shared.db import outbox_table, snapshot, unit_of_work
from shipsettle_shared.outbox import add_to_outbox

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
async def database_url() -> str:
    return await fresh_service_database("order-svc", "_snapshot")


async def _add_probe(sessions: async_sessionmaker, probe_id: str) -> None:
    async with unit_of_work(sessions) as session:
        await add_to_outbox(
            session,
            BusProbeSent(probe_id=probe_id, target_service="order-svc", sent_by="test"),
            producer="order-svc",
            occurred_at=SystemClock().now(),
        )


COUNT = select(func.count()).select_from(outbox_table)


async def test_a_snapshot_does_not_see_a_commit_made_between_its_reads(database_url: str) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        await _add_probe(sessions, "before")
        async with snapshot(sessions) as view:
            first = await view.scalar(COUNT)
            await _add_probe(sessions, "between")  # commits on another connection
            second = await view.scalar(COUNT)
        assert first == second
        # the plain session of before sees the commit at its next statement: the race it removes
        async with sessions() as plain:
            assert await plain.scalar(COUNT) == first + 1


async def test_a_snapshot_refuses_to_write_and_the_connection_goes_back_clean(database_url: str) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as plain:
            before = await plain.scalar(COUNT)

        async def write_in_a_snapshot() -> None:
            async with snapshot(sessions) as view:
                await add_to_outbox(
                    view,
                    BusProbeSent(probe_id="refused", target_service="order-svc", sent_by="test"),
                    producer="order-svc",
                    occurred_at=SystemClock().now(),
                )
                await view.flush()

        with pytest.raises(DBAPIError, match="read-only transaction"):
            await write_in_a_snapshot()
        # nothing written, and the pooled connection is back to read-write READ COMMITTED
        await _add_probe(sessions, "after")
        async with sessions() as plain:
            assert await plain.scalar(COUNT) == before + 1
            assert (await plain.execute(select(func.current_setting("transaction_isolation")))).scalar() == (
                "read committed"
            )
