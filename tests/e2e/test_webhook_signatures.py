"""Carrier and aggregator webhooks with missing, malformed, wrong or stale signatures: each a 401
problem that writes nothing; and what is kept of bodies nobody authenticated (a capped sample)."""

from __future__ import annotations

import math
import secrets
import time
from datetime import timedelta

import httpx
import pytest
from logistics_support import (
    FORM,
    aftership_body,
    aftership_headers,
    confirmed_order,
    dispatch,
    kuaidi100_form,
    native_request,
    service_now,
    set_aggregator_secrets,
    shipment,
    table_counts,
)
from platform_support import Platform, bearer
from signature_support import assert_unauthenticated, bad_signature_requests
from sqlalchemy import text
from support import engine_for, eventually

from logistics_svc.adapters import rejected_sample

pytestmark = pytest.mark.infra

KUAIDI100_SALT = secrets.token_hex(16)
AFTERSHIP_SECRET = secrets.token_hex(24)
WEBHOOK_UNAUTHENTICATED = "webhook-unauthenticated"


@pytest.fixture(scope="module", autouse=True)
async def aggregator_secrets(platform: Platform) -> None:
    await set_aggregator_secrets(platform, kuaidi100_salt=KUAIDI100_SALT, aftership_secret=AFTERSHIP_SECRET)


async def test_every_signature_failure_on_every_webhook_is_a_401_problem_that_writes_nothing(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = await confirmed_order(client, platform)
    shipped = await dispatch(client, platform, order)
    number = shipped["tracking_number"]
    now = await service_now(client, platform.url("logistics-svc"))
    base = f"{platform.url('logistics-svc')}/v1/webhooks"
    secret = (
        await client.post(
            f"{platform.url('logistics-svc')}/v1/carriers/SF/webhook-secret", headers=bearer(platform.keys["ops"])
        )
    ).json()["webhook_secret"]
    before = await table_counts(platform)

    raw, _ = native_request(number, [("delivered", now)], secret)
    for case, (content, headers) in bad_signature_requests(raw, secret).items():
        response = await client.post(f"{base}/carriers/SF", content=content, headers=headers)
        assert_unauthenticated(response, f"native: {case}", WEBHOOK_UNAUTHENTICATED)

    fresh = aftership_body(number, [("Delivered", "Delivered", now)], now)
    stale = aftership_body(number, [("Delivered", "Delivered", now)], now - timedelta(days=30))
    good = aftership_headers(fresh, AFTERSHIP_SECRET)
    aftership_cases = {
        "no signature": (fresh, {"content-type": "application/json"}),
        "empty signature": (fresh, {**good, "aftership-hmac-sha256": ""}),
        "signature not base64": (fresh, {**good, "aftership-hmac-sha256": "@@@@"}),
        "signature of another secret": (fresh, aftership_headers(fresh, "another-secret-0123456789")),
        "body altered after signing": (fresh.replace(b"Delivered", b"DelivereD", 1), good),
        "body not UTF-8": (b"\xff" + fresh, good),
        "stale (ts 30 days old)": (stale, aftership_headers(stale, AFTERSHIP_SECRET)),
    }
    for case, (content, headers) in aftership_cases.items():
        response = await client.post(f"{base}/aftership", content=content, headers=headers)
        assert_unauthenticated(response, f"aftership: {case}", WEBHOOK_UNAUTHENTICATED)

    form = kuaidi100_form(number, [("签收", "已签收", now)], KUAIDI100_SALT, "3")
    param_only = form.split(b"&sign=")[0]
    kuaidi100_cases = {
        "no sign field": param_only,
        "empty sign": param_only + b"&sign=",
        "sign not hex": param_only + b"&sign=%40%40%40",
        "sign of another salt": kuaidi100_form(number, [("签收", "已签收", now)], "not-the-salt", "3"),
        "param altered after signing": form.replace(b"shunfeng", b"shunfenG", 1),
    }
    for case, content in kuaidi100_cases.items():
        response = await client.post(f"{base}/kuaidi100", content=content, headers=FORM)
        assert_unauthenticated(response, f"kuaidi100: {case}", WEBHOOK_UNAUTHENTICATED)
        # Kuaidi100 reads its own reply fields: they travel as the problem's extension members
        assert (response.json()["result"], response.json()["returnCode"]) == (False, "401"), case

    assert await table_counts(platform) == before
    assert (await shipment(client, platform, shipped["shipment_id"]))["status"] == "dispatched"


async def _unauthenticated_kuaidi100_rows(platform: Platform) -> list[tuple[int, int]]:
    """(id, stored body length) of the kept samples of unauthenticated Kuaidi100 bodies."""
    async with engine_for(platform.database_urls["logistics-svc"]) as engine, engine.connect() as connection:
        rows = await connection.execute(
            text(
                "select id, length(raw_body) from rejected_webhooks"
                " where source = 'kuaidi100' and reason like '%unauthenticated sample%' order by id"
            )
        )
        return [(int(row[0]), int(row[1])) for row in rows]


async def test_bodies_nobody_authenticated_are_kept_only_as_a_capped_truncated_sample(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    url = f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100"
    not_a_form = b"%zz" + b"x" * 20_000  # no param, no sign: nobody can say who sent it
    flood = 40
    before = {row_id for row_id, _ in await _unauthenticated_kuaidi100_rows(platform)}
    started = time.monotonic()
    for _ in range(flood):
        response = await client.post(url, content=not_a_form, headers=FORM)
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")
    elapsed_s = time.monotonic() - started
    kept = [(row_id, size) for row_id, size in await _unauthenticated_kuaidi100_rows(platform) if row_id not in before]
    # the bucket: at most CAPACITY (10) at once, then CAPACITY a minute (one per 6 s) while the flood lasts
    bound = rejected_sample.CAPACITY + math.ceil(elapsed_s * rejected_sample.REFILL_PER_S)
    assert len(kept) <= bound < flood
    assert all(size == rejected_sample.MAX_BODY_BYTES for _, size in kept)

    # sampling goes on: within a refill (6 s) one more body is kept again, cut to 4 KiB
    async def one_kept_again() -> list[tuple[int, int]] | None:
        await client.post(url, content=not_a_form, headers=FORM)
        seen = {row_id for row_id, _ in kept} | before
        fresh = [row for row in await _unauthenticated_kuaidi100_rows(platform) if row[0] not in seen]
        return fresh or None

    fresh = await eventually(one_kept_again, timeout_s=30, interval_s=1)
    assert all(size == rejected_sample.MAX_BODY_BYTES for _, size in fresh)
