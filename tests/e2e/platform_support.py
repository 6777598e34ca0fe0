"""The five services running as processes in the test environment, for end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from local import (
    DRIVER_RATE_LIMITS_ENV,
    ROOT,
    ServiceProcess,
    issue_key,
    provider_env,
    sandbox_process,
    service_process,
    stop_all,
)
from support import TEST_KAFKA, fresh_service_database

from shipsettle_shared.topology import SERVICES, ServiceSpec

# Overridable so two engineers (or helpers) can run end-to-end tests side by side on one machine.
E2E_PORT_OFFSET = int(os.environ.get("SHIPSETTLE_E2E_PORT_OFFSET", "10000"))
E2E_DB_SUFFIX = os.environ.get("SHIPSETTLE_E2E_DB_SUFFIX", "_e2e")


@dataclass
class Platform:
    processes: dict[str, ServiceProcess]
    database_urls: dict[str, str]
    keys: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.processes[service].base_url

    def issue_key(self, *arguments: str) -> dict[str, str]:
        return issue_key(self.processes["order-svc"].env, *arguments)

    async def advance_clock(self, seconds: int) -> None:
        """Move every service's test clock together: the services share one notion of time, as
        they would in production (a sign-off dated by logistics is held by settlement)."""
        import httpx

        async with httpx.AsyncClient(timeout=10) as client:
            for spec in SERVICES:
                response = await client.post(f"{self.url(spec.name)}/_test/clock/advance", json={"seconds": seconds})
                assert response.status_code == 200, response.text

    def stop(self) -> None:
        stop_all(list(self.processes.values()))


# The end-to-end tests' receivers of notifications listen on 127.0.0.1: settlement-svc may send
# there (the security tests' own platform allows nothing; see tests/security).
E2E_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"


async def start_platform(
    *,
    port_offset: int = E2E_PORT_OFFSET,
    db_suffix: str = E2E_DB_SUFFIX,
    services: tuple[ServiceSpec, ...] = SERVICES,
    sandboxes: bool = True,
    webhook_allowed_hosts: str = E2E_WEBHOOK_ALLOWED_HOSTS,
    roles: Mapping[str, str] | None = None,
    instance: str = "e2e",
    check_documented_answers: bool = False,
) -> Platform:
    """The services as processes on fresh databases; by default all five and the two provider
    sandboxes, as the end-to-end tests use them. ``roles``: a service's background loops
    (``SHIPSETTLE_ROLES``) when not all three. ``check_documented_answers``: every documented
    answer held to its OpenAPI model (the test suites; not the benches, which measure CPU)."""
    database_urls = {spec.name: await fresh_service_database(spec.name, db_suffix) for spec in services}
    group_prefix = f"{instance}-{uuid.uuid4().hex[:8]}."
    processes = {
        spec.name: service_process(
            spec,
            bootstrap=TEST_KAFKA,
            db_suffix=db_suffix,
            port_offset=port_offset,
            environment="test",
            extra_env={
                "SHIPSETTLE_CONSUMER_GROUP_PREFIX": group_prefix,
                "SHIPSETTLE_PAYOUT_BATCH_INTERVAL_S": "1",
                # each audit chain's head reaches recon within seconds (tests/e2e/test_audit_log.py)
                "SHIPSETTLE_AUDIT_HEAD_INTERVAL_S": "2",
                **DRIVER_RATE_LIMITS_ENV,
                **provider_env(spec.name, port_offset),
                # recon judges an order this long after its latest event (tests: seconds, not 30)
                **({"SHIPSETTLE_INVARIANT_GRACE_S": "2"} if spec.name == "recon-svc" else {}),
                **(
                    {"SHIPSETTLE_WEBHOOK_ALLOWED_HOSTS": webhook_allowed_hosts} if spec.name == "settlement-svc" else {}
                ),
                **({"SHIPSETTLE_ROLES": roles[spec.name]} if roles and spec.name in roles else {}),
                **({"SHIPSETTLE_CHECK_DOCUMENTED_ANSWERS": "true"} if check_documented_answers else {}),
            },
            instance=instance,
        )
        for spec in services
    }
    if sandboxes:
        state = ROOT / "var" / "e2e-sandboxes" / group_prefix.rstrip(".")
        processes["payout-sandbox"] = sandbox_process(
            "payout",
            port_offset=port_offset,
            state_dir=state / "payout",
            instance=instance,
            extra_args=("--fail-rate", "0", "--return-rate", "0", "--min-delay-ms", "20", "--max-delay-ms", "100"),
        )
        processes["refund-sandbox"] = sandbox_process(
            "refund",
            port_offset=port_offset,
            state_dir=state / "refund",
            instance=instance,
            extra_args=("--fail-rate", "0", "--min-delay-ms", "20", "--max-delay-ms", "100"),
        )
    platform = Platform(processes=processes, database_urls=database_urls)
    try:
        for process in processes.values():
            process.start()
        await asyncio.gather(*(asyncio.to_thread(process.wait_ready) for process in processes.values()))
    except BaseException:
        platform.stop()
        raise
    return platform


# A second instance of a service listens this far above the platform's ports (below the sandboxes').
EXTRA_INSTANCE_PORT_STEP = 60


@asynccontextmanager
async def extra_instance(
    platform: Platform, service: str, *, roles: str = "", env: Mapping[str, str] | None = None
) -> AsyncIterator[ServiceProcess]:
    """Another process of ``service`` on the platform's database and broker, as ops scale one out;
    by default serving HTTP only (no relay, consumer or scheduler, so moving its test clock
    fires nothing); ``env``: settings of its own (e.g. small rate limits). Stopped on exit."""
    first = platform.processes[service]
    port = first.port + EXTRA_INSTANCE_PORT_STEP
    process = replace(
        first,
        port=port,
        env={**first.env, "SHIPSETTLE_HTTP_PORT": str(port), "SHIPSETTLE_ROLES": roles, **(env or {})},
        log_path=first.log_path.with_name(f"{service}-e2e-extra.log"),
        instance="e2e-extra",
        process=None,
    )
    process.start()
    try:
        await asyncio.to_thread(process.wait_ready)
        yield process
    finally:
        process.stop()


async def wait_until_key_works_everywhere(platform: Platform, api_key: str) -> None:
    """Keys replicate through access.events; a key issued last works once this returns."""
    import httpx
    from support import eventually

    async with httpx.AsyncClient(timeout=5) as client:
        for spec in SERVICES:

            async def accepted(service: str = spec.name) -> bool:
                response = await client.get(
                    f"{platform.url(service)}/v1/ops/bus-probes/none",
                    headers={"Authorization": f"Bearer {api_key}"},
                )
                return response.status_code != 401

            await eventually(accepted, timeout_s=30)


async def start_e2e_platform() -> Platform:
    """The end-to-end platform with its standing keys (ops, auditor, platform, merchants A and B);
    the session fixture ``platform`` (tests/conftest.py)."""
    platform = await start_platform(check_documented_answers=True)
    run = uuid.uuid4().hex[:6]  # keys of earlier runs on the same broker replicate too
    try:
        platform.keys = {
            "ops": platform.issue_key("--role", "ops", "--label", "e2e ops"),
            # four eyes: what one ops key proposes, another approves (bank accounts, adjustments)
            "ops_second": platform.issue_key("--role", "ops", "--label", "e2e ops, second pair of eyes"),
            "auditor": platform.issue_key("--role", "auditor", "--label", "e2e auditor"),
            "platform": platform.issue_key("--role", "platform", "--label", "e2e marketplace"),
            "merchant_a": platform.issue_key("--role", "merchant", "--merchant-id", f"m-a-{run}", "--label", "shop A"),
            "merchant_b": platform.issue_key("--role", "merchant", "--merchant-id", f"m-b-{run}", "--label", "shop B"),
        }
        await wait_until_key_works_everywhere(platform, platform.keys["merchant_b"]["api_key"])
    except BaseException:
        platform.stop()
        raise
    return platform


def bearer(key: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {key['api_key']}"}


MAX_PAGES = 1000


async def every_page(
    client: Any, url: str, headers: dict[str, str], params: dict[str, Any] | None = None, *, limit: int = 200
) -> list[list[dict[str, Any]]]:
    """The items of a paginated list (``{"items", "next_cursor"}``) page by page, following
    ``next_cursor`` with the same route, path and filters (at most ``MAX_PAGES`` pages)."""
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page_params = {**(params or {}), "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get(url, params=page_params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError(f"{url}: more than {MAX_PAGES} pages")


async def every_item(
    client: Any, url: str, headers: dict[str, str], params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every item of a paginated list, in its order, with the largest page size."""
    return [item for page in await every_page(client, url, headers, params) for item in page]


async def new_merchant(platform: Platform, label: str) -> dict[str, str]:
    """A merchant of its own for a test that checks exact balances (keys reach every service
    through the bus; this waits until they have)."""
    import httpx

    merchant_id = f"m-{label}-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=10) as client:
        created = await client.post(
            f"{platform.url('order-svc')}/v1/api-keys",
            json={"role": "merchant", "merchant_id": merchant_id, "label": label},
            headers=bearer(platform.keys["ops"]),
        )
        assert created.status_code == 201, created.text
        key: dict[str, str] = created.json()
    await wait_until_key_works_everywhere(platform, key["api_key"])
    return key


async def approve_as_second_ops(
    client: httpx.AsyncClient, platform: Platform, service: str, proposal: httpx.Response, reason: str = "checked"
) -> dict[str, Any]:
    """Four eyes: the 202 proposal ``proposal`` (made with ``ops``) approved with the second ops
    key; returns the approval's answer (its ``result`` is the applied action's outcome)."""
    assert proposal.status_code == 202, proposal.text
    approval_id = proposal.json()["approval_id"]
    approved = await client.post(
        f"{platform.url(service)}/v1/approvals/{approval_id}/approve",
        json={"reason": reason},
        headers=bearer(platform.keys["ops_second"]),
    )
    assert approved.status_code == 200, approved.text
    answer: dict[str, Any] = approved.json()
    return answer


async def verify_bank_account(client: httpx.AsyncClient, platform: Platform, bank_account_id: str) -> None:
    """Ops proposes the account's verification and a second ops key approves it (four eyes)."""
    proposal = await client.post(
        f"{platform.url('settlement-svc')}/v1/bank-accounts/{bank_account_id}/verify",
        json={"reason": "holder and number match the merchant's licence"},
        headers=bearer(platform.keys["ops"]),
    )
    approved = await approve_as_second_ops(client, platform, "settlement-svc", proposal)
    assert approved["result"]["status"] == "verified", approved
