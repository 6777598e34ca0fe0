"""The webhook intake's bulkhead on a real logistics-svc (real HTTP, PostgreSQL, Kafka):

- with its webhooks in flight at the bound, another carrier webhook is answered 503
  ``intake-busy`` with ``Retry-After`` before anything is read or stored, the process's other
  routes still answer, and the carrier's retry is taken once a place is free (nothing lost);
- the adaptive bound (on by default): while another request is in flight, webhooks that arrive
  compete with it, and the process narrows the share it takes: the webhooks past it get the same
  503 with nothing written, the API is not refused, and once nothing competes the carrier's retry
  of each refused webhook is taken and stored once.

Requests are held in flight by hand: requests whose chunked body has begun and does not end (the
body limit reads it inside the bulkhead). No timing: the test waits for states, never for time.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from e2e.platform_support import Platform, extra_instance
from logistics_support import aftership_body, aftership_headers, sf_number
from raw_http import unfinished_chunked_request
from sqlalchemy import text
from support import engine_for, eventually

pytestmark = pytest.mark.infra

MAX_IN_FLIGHT = 2
AFTERSHIP_PATH = "/v1/webhooks/aftership"


async def _set_aftership_secret(database_url: str, secret: str) -> None:
    """As ops would through PUT /v1/webhook-sources/aftership/secret (this platform's logistics-svc
    learns no keys: it runs no consumer)."""
    async with engine_for(database_url) as engine, engine.begin() as connection:
        await connection.execute(
            text(
                "insert into aggregator_secrets (source, secret, updated_at) values ('aftership', :secret, now())"
                " on conflict (source) do update set secret = excluded.secret, updated_at = excluded.updated_at"
            ),
            {"secret": secret},
        )


async def _deliveries(database_url: str, tracking_number: str) -> int:
    async with engine_for(database_url) as engine, engine.connect() as connection:
        stored = await connection.scalar(
            text("select count(*) from webhook_deliveries where tracking_number = :tracking_number"),
            {"tracking_number": tracking_number},
        )
    return int(stored or 0)


async def test_a_webhook_past_the_intake_bound_gets_503_with_retry_after_and_the_carrier_retry_is_taken(
    security_platform: Platform,
) -> None:
    platform = security_platform
    database_url = platform.database_urls["logistics-svc"]
    secret = f"bulkhead-{uuid.uuid4().hex[:8]}"
    await _set_aftership_secret(database_url, secret)
    tracking_number = sf_number()
    now = datetime.now(UTC)
    body = aftership_body(tracking_number, [("InTransit", "快件到达【杭州转运中心】", now)], now)
    bound = {"SHIPSETTLE_WEBHOOK_INTAKE_MAX_IN_FLIGHT": str(MAX_IN_FLIGHT)}
    async with (
        httpx.AsyncClient(timeout=10) as client,
        extra_instance(platform, "logistics-svc", env=bound) as bulkheaded,
    ):
        held = [
            await unfinished_chunked_request(bulkheaded.port, AFTERSHIP_PATH, {"content-type": "application/json"})
            for _ in range(MAX_IN_FLIGHT)
        ]
        try:
            # The held webhooks reach the bulkhead in their own time: a wrongly signed probe (which
            # writes nothing when it does get in: 401) shows when every place is taken
            async def intake_full() -> bool:
                probe = await client.post(
                    f"{bulkheaded.base_url}{AFTERSHIP_PATH}",
                    content=body,
                    headers=aftership_headers(body, "not-the-secret"),
                )
                assert probe.status_code in (401, 503), probe.text
                return probe.status_code == 503

            await eventually(intake_full, timeout_s=30)

            refused = await client.post(
                f"{bulkheaded.base_url}{AFTERSHIP_PATH}", content=body, headers=aftership_headers(body, secret)
            )
            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            problem = refused.json()
            assert problem["type"].endswith("/intake-busy")
            assert refused.headers["Retry-After"] == "1"
            assert problem["retry_after_s"] == 1
            assert await _deliveries(database_url, tracking_number) == 0  # nothing stored

            # The rest of the process is not bounded: probes and API routes answer as ever
            assert (await client.get(f"{bulkheaded.base_url}/healthz")).status_code == 200
            unauthenticated = await client.get(f"{bulkheaded.base_url}/v1/carriers")
            assert unauthenticated.status_code == 401, unauthenticated.text
        finally:
            for _, writer in held:
                writer.close()
            await asyncio.gather(*(writer.wait_closed() for _, writer in held), return_exceptions=True)

        # The carrier retries, as carriers do after a non-2xx: taken once a place is free, stored once
        async def retry_taken() -> bool:
            retried = await client.post(
                f"{bulkheaded.base_url}{AFTERSHIP_PATH}", content=body, headers=aftership_headers(body, secret)
            )
            assert retried.status_code in (200, 503), retried.text
            return retried.status_code == 200

        await eventually(retry_taken, timeout_s=30, interval_s=0.2)
        assert await _deliveries(database_url, tracking_number) == 1


def _metric(exposition: str, name: str) -> float:
    values = [float(line.split()[-1]) for line in exposition.splitlines() if line.startswith(name + " ")]
    assert len(values) == 1, (name, values)
    return values[0]


async def test_webhooks_past_the_adaptive_bound_get_503_with_nothing_written_and_are_taken_when_sent_again(
    security_platform: Platform,
) -> None:
    """The default bound (adaptive), with its busy share at 0: any work of the loop counts as busy,
    so competition alone narrows it, without having to load the machine (which the test cannot
    do reliably). The share, the signal and the 503 path are the shipped ones; what share of a
    real loop is "busy" by default is measured by make bench-flood."""
    platform = security_platform
    database_url = platform.database_urls["logistics-svc"]
    secret = f"adaptive-{uuid.uuid4().hex[:8]}"
    await _set_aftership_secret(database_url, secret)

    def signed_webhook() -> tuple[str, bytes]:
        tracking_number, now = sf_number(), datetime.now(UTC)
        return tracking_number, aftership_body(tracking_number, [("InTransit", "快件到达【杭州转运中心】", now)], now)

    taken: list[str] = []
    refused: dict[str, bytes] = {}
    async with (
        httpx.AsyncClient(timeout=10) as client,
        extra_instance(platform, "logistics-svc", env={"SHIPSETTLE_WEBHOOK_INTAKE_BUSY_SHARE": "0"}) as adaptive,
    ):
        url = f"{adaptive.base_url}{AFTERSHIP_PATH}"
        # A merchant's request in flight (an API route, its body still coming): the webhooks compete
        _, merchant = await unfinished_chunked_request(
            adaptive.port, "/v1/shipments", {"content-type": "application/json"}
        )
        try:

            async def one_refused() -> bool:
                tracking_number, body = signed_webhook()
                answer = await client.post(url, content=body, headers=aftership_headers(body, secret))
                assert answer.status_code in (200, 503), answer.text
                if answer.status_code == 200:
                    taken.append(tracking_number)
                    return False
                assert answer.headers["content-type"] == "application/problem+json"
                assert answer.headers["Retry-After"] == "1"
                problem = answer.json()
                assert problem["type"].endswith("/intake-busy")
                assert problem["retry_after_s"] == 1
                refused[tracking_number] = body
                return True

            await eventually(one_refused, timeout_s=60, interval_s=0.05)
            # a few more past the narrowed share: each refused or taken, never anything else
            for _ in range(8):
                await one_refused()
            for tracking_number in refused:  # nothing written for a refused webhook
                assert await _deliveries(database_url, tracking_number) == 0
            for tracking_number in taken:
                assert await _deliveries(database_url, tracking_number) == 1
            exposition = (await client.get(f"{adaptive.base_url}/metrics")).text
            assert _metric(exposition, "shipsettle_webhook_intake_share") < 1
            assert _metric(exposition, 'shipsettle_webhook_intake_refused_total{bound="adaptive"}') >= len(refused)
            # The API is not bounded by it: an API route and the probe answer as ever
            unauthenticated = await client.get(f"{adaptive.base_url}/v1/carriers")
            assert unauthenticated.status_code == 401, unauthenticated.text
            assert (await client.get(f"{adaptive.base_url}/healthz")).status_code == 200
        finally:
            merchant.close()
            await asyncio.gather(merchant.wait_closed(), return_exceptions=True)

        # Nothing competes any more: the carrier's retry of each refused webhook is taken, stored once
        for tracking_number, body in refused.items():

            async def retry_taken(body: bytes = body) -> bool:
                retried = await client.post(url, content=body, headers=aftership_headers(body, secret))
                assert retried.status_code in (200, 503), retried.text
                return retried.status_code == 200

            await eventually(retry_taken, timeout_s=30, interval_s=0.2)
            assert await _deliveries(database_url, tracking_number) == 1

        async def every_webhook_taken_again() -> bool:
            exposition = (await client.get(f"{adaptive.base_url}/metrics")).text
            return _metric(exposition, "shipsettle_webhook_intake_share") == 1

        await eventually(every_webhook_taken_again, timeout_s=30)
