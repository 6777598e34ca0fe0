"""Carrier-side helpers for the logistics end-to-end tests: orders ready to ship, and webhook
requests shaped and signed the way Kuaidi100, AfterShip and our native scheme define them."""

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
from support import eventually

from logistics_svc.adapters.webhook_formats import aftership, kuaidi100, native

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


async def service_now(client: httpx.AsyncClient, base_url: str) -> datetime:
    """The service's own (test-movable) clock: scans are dated by it so timers line up."""
    return datetime.fromisoformat((await client.get(f"{base_url}/_test/clock")).json()["now"])


async def confirmed_order(
    client: httpx.AsyncClient, platform: Platform, merchant_key: str = "merchant_a"
) -> dict[str, Any]:
    order = worked_example_order(platform.keys[merchant_key]["merchant_id"])
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
) -> dict[str, Any]:
    """Dispatch once logistics has learned of the confirmation (it arrives through the bus)."""
    body = {
        "order_id": order["order_id"],
        "carrier_code": "SF",
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


def kuaidi100_form(tracking_number: str, scans: list[tuple[str, str, datetime]], salt: str, state: str) -> bytes:
    """A push as Kuaidi100 sends it: form fields param (JSON) and sign = MD5(param + salt), upper hex.
    ``scans`` are (status name, text, time), oldest first; Kuaidi100 lists newest first."""
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
                "com": "shunfeng",
                "nu": tracking_number,
                "data": data,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return urlencode({"param": param, "sign": kuaidi100.sign_param(param, salt)}).encode()


def aftership_body(tracking_number: str, checkpoints: list[tuple[str, str, datetime]], sent_at: datetime) -> bytes:
    """A tracking_update as AfterShip sends it; ``checkpoints`` are (tag, message, time)."""
    return json.dumps(
        {
            "event": "tracking_update",
            "event_id": str(uuid.uuid4()),
            "is_tracking_first_tag": False,
            "msg": {
                "id": uuid.uuid4().hex,
                "tracking_number": tracking_number,
                "slug": "sf-express",
                "tag": checkpoints[-1][0],
                "subtag": f"{checkpoints[-1][0]}_001",
                "title": tracking_number,
                "checkpoints": [
                    {
                        "checkpoint_time": at.astimezone(UTC).isoformat(),
                        "message": message,
                        "slug": "sf-express",
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
    tracking_number: str, scans: list[tuple[str, datetime]], secret: str
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "tracking_number": tracking_number,
            "carrier_code": "SF",
            "scans": [
                {"status": status, "occurred_at": at.isoformat(), "description": status, "location": "杭州"}
                for status, at in scans
            ],
        }
    ).encode()
    headers = native.sign(body, secret, f"msg_{uuid.uuid4().hex}", datetime.now(UTC))
    return body, {**headers, "content-type": "application/json"}
