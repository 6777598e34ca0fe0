"""The in-process API-key cache (shipsettle_shared.auth.ApiKeyCache), with a dict for the
service's api_keys table and a clock that moves only when told: a revocation applied here bites
at once, one applied by another instance within the TTL, a new key works at once, made-up keys
take no memory, and the secret is still compared."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from shipsettle_shared.auth import ApiKeyCache, IssuedKey, KeyRecord, generate_key
from shipsettle_shared.contracts import Role
from shipsettle_shared.problems import Unauthorized

PEPPER = "unit-pepper"
TTL_S = 5.0


class Table:
    """The service's api_keys table, shared by every instance of the service; counts reads."""

    def __init__(self) -> None:
        self.rows: dict[str, KeyRecord] = {}
        self.reads = 0

    def issue(self, role: Role = Role.MERCHANT, merchant_id: str | None = "m-1") -> IssuedKey:
        issued = generate_key(PEPPER)
        self.rows[issued.key_id] = KeyRecord(issued.key_id, issued.secret_hash, role, merchant_id, None, revoked=False)
        return issued

    def revoke(self, key_id: str) -> None:
        self.rows[key_id] = replace(self.rows[key_id], revoked=True)

    async def load(self, key_id: str) -> KeyRecord | None:
        self.reads += 1
        await asyncio.sleep(0)  # a real read yields to the event loop
        return self.rows.get(key_id)


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def instance(table: Table, clock: Seconds, max_entries: int = 1000) -> ApiKeyCache:
    return ApiKeyCache(table.load, ttl_s=TTL_S, max_entries=max_entries, monotonic_s=clock)


async def test_a_valid_key_is_read_once_and_then_verified_from_memory_until_its_ttl() -> None:
    table, clock = Table(), Seconds()
    cache = instance(table, clock)
    key = table.issue()
    for _ in range(50):
        principal = await cache.authenticate(key.api_key, PEPPER)
    assert (principal.key_id, principal.role, principal.merchant_id) == (key.key_id, Role.MERCHANT, "m-1")
    assert table.reads == 1
    clock.now += TTL_S
    await cache.authenticate(key.api_key, PEPPER)
    assert table.reads == 2  # read again once the TTL is over


async def test_a_revocation_applied_in_this_process_is_refused_at_once() -> None:
    table, clock = Table(), Seconds()
    cache = instance(table, clock)
    key = table.issue()
    await cache.authenticate(key.api_key, PEPPER)
    table.revoke(key.key_id)
    cache.revoke(key.key_id)  # what the access consumer and order-svc's revoke endpoint do
    with pytest.raises(Unauthorized):
        await cache.authenticate(key.api_key, PEPPER)  # the clock has not moved


async def test_another_instance_refuses_a_revoked_key_once_the_ttl_has_passed() -> None:
    table, clock = Table(), Seconds()
    applying, other = instance(table, clock), instance(table, clock)
    key = table.issue()
    await applying.authenticate(key.api_key, PEPPER)
    await other.authenticate(key.api_key, PEPPER)
    clock.now += 1.0
    table.revoke(key.key_id)  # applied to the shared database by the instance consuming its partition
    applying.revoke(key.key_id)
    with pytest.raises(Unauthorized):
        await applying.authenticate(key.api_key, PEPPER)
    # the bound: the other instance trusted the key from memory since t=0, so it may serve it
    # until t=TTL and never after
    await other.authenticate(key.api_key, PEPPER)
    clock.now += TTL_S - 1.0
    with pytest.raises(Unauthorized):
        await other.authenticate(key.api_key, PEPPER)
    reads = table.reads
    with pytest.raises(Unauthorized):
        await other.authenticate(key.api_key, PEPPER)
    assert table.reads == reads  # a revoked key is remembered as revoked: it costs no more reads


async def test_a_new_key_works_at_once_even_after_it_was_asked_for_before_it_existed() -> None:
    table, clock = Table(), Seconds()
    cache = instance(table, clock)
    key = generate_key(PEPPER)
    with pytest.raises(Unauthorized):
        await cache.authenticate(key.api_key, PEPPER)  # not replicated to this service yet
    table.rows[key.key_id] = KeyRecord(key.key_id, key.secret_hash, Role.PLATFORM, None, None, revoked=False)
    assert (await cache.authenticate(key.api_key, PEPPER)).role is Role.PLATFORM  # the clock has not moved


async def test_made_up_keys_take_no_memory() -> None:
    table, clock = Table(), Seconds()
    cache = instance(table, clock)
    for _ in range(2000):
        with pytest.raises(Unauthorized):
            await cache.authenticate(generate_key(PEPPER).api_key, PEPPER)
    assert len(cache) == 0
    assert table.reads == 2000  # each asks the database, as every request did before the cache


async def test_memory_is_capped_and_a_key_dropped_from_it_is_read_again() -> None:
    table, clock = Table(), Seconds()
    cache = instance(table, clock, max_entries=3)
    keys = [table.issue() for _ in range(5)]
    for key in keys:
        await cache.authenticate(key.api_key, PEPPER)
    assert len(cache) == 3
    await cache.authenticate(keys[0].api_key, PEPPER)
    assert table.reads == 6


async def test_a_wrong_secret_a_malformed_key_and_no_key_are_refused() -> None:
    table, clock = Table(), Seconds()
    cache = instance(table, clock)
    key = table.issue()
    await cache.authenticate(key.api_key, PEPPER)  # cached: the secret is still compared
    with pytest.raises(Unauthorized):
        await cache.authenticate(f"ss_{key.key_id}_not-the-secret", PEPPER)
    with pytest.raises(Unauthorized):
        await cache.authenticate(key.api_key, "another-pepper")
    with pytest.raises(Unauthorized, match="malformed"):
        await cache.authenticate("ss_only", PEPPER)
    with pytest.raises(Unauthorized, match="Bearer"):
        await cache.authenticate(None, PEPPER)


async def test_a_revocation_during_a_read_is_not_undone_when_the_read_returns() -> None:
    table, clock = Table(), Seconds()
    key = table.issue()
    started, release = asyncio.Event(), asyncio.Event()
    stale = table.rows[key.key_id]

    async def slow_load(key_id: str) -> KeyRecord | None:
        started.set()
        await release.wait()
        return stale  # read before the revocation committed

    slow = ApiKeyCache(slow_load, ttl_s=TTL_S, max_entries=10, monotonic_s=clock)
    request = asyncio.create_task(slow.authenticate(key.api_key, PEPPER))
    await started.wait()
    slow.revoke(key.key_id)
    release.set()
    with pytest.raises(Unauthorized):
        await request
    with pytest.raises(Unauthorized):
        await slow.authenticate(key.api_key, PEPPER)


async def test_concurrent_requests_missing_one_key_share_one_read() -> None:
    table, clock = Table(), Seconds()
    cache = instance(table, clock)
    key = table.issue()
    principals = await asyncio.gather(*(cache.authenticate(key.api_key, PEPPER) for _ in range(20)))
    assert {p.key_id for p in principals} == {key.key_id}
    assert table.reads == 1
