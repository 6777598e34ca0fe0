"""Carrier-side helpers for the logistics end-to-end tests: orders ready to ship, webhook
requests shaped and signed the way Kuaidi100, AfterShip and our native scheme define them (for
any carrier: SF's codes by default), and reads of what logistics made of them."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from order_support import worked_example_order
from platform_support import Platform, bearer
from sqlalchemy import func, select, text
from support import engine_for, envelopes_on_topic, eventually

from logistics_svc.adapters.webhook_formats import aftership, kuaidi100, native
from shipsettle_shared.audit_routes import AUDIT_HEAD
from shipsettle_shared.contracts import Topic

CHINA = timedelta(hours=8)
FORM = {"content-type": "application/x-www-form-urlencoded"}
ITEMS = [
    {"line_id": "L1", "quantity": 2, "spec": "500g/罐"},
    {"line_id": "L2", "quantity": 1, "spec": "精装"},
    {"line_id": "L3", "quantity": 3, "spec": "标准"},
]
ALL_LINES = [{"line_id": "L1", "quantity": 2}, {"line_id": "L2", "quantity": 1}, {"line_id": "L3", "quantity": 3}]


def sf_number() -> str:
    return "SF" + "".join(random.choices("0123456789", k=13))


def digits_number() -> str:
    """12 digits: a number in both SF's and ZTO's formats (carriers' numbers overlap)."""
    return "".join(random.choices("0123456789", k=12))


def zto_number() -> str:
    return "73" + "".join(random.choices("0123456789", k=12))


def yto_number() -> str:
    return "YT" + "".join(random.choices("0123456789", k=13))


async def service_now(client: httpx.AsyncClient, base_url: str) -> datetime:
    """The service's own (test-movable) clock: scans are dated by it so timers line up."""
    return datetime.fromisoformat((await client.get(f"{base_url}/_test/clock")).json()["now"])


async def confirmed_order(
    client: httpx.AsyncClient,
    platform: Platform,
    merchant_key: str = "merchant_a",
    *,
    consignee: dict[str, str] | None = None,
    buyer_ref: str | None = None,
) -> dict[str, Any]:
    """The worked example placed and its shipping information confirmed; ``consignee`` and
    ``buyer_ref``, when given, replace the example's (a test that looks for its own personal data)."""
    order = worked_example_order(platform.keys[merchant_key]["merchant_id"])
    order.update({"consignee": consignee or order["consignee"], "buyer_ref": buyer_ref or order["buyer_ref"]})
    placed = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert placed.status_code == 201, placed.text
    confirmed = await client.post(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/shipping-info/confirm",
        json={"items": ITEMS},
        headers=bearer(platform.keys[merchant_key]),
    )
    assert confirmed.status_code == 200, confirmed.text
    return order


async def dispatch(
    client: httpx.AsyncClient,
    platform: Platform,
    order: dict[str, Any],
    *,
    tracking_number: str | None = None,
    lines: list[dict[str, Any]] | None = None,
    merchant_key: str = "merchant_a",
    carrier_code: str = "SF",
) -> dict[str, Any]:
    """Dispatch once logistics has learned of the confirmation (it arrives through the bus)."""
    body = {
        "order_id": order["order_id"],
        "carrier_code": carrier_code,
        "tracking_number": tracking_number or sf_number(),
        "lines": lines or ALL_LINES,
    }

    async def dispatched() -> dict[str, Any] | None:
        response = await client.post(
            f"{platform.url('logistics-svc')}/v1/shipments", json=body, headers=bearer(platform.keys[merchant_key])
        )
        if response.status_code in (404, 409) and response.json()["type"].rsplit("/", 1)[1] in (
            "not-found",
            "shipping-info-not-confirmed",
        ):
            return None
        assert response.status_code == 201, response.text
        return response.json()

    return await eventually(dispatched, timeout_s=30)


def kuaidi100_form(
    tracking_number: str, scans: list[tuple[str, str, datetime]], salt: str, state: str, com: str = "shunfeng"
) -> bytes:
    """A push as Kuaidi100 sends it: form fields param (JSON) and sign = MD5(param + salt), upper hex.
    ``scans`` are (status name, text, time), oldest first; Kuaidi100 lists newest first. ``com``
    is Kuaidi100's code of the carrier (SF's by default)."""
    data = [
        {
            "context": text,
            "time": (at.astimezone(UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "ftime": (at.astimezone(UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "status": status,
            "areaCode": "330100000000",
            "areaName": "浙江,杭州市",
        }
        for status, text, at in reversed(scans)
    ]
    param = json.dumps(
        {
            "status": "polling",
            "billstatus": "got",
            "message": "",
            "autoCheck": "0",
            "comOld": "",
            "comNew": "",
            "lastResult": {
                "message": "ok",
                "state": state,
                "status": "200",
                "condition": "F00",
                "ischeck": "1" if state == "3" else "0",
                "com": com,
                "nu": tracking_number,
                "data": data,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return urlencode({"param": param, "sign": kuaidi100.sign_param(param, salt)}).encode()


def aftership_body(
    tracking_number: str, checkpoints: list[tuple[str, str, datetime]], sent_at: datetime, slug: str = "sf-express"
) -> bytes:
    """A tracking_update as AfterShip sends it; ``checkpoints`` are (tag, message, time). ``slug``
    is AfterShip's code of the carrier (SF's by default)."""
    return json.dumps(
        {
            "event": "tracking_update",
            "event_id": str(uuid.uuid4()),
            "is_tracking_first_tag": False,
            "msg": {
                "id": uuid.uuid4().hex,
                "tracking_number": tracking_number,
                "slug": slug,
                "tag": checkpoints[-1][0],
                "subtag": f"{checkpoints[-1][0]}_001",
                "title": tracking_number,
                "checkpoints": [
                    {
                        "checkpoint_time": at.astimezone(UTC).isoformat(),
                        "message": message,
                        "slug": slug,
                        "tag": tag,
                        "subtag": f"{tag}_001",
                        "country_region": "CHN",
                        "city": "杭州",
                    }
                    for tag, message, at in checkpoints
                ],
            },
            "ts": int(sent_at.timestamp()),
        },
        ensure_ascii=False,
    ).encode()


def aftership_headers(body: bytes, secret: str) -> dict[str, str]:
    return {"content-type": "application/json", "aftership-hmac-sha256": aftership.sign(body, secret)}


def native_request(
    tracking_number: str, scans: list[tuple[str, datetime]], secret: str, carrier_code: str = "SF"
) -> tuple[bytes, dict[str, str]]:
    """A native webhook body naming ``carrier_code`` and its Standard Webhooks headers."""
    body = json.dumps(
        {
            "tracking_number": tracking_number,
            "carrier_code": carrier_code,
            "scans": [
                {"status": status, "occurred_at": at.isoformat(), "description": status, "location": "杭州"}
                for status, at in scans
            ],
        }
    ).encode()
    headers = native.sign(body, secret, f"msg_{uuid.uuid4().hex}", datetime.now(UTC))
    return body, {**headers, "content-type": "application/json"}


async def shipment(client: httpx.AsyncClient, platform: Platform, shipment_id: str) -> dict[str, Any]:
    response = await client.get(
        f"{platform.url('logistics-svc')}/v1/shipments/{shipment_id}", headers=bearer(platform.keys["ops"])
    )
    assert response.status_code == 200
    return response.json()


async def status_becomes(
    client: httpx.AsyncClient, platform: Platform, shipment_id: str, status: str
) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        found = await shipment(client, platform, shipment_id)
        return found if found["status"] == status else None

    return await eventually(reached, timeout_s=30)


async def table_counts(platform: Platform) -> dict[str, int]:
    """Rows in logistics' tables, to show that a refused request wrote nothing. The outbox is
    counted by the rows ever inserted (its identity's last value), not the rows present: the
    relay purges published rows older than its retention by the service's clock, which an earlier
    test may have moved days ahead, so a count could drop while a refusal is checked."""
    async with engine_for(platform.database_urls["logistics-svc"]) as engine:
        # An audited action just before (an ops key setting a secret) has its chain head published
        # a timer's interval later: one outbox row a refused request did not write. Counted once
        # that publication is behind us: the head timer's anchor is the chain's tail.
        async def head_published() -> bool:
            async with engine.connect() as connection:
                return bool(await connection.scalar(_AUDIT_HEAD_CAUGHT_UP, {"kind": AUDIT_HEAD}))

        await eventually(head_published, timeout_s=30, interval_s=0.1)
        async with engine.connect() as connection:
            return await _counts(connection)


# the chain is empty, or the pending head timer's anchor (the seq published last) is its tail
_AUDIT_HEAD_CAUGHT_UP = text(
    "select coalesce((select max(seq) from audit_log) is not distinct from "
    "(select max(cast(payload->>'anchor_seq' as bigint)) from timers "
    "where timer_kind = :kind and fired_at is null and cancelled_at is null), false) "
    "or not exists (select from audit_log)"
)


async def _counts(connection: Any) -> dict[str, int]:
    counts = {
        table: int(await connection.scalar(select(func.count()).select_from(text(table))) or 0)
        for table in ("webhook_deliveries", "scans", "shipments", "rejected_webhooks")
    }
    inserted = await connection.scalar(text("select pg_sequence_last_value(pg_get_serial_sequence('outbox', 'id'))"))
    return {**counts, "outbox rows ever inserted": int(inserted or 0)}


async def signed_off_events(shipment_id: str) -> int:
    return sum(
        1
        for _, envelope in await envelopes_on_topic(Topic.SHIPMENT)
        if envelope.event_type == "OrderSignedOff" and envelope.payload["shipment_id"] == shipment_id
    )


async def set_aggregator_secrets(platform: Platform, *, kuaidi100_salt: str, aftership_secret: str) -> None:
    """Ops configure the aggregators' secrets (a module's own, set when it starts)."""
    async with httpx.AsyncClient(timeout=10) as client:
        for source, secret in (("kuaidi100", kuaidi100_salt), ("aftership", aftership_secret)):
            response = await client.put(
                f"{platform.url('logistics-svc')}/v1/webhook-sources/{source}/secret",
                json={"secret": secret},
                headers=bearer(platform.keys["ops"]),
            )
            assert response.status_code == 204, response.text
