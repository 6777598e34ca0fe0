"""The surge driver's waits: every item is seen done, and a wait on a long backlog does not poll
the whole backlog every round."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from surge.driver import Driver, Options
from surge.platform import PlatformHandle

CONCURRENCY = 4


@pytest.fixture
async def driver() -> AsyncIterator[Driver]:
    handle = PlatformHandle(urls={}, database_urls={}, order_env={}, kafka_bootstrap="127.0.0.1:1")
    made = Driver(handle, Options(orders=100, concurrency=CONCURRENCY))  # nothing is contacted
    made.round_pause_s = 0
    made.counters.log_path = None  # the errors it counts stay in the test, not in var/surge
    yield made
    await made.close_clients()
    await made.lag_probe.close()


async def test_items_done_in_order_are_each_polled_about_once(driver: Driver) -> None:
    # 100 items that finish front to back, 10 more at each round
    items = list(range(100))
    polls: Counter[int] = Counter()
    rounds = {"n": 0}

    async def done(item: int) -> bool:
        polls[item] += 1
        return item < 10 * (rounds["n"] + 1)

    original = driver.poll_round

    async def counted_round(*args: object) -> tuple[set[int], int]:
        result = await original(*args)  # type: ignore[arg-type]
        rounds["n"] += 1
        return result

    driver.poll_round = counted_round  # type: ignore[method-assign]
    finished = await driver.until_all(items, done, "test")

    assert finished == items
    assert driver.counters.unclassified == []
    # 10 rounds; each probes its 10 done items and stops after 4 misses (plus at most 3 more in
    # flight when the 4th miss came back): at most 100 + 10 x 7 = 170 polls, where polling every
    # pending item each round would take 100 + 90 + ... + 10 = 550
    assert sum(polls.values()) <= 170
    assert all(polls[item] >= 1 for item in items)


async def test_stuck_items_at_the_front_do_not_hide_the_others(driver: Driver) -> None:
    # the first 10 never finish; the other 30 already have
    items = list(range(40))

    async def done(item: int) -> bool:
        return item >= 10

    finished = await driver.until_all(items, done, "stuck", timeout_s=2)

    assert finished == list(range(10, 40))
    stuck = [message for message in driver.counters.unclassified if message.startswith("stuck: ")]
    assert len(stuck) == 10
