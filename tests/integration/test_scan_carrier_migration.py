"""logistics-svc migrations 0004 and 0005 on real PostgreSQL.

0004: scans stored before it are attributed to the carrier their delivery named (an aggregator's
code, or a native body's, when exactly one carrier of the registry has it), the rest stay
unattributed (listed as parked for ops), and the new natural key keeps deduplicating
unattributed scans (NULLS NOT DISTINCT).

0005: pending auto-confirm timers set before 0003 (keyed by the bare shipment id) take the key of
their schedule, the one the buyer's confirmation cancels; fired and cancelled ones keep theirs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import pytest
from alembic import command

from logistics_svc.adapters.carrier_seed import SEED_CARRIERS
from logistics_svc.service_layer.timers import AUTO_CONFIRM, auto_confirm_timer_key
from shipsettle_shared.migrations import alembic_config
from tests.support import ADMIN_DSN, migrations_dir, recreate_database

pytestmark = pytest.mark.infra

DATABASE = "logistics_svc_scan_carrier_migration"
DSN = ADMIN_DSN.rsplit("/", 1)[0] + f"/{DATABASE}"

# (source, delivery id, vendor carrier code) -> the carrier the scan is attributed to
DELIVERIES = [
    ("aftership", "d-aftership", "zto-domestic", "ZTO"),
    ("kuaidi100", "d-kuaidi100", "ZhongTong", "ZTO"),
    ("native", "d-native-code", "SF", "SF"),
    ("native", "d-native-com", "shunfeng", "SF"),
    ("aftership", "d-unknown", "zto-express", None),  # ZTO Global: not in the registry
    ("kuaidi100", "d-slug-not-com", "yto", None),  # AfterShip's slug, not a Kuaidi100 com
]
INSERT_SCAN = (
    "insert into scans (tracking_number, carrier_code, status, occurred_at, description, location, raw_status,"
    " source, delivery_id, received_at) values ('N-2', null, 'delivered', '2026-01-01T00:00:00Z', 'd', '', '',"
    " 'aftership', 'd-x', now()) on conflict on constraint scans_natural_key do nothing"
)


@asynccontextmanager
async def database_at(revision: str) -> AsyncIterator[str]:
    url = await recreate_database(DATABASE)
    await asyncio.to_thread(command.upgrade, alembic_config(migrations_dir("logistics-svc"), url), revision)
    try:
        yield url
    finally:
        admin = await asyncpg.connect(ADMIN_DSN)
        try:
            await admin.execute(f'drop database if exists "{DATABASE}" with (force)')
        finally:
            await admin.close()


@pytest.fixture
async def at_0003() -> AsyncIterator[str]:
    async with database_at("0003") as url:
        yield url


@pytest.fixture
async def at_0004() -> AsyncIterator[str]:
    async with database_at("0004") as url:
        yield url


async def test_scans_kept_before_0004_belong_to_the_carrier_their_delivery_named_or_to_none(at_0003: str) -> None:
    connection = await asyncpg.connect(DSN)
    try:
        for carrier in SEED_CARRIERS:
            await connection.execute(
                "insert into carriers (code, definition, webhook_secret, updated_at, updated_by)"
                " values ($1, $2::jsonb, 'whsec_x', now(), 'seed')",
                carrier.code,
                json.dumps(carrier.to_definition()),
            )
        for minutes, (source, delivery_id, vendor_code, _) in enumerate(DELIVERIES):
            await connection.execute(
                "insert into webhook_deliveries (source, delivery_id, tracking_number, vendor_carrier_code, scans,"
                " raw_body, received_at) values ($1, $2, 'N-1', $3, '[]'::jsonb, 'raw', now())",
                source,
                delivery_id,
                vendor_code,
            )
            await connection.execute(
                "insert into scans (tracking_number, status, occurred_at, description, location, raw_status, source,"
                " delivery_id, received_at) values ('N-1', 'delivered', now() - make_interval(mins => $1::int), 'd',"
                " '', '', $2, $3, now())",
                minutes,
                source,
                delivery_id,
            )
    finally:
        await connection.close()

    await asyncio.to_thread(command.upgrade, alembic_config(migrations_dir("logistics-svc"), at_0003), "head")

    connection = await asyncpg.connect(DSN)
    try:
        attributed = {
            row["delivery_id"]: (row["carrier_code"], row["vendor_carrier_code"])
            for row in await connection.fetch("select delivery_id, carrier_code, vendor_carrier_code from scans")
        }
        assert attributed == {delivery_id: (carrier, vendor) for _, delivery_id, vendor, carrier in DELIVERIES}
        await connection.execute(INSERT_SCAN)
        await connection.execute(INSERT_SCAN)  # the same unattributed scan again: one row
        assert await connection.fetchval("select count(*) from scans where tracking_number = 'N-2'") == 1
    finally:
        await connection.close()


async def test_auto_confirm_timers_keyed_by_the_bare_shipment_id_take_their_schedules_key_in_0005(
    at_0004: str,
) -> None:
    due = datetime(2026, 11, 27, 9, 30, 15, 123457, tzinfo=UTC)
    taken_due = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    timers = [  # (key, due at, fired, cancelled)
        ("SH-pending", due, False, False),
        ("SH-fired", due, True, False),
        ("SH-cancelled", due, False, True),
        ("SH-twice", taken_due, False, False),  # its schedule's key is taken already
        (auto_confirm_timer_key("SH-twice", taken_due), taken_due, False, False),
    ]
    connection = await asyncpg.connect(DSN)
    try:
        for key, due_at, fired, cancelled in timers:
            await connection.execute(
                "insert into timers (timer_kind, timer_key, due_at, fired_at, cancelled_at) values ($1, $2, $3,"
                " case when $4 then now() end, case when $5 then now() end)",
                AUTO_CONFIRM,
                key,
                due_at,
                fired,
                cancelled,
            )
    finally:
        await connection.close()

    await asyncio.to_thread(command.upgrade, alembic_config(migrations_dir("logistics-svc"), at_0004), "head")

    connection = await asyncpg.connect(DSN)
    try:
        rows = await connection.fetch("select timer_key, cancelled_at is not null as cancelled from timers order by id")
    finally:
        await connection.close()
    assert [(row["timer_key"], row["cancelled"]) for row in rows] == [
        (auto_confirm_timer_key("SH-pending", due), False),  # the key a confirmation cancels
        ("SH-fired", False),
        ("SH-cancelled", True),
        ("SH-twice", True),  # the other timer covers it
        (auto_confirm_timer_key("SH-twice", taken_due), False),
    ]
