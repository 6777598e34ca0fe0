"""Sealing rows written before field encryption, on real PostgreSQL (issue 20; docs/security.md,
"Upgrading a database written before encryption"; shipsettle_shared/clear_rows.py).

Each service database gets rows as the code before encryption wrote them (plain SQL: consignees
and bank details in clear), then the documented command runs
(``python -m shipsettle_shared.data_keys seal-clear --service ...``). Afterwards no test value is
left anywhere in the tables' text, the service's own read path opens every value, a blind-index
lookup finds the account, a buyer erased before the upgrade stays erased, and a second run seals
nothing. A row the service rewrites while the command runs keeps the service's value.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from local import ROOT
from sqlalchemy.ext.asyncio import AsyncSession
from support import development_blind_index, development_vault, engine_for, fresh_service_database

from logistics_svc.adapters.personal_data import open_kept_consignee
from order_svc.adapters.order_statements import OrderStatements
from order_svc.adapters.personal_data import ERASED, opened_answer, sealed_consignee
from order_svc.adapters.repository import OrderRepository
from settlement_svc.adapters.bank_data import ACCOUNT_NUMBER_INDEX, opened_bank_fields
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.data_keys import buyer_subject, erase_subject
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from tests.integration.test_order_statements import order_body, place

pytestmark = pytest.mark.infra

SUFFIX = "_seal_clear"


def clear_consignee(mobile: str) -> dict[str, str]:
    return {
        "name": "赵六",
        "mobile": mobile,
        "province": "江苏省",
        "city": "南京市",
        "district": "玄武区",
        "address_line": f"明文路 {mobile[-4:]} 号",
        "postal_code": "210000",
    }


def seal_clear(url: str, service: str, *extra: str) -> tuple[int, str]:
    """The documented command, as ops run it after upgrading a database."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "shipsettle_shared.data_keys",
            "seal-clear",
            "--service",
            service,
            "--batch",
            "2",
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "SHIPSETTLE_ENVIRONMENT": "test", "SHIPSETTLE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # a command that waits on a row the service holds fails here instead of hanging
    )
    return done.returncode, done.stdout + done.stderr


async def rows_holding(connection: asyncpg.Connection, tables: list[str], values: list[str]) -> list[str]:
    """Each table row whose text holds one of ``values`` (the test's own values, searched literally)."""
    found = []
    for table in tables:
        for row in await connection.fetch(f"select t::text as row from {table} t"):  # noqa: S608 (the test's table names)
            found.extend(f"{table}: {value}" for value in values if value in row["row"])
    return found


@dataclass
class OrderDatabase:
    url: str
    lane: ConnectionLane


@pytest.fixture
async def order_database() -> AsyncIterator[OrderDatabase]:
    url = await fresh_service_database("order-svc", SUFFIX)
    lane = ConnectionLane(asyncpg_dsn(url), 2)
    try:
        yield OrderDatabase(url, lane)
    finally:
        await lane.close()


async def old_order(database: OrderDatabase, buyer_ref: str, mobile: str) -> str:
    """An order as the code before encryption kept it: placed, then its consignee written in clear
    over the sealed one (the old row had nothing else in another shape), and no data key (the old
    code made none)."""
    body = order_body(f"ALI-{uuid.uuid4().hex[:12]}")
    body["buyer_ref"] = buyer_ref
    await place(OrderStatements(database.lane, development_vault(database.lane)), body, f"key-{body['order_id']}")
    async with database.lane.connection() as connection:
        await connection.execute(
            "update orders set consignee = $2::jsonb where order_id = $1",
            body["order_id"],
            json.dumps(clear_consignee(mobile), ensure_ascii=False),
        )
        await connection.execute("delete from data_keys where subject = $1", buyer_subject(buyer_ref))
    return str(body["order_id"])


async def old_order_rows(database: OrderDatabase, order_id: str, buyer_ref: str, mobile: str, before: str) -> None:
    """The other places the old code kept the consignee in clear: a shipping change, a kept
    Idempotency-Key answer, a timeline entry with the event's consignee."""
    async with database.lane.connection() as connection:
        await connection.execute(
            "insert into shipping_changes (order_id, change, changed_by, changed_at, reason, before, after) "
            "values ($1, 'corrected', 'merchant:m-statements', now(), 'typo', $2::jsonb, $3::jsonb)",
            order_id,
            json.dumps(clear_consignee(before), ensure_ascii=False),
            json.dumps(clear_consignee(mobile), ensure_ascii=False),
        )
        answer = {"order_id": order_id, "buyer_ref": buyer_ref, "status": "paid", "consignee": clear_consignee(mobile)}
        await connection.execute(
            "insert into idempotency_keys (principal_key_id, idempotency_key, request_hash, response_status, "
            "response_body) values ('k-old', $1, 'hash', 201, $2::jsonb)",
            f"old-{order_id}",
            json.dumps(answer, ensure_ascii=False),
        )
        details = {"order_id": order_id, "confirmed_by": "merchant:m-statements", "consignee": clear_consignee(mobile)}
        await connection.execute(
            "insert into order_timeline (event_id, order_id, merchant_id, occurred_at, event_type, producer, summary, "
            "details) values ($1, $2, 'm-statements', now(), 'ShippingInfoConfirmed', 'order-svc', "
            "'Shipping information confirmed', $3::jsonb)",
            str(uuid.uuid4()),
            order_id,
            json.dumps(details, ensure_ascii=False),
        )


async def erased_before_the_upgrade(url: str, subject: str) -> None:
    """A subject erased as the services erase (its key destroyed) while its rows were still in clear."""
    async with engine_for(url) as engine, AsyncSession(engine) as session, session.begin():
        await erase_subject(session, subject, SystemClock().now())


ORDER_TABLES = ["orders", "shipping_changes", "idempotency_keys", "order_timeline"]


async def test_order_svc_rows_in_clear_are_sealed_as_the_service_writes_them_and_a_second_run_seals_nothing(
    order_database: OrderDatabase,
) -> None:
    database = order_database
    mobiles = {f"buyer-clear-{number}": f"1390000{number:04d}" for number in range(4)}
    orders = {}
    for buyer_ref, mobile in mobiles.items():
        orders[buyer_ref] = await old_order(database, buyer_ref, mobile)
        await old_order_rows(database, orders[buyer_ref], buyer_ref, mobile, before=f"1370000{mobile[-4:]}")
    # erased after the upgrade, before the command: one with no key yet (all its rows in clear),
    # one that had one (a new order after the upgrade)
    erased_buyers = {"buyer-clear-0", "buyer-clear-1"}
    await development_vault(database.lane).key_for(buyer_subject("buyer-clear-1"))
    for erased_buyer in erased_buyers:
        await erased_before_the_upgrade(database.url, buyer_subject(erased_buyer))
    test_values = [*mobiles.values(), *(f"1370000{mobile[-4:]}" for mobile in mobiles.values()), "明文路"]

    code, output = await asyncio.to_thread(seal_clear, database.url, "order-svc")
    assert code == 0, output
    for table in ORDER_TABLES:
        assert f"order-svc {table}." in output, output
    async with database.lane.connection() as connection:
        assert await rows_holding(connection, ORDER_TABLES, test_values) == []

    # the service's own read paths open every value (the erased buyer's as erased)
    vault = development_vault(database.lane)
    statements = OrderStatements(database.lane, vault)
    async with engine_for(database.url) as engine, AsyncSession(engine) as session:
        repository = OrderRepository(session, vault)
        for buyer_ref, mobile in mobiles.items():
            expected = ERASED if buyer_ref in erased_buyers else mobile
            loaded = await statements.load(orders[buyer_ref])
            assert loaded is not None
            assert loaded.order.consignee.mobile == expected
            assert loaded.order.consignee.city == "南京市"  # kept in clear, as the service keeps it
            (change,) = await repository.shipping_changes(orders[buyer_ref], after=None, limit=10)
            assert change.after["mobile"] == expected
            assert change.before["mobile"] == (ERASED if buyer_ref in erased_buyers else f"1370000{mobile[-4:]}")
            used = await statements.used_key("k-old", f"old-{orders[buyer_ref]}")
            assert used is not None
            assert (await opened_answer(vault, used.response_body))["consignee"]["mobile"] == expected
    async with database.lane.connection() as connection:
        # sealed under the buyer's one live key, the key the service itself seals new orders under
        live_keys = await connection.fetchval(
            "select count(*) from data_keys where subject = any($1::text[]) and destroyed_at is null",
            [buyer_subject(buyer_ref) for buyer_ref in mobiles],
        )
        erased_keys = await connection.fetchval(
            "select count(*) from data_keys where subject = any($1::text[]) and destroyed_at is null",
            [buyer_subject(buyer_ref) for buyer_ref in erased_buyers],
        )
    assert (live_keys, erased_keys) == (len(mobiles) - len(erased_buyers), 0)

    code, output = await asyncio.to_thread(seal_clear, database.url, "order-svc")
    assert code == 0, output
    assert output.count("sealed 0; 0 left in clear") == len(ORDER_TABLES), output


async def test_an_order_the_service_rewrites_meanwhile_keeps_the_service_value(order_database: OrderDatabase) -> None:
    database = order_database
    rewritten, untouched = [await old_order(database, f"buyer-race-{n}", f"1360000000{n}") for n in range(2)]
    # the service corrects the consignee of ``rewritten`` in a transaction still open while the command runs
    service_side = await asyncpg.connect(asyncpg_dsn(database.url))
    try:
        transaction = service_side.transaction()
        await transaction.start()
        await service_side.execute("select 1 from orders where order_id = $1 for update", rewritten)
        key = await development_vault(database.lane).key_for(buyer_subject("buyer-race-0"))
        corrected = {**clear_consignee("13511112222"), "address_line": "改过的地址 1 号"}
        await service_side.execute(
            "update orders set consignee = $2::jsonb where order_id = $1",
            rewritten,
            json.dumps(sealed_consignee(key, rewritten, corrected), ensure_ascii=False),
        )
        code, output = await asyncio.to_thread(seal_clear, database.url, "order-svc")
        assert code == 1, output  # the locked row is skipped and counted as left, not waited for
        assert "orders.consignee: sealed 1; 1 left in clear" in output, output
        await transaction.commit()
    finally:
        await service_side.close()

    code, output = await asyncio.to_thread(seal_clear, database.url, "order-svc")
    assert code == 0, output
    assert "orders.consignee: sealed 0; 0 left in clear" in output, output
    statements = OrderStatements(database.lane, development_vault(database.lane))
    loaded, other = await statements.load(rewritten), await statements.load(untouched)
    assert loaded is not None
    assert other is not None
    assert (loaded.order.consignee.mobile, loaded.order.consignee.address_line) == ("13511112222", "改过的地址 1 号")
    assert other.order.consignee.mobile == "13600000001"


async def test_logistics_consignees_in_clear_are_sealed_under_the_buyer_key_order_svc_names(
    order_database: OrderDatabase,
) -> None:
    order_id = await old_order(order_database, "buyer-dispatch", "13988887777")
    url = await fresh_service_database("logistics-svc", SUFFIX)
    lane = ConnectionLane(asyncpg_dsn(url), 2)
    unknown_order = f"PO-unknown-{uuid.uuid4().hex[:6]}"
    try:
        async with lane.connection() as connection:
            for known, consignee in (
                (order_id, clear_consignee("13988887777")),
                (unknown_order, clear_consignee("13966665555")),
                (f"PO-placed-{uuid.uuid4().hex[:6]}", {}),  # placed, not yet confirmed: nothing to seal
            ):
                await connection.execute(
                    "insert into known_orders (order_id, merchant_id, lines, consignee, status, placed_at) "
                    "values ($1, 'm-statements', '{}'::jsonb, $2::jsonb, 'confirmed', now())",
                    known,
                    json.dumps(consignee, ensure_ascii=False),
                )

        code, output = await asyncio.to_thread(seal_clear, url, "logistics-svc")
        assert code != 0, output  # refused: whose key is unknown
        assert "--orders-database-url" in output, output

        orders_url = ["--orders-database-url", order_database.url]
        code, output = await asyncio.to_thread(seal_clear, url, "logistics-svc", *orders_url)
        assert code == 1, output  # an order order-svc does not know stays as it is, reported
        assert "known_orders.consignee: sealed 1; 1 left in clear" in output, output

        async with lane.connection() as connection:
            assert await rows_holding(connection, ["known_orders"], ["13988887777"]) == []
            document = json.loads(
                await connection.fetchval("select consignee::text from known_orders where order_id = $1", order_id)
            )
            key_subject = await connection.fetchval("select subject from data_keys where destroyed_at is null")
        opened = await open_kept_consignee(development_vault(lane), order_id, document)
        assert opened["mobile"] == "13988887777"
        assert document["city"] == "南京市"
        assert key_subject == buyer_subject("buyer-dispatch")

        code, output = await asyncio.to_thread(seal_clear, url, "logistics-svc", *orders_url)
        assert "known_orders.consignee: sealed 0; 1 left in clear" in output, output
    finally:
        await lane.close()


async def test_bank_accounts_in_clear_are_sealed_with_their_blind_index_and_found_by_it() -> None:
    url = await fresh_service_database("settlement-svc", SUFFIX)
    lane = ConnectionLane(asyncpg_dsn(url), 2)
    accounts = {"ba-clear-1": ("钱七", "6222020200001234567"), "ba-clear-2": ("孙八", "6222020200007654321")}
    try:
        async with lane.connection() as connection:
            for account_id, (holder, number) in accounts.items():
                # as 0012_bank_data_sealed left an older row: last four filled, no blind index
                await connection.execute(
                    "insert into bank_accounts (bank_account_id, merchant_id, holder_name, bank_name, account_type, "
                    "account_number, account_number_last4, status, created_at) "
                    "values ($1, 'm-bank', $2, '工商银行', 'corporate', $3, right($3, 4), 'verified', now())",
                    account_id,
                    holder,
                    number,
                )

        code, output = await asyncio.to_thread(seal_clear, url, "settlement-svc")
        assert code == 0, output
        assert "sealed 2; 0 left in clear" in output, output

        vault = development_vault(lane)
        async with lane.connection() as connection:
            assert (
                await rows_holding(connection, ["bank_accounts"], [*(v for pair in accounts.values() for v in pair)])
                == []
            )
            for account_id, (holder, number) in accounts.items():
                found: Any = await connection.fetchrow(
                    "select bank_account_id, holder_name, account_number, account_number_last4 from bank_accounts "
                    "where account_number_index = $1",
                    development_blind_index().of(ACCOUNT_NUMBER_INDEX, number),
                )
                assert found is not None
                assert found["bank_account_id"] == account_id
                assert found["account_number_last4"] == number[-4:]
                assert await opened_bank_fields(
                    vault, account_id, holder_name=found["holder_name"], account_number=found["account_number"]
                ) == (holder, number)

        code, output = await asyncio.to_thread(seal_clear, url, "settlement-svc")
        assert code == 0, output
        assert "sealed 0; 0 left in clear" in output, output
    finally:
        await lane.close()
