"""in_slices: a background loop's batch hands the event loop back after every slice."""

from __future__ import annotations

import asyncio

import pytest

from shipsettle_shared.loop_slices import in_slices


async def _items_seen_when_another_task_ran(count: int, size: int) -> tuple[list[int], list[int]]:
    """Iterate ``count`` items in slices of ``size`` while another ready task records how many
    items had been taken each time it got the loop."""
    taken: list[int] = []
    seen_by_other: list[int] = []
    done = asyncio.Event()

    async def other() -> None:
        while not done.is_set():
            seen_by_other.append(len(taken))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(other())
    async for item in in_slices(range(count), size):
        taken.append(item)
    done.set()
    await watcher
    return taken, seen_by_other


async def test_every_item_comes_once_in_order() -> None:
    taken, _ = await _items_seen_when_another_task_ran(100, 32)
    assert taken == list(range(100))


async def test_another_ready_task_runs_after_each_slice_and_never_inside_one() -> None:
    _, seen = await _items_seen_when_another_task_ran(100, 32)
    # 100 items in slices of 32: the loop is handed back after items 32, 64 and 96, nowhere else
    # (the task's first turn comes at the first hand-back: it was only created before; after
    # the last item it finds the iteration done and records nothing)
    assert sorted(set(seen)) == [32, 64, 96]


async def test_a_batch_smaller_than_a_slice_never_yields() -> None:
    _, seen = await _items_seen_when_another_task_ran(31, 32)
    assert seen == []


async def test_an_empty_slice_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        async for _ in in_slices([1, 2], 0):
            pass
