"""The security tests' own platform: the services they attack, as processes, on their own ports
and databases, with settlement-svc's webhook allow-list empty (the end-to-end platform allows its
loopback receivers; this one allows nothing, as production)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from e2e.platform_support import E2E_DB_SUFFIX, E2E_PORT_OFFSET, Platform, start_platform

from shipsettle_shared.topology import SERVICES_BY_NAME

# Above the end-to-end platform's ports (and below its extra instances' and sandboxes'), so both
# platforms run side by side in one `make test`.
SECURITY_PORT_OFFSET = E2E_PORT_OFFSET + 30
SECURITY_DB_SUFFIX = E2E_DB_SUFFIX + "_security"
ATTACKED_SERVICES = ("order-svc", "logistics-svc", "settlement-svc", "recon-svc")


@pytest.fixture(scope="session")
async def security_platform() -> AsyncIterator[Platform]:
    platform = await start_platform(
        port_offset=SECURITY_PORT_OFFSET,
        db_suffix=SECURITY_DB_SUFFIX,
        services=tuple(SERVICES_BY_NAME[name] for name in ATTACKED_SERVICES),
        sandboxes=False,
        webhook_allowed_hosts="",
        instance="security",
    )
    run = uuid.uuid4().hex[:6]
    try:
        platform.keys = {
            "platform": platform.issue_key("--role", "platform", "--label", "security marketplace"),
            "merchant": platform.issue_key("--role", "merchant", "--merchant-id", f"m-sec-{run}", "--label", "shop"),
        }
        yield platform
    finally:
        platform.stop()
