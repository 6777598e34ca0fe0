"""Bad input (Foundation): a missing or wrong key gets 401, a key of another merchant 404 (never
a hint that the resource exists), a malformed body 422 problem+json naming the field. Nothing
is written for a rejected request."""

from __future__ import annotations

import httpx
import pytest
from platform_support import Platform, bearer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from shipsettle_shared.db import api_keys_table, outbox_table
from shipsettle_shared.topology import SERVICES

pytestmark = pytest.mark.infra

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://shipsettle.dev/problems/")
    assert body["title"]
    assert body["detail"]
    return body


async def _row_counts(platform: Platform) -> tuple[int, int]:
    engine = create_async_engine(platform.database_urls["order-svc"])
    try:
        async with engine.connect() as connection:
            keys = await connection.scalar(select(func.count()).select_from(api_keys_table))
            events = await connection.scalar(select(func.count()).select_from(outbox_table))
    finally:
        await engine.dispose()
    return int(keys or 0), int(events or 0)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-shipsettle-key", "Bearer ss_0000000000000000_wrongsecret"],
)
async def test_a_missing_or_wrong_api_key_gets_401_on_every_service(
    platform: Platform, client: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    for spec in SERVICES:
        response = await client.get(f"{platform.url(spec.name)}/v1/ops/bus-probes/anything", headers=headers)
        body = assert_problem(response, 401)
        assert body["type"].endswith("/unauthorized")
        assert response.headers["www-authenticate"].startswith("ApiKey")


async def test_a_right_key_id_with_a_wrong_secret_gets_401(platform: Platform, client: httpx.AsyncClient) -> None:
    forged = f"ss_{platform.keys['ops']['key_id']}_guessed-secret"
    response = await client.get(
        f"{platform.url('order-svc')}/v1/ops/bus-probes/x", headers={"Authorization": f"Bearer {forged}"}
    )
    assert_problem(response, 401)


async def test_a_merchant_key_gets_404_for_another_merchants_resource_exactly_like_a_missing_one(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    base = platform.url("order-svc")
    merchant_a, merchant_b = platform.keys["merchant_a"]["merchant_id"], platform.keys["merchant_b"]["merchant_id"]
    own = await client.get(f"{base}/v1/merchants/{merchant_a}/api-keys", headers=bearer(platform.keys["merchant_a"]))
    assert own.status_code == 200
    assert [key["key_id"] for key in own.json()["items"]] == [platform.keys["merchant_a"]["key_id"]]

    other = await client.get(f"{base}/v1/merchants/{merchant_b}/api-keys", headers=bearer(platform.keys["merchant_a"]))
    missing = await client.get(f"{base}/v1/merchants/m-none/api-keys", headers=bearer(platform.keys["ops"]))
    other_body, missing_body = assert_problem(other, 404), assert_problem(missing, 404)
    assert other_body["type"] == missing_body["type"]
    assert other_body["title"] == missing_body["title"]
    assert other_body["detail"] == f"merchant {merchant_b!r} does not exist"
    # the platform, ops and auditor roles see every merchant
    for role in ("platform", "ops"):
        seen = await client.get(f"{base}/v1/merchants/{merchant_b}/api-keys", headers=bearer(platform.keys[role]))
        assert [key["key_id"] for key in seen.json()["items"]] == [platform.keys["merchant_b"]["key_id"]]


async def test_a_merchant_key_cannot_use_an_ops_operation(platform: Platform, client: httpx.AsyncClient) -> None:
    before = await _row_counts(platform)
    response = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys",
        json={"role": "ops", "label": "escalation attempt"},
        headers=bearer(platform.keys["merchant_a"]),
    )
    assert_problem(response, 403)
    assert await _row_counts(platform) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "wizard", "label": "x"}, "body.role"),
        ({"label": "no role"}, "body.role"),
        ({"role": "merchant", "label": "no merchant"}, "body.merchant_id"),
        ({"role": "platform", "label": "scoped wrongly", "merchant_id": "m-x"}, "body.merchant_id"),
        ({"role": "carrier", "label": "no carrier"}, "body.carrier_code"),
        ({"role": "ops", "label": ""}, "body.label"),
    ],
)
async def test_a_malformed_body_gets_422_naming_the_field_and_writes_nothing(
    platform: Platform, client: httpx.AsyncClient, body: dict, field: str
) -> None:
    before = await _row_counts(platform)
    response = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys", json=body, headers=bearer(platform.keys["ops"])
    )
    problem = assert_problem(response, 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert await _row_counts(platform) == before


async def test_a_body_that_is_not_json_gets_422(platform: Platform, client: httpx.AsyncClient) -> None:
    before = await _row_counts(platform)
    response = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys",
        content=b"{role: ops",
        headers={**bearer(platform.keys["ops"]), "content-type": "application/json"},
    )
    assert_problem(response, 422)
    assert await _row_counts(platform) == before


async def test_an_unknown_route_gets_a_404_problem(platform: Platform, client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(f"{platform.url('refund-svc')}/v1/nothing-here"), 404)
