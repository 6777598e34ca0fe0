"""When a consumer group halts: the share of dead-lettered messages in a sliding window."""

from __future__ import annotations

from shipsettle_shared.messaging.consumer import BadShareGuard


def test_a_few_bad_messages_never_trip_it_and_a_flood_does() -> None:
    guard = BadShareGuard(threshold=0.2, window=10, minimum=5)
    for bad in (True, False, False, False, False, False, False, False, False, False):
        guard.record(bad=bad)
    assert not guard.tripped  # 1 of 10
    for _ in range(3):
        guard.record(bad=True)
    assert guard.share == 3 / 10  # the window slid: the first bad one and two good ones left
    assert guard.tripped
    assert guard.describe() == "3 of the last 10 messages dead-lettered (30%)"


def test_it_waits_for_the_minimum_before_judging() -> None:
    guard = BadShareGuard(threshold=0.2, window=100, minimum=5)
    for _ in range(4):
        guard.record(bad=True)
    assert not guard.tripped  # 4 of 4, but only 4 seen
    guard.record(bad=False)
    assert guard.tripped  # 4 of 5


def test_the_window_forgets_old_bad_messages_and_a_reset_forgets_all() -> None:
    guard = BadShareGuard(threshold=0.5, window=4, minimum=1)
    for bad in (True, True, True, False, False, False):
        guard.record(bad=bad)
    assert guard.share == 1 / 4
    assert not guard.tripped
    guard.reset()
    assert guard.share == 0.0
    guard.record(bad=True)
    assert guard.tripped
