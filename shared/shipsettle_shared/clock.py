"""One clock abstraction for every service, so tests move time instead of sleeping.

Auto-confirm after 7 days, settlement holds and refund deadlines all read ``clock.now()``.
Production uses ``SystemClock``; the test environment uses ``ShiftableClock``, which is real
time plus an offset that a test moves forward through the service's test-only endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


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
