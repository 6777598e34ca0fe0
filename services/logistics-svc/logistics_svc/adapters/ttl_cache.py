"""Values kept in memory for a few seconds, for reference data that changes rarely and by ops
(webhook secrets, platform settings, the carrier registry). Never for money or any state a
transaction decides on beyond such reference data.

A value changed by ops is seen at once by the instance that changed it (``forget`` after its
commit) and within ``ttl_s`` by the others; an absent value (None) is never cached, so a secret
set for the first time works immediately.

When an entry expires under load, every request in flight misses at once (32 concurrent
webhooks made 32 identical SELECTs every ``ttl_s``): concurrent misses of a key share one load.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class TtlCache(Generic[T]):
    def __init__(self, ttl_s: float = 2.0, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._entries: dict[str, tuple[T, float]] = {}
        self._loading: dict[str, asyncio.Task[T | None]] = {}

    @property
    def ttl_s(self) -> float:
        return self._ttl_s

    async def get(self, key: str, load: Callable[[], Awaitable[T | None]]) -> T | None:
        cached = self._entries.get(key)
        if cached is not None and cached[1] > self._monotonic():
            return cached[0]
        loading = self._loading.get(key)
        if loading is None or loading.get_loop() is not asyncio.get_running_loop():
            loading = asyncio.ensure_future(self._load(key, load))
            self._loading[key] = loading
        # Shielded: one waiter cancelled (its client went away) must not cancel the others' load.
        return await asyncio.shield(loading)

    async def _load(self, key: str, load: Callable[[], Awaitable[T | None]]) -> T | None:
        try:
            value = await load()
            if value is None:
                self._entries.pop(key, None)
            elif self._loading.get(key) is asyncio.current_task():  # not forgotten while loading
                self._entries[key] = (value, self._monotonic() + self._ttl_s)
            return value
        finally:
            if self._loading.get(key) is asyncio.current_task():
                del self._loading[key]

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)
        # A load already under way may have read the old value: later callers start a new one.
        self._loading.pop(key, None)
