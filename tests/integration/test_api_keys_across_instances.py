"""API keys verified from each process's cache, on real PostgreSQL with the service's real access
consumer path (ConsumerLoop.apply, no Kafka): two instances of one service share its database,
and only one of them consumes the partition of a key's events (as in a consumer group).

- the instance that applies a revocation refuses the key at once;
- the other refuses it once its cache's TTL has passed on its clock (the stated bound), having
  read the revocation from the shared database;
- a key issued after a refused attempt works at once on the instance that did not apply it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from support import engine_for, fresh_service_database

from shipsettle_shared.auth import generate_key
from shipsettle_shared.clock import ShiftableClock, SystemClock
from shipsettle_shared.contracts import ApiKeyIssued, ApiKeyRevoked, Role
from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.messaging.consumer import ConsumerLoop
from shipsettle_shared.outbox import build_envelope
from shipsettle_shared.problems import Unauthorized
from shipsettle_shared.service import ServiceRuntime, access_subscription, outbound_http_client
from shipsettle_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra

PEPPER = ServiceSettings.model_fields["api_key_pepper"].default


@pytest.fixture(scope="module")
async def database_url() -> str:
    return await fresh_service_database("settlement-svc", "_api_key_cache")


@asynccontextmanager
async def instance(database_url: str) -> AsyncIterator[ServiceRuntime]:
    """One process of settlement-svc as far as keys go: its pool, lane, clock and key cache."""
    settings = ServiceSettings(service_name="settlement-svc", database_url=database_url)
    async with engine_for(database_url) as engine:
        runtime = ServiceRuntime(
            settings=settings,
            clock=ShiftableClock(),
            engine=engine,
            sessions=async_sessionmaker(engine, expire_on_commit=False),
            producer=None,  # type: ignore[arg-type]  # nothing here produces to Kafka
            lane=ConnectionLane.for_settings(settings),
            http=outbound_http_client(),  # opens no connection: nothing here calls out
        )
        try:
            yield runtime
        finally:
            await runtime.lane.close()
            await runtime.http.aclose()


def access_consumer(runtime: ServiceRuntime) -> ConsumerLoop:
    subscription = access_subscription("settlement-svc", runtime.api_keys)
    return ConsumerLoop(runtime.settings, runtime.sessions, subscription, dead_letter_producer=None)  # type: ignore[arg-type]


def issued_event(key_id: str, secret_hash: str) -> ApiKeyIssued:
    return ApiKeyIssued(key_id=key_id, secret_hash=secret_hash, role=Role.MERCHANT, merchant_id="m-1", label="shop")


async def test_a_revocation_bites_at_once_where_applied_and_within_the_ttl_on_another_instance(
    database_url: str,
) -> None:
    async with instance(database_url) as consuming, instance(database_url) as other:
        consumer = access_consumer(consuming)
        key = generate_key(PEPPER)
        now = SystemClock().now()
        await consumer.apply(
            [build_envelope(issued_event(key.key_id, key.secret_hash), producer="order-svc", occurred_at=now)]
        )
        for runtime in (consuming, other):
            assert (await runtime.api_keys.authenticate(key.api_key, PEPPER)).merchant_id == "m-1"

        revoked = ApiKeyRevoked(key_id=key.key_id, reason="offboarded")
        await consumer.apply([build_envelope(revoked, producer="order-svc", occurred_at=now)])
        with pytest.raises(Unauthorized):
            await consuming.api_keys.authenticate(key.api_key, PEPPER)  # no clock moved

        assert isinstance(other.clock, ShiftableClock)
        other.clock.advance(timedelta(seconds=other.settings.api_key_cache_ttl_s))
        with pytest.raises(Unauthorized):
            await other.api_keys.authenticate(key.api_key, PEPPER)


async def test_a_key_issued_after_a_refused_attempt_works_at_once_on_an_instance_that_did_not_apply_it(
    database_url: str,
) -> None:
    async with instance(database_url) as consuming, instance(database_url) as other:
        key = generate_key(PEPPER)
        with pytest.raises(Unauthorized):
            await other.api_keys.authenticate(key.api_key, PEPPER)  # not replicated yet
        event = issued_event(key.key_id, key.secret_hash)
        await access_consumer(consuming).apply(
            [build_envelope(event, producer="order-svc", occurred_at=SystemClock().now())]
        )
        assert (await other.api_keys.authenticate(key.api_key, PEPPER)).key_id == key.key_id
        assert len(other.api_keys) == 1  # the refused attempt left nothing behind
