"""Issue 16 on the running platform: a NUL (or another character PostgreSQL cannot store, or a
control character our exports cannot carry) in any text input is a 422 problem naming the
field, nothing is written, and the keep-alive connection carries the next request. Before the
fix the first two requests of the issue answered 500 and the server dropped the connection."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from logistics_support import ALL_LINES, confirmed_order, dispatch, native_request, service_now
from order_support import simple_order
from platform_support import Platform, bearer

from logistics_svc.adapters.webhook_formats import native

pytestmark = pytest.mark.infra

PROBLEM_JSON = "application/problem+json"


def refused_fields(response: httpx.Response) -> list[tuple[str, str]]:
    """The (field, location) pairs of an unstorable-text problem."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == "https://shipsettle.dev/problems/unstorable-text"
    return [(error["field"], error["location"]) for error in problem["errors"]]


class ConnectionCounter(httpx.AsyncHTTPTransport):
    """Counts the TCP connections the client opened: a dropped keep-alive needs a new one."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: set[int] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        stream = response.extensions.get("network_stream")
        if stream is not None:
            self.opened.add(id(stream))
        return response


async def test_a_nul_in_a_dispatch_body_is_a_422_and_the_connection_carries_the_real_dispatch(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = await confirmed_order(client, platform)
    base = platform.url("logistics-svc")
    counter = ConnectionCounter()
    async with httpx.AsyncClient(transport=counter, timeout=10) as one_connection:
        body = {"order_id": order["order_id"], "carrier_code": "ZT\u0000O", "tracking_number": "73100000000001"}
        response = await one_connection.post(
            f"{base}/v1/shipments", json={**body, "lines": ALL_LINES}, headers=bearer(platform.keys["merchant_a"])
        )
        assert refused_fields(response) == [("body.carrier_code", "body")]
        assert response.json()["errors"][0]["pointer"] == "/carrier_code"

        shipments = await one_connection.get(
            f"{base}/v1/orders/{order['order_id']}/shipments", headers=bearer(platform.keys["merchant_a"])
        )
        assert shipments.status_code == 200
        assert shipments.json() == []  # nothing written
        assert len(counter.opened) == 1  # the 422 left the connection open

    shipped = await dispatch(client, platform, order)
    assert shipped["status"] == "dispatched"


async def test_a_nul_in_a_query_or_path_parameter_is_a_422_naming_it(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    platform_key = bearer(platform.keys["platform"])
    refunds = await client.get(f"{platform.url('refund-svc')}/v1/refunds?order_id=A%00B", headers=platform_key)
    assert refused_fields(refunds) == [("query.order_id", "query")]

    order = await client.get(f"{platform.url('order-svc')}/v1/orders/A%00B", headers=platform_key)
    assert refused_fields(order) == [("path.order_id", "path")]

    escape = await client.get(f"{platform.url('settlement-svc')}/v1/orders/A%1B%5B31m/settlement", headers=platform_key)
    assert refused_fields(escape) == [("path.order_id", "path")]


async def test_a_lone_surrogate_in_an_order_is_a_422_and_no_order_exists(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = simple_order(platform.keys["merchant_a"]["merchant_id"])
    raw = json.dumps(order).replace('"buyer_ref": "', '"buyer_ref": "\\ud800', 1).encode()
    assert b"\\ud800" in raw
    response = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        content=raw,
        headers={**bearer(platform.keys["platform"]), "content-type": "application/json"},
    )
    assert refused_fields(response) == [("body.buyer_ref", "body")]

    missing = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}", headers=bearer(platform.keys["platform"])
    )
    assert missing.status_code == 404


async def test_a_form_field_of_a_voucher_upload_is_held_to_the_rule(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = platform.keys["merchant_a"]
    response = await client.post(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/vouchers",
        data={"kind": "invoice\u0000"},
        files={"file": ("invoice.pdf", b"%PDF-1.4\n\x00binary\n%%EOF", "application/pdf")},
        headers=bearer(merchant),
    )
    assert refused_fields(response) == [("body.kind", "body")]


async def test_a_merchant_records_file_with_a_nul_is_refused_naming_row_and_column(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = platform.keys["merchant_a"]
    records = "订单号,金额,日期\nPO-1,1.00,2026-11-27\nPO-\u00002,2.00,2026-11-27\n".encode()
    response = await client.post(
        f"{platform.url('recon-svc')}/v1/merchants/{merchant['merchant_id']}/records",
        params={"order_id_column": "订单号", "amount_column": "金额", "date_column": "日期", "month": "2026-11"},
        content=records,
        headers={**bearer(merchant), "content-type": "text/csv"},
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (3, "订单号")
    assert "U+0000 (NUL)" in error["message"]


async def test_a_signed_carrier_webhook_with_a_nul_is_a_422_and_moves_nothing(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = await confirmed_order(client, platform)
    shipped = await dispatch(client, platform, order)
    base = platform.url("logistics-svc")
    secret = (await client.post(f"{base}/v1/carriers/SF/webhook-secret", headers=bearer(platform.keys["ops"]))).json()[
        "webhook_secret"
    ]
    raw, _ = native_request(shipped["tracking_number"], [("delivered", await service_now(client, base))], secret)
    poisoned = raw.replace(b'"location": "', b'"location": "\\u0000', 1)
    assert poisoned != raw
    signed = native.sign(poisoned, secret, f"msg_{uuid.uuid4().hex}", datetime.now(UTC))
    response = await client.post(
        f"{base}/v1/webhooks/carriers/SF", content=poisoned, headers={**signed, "content-type": "application/json"}
    )
    assert refused_fields(response) == [("body.scans[0].location", "body")]

    found: dict[str, Any] = (
        await client.get(f"{base}/v1/shipments/{shipped['shipment_id']}", headers=bearer(platform.keys["ops"]))
    ).json()
    assert found["status"] == "dispatched"
