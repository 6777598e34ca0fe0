"""The retention purge on real PostgreSQL (order_svc/service_layer/erasure.py): a buyer whose
orders are all completed and unchanged for longer than the retention period is erased (their key
destroyed, BuyerErased in the outbox); a buyer with one recent or one open order is kept; the
timer re-arms itself for the next pass."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from support import development_vault, engine_for, fresh_service_database

from order_svc.adapters.order_statements import OrderStatements
from order_svc.adapters.personal_data import open_consignee
from order_svc.service_layer import erasure
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.timers import DueTimer
from tests.integration.test_order_statements import order_body, place

pytestmark = pytest.mark.infra

RETENTION = timedelta(days=365)


@pytest.fixture
async def database() -> AsyncIterator[tuple[str, ConnectionLane]]:
    url = await fresh_service_database("order-svc", "_pii_retention")
    lane = ConnectionLane(asyncpg_dsn(url), 2)
    try:
        yield url, lane
    finally:
        await lane.close()


async def placed(lane: ConnectionLane, buyer_ref: str, *, status: str, days_ago: int) -> str:
    """An order of ``buyer_ref``, moved to ``status`` and last changed ``days_ago``."""
    body = order_body(f"ALI-{uuid.uuid4().hex[:12]}")
    body["buyer_ref"] = buyer_ref
    await place(OrderStatements(lane, development_vault(lane)), body, f"key-{body['order_id']}")
    async with lane.connection() as connection:
        await connection.execute(
            "update orders set status = $2, updated_at = now() - make_interval(days => $3) where order_id = $1",
            body["order_id"],
            status,
            days_ago,
        )
    return str(body["order_id"])


async def test_the_purge_erases_only_buyers_whose_every_order_is_completed_past_the_retention(
    database: tuple[str, ConnectionLane],
) -> None:
    url, lane = database
    vault = development_vault(lane)
    old, mixed, open_, recent = (f"buyer-{name}-{uuid.uuid4().hex[:6]}" for name in ("old", "mixed", "open", "new"))
    old_orders = [
        await placed(lane, old, status="dispatched", days_ago=400),
        await placed(lane, old, status="cancelled", days_ago=366),
    ]
    await placed(lane, mixed, status="dispatched", days_ago=400)
    await placed(lane, mixed, status="dispatched", days_ago=10)  # a recent order keeps the key
    await placed(lane, open_, status="confirmed", days_ago=400)  # not completed: never purged
    await placed(lane, recent, status="dispatched", days_ago=364)  # one day short

    now = SystemClock().now()
    async with engine_for(url) as engine, AsyncSession(engine) as session, session.begin():
        timer = DueTimer(erasure.PII_PURGE, "purge@start", now, {})
        await erasure.fire_purge(session, timer, vault, retention=RETENTION, interval=timedelta(hours=1), now=now)

    async with lane.connection() as connection:
        keys = {
            row["subject"]: row["destroyed"]
            for row in await connection.fetch("select subject, wrapped_key is null as destroyed from data_keys")
        }
        announced = await connection.fetch(
            "select envelope->'payload' as payload from outbox where event_type = 'BuyerErased'"
        )
        next_purge = await connection.fetchval(
            "select due_at from timers where timer_kind = $1 and fired_at is null", erasure.PII_PURGE
        )
        documents = await connection.fetch(
            "select order_id, consignee::text as consignee from orders where order_id = any($1::text[])", old_orders
        )
    assert keys == {f"buyer:{old}": True, f"buyer:{mixed}": False, f"buyer:{open_}": False, f"buyer:{recent}": False}
    assert [json.loads(row["payload"])["buyer_ref"] for row in announced] == [old]
    assert json.loads(announced[0]["payload"])["how"] == "retention"
    assert next_purge is not None
    assert abs((next_purge - (now + timedelta(hours=1))).total_seconds()) < 1
    # the erased buyer's orders read as erased, with a fresh cache as any other process has
    fresh = PersonalDataVault(lane, vault.kms, ttl_s=5)
    for row in documents:
        consignee = await open_consignee(fresh, row["order_id"], json.loads(row["consignee"]))
        assert consignee["mobile"] == "[erased]"
        assert (consignee["province"], consignee["city"]) == ("浙江省", "杭州市")
