"""Background loops hand the event loop back while they work through a batch.

A process serves merchants' requests and runs its background loops (the outbox relay, the
consumers) on one event loop. A loop over a batch whose steps never wait (the relay handing up to
``outbox_batch_size`` rows to the producer's buffer, a consumer parsing up to
``consumer_max_records`` envelopes) holds the event loop for the whole batch: tens of
milliseconds at a few dozen microseconds a row, and every request whose answer is ready waits
that long. ``in_slices`` lets the loop run what is ready after every ``size`` items, so a request
waits for at most one slice of a batch (bench-flood measures the merchant reads' tail behind a
flood of webhooks, whose relay and consumer work runs in the merchant's process).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

# About a millisecond of the relay's or the consumers' per-item work at a time.
SLICE_ITEMS = 32


async def in_slices(items: Iterable[T], size: int = SLICE_ITEMS) -> AsyncIterator[T]:
    """``items`` one by one, yielding to the event loop after every ``size`` of them."""
    if size < 1:
        raise ValueError("a slice holds at least one item")
    for index, item in enumerate(items, start=1):
        yield item
        if index % size == 0:
            await asyncio.sleep(0)
