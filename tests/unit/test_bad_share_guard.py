"""When a consumer group halts: the share of dead-lettered messages in a sliding window."""

from __future__ import annotations

from shipsettle_shared.messaging.consumer import BadShareGuard
from shipsettle_shared.settings import ServiceSettings


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


def guard_as_configured() -> BadShareGuard:
    settings = ServiceSettings(service_name="refund-svc", database_url="postgresql+asyncpg://x@127.0.0.1/x")
    return BadShareGuard(
        threshold=settings.consumer_halt_bad_share,
        window=settings.consumer_halt_window,
        minimum=settings.consumer_halt_min_messages,
    )


def test_by_default_bursts_on_a_quiet_group_after_a_restart_do_not_halt_it() -> None:
    # chaos N=1000: refund-svc restarted, then 59 bad messages arrived among its first 131
    guard = guard_as_configured()
    for index in range(131):
        guard.record(bad=index < 59)
    assert not guard.tripped
    for _ in range(500 - 131):  # the traffic picks up again
        guard.record(bad=False)
    assert not guard.tripped  # 59 of 500 (12%) is under 20%


def test_by_default_a_flood_halts_once_a_full_window_is_judged() -> None:
    guard = guard_as_configured()
    for index in range(499):
        guard.record(bad=index % 2 == 0)  # half of everything is bad
    assert not guard.tripped  # 250 of 499: not yet a full window
    guard.record(bad=True)
    assert guard.tripped  # 251 of 500
