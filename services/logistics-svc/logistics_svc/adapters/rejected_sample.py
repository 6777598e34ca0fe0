"""What is kept of webhooks refused before they were authenticated: a capped, rate-limited sample.

A body nobody has authenticated (a Kuaidi100 push that is not even a form, so its signature cannot
be read) is kept in ``rejected_webhooks`` for ops to see what is arriving, but anyone can send
one, and keeping every body turned a flood into rows and disk. So per source, per process: at
most ``CAPACITY`` rows in a burst, then one every ``60 / CAPACITY`` seconds (a token bucket: at
most ``CAPACITY`` rows a minute once the burst is spent), and each body cut to ``MAX_BODY_BYTES``
and each header value to ``MAX_HEADER_CHARS`` (at most ``MAX_HEADERS`` headers). Bodies that were
authenticated (a carrier's own malformed webhook) are kept whole: their sender is known.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

CAPACITY = 10  # rows per source: a burst of 10, then 10 a minute
REFILL_PER_S = CAPACITY / 60
MAX_BODY_BYTES = 4096
MAX_HEADERS = 32
MAX_HEADER_CHARS = 256


class RejectedSample:
    """Decides whether an unauthenticated refusal is kept, and cuts what is kept."""

    def __init__(
        self,
        capacity: int = CAPACITY,
        refill_per_s: float = REFILL_PER_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._capacity = capacity
        self._refill_per_s = refill_per_s
        self._monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}  # source -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, source: str) -> bool:
        """Whether a refusal from ``source`` may be kept now (spends one token if so)."""
        with self._lock:
            now = self._monotonic()
            tokens, at = self._buckets.get(source, (float(self._capacity), now))
            tokens = min(float(self._capacity), tokens + (now - at) * self._refill_per_s)
            kept = tokens >= 1
            self._buckets[source] = (tokens - 1 if kept else tokens, now)
            return kept


def truncated_body(raw_body: bytes) -> bytes:
    return raw_body[:MAX_BODY_BYTES]


def truncated_headers(headers: Mapping[str, str]) -> dict[str, str]:
    kept = [(name, value) for name, value in headers.items() if name.lower() != "authorization"]
    return {name[:MAX_HEADER_CHARS]: value[:MAX_HEADER_CHARS] for name, value in kept[:MAX_HEADERS]}


UNAUTHENTICATED_SAMPLE = RejectedSample()
