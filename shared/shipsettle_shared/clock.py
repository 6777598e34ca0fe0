"""One clock abstraction for every service, so tests move time instead of sleeping.

Auto-confirm after 7 days, settlement holds and refund deadlines all read ``clock.now()``.
Production uses ``SystemClock``; the test environment uses ``ShiftableClock``, which is real
time plus an offset that a test moves forward through the service's test-only endpoint.

``TimestampWithOffset`` is the one rule for a time the public API takes: it must carry its UTC
offset, since a bare "2026-12-06T23:30:05" may be Beijing time or UTC, eight hours apart, and
recon would date the money on the wrong day.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Protocol

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

OFFSET_EXAMPLE = "2026-12-06T23:30:05+08:00"


def _with_offset(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "timezone_aware",
            "a time needs its UTC offset (+08:00 for Beijing time, or Z): without one it is a guess",
            {"expected": f"ISO 8601 with an offset, e.g. {OFFSET_EXAMPLE}"},
        )
    return value


# Every datetime in a request body or query goes through this (tests/unit/test_api_timestamps.py).
TimestampWithOffset = Annotated[
    datetime,
    AfterValidator(_with_offset),
    Field(description=f"ISO 8601 with its UTC offset, e.g. {OFFSET_EXAMPLE}; a time without one is refused"),
]


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftableClock:
    """Wall-clock time shifted by an offset that only ever moves forward."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta
        return self.now()

    def set_offset(self, offset: timedelta) -> datetime:
        """Set an absolute offset (used to align several processes); never moves backwards."""
        if offset > self._offset:
            self._offset = offset
        return self.now()


class FrozenClock:
    """A clock that stands still until told to move: for domain unit tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


def monotonic_source(clock: Clock) -> Callable[[], float]:
    """Seconds for measuring durations in memory (cache lifetimes): the monotonic clock, moved
    with the test clock's offset, so a test that moves a service's time moves these too."""
    if isinstance(clock, ShiftableClock):
        shiftable = clock
        return lambda: time.monotonic() + shiftable.offset.total_seconds()
    return time.monotonic
