"""Per-key rate limits on the real service: a merchant key past its burst gets a 429 problem with
``Retry-After`` and nothing it asked for is written, another merchant's key is unaffected, and the
key works again once the advertised wait is over.

The limit is made small on an extra order-svc process of the security platform (its own buckets,
the platform's database): the platform's own processes keep the load drivers' large limits
(``DRIVER_RATE_LIMITS_ENV``), as the end-to-end platform and its fuzz do.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from e2e.platform_support import Platform, bearer, extra_instance
from order_support import CONSIGNEE, simple_order
from support import eventually

pytestmark = pytest.mark.infra

BURST = 3
PER_S = 0.2  # one token every 5 s: the burst is spent long before the next token comes
SMALL_MERCHANT_LIMIT = {
    "SHIPSETTLE_RATE_LIMIT_MERCHANT_PER_S": str(PER_S),
    "SHIPSETTLE_RATE_LIMIT_MERCHANT_BURST": str(BURST),
}


def _correction(attempt: int) -> dict[str, Any]:
    """A shipping-info correction that says which try it was (one history entry each when accepted)."""
    return {"consignee": {**CONSIGNEE, "address_line": f"文三路 {attempt} 号"}, "reason": f"try {attempt}"}


async def _merchant_with_order(client: httpx.AsyncClient, platform: Platform, label: str) -> tuple[dict[str, str], str]:
    merchant_id = f"m-rate-{label}-{uuid.uuid4().hex[:6]}"
    key = platform.issue_key("--role", "merchant", "--merchant-id", merchant_id, "--label", f"rate {label}")
    order = simple_order(merchant_id)
    placed = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert placed.status_code == 201, placed.text
    return key, order["order_id"]


async def _history(client: httpx.AsyncClient, platform: Platform, order_id: str) -> list[dict[str, Any]]:
    """Read through the platform's own order-svc with the platform key: no merchant bucket touched."""
    answer = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order_id}/shipping-info/history",
        headers=bearer(platform.keys["platform"]),
    )
    assert answer.status_code == 200, answer.text
    history: list[dict[str, Any]] = answer.json()["items"]  # one page: a handful of changes
    return history


async def test_a_merchant_key_past_its_burst_gets_429_with_retry_after_and_nothing_is_written(
    security_platform: Platform,
) -> None:
    platform = security_platform
    async with (
        httpx.AsyncClient(timeout=10) as client,
        extra_instance(platform, "order-svc", env=SMALL_MERCHANT_LIMIT) as limited,
    ):
        key_a, order_a = await _merchant_with_order(client, platform, "a")
        key_b, order_b = await _merchant_with_order(client, platform, "b")
        corrections = f"{limited.base_url}/v1/orders/{order_a}/shipping-info"

        # Merchant A spends its burst: the first BURST tries are accepted, then a 429 (a token
        # may come back while the tries run on a slow machine, hence "at least", bounded)
        answers: list[httpx.Response] = []
        for attempt in range(BURST + 10):
            answers.append(await client.patch(corrections, json=_correction(attempt), headers=bearer(key_a)))
            if answers[-1].status_code == 429:
                break
        refused = answers[-1]
        accepted = answers[:-1]
        assert refused.status_code == 429, [answer.status_code for answer in answers]
        assert len(accepted) >= BURST
        assert all(answer.status_code == 200 for answer in accepted), [answer.text for answer in accepted]

        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["type"].endswith("/rate-limited")
        assert problem["status"] == 429
        retry_after_s = int(refused.headers["Retry-After"])  # integer seconds
        assert 1 <= retry_after_s <= 5  # at most one token's time (1 / 0.2 s), rounded up
        assert problem["retry_after_s"] == retry_after_s
        assert refused.headers["RateLimit-Policy"] == f'"merchant";q={BURST};w=15'  # 3 / 0.2 s to refill
        assert refused.headers["RateLimit"] == f'"merchant";r=0;t={retry_after_s}'

        # Nothing written for the refused try (nor for more refused ones): one history entry per
        # accepted correction, the address the last accepted one's
        for attempt in range(100, 105):
            again = await client.patch(corrections, json=_correction(attempt), headers=bearer(key_a))
            assert again.status_code == 429, again.text
        history = await _history(client, platform, order_a)
        corrected = [entry for entry in history if entry["change"] != "confirmed"]
        assert [entry["reason"] for entry in corrected] == [f"try {attempt}" for attempt in range(len(accepted))]
        # the platform reads the consignee masked (issue 20): the reasons above name the corrections
        assert corrected[-1]["after"]["address_line"] == "****"

        # Another merchant's key on the same process is unaffected
        other = await client.patch(
            f"{limited.base_url}/v1/orders/{order_b}/shipping-info", json=_correction(0), headers=bearer(key_b)
        )
        assert other.status_code == 200, other.text

        # After the advertised wait, merchant A's key works again (polling while refused takes no
        # token, so the polls do not push the wait further out)
        async def a_is_served_again() -> bool:
            answer = await client.get(f"{limited.base_url}/v1/orders/{order_a}", headers=bearer(key_a))
            assert answer.status_code in (200, 429), answer.text
            return answer.status_code == 200

        await eventually(a_is_served_again, timeout_s=retry_after_s + 30, interval_s=0.5)
