"""The webhook secret cache: one load per key within its lifetime, absent secrets never cached,
a secret ops changed is forgotten at once on the instance that changed it, and concurrent misses
share one load."""

from __future__ import annotations

import asyncio

from logistics_svc.adapters.secret_cache import SecretCache
from logistics_svc.adapters.ttl_cache import TtlCache


async def test_a_secret_is_loaded_once_within_its_lifetime_and_absence_is_not_cached() -> None:
    cache = SecretCache(ttl_s=60)
    loads: list[str] = []
    stored: dict[str, str | None] = {"k": None}

    async def load() -> str | None:
        loads.append("k")
        return stored["k"]

    assert await cache.get("k", load) is None
    stored["k"] = "first-secret-0123456789"
    assert await cache.get("k", load) == "first-secret-0123456789"  # absence was not cached
    assert await cache.get("k", load) == "first-secret-0123456789"
    assert len(loads) == 2
    stored["k"] = "second-secret-0123456789"
    cache.forget("k")
    assert await cache.get("k", load) == "second-secret-0123456789"
    assert len(loads) == 3


async def test_an_expired_secret_is_loaded_again() -> None:
    cache = SecretCache(ttl_s=0)
    loads = 0

    async def load() -> str | None:
        nonlocal loads
        loads += 1
        return "secret-0123456789abcdef"

    await cache.get("k", load)
    await cache.get("k", load)
    assert loads == 2


async def test_concurrent_misses_of_a_key_share_one_load() -> None:
    cache = SecretCache(ttl_s=60)
    loads = 0
    release = asyncio.Event()

    async def load() -> str | None:
        nonlocal loads
        loads += 1
        await release.wait()
        return "secret-0123456789abcdef"

    waiting = [asyncio.create_task(cache.get("k", load)) for _ in range(32)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == ["secret-0123456789abcdef"] * 32
    assert loads == 1


async def test_a_waiter_cancelled_during_a_shared_load_does_not_cancel_it_for_the_others() -> None:
    cache = SecretCache(ttl_s=60)
    release = asyncio.Event()

    async def load() -> str | None:
        await release.wait()
        return "secret-0123456789abcdef"

    first = asyncio.create_task(cache.get("k", load))
    second = asyncio.create_task(cache.get("k", load))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == "secret-0123456789abcdef"


async def test_a_secret_forgotten_while_it_loads_is_not_cached_and_the_next_caller_loads_again() -> None:
    cache = SecretCache(ttl_s=60)
    stored = {"k": "old-secret-0123456789"}
    started, release = asyncio.Event(), asyncio.Event()
    loads = 0

    async def slow_load() -> str | None:
        nonlocal loads
        loads += 1
        value = stored["k"]
        started.set()
        await release.wait()
        return value

    in_flight = asyncio.create_task(cache.get("k", slow_load))
    await started.wait()
    stored["k"] = "new-secret-0123456789"
    cache.forget("k")
    release.set()
    assert await in_flight == "old-secret-0123456789"
    assert await cache.get("k", slow_load) == "new-secret-0123456789"
    assert loads == 2


async def test_a_value_is_kept_exactly_its_lifetime_by_the_cache_clock() -> None:
    seconds = [100.0]
    cache: TtlCache[dict[str, int]] = TtlCache(5.0, monotonic=lambda: seconds[0])
    stored = {"auto_confirm_days": 7}
    loads = 0

    async def load() -> dict[str, int]:
        nonlocal loads
        loads += 1
        return dict(stored)

    assert await cache.get("settings", load) == {"auto_confirm_days": 7}
    stored["auto_confirm_days"] = 3  # changed by another instance
    seconds[0] = 104.9
    assert await cache.get("settings", load) == {"auto_confirm_days": 7}
    seconds[0] = 105.0
    assert await cache.get("settings", load) == {"auto_confirm_days": 3}
    assert loads == 2
