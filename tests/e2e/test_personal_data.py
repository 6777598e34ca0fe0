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
from logistics_support import ITEMS, dispatch
from order_support import CONSIGNEE, simple_order, worked_example_order
from platform_support import Platform, approve_as_second_ops, bearer, new_merchant
from sqlalchemy import text
from support import TEST_KAFKA, development_blind_index, development_vault, engine_for, eventually
from test_bad_input import assert_problem

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
    # the merchant sees it in full while the order is to be shipped; the platform, masked
    assert corrected.json()["consignee"] == second
    history = await client.get(f"{url}/shipping-info/history", headers=merchant)
    change = history.json()["items"][-1]
    assert (change["before"], change["after"]) == (first, second)
    assert placed.json()["consignee"] == {
        "name": first["name"][0] + "*",
        "mobile": first["mobile"][:3] + "****" + first["mobile"][-4:],
        "province": "浙江省",
        "city": "杭州市",
        "district": "****",
        "address_line": "****",
        "postal_code": "****",
    }
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

    # once dispatched, nobody sees it in full any more: not ops, not the merchant
    for reader in ("ops", "merchant_a"):
        history = await client.get(
            f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/shipping-info/history",
            headers=bearer(platform.keys[reader]),
        )
        assert history.status_code == 200, history.text
        change = history.json()["items"][-1]
        assert change["after"]["mobile"] == second["mobile"][:3] + "****" + second["mobile"][-4:]
        assert change["after"]["address_line"] == "****"
        read = await client.get(
            f"{platform.url('order-svc')}/v1/orders/{order['order_id']}", headers=bearer(platform.keys[reader])
        )
        assert read.json()["consignee"]["mobile"] == change["after"]["mobile"]

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
    # nor in any service's log (JSON lines on stdout, var/log/<service>-e2e.log)
    for service, process in platform.processes.items():
        log = process.log_path.read_text(errors="replace") if process.log_path.exists() else ""
        found = [secret for secret in secrets if secret in log]
        assert found == [], f"{service} logged {found}"
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


# The worked example order (order_support.worked_example_order) under tests/e2e/test_settlement.py's
# policy: commission 23040*5% + 5310*3% + 8999*8% = 2031.22 -> 2031 fen; the merchant's net is
# 343.49 + 10.00 shipping + 30.00 platform subsidy - 20.31 = 363.18.
POLICY = {"hold_days": 7, "default_commission_bp": 500, "commission_bp_by_category": {"books": 300, "services": 800}}
NET_MINOR = 36318


async def buyer_keys(database_url: str, buyer_ref: str) -> list[tuple[str, bool]]:
    """The buyer's data keys in one database: (key id, destroyed)."""
    async with engine_for(database_url) as engine, engine.connect() as connection:
        rows = await connection.execute(
            text("select key_id, wrapped_key is null from data_keys where subject = :subject order by created_at"),
            {"subject": f"buyer:{buyer_ref}"},
        )
        return [(row[0], bool(row[1])) for row in rows]


async def test_an_erased_buyer_reads_as_erased_everywhere_while_their_order_settles_to_the_fen(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    merchant = await new_merchant(platform, "erasure")
    platform.keys["erasure"] = merchant
    policy = await client.put(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/policy",
        json=POLICY,
        headers=bearer(platform.keys["ops"]),
    )
    assert policy.status_code == 200, policy.text
    consignee = unique_consignee()
    order = worked_example_order(merchant["merchant_id"])
    buyer_ref = order["buyer_ref"] = f"buyer-erase-{uuid.uuid4().hex[:8]}"
    order["consignee"] = consignee
    placing = {**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())}
    orders = f"{platform.url('order-svc')}/v1/orders"
    placed = await client.post(orders, json=order, headers=placing)
    assert placed.status_code == 201, placed.text
    confirmed = await client.post(
        f"{orders}/{order['order_id']}/shipping-info/confirm", json={"items": ITEMS}, headers=bearer(merchant)
    )
    assert confirmed.status_code == 200, confirmed.text
    await dispatch(client, platform, order, merchant_key="erasure")

    async def logistics_keeps_it() -> list[tuple[str, bool]] | None:
        return await buyer_keys(platform.database_urls["logistics-svc"], buyer_ref) or None

    assert [destroyed for _, destroyed in await eventually(logistics_keeps_it)] == [False]

    # export (ops only, audited): every order's consignee whole, with its changes
    export = f"{platform.url('order-svc')}/v1/buyers/{buyer_ref}/personal-data"
    exported = await client.get(export, headers=bearer(platform.keys["ops"]))
    assert exported.status_code == 200, exported.text
    [item] = exported.json()["items"]
    assert (item["order_id"], item["consignee"]) == (order["order_id"], consignee)
    assert [change["after"] for change in item["shipping_changes"]] == [consignee]
    assert_problem(await client.get(export, headers=bearer(merchant)), 403)
    assert_problem(await client.get(export, headers=bearer(platform.keys["auditor"])), 403)
    exports = await client.get(
        f"{platform.url('order-svc')}/v1/audit",
        params={"action": "buyers.export", "target_id": buyer_ref},
        headers=bearer(platform.keys["auditor"]),
    )
    assert [row["actor_key_id"] for row in exports.json()["items"]] == [platform.keys["ops"]["key_id"]]

    # four eyes: one ops key proposes, a second approves; unknown buyers are a 404
    erase = f"{platform.url('order-svc')}/v1/buyers/{buyer_ref}/erasure"
    unknown = await client.post(
        f"{platform.url('order-svc')}/v1/buyers/nobody-{uuid.uuid4().hex[:6]}/erasure",
        json={"reason": "buyer asked"},
        headers=bearer(platform.keys["ops"]),
    )
    assert_problem(unknown, 404)
    proposal = await client.post(
        erase, json={"reason": "PIPL deletion request #42"}, headers=bearer(platform.keys["ops"])
    )
    same_key = await client.post(
        f"{platform.url('order-svc')}/v1/approvals/{proposal.json()['approval_id']}/approve",
        json={"reason": "self"},
        headers=bearer(platform.keys["ops"]),
    )
    assert_problem(same_key, 403)
    assert [destroyed for _, destroyed in await buyer_keys(platform.database_urls["order-svc"], buyer_ref)] == [False]
    approved = await approve_as_second_ops(client, platform, "order-svc", proposal)
    assert approved["result"] == {"buyer_ref": buyer_ref, "data_keys_destroyed": 1}

    # order-svc's key is gone at once, logistics' once BuyerErased reached it
    assert [destroyed for _, destroyed in await buyer_keys(platform.database_urls["order-svc"], buyer_ref)] == [True]

    async def logistics_erased() -> bool:
        return [d for _, d in await buyer_keys(platform.database_urls["logistics-svc"], buyer_ref)] == [True]

    await eventually(logistics_erased, timeout_s=30)
    audited = await client.get(
        f"{platform.url('order-svc')}/v1/audit",
        params={"action": "buyers.erase", "target_id": buyer_ref},
        headers=bearer(platform.keys["auditor"]),
    )
    [row] = audited.json()["items"]
    assert (row["actor_key_id"], row["reason"]) == (platform.keys["ops_second"]["key_id"], "checked")

    # every copy reads as erased: the order, its shipping history, the kept Idempotency-Key answer
    erased = {**consignee, **dict.fromkeys(("name", "mobile", "district", "address_line", "postal_code"), "[erased]")}
    read = await client.get(f"{orders}/{order['order_id']}", headers=bearer(platform.keys["ops"]))
    assert read.json()["consignee"] == erased
    history = await client.get(
        f"{orders}/{order['order_id']}/shipping-info/history", headers=bearer(platform.keys["auditor"])
    )
    assert all(change["after"] == erased for change in history.json()["items"])
    [item] = (await client.get(export, headers=bearer(platform.keys["ops"]))).json()["items"]
    assert item["consignee"] == erased
    replayed = await client.post(orders, json=order, headers=placing)
    assert replayed.status_code == 201, replayed.text
    assert replayed.json()["consignee"] == erased
    assert replayed.json()["payable_minor"] == placed.json()["payable_minor"] == 35349
    # and nothing opens them any more, with the keyring itself
    where = {
        "order-svc": ("select consignee::text from orders where order_id = $1", "orders"),
        "logistics-svc": ("select consignee::text from known_orders where order_id = $1", "known_orders"),
    }
    for service, (query, table) in where.items():
        lane = ConnectionLane(asyncpg_dsn(platform.database_urls[service]), 1)
        try:
            async with lane.connection() as connection:
                document = json.loads(await connection.fetchval(query, order["order_id"]))
            context = f"{table}/{order['order_id']}/consignee"
            assert await development_vault(lane).open(context, document["sealed"]) is None
        finally:
            await lane.close()

    # the money is untouched: the buyer's sign-off books the merchant's net to the fen
    signed = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert signed.status_code == 200, signed.text

    async def booked() -> dict[str, Any] | None:
        found = (
            await client.get(
                f"{platform.url('settlement-svc')}/v1/orders/{order['order_id']}/settlement", headers=bearer(merchant)
            )
        ).json()
        return found if found.get("transactions") else None

    [booking] = (await eventually(booked, timeout_s=30))["transactions"]
    assert {p["account_id"]: p["amount_minor"] for p in booking["postings"]} == {
        "platform:clearing": -35349,
        "platform:subsidy": -3000,
        "platform:commission": 2031,
        f"merchant:{merchant['merchant_id']}:pending": NET_MINOR,
    }
    check = (
        await client.get(f"{platform.url('settlement-svc')}/v1/ledger/check", headers=bearer(platform.keys["auditor"]))
    ).json()
    assert check["ok"] is True
