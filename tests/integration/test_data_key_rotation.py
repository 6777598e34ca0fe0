"""Key rotation on real PostgreSQL while order-svc serves (issue 20, docs/security.md "Key rotation").

Two order-svc processes on one database, as in a rolling deployment of a new KEK: instance A
still wraps new data keys under the old KEK, instance B under the new one; both hold both. While
both place and read orders (new buyers, so data keys are created all along), the re-wrap command
(``python -m shipsettle_shared.data_keys rewrap``) moves every data key onto the new KEK. Then A
is stopped (the deployment is done) and the command runs once more. Nothing is lost: every
request succeeded with the consignee it placed, and every consignee in the database opens with a
keyring that holds the new KEK alone.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import uuid
from typing import Any

import httpx
import pytest
from local import ROOT, ServiceProcess, issue_key, service_process, stop_all
from support import TEST_KAFKA, fresh_service_database

from order_svc.adapters.personal_data import open_consignees
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.field_crypto import LocalKeyring
from shipsettle_shared.masking import mask_mobile
from shipsettle_shared.settings import DEVELOPMENT_PII_KEK, DEVELOPMENT_PII_KEK_ID
from shipsettle_shared.topology import SERVICES_BY_NAME

pytestmark = pytest.mark.infra

SUFFIX = "_pii_rotation"
# the e2e offset of this worktree (deploy/test.sh callers set it), plus room for two instances
PORT_OFFSET = int(os.environ.get("SHIPSETTLE_E2E_PORT_OFFSET", "0")) + 700
NEW_KEK_ID = "kek-2027-01"
NEW_KEK = base64.b64encode(b"rotation-test-kek-2027-01-secret").decode()
BOTH = f"{DEVELOPMENT_PII_KEK_ID}:{DEVELOPMENT_PII_KEK},{NEW_KEK_ID}:{NEW_KEK}"


def order_body(merchant_id: str, mobile: str) -> dict[str, Any]:
    return {
        "order_id": f"PO-rot-{uuid.uuid4().hex[:12]}",
        "merchant_id": merchant_id,
        "buyer_ref": f"buyer-rot-{uuid.uuid4().hex[:10]}",  # a new buyer: a new data key
        "currency": "CNY",
        "lines": [
            {
                "line_id": "L1",
                "sku": "CUP-1",
                "name": "杯子",
                "spec": "白色",
                "quantity": 1,
                "unit_price": "100.00",
                "vat_rate": "0.13",
                "category": "home",
            }
        ],
        "coupons": [],
        "shipping_fee": "0.00",
        "consignee": {
            "name": "王五",
            "mobile": mobile,
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "address_line": f"轮换路 {mobile[-4:]} 号",
            "postal_code": "310012",
        },
        "payment": {
            "channel": "alipay",
            "transaction_id": f"ALI-{uuid.uuid4().hex[:16]}",
            "amount": "100.00",
            "paid_at": "2026-11-27T10:00:00+08:00",
        },
    }


def instance(name: str, port_step: int, active_kek: str) -> ServiceProcess:
    return service_process(
        SERVICES_BY_NAME["order-svc"],
        bootstrap=TEST_KAFKA,
        db_suffix=SUFFIX,
        port_offset=PORT_OFFSET + port_step,
        environment="test",
        instance=f"rotation-{name}",
        extra_env={
            "SHIPSETTLE_PII_KEYRING": BOTH,
            "SHIPSETTLE_PII_ACTIVE_KEK": active_kek,
            "SHIPSETTLE_ROLES": "",  # HTTP only: no relay, no consumer group (nothing here needs the bus)
            # a short cache, so reads go back to the database (and its re-wrapped keys) often
            "SHIPSETTLE_PII_DATA_KEY_CACHE_TTL_S": "0.2",
        },
    )


def rewrap(env: dict[str, str]) -> tuple[int, str]:
    """The documented command, as ops run it: with the new KEK active and the old one still listed."""
    done = subprocess.run(
        [sys.executable, "-m", "shipsettle_shared.data_keys", "rewrap", "--batch", "3"],
        cwd=ROOT,
        env={**os.environ, **env, "SHIPSETTLE_PII_KEYRING": BOTH, "SHIPSETTLE_PII_ACTIVE_KEK": NEW_KEK_ID},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


async def test_data_keys_are_re_wrapped_under_a_new_kek_while_two_instances_serve_and_nothing_is_lost() -> None:
    url = await fresh_service_database("order-svc", SUFFIX)
    old_side, new_side = instance("a", 0, DEVELOPMENT_PII_KEK_ID), instance("b", 1, NEW_KEK_ID)
    started = [old_side, new_side]
    placed: dict[str, str] = {}  # order id -> mobile
    failures: list[str] = []
    try:
        for process in started:
            process.start()
        await asyncio.gather(*(asyncio.to_thread(process.wait_ready) for process in started))
        key = issue_key(old_side.env, "--role", "platform", "--label", "rotation")
        headers = {"Authorization": f"Bearer {key['api_key']}"}

        async def traffic(client: httpx.AsyncClient, stop: asyncio.Event) -> None:
            number = 0
            while not stop.is_set() or number < 40:
                process = started[number % 2]
                mobile = f"137{number:08d}"
                body = order_body("m-rotation", mobile)
                answer = await client.post(
                    f"{process.base_url}/v1/orders",
                    json=body,
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                )
                # the platform sees the mobile masked (only the merchant sees it whole, before dispatch)
                if answer.status_code != 201 or answer.json()["consignee"]["mobile"] != mask_mobile(mobile):
                    failures.append(f"place {answer.status_code} {answer.text[:200]}")
                else:
                    placed[body["order_id"]] = mobile
                # read an earlier order on the other instance: its key may be mid re-wrap
                earlier = list(placed)[min(number // 2, len(placed) - 1)] if placed else None
                if earlier is not None:
                    other = started[(number + 1) % 2]
                    read = await client.get(f"{other.base_url}/v1/orders/{earlier}", headers=headers)
                    if read.status_code != 200 or read.json()["consignee"]["mobile"] != mask_mobile(placed[earlier]):
                        failures.append(f"read {read.status_code} {read.text[:200]}")
                number += 1

        async with httpx.AsyncClient(timeout=10) as client:
            stop = asyncio.Event()
            running = asyncio.create_task(traffic(client, stop))
            while len(placed) < 10 and not running.done():
                await asyncio.sleep(0.05)
            code, output = await asyncio.to_thread(rewrap, new_side.env)
            assert code in (0, 1), output  # 1: instance A wrapped more under the old KEK meanwhile
            stop.set()
            await running
        assert failures == []
        stop_all([old_side])  # the rolling deployment is done: every instance wraps under the new KEK
        code, output = await asyncio.to_thread(rewrap, new_side.env)
        assert code == 0, output
        assert "0 left under other KEKs" in output
    finally:
        stop_all(started)

    # every consignee opens with the new KEK alone: the old one can leave the keyring
    lane = ConnectionLane(asyncpg_dsn(url), 1)
    try:
        async with lane.connection() as connection:
            stale = await connection.fetchval(
                "select count(*) from data_keys where destroyed_at is null and kek_id <> $1", NEW_KEK_ID
            )
            rows = await connection.fetch("select order_id, consignee::text as consignee from orders")
        vault = PersonalDataVault(lane, LocalKeyring.parse(f"{NEW_KEK_ID}:{NEW_KEK}"), ttl_s=60)
        opened = await open_consignees(vault, [(row["order_id"], json.loads(row["consignee"])) for row in rows])
    finally:
        await lane.close()
    assert stale == 0
    assert len(rows) == len(placed) >= 40
    mobiles = {row["order_id"]: consignee["mobile"] for row, consignee in zip(rows, opened, strict=True)}
    assert mobiles == placed
