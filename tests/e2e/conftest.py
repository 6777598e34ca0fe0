from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from platform_support import Platform, start_platform
from support import eventually

from shipsettle_shared.topology import SERVICES


@pytest.fixture(scope="session")
async def platform() -> AsyncIterator[Platform]:
    platform = await start_platform()
    run = uuid.uuid4().hex[:6]  # keys of earlier runs on the same broker replicate too
    try:
        platform.keys = {
            "ops": platform.issue_key("--role", "ops", "--label", "e2e ops"),
            "auditor": platform.issue_key("--role", "auditor", "--label", "e2e auditor"),
            "platform": platform.issue_key("--role", "platform", "--label", "e2e marketplace"),
            "merchant_a": platform.issue_key("--role", "merchant", "--merchant-id", f"m-a-{run}", "--label", "shop A"),
            "merchant_b": platform.issue_key("--role", "merchant", "--merchant-id", f"m-b-{run}", "--label", "shop B"),
        }
        await wait_until_key_works_everywhere(platform, platform.keys["merchant_b"]["api_key"])
        yield platform
    finally:
        platform.stop()


async def wait_until_key_works_everywhere(platform: Platform, api_key: str) -> None:
    """Keys replicate through access.events; a key issued last works once this returns."""
    async with httpx.AsyncClient(timeout=5) as client:
        for spec in SERVICES:

            async def accepted(service: str = spec.name) -> bool:
                response = await client.get(
                    f"{platform.url(service)}/v1/ops/bus-probes/none",
                    headers={"Authorization": f"Bearer {api_key}"},
                )
                return response.status_code != 401

            await eventually(accepted, timeout_s=30)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
