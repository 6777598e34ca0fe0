"""End to end over HTTP against the five running services: health, readiness, metrics, API docs,
keys that reach every service through the bus, and a canary event that crosses the bus with
its correlation id."""

from __future__ import annotations

import math
import uuid

import httpx
import pytest
from platform_support import Platform, bearer, extra_instance, wait_until_key_works_everywhere
from support import envelopes_on_topic, eventually

from shipsettle_shared.contracts import Topic
from shipsettle_shared.settings import ServiceSettings
from shipsettle_shared.topology import SERVICES

pytestmark = pytest.mark.infra


async def test_every_service_is_healthy_ready_and_documents_its_api(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    for spec in SERVICES:
        base = platform.url(spec.name)
        assert (await client.get(f"{base}/healthz")).json() == {"status": "ok"}
        ready = (await client.get(f"{base}/readyz")).json()
        assert ready["checks"] == {"database": "ok", "kafka": "ok"}
        assert ready["service"] == spec.name
        openapi = (await client.get(f"{base}/openapi.json")).json()
        assert openapi["info"]["title"] == f"ShipSettle {spec.name}"
        metrics = (await client.get(f"{base}/metrics")).text
        for name in (
            "shipsettle_http_request_seconds",
            "shipsettle_consumer_lag_messages",
            "shipsettle_outbox_backlog_rows",
            "shipsettle_dead_letters_total",
        ):
            assert name in metrics, (spec.name, name)


async def test_the_consumer_lag_of_every_group_is_exported(platform: Platform, client: httpx.AsyncClient) -> None:
    async def lag_reported() -> bool:
        metrics = (await client.get(f"{platform.url('settlement-svc')}/metrics")).text
        return 'shipsettle_consumer_lag_messages{group="' in metrics and 'topic="access.events"' in metrics

    await eventually(lag_reported, timeout_s=20)


async def test_a_key_issued_over_http_works_on_every_service_and_stops_working_when_revoked(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    created = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys",
        json={"role": "merchant", "merchant_id": "m-revoke", "label": "short-lived"},
        headers=bearer(platform.keys["ops"]),
    )
    assert created.status_code == 201, created.text
    key = created.json()
    await wait_until_key_works_everywhere(platform, key["api_key"])

    revoked = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys/{key['key_id']}/revoke",
        json={"reason": "merchant offboarded"},
        headers=bearer(platform.keys["ops"]),
    )
    assert revoked.status_code == 204
    for spec in SERVICES:

        async def refused(service: str = spec.name) -> bool:
            response = await client.get(f"{platform.url(service)}/v1/ops/bus-probes/x", headers=bearer(key))
            return response.status_code == 401

        await eventually(refused, timeout_s=30)


async def test_a_revoked_key_is_refused_at_once_where_revoked_and_by_another_instance_within_the_stated_bound(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """README, API keys: how fast a revocation bites. Two order-svc processes share the database;
    the one that serves the revoke refuses the key at once, the other (which trusts keys from
    memory) once its cache TTL has passed on its clock."""
    created = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys",
        json={"role": "merchant", "merchant_id": "m-two-instances", "label": "short-lived"},
        headers=bearer(platform.keys["ops"]),
    )
    assert created.status_code == 201, created.text
    key = created.json()
    keys_of = "/v1/merchants/m-two-instances/api-keys"
    ttl_s = ServiceSettings.model_fields["api_key_cache_ttl_s"].default
    async with extra_instance(platform, "order-svc") as other:
        for base in (platform.url("order-svc"), other.base_url):  # both now hold the key in memory
            assert (await client.get(f"{base}{keys_of}", headers=bearer(key))).status_code == 200

        revoked = await client.post(
            f"{platform.url('order-svc')}/v1/api-keys/{key['key_id']}/revoke",
            json={"reason": "merchant offboarded"},
            headers=bearer(platform.keys["ops"]),
        )
        assert revoked.status_code == 204
        assert (await client.get(f"{platform.url('order-svc')}{keys_of}", headers=bearer(key))).status_code == 401

        moved = await client.post(f"{other.base_url}/_test/clock/advance", json={"seconds": math.ceil(ttl_s)})
        assert moved.status_code == 200
        refused = await client.get(f"{other.base_url}{keys_of}", headers=bearer(key))
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")


async def test_a_probe_crosses_the_bus_carrying_the_requests_correlation_id(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    correlation_id = f"corr-{uuid.uuid4()}"
    sent = await client.post(
        f"{platform.url('order-svc')}/v1/ops/bus-probes",
        json={"target_service": "recon-svc", "note": "e2e"},
        headers={**bearer(platform.keys["ops"]), "X-Correlation-ID": correlation_id},
    )
    assert sent.status_code == 202, sent.text
    assert sent.headers["x-correlation-id"] == correlation_id
    probe = sent.json()

    async def received() -> dict | None:
        response = await client.get(
            f"{platform.url('recon-svc')}/v1/ops/bus-probes/{probe['probe_id']}", headers=bearer(platform.keys["ops"])
        )
        return response.json() if response.status_code == 200 else None

    receipts = (await eventually(received, timeout_s=30))["receipts"]
    assert [receipt["event_id"] for receipt in receipts] == [probe["event_id"]]

    matches = [
        (record, envelope)
        for record, envelope in await envelopes_on_topic(Topic.DIAGNOSTICS)
        if str(envelope.event_id) == probe["event_id"]
    ]
    assert len(matches) == 1
    record, found = matches[0]
    assert dict(record.headers)["correlation_id"] == correlation_id.encode()
    assert found is not None
    assert found.correlation_id == correlation_id
    assert found.producer == "order-svc"


async def test_the_test_clock_moves_forward_only_in_the_test_environment(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    base = platform.url("settlement-svc")
    before = (await client.get(f"{base}/_test/clock")).json()["offset_s"]
    await platform.advance_clock(3600)
    assert (await client.get(f"{base}/_test/clock")).json()["offset_s"] == before + 3600
    backwards = await client.post(f"{base}/_test/clock/advance", json={"seconds": -5})
    assert backwards.status_code == 422
