"""Webhook secrets kept in memory for a few seconds.

A webhook's acknowledgement is on the carriers' critical path (they time out and retry), and
reading the secret was one database round trip per request. Secrets change rarely and by ops:
a new secret is seen at once by the instance that stored it and within ``ttl_s`` by the others;
an absent secret is never cached, so a secret set for the first time works immediately.

When an entry expires under load, every request in flight misses at once (32 concurrent
webhooks made 32 identical SELECTs every ``ttl_s``): concurrent misses of a key share one load.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class SecretCache:
    def __init__(self, ttl_s: float = 2.0) -> None:
        self._ttl_s = ttl_s
        self._entries: dict[str, tuple[str, float]] = {}
        self._loading: dict[str, asyncio.Task[str | None]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[str | None]]) -> str | None:
        cached = self._entries.get(key)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        loading = self._loading.get(key)
        if loading is None or loading.get_loop() is not asyncio.get_running_loop():
            loading = asyncio.ensure_future(self._load(key, load))
            self._loading[key] = loading
        # Shielded: one waiter cancelled (its client went away) must not cancel the others' load.
        return await asyncio.shield(loading)

    async def _load(self, key: str, load: Callable[[], Awaitable[str | None]]) -> str | None:
        try:
            secret = await load()
            if secret is None:
                self._entries.pop(key, None)
            elif self._loading.get(key) is asyncio.current_task():  # not forgotten while loading
                self._entries[key] = (secret, time.monotonic() + self._ttl_s)
            return secret
        finally:
            if self._loading.get(key) is asyncio.current_task():
                del self._loading[key]

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)
        # A load already under way may have read the old secret: later callers start a new one.
        self._loading.pop(key, None)


WEBHOOK_SECRETS = SecretCache()
