"""Personal data end to end (issue 20): a buyer's consignee, placed, confirmed, corrected and
dispatched over HTTP, is in clear in no database (pg_dump of each service's) and on no topic
(every record's bytes), while the responses that need it still show it and logistics, which
dispatches, can open its own copy."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from logistics_support import dispatch
from order_support import CONSIGNEE, simple_order
from platform_support import Platform, bearer
from sqlalchemy import text
from support import TEST_KAFKA, development_blind_index, development_vault, engine_for, eventually

from logistics_svc.adapters.personal_data import open_kept_consignee
from shipsettle_shared.contracts import Topic, partitions_of
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.kafka_access import tooling_client_config

pytestmark = pytest.mark.infra


def unique_consignee() -> dict[str, str]:
    """A consignee no other test uses, so a literal search for its values finds only its copies."""
    tag = uuid.uuid4().int
    return {
        **CONSIGNEE,
        "name": f"隐私{uuid.uuid4().hex[:6]}",
        "mobile": f"139{tag % 10**8:08d}",
        "address_line": f"保密路 {uuid.uuid4().hex[:10]} 号",
    }


async def pg_dump(database_url: str) -> str:
    """The database's data as pg_dump writes it (every table, every row)."""
    process = await asyncio.create_subprocess_exec(
        "pg_dump",
        "--data-only",
        "--dbname",
        asyncpg_dsn(database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def every_record_on_the_bus() -> list[bytes]:
    """Every record's key and value on every topic, as bytes (read without a group)."""
    consumer = AIOKafkaConsumer(**tooling_client_config(TEST_KAFKA), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(str(topic), p) for topic in Topic for p in partitions_of(topic)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        found: list[bytes] = []
        while [p for p in partitions if await consumer.position(p) < end[p]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    found.append((record.key or b"") + b"|" + (record.value or b""))
        return found
    finally:
        await consumer.stop()


async def placed_confirmed_corrected_dispatched(
    client: httpx.AsyncClient, platform: Platform, first: dict[str, str], second: dict[str, str]
) -> dict[str, Any]:
    order = simple_order(platform.keys["merchant_a"]["merchant_id"])
    order["buyer_ref"] = f"buyer-{uuid.uuid4().hex[:10]}"
    order["consignee"] = first
    key = str(uuid.uuid4())
    placing = {**bearer(platform.keys["platform"]), "Idempotency-Key": key}
    placed = await client.post(f"{platform.url('order-svc')}/v1/orders", json=order, headers=placing)
    assert placed.status_code == 201, placed.text
    again = await client.post(f"{platform.url('order-svc')}/v1/orders", json=order, headers=placing)
    assert again.status_code == 201, again.text
    assert again.json() == placed.json()  # the kept answer, opened again
    url = f"{platform.url('order-svc')}/v1/orders/{order['order_id']}"
    merchant = bearer(platform.keys["merchant_a"])
    confirmed = await client.post(
        f"{url}/shipping-info/confirm",
        json={"items": [{"line_id": "L1", "quantity": 1, "spec": "白色"}]},
        headers=merchant,
    )
    assert confirmed.status_code == 200, confirmed.text
    corrected = await client.patch(
        f"{url}/shipping-info", json={"consignee": second, "reason": "buyer moved"}, headers=merchant
    )
    assert corrected.status_code == 200, corrected.text
    # logistics dispatches with the corrected consignee, which reached it sealed
    await dispatch(client, platform, order, lines=[{"line_id": "L1", "quantity": 1}])

    async def on_timeline() -> dict[str, Any] | None:
        timeline = await client.get(f"{url}/timeline", headers=merchant)
        types = [item["event_type"] for item in timeline.json()["items"]]
        return timeline.json() if "ShipmentDispatched" in types else None

    timeline = await eventually(on_timeline, timeout_s=30)
    assert all("consignee" not in item["details"] for item in timeline["items"])
    return order


async def test_a_consignee_is_in_clear_in_no_database_and_on_no_topic_yet_logistics_can_open_its_copy(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    first, second = unique_consignee(), unique_consignee()
    order = await placed_confirmed_corrected_dispatched(client, platform, first, second)

    history = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/shipping-info/history",
        headers=bearer(platform.keys["ops"]),
    )
    assert history.status_code == 200, history.text
    change = history.json()["items"][-1]
    assert (change["before"]["mobile"], change["after"]["mobile"]) == (first["mobile"], second["mobile"])

    secrets = [
        value
        for consignee in (first, second)
        for value in (consignee["mobile"], consignee["address_line"], consignee["name"])
    ]
    for service, database_url in platform.database_urls.items():
        dump = await pg_dump(database_url)
        found = [secret for secret in secrets if secret in dump]
        assert found == [], f"{service} keeps {found} in clear"
    records = await every_record_on_the_bus()
    assert records
    for secret in secrets:
        assert not [record for record in records if secret.encode() in record], f"{secret} is on the bus in clear"

    # logistics (which dispatches) keeps the corrected consignee sealed under its own key, and opens it
    lane = ConnectionLane(asyncpg_dsn(platform.database_urls["logistics-svc"]), 1)
    try:
        async with lane.connection() as connection:
            document = await connection.fetchval(
                "select consignee::text from known_orders where order_id = $1", order["order_id"]
            )
        opened = await open_kept_consignee(development_vault(lane), order["order_id"], json.loads(document))
    finally:
        await lane.close()
    assert opened == second


def luhn_card(prefix: str = "622202") -> str:
    """A 19-digit card number no other test uses, with its Luhn check digit."""
    body = prefix + f"{uuid.uuid4().int % 10**12:012d}"
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


async def test_a_bank_account_is_stored_sealed_found_by_its_blind_index_and_shown_masked(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    card, holder = luhn_card(), f"隐私户名{uuid.uuid4().hex[:6]}"
    merchant_id = platform.keys["merchant_a"]["merchant_id"]
    registered = await client.post(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant_id}/bank-accounts",
        json={"holder_name": holder, "bank_name": "中国银行", "account_type": "card", "account_number": card},
        headers=bearer(platform.keys["merchant_a"]),
    )
    assert registered.status_code == 201, registered.text
    account = registered.json()
    assert (account["holder_name"], account["account_number_masked"]) == ("隐*", f"**** {card[-4:]}")

    dump = await pg_dump(platform.database_urls["settlement-svc"])
    assert card not in dump
    assert holder not in dump
    # the blind index finds the row by the number, without the number
    async with engine_for(platform.database_urls["settlement-svc"]) as engine, engine.connect() as connection:
        found = (
            await connection.execute(
                text("select bank_account_id from bank_accounts where account_number_index = :index"),
                {"index": development_blind_index().of("account_number", card)},
            )
        ).scalars()
        assert list(found) == [account["bank_account_id"]]
