"""The per-key token bucket (shipsettle_shared.rate_limits.KeyRateLimiter) on a clock that moves
only when told: a key gets its burst, then is refused with the exact wait until its next token; a
refusal takes nothing; keys and role classes are separate; the 429 says when to come back in whole
seconds, rounded up; memory is capped."""

from __future__ import annotations

import pytest

from shipsettle_shared.contracts import Role
from shipsettle_shared.rate_limits import KeyRateLimiter, RateLimit, RateLimited
from shipsettle_shared.settings import Environment, ServiceSettings

MERCHANT_LIMIT = RateLimit(per_s=2.0, burst=3)  # a token every 0.5 s, 3 at once
PLATFORM_LIMIT = RateLimit(per_s=10.0, burst=5)


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Seconds, max_keys: int = 100) -> KeyRateLimiter:
    return KeyRateLimiter(
        {Role.MERCHANT: MERCHANT_LIMIT, Role.PLATFORM: PLATFORM_LIMIT}, max_keys=max_keys, monotonic_s=clock
    )


def test_a_key_gets_its_burst_then_waits_for_the_next_token() -> None:
    clock = Seconds()
    buckets = limiter(clock)
    assert [buckets.wait_s("k-a", Role.MERCHANT) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.wait_s("k-a", Role.MERCHANT) == pytest.approx(0.5)  # 1 token / 2 per s
    clock.now += 0.2  # 0.4 of a token back: 0.6 of one still missing, 0.3 s at 2 a second
    assert buckets.wait_s("k-a", Role.MERCHANT) == pytest.approx(0.3)
    clock.now += 0.3
    assert buckets.wait_s("k-a", Role.MERCHANT) == 0.0
    assert buckets.wait_s("k-a", Role.MERCHANT) == pytest.approx(0.5)


def test_a_refused_request_takes_no_token() -> None:
    clock = Seconds()
    buckets = limiter(clock)
    for _ in range(3):
        buckets.wait_s("k-a", Role.MERCHANT)
    for _ in range(20):  # a client hammering while refused
        assert buckets.wait_s("k-a", Role.MERCHANT) == pytest.approx(0.5)
    clock.now += 0.5
    assert buckets.wait_s("k-a", Role.MERCHANT) == 0.0


def test_a_quiet_key_refills_to_its_burst_and_no_further() -> None:
    clock = Seconds()
    buckets = limiter(clock)
    for _ in range(3):
        buckets.wait_s("k-a", Role.MERCHANT)
    clock.now += 3600  # an hour quiet: 7200 tokens' worth, capped at the burst of 3
    assert [buckets.wait_s("k-a", Role.MERCHANT) for _ in range(4)] == [0.0, 0.0, 0.0, pytest.approx(0.5)]


def test_each_key_has_its_own_bucket_and_each_role_class_its_own_limit() -> None:
    clock = Seconds()
    buckets = limiter(clock)
    for _ in range(3):
        buckets.wait_s("k-a", Role.MERCHANT)
    assert buckets.wait_s("k-a", Role.MERCHANT) > 0
    assert buckets.wait_s("k-b", Role.MERCHANT) == 0.0  # another merchant's key is untouched
    assert [buckets.wait_s("k-platform", Role.PLATFORM) for _ in range(5)] == [0.0] * 5
    assert buckets.wait_s("k-platform", Role.PLATFORM) == pytest.approx(0.1)  # 1 / 10 per s


def test_the_refusal_is_a_429_problem_with_retry_after_in_whole_seconds_rounded_up() -> None:
    clock = Seconds()
    buckets = KeyRateLimiter({Role.MERCHANT: RateLimit(per_s=0.4, burst=2)}, max_keys=10, monotonic_s=clock)
    buckets.admit("k-a", Role.MERCHANT)
    buckets.admit("k-a", Role.MERCHANT)
    with pytest.raises(RateLimited) as refused:
        buckets.admit("k-a", Role.MERCHANT)  # 1 / 0.4 = 2.5 s: Retry-After 3
    problem = refused.value
    assert problem.status == 429
    assert problem.type_slug == "rate-limited"
    assert problem.headers["Retry-After"] == "3"
    assert problem.extensions == {"retry_after_s": 3}
    # the draft IETF fields: 2 requests per 5 s window (2 / 0.4), none left, 3 s to wait
    assert problem.headers["RateLimit-Policy"] == '"merchant";q=2;w=5'
    assert problem.headers["RateLimit"] == '"merchant";r=0;t=3'
    clock.now += 2.4  # not yet: 0.96 of a token
    with pytest.raises(RateLimited):
        buckets.admit("k-a", Role.MERCHANT)
    clock.now += 0.1
    buckets.admit("k-a", Role.MERCHANT)


def test_a_wait_below_one_second_is_advertised_as_one() -> None:
    buckets = KeyRateLimiter({Role.MERCHANT: RateLimit(per_s=100.0, burst=1)}, max_keys=10, monotonic_s=Seconds())
    buckets.admit("k-a", Role.MERCHANT)
    with pytest.raises(RateLimited) as refused:
        buckets.admit("k-a", Role.MERCHANT)
    assert refused.value.headers["Retry-After"] == "1"  # never "0": a client would retry at once


def test_buckets_are_capped_and_the_least_recently_used_is_dropped_full() -> None:
    clock = Seconds()
    buckets = limiter(clock, max_keys=2)
    for _ in range(3):
        buckets.wait_s("k-a", Role.MERCHANT)
    buckets.wait_s("k-b", Role.MERCHANT)
    buckets.wait_s("k-c", Role.MERCHANT)  # k-a, the least recently used, is dropped
    assert len(buckets) == 2
    assert buckets.wait_s("k-a", Role.MERCHANT) == 0.0  # back with a full bucket


def test_every_role_has_a_limit_from_its_class_settings() -> None:
    settings = ServiceSettings(
        environment=Environment.TEST,
        service_name="order-svc",
        database_url="postgresql+asyncpg://unused/unused",
        rate_limit_merchant_per_s=1.5,
        rate_limit_merchant_burst=4,
        rate_limit_staff_per_s=3,
    )
    limits = settings.rate_limits()
    assert set(limits) == set(Role)
    assert limits[Role.MERCHANT] == RateLimit(1.5, 4)
    assert limits[Role.OPS] == limits[Role.AUDITOR] == RateLimit(3.0, settings.rate_limit_staff_burst)


def test_a_limit_without_a_positive_rate_or_burst_is_refused() -> None:
    with pytest.raises(ValueError, match="positive rate"):
        RateLimit(per_s=0, burst=10)
    with pytest.raises(ValueError, match="positive rate"):
        RateLimit(per_s=1, burst=0)
