from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from e2e.platform_support import Platform
from security_support import start_security_platform


@pytest.fixture(scope="session")
async def security_platform() -> AsyncIterator[Platform]:
    platform = await start_security_platform()
    run = uuid.uuid4().hex[:6]
    try:
        platform.keys = {
            "platform": platform.issue_key("--role", "platform", "--label", "security marketplace"),
            "merchant": platform.issue_key("--role", "merchant", "--merchant-id", f"m-sec-{run}", "--label", "shop"),
        }
        yield platform
    finally:
        platform.stop()
