"""Webhook secrets kept in memory for a few seconds.

A webhook's acknowledgement is on the carriers' critical path (they time out and retry), and
reading the secret was one database round trip per request. Secrets change rarely and by ops:
a new secret is seen at once by the instance that stored it and within ``ttl_s`` by the others;
an absent secret is never cached, so a secret set for the first time works immediately.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable


class SecretCache:
    def __init__(self, ttl_s: float = 2.0) -> None:
        self._ttl_s = ttl_s
        self._entries: dict[str, tuple[str, float]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[str | None]]) -> str | None:
        cached = self._entries.get(key)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        secret = await load()
        if secret is None:
            self._entries.pop(key, None)
        else:
            self._entries[key] = (secret, now + self._ttl_s)
        return secret

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)


WEBHOOK_SECRETS = SecretCache()
