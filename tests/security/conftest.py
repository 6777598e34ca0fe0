from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from e2e.platform_support import Platform
from security_support import start_security_platform

# The end-to-end helpers import one another as top-level modules (tests/e2e is on the path when its
# conftest is loaded); the access matrix reuses them when run without tests/e2e too.
E2E_DIR = str(Path(__file__).resolve().parents[1] / "e2e")
if E2E_DIR not in sys.path:
    sys.path.append(E2E_DIR)


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
