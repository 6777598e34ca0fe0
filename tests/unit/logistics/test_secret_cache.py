"""The webhook secret cache: one load per key within its lifetime, absent secrets never cached,
and a secret ops changed is forgotten at once on the instance that changed it."""

from __future__ import annotations

from logistics_svc.adapters.secret_cache import SecretCache


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
