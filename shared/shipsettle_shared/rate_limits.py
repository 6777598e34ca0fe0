"""Per-key rate limits: a token bucket per API key id, sized by the key's role class.

Where it runs: in the ``RoleGate`` (``auth.py``), right after the key is authenticated and before
the role check and the handler, so the key id is known and a refused request does no work (a
request without a valid key was already refused 401). The probes (``/healthz``, ``/readyz``,
``/metrics``) and the signed webhooks and callbacks have no gate and so no key limit: carriers'
intake has its own protection (``intake_bulkhead.py``).

The bucket (one per key id): it holds at most ``burst`` tokens and refills ``per_s`` tokens a
second; a request takes one token, or is refused with the time until one will be there (the
``Retry-After`` of the 429, in whole seconds rounded up). A refused request takes nothing, so a
client that polls while refused does not push its own wait further out.

The state is in process memory, per instance: N instances of a service behind a balancer let a
key make N times its rate in all (README, "Rate limits"). A shared bucket would cost a round trip
to a shared store on every request, which is what issue 17 removes.

Memory: buckets exist only for keys that authenticated (unknown keys are refused before), capped
at ``max_keys``, least recently used dropped first; a dropped bucket comes back full.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from shipsettle_shared.contracts import Role
from shipsettle_shared.problems import Problem


@dataclass(frozen=True)
class RateLimit:
    """``per_s`` requests a second sustained, ``burst`` at once after a quiet spell."""

    per_s: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_s <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least one request")

    @property
    def refill_s(self) -> int:
        """Seconds an empty bucket takes to fill again (the policy's window)."""
        return max(1, math.ceil(self.burst / self.per_s))


def take_token(limit: RateLimit, tokens: float, at_s: float, now_s: float) -> tuple[float, float]:
    """One bucket's step: (tokens left, 0.0) when a token was taken, else (tokens, seconds until
    one will be there); ``tokens`` as left at ``at_s``, refilled up to now (never past the burst)."""
    tokens = min(float(limit.burst), tokens + max(0.0, now_s - at_s) * limit.per_s)
    if tokens >= 1.0:
        return tokens - 1.0, 0.0
    return tokens, (1.0 - tokens) / limit.per_s


class RateLimited(Problem):
    """429 with ``Retry-After`` (whole seconds, rounded up) and the draft IETF RateLimit fields."""

    def __init__(self, role: Role, limit: RateLimit, retry_after_s: float) -> None:
        wait_s = max(1, math.ceil(retry_after_s))
        policy = f'"{role.value}"'
        super().__init__(
            429,
            "Too many requests",
            f"This API key has used its {limit.burst} requests of burst at {limit.per_s:g} a second; "
            f"try again in {wait_s} s.",
            type_slug="rate-limited",
            extensions={"retry_after_s": wait_s},
            headers={
                "Retry-After": str(wait_s),
                "RateLimit-Policy": f"{policy};q={limit.burst};w={limit.refill_s}",
                "RateLimit": f"{policy};r=0;t={wait_s}",
            },
        )


class KeyRateLimiter:
    """The token buckets of this process, one per API key id."""

    def __init__(
        self,
        limits: Mapping[Role, RateLimit],
        *,
        max_keys: int,
        monotonic_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = dict(limits)
        self._max_keys = max_keys
        self._monotonic_s = monotonic_s
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key id -> (tokens, at)

    def __len__(self) -> int:
        return len(self._buckets)

    def limit_for(self, role: Role) -> RateLimit:
        return self._limits[role]

    def wait_s(self, key_id: str, role: Role) -> float:
        """Takes a token for ``key_id`` and answers 0.0, or takes nothing and answers the seconds
        until a token will be there."""
        limit = self._limits[role]
        now = self._monotonic_s()
        tokens, at = self._buckets.pop(key_id, (float(limit.burst), now))
        tokens, wait_s = take_token(limit, tokens, at, now)
        self._buckets[key_id] = (tokens, now)  # (re)inserted last: most recently used
        if len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return wait_s

    def admit(self, key_id: str, role: Role) -> None:
        """Raises ``RateLimited`` (429) when ``key_id`` has no token left."""
        wait_s = self.wait_s(key_id, role)
        if wait_s > 0:
            raise RateLimited(role, self._limits[role], wait_s)
