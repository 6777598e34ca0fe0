"""The security tests' own platform: the services they attack, as processes, on their own ports
and databases, with settlement-svc's webhook allow-list empty (the end-to-end platform allows its
loopback receivers; this one allows nothing, as production)."""

from __future__ import annotations

from e2e.platform_support import E2E_DB_SUFFIX, E2E_PORT_OFFSET, Platform, start_platform

from shipsettle_shared.topology import SERVICES_BY_NAME

# Above the end-to-end platform's ports (and below its extra instances' and sandboxes'), so both
# platforms run side by side in one `make test`.
SECURITY_PORT_OFFSET = E2E_PORT_OFFSET + 30
SECURITY_DB_SUFFIX = E2E_DB_SUFFIX + "_security"

# What each process runs besides HTTP: order-svc publishes the keys it issues, settlement-svc
# learns them and delivers notifications; the others only answer HTTP (and so publish nothing
# the end-to-end platform on the same broker would consume).
SECURITY_ROLES = {
    "order-svc": "relay",
    "logistics-svc": "",
    "settlement-svc": "consumer,scheduler",
    "recon-svc": "",
}


async def start_security_platform() -> Platform:
    return await start_platform(
        port_offset=SECURITY_PORT_OFFSET,
        db_suffix=SECURITY_DB_SUFFIX,
        services=tuple(SERVICES_BY_NAME[name] for name in SECURITY_ROLES),
        sandboxes=False,
        webhook_allowed_hosts="",
        roles=SECURITY_ROLES,
        instance="security",
        check_documented_answers=True,
    )
