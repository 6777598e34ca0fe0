"""Wake long-polls when something happens to their order, in whichever instance it is applied.

Every event about an order passes through its timeline; the timeline's INSERT returns
``pg_notify(ORDER_CHANGED_CHANNEL, order_id)`` for each row it adds that can bring its order to a
stage a long-poll waits for (``wakes_long_polls``), so the notification commits with the rows (a
rolled-back batch notifies nobody) and costs no round trip of its own. Each
order-svc process holds one connection that LISTENs on the channel and sets the events of the
requests waiting for that order. Several instances share a database, and any of them may apply an
order's events: PostgreSQL delivers the notification to every listener.

A notification says only "look again"; waiters re-read the order. If the listening connection
is lost (PostgreSQL restarted), waiters still look again every ``recheck_s`` and at their
deadline, and the next wait opens a new connection: a long-poll answers late, never wrongly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import asyncpg

from shipsettle_shared.contracts import (
    OrderCancelled,
    OrderSignedOff,
    ShipmentDispatched,
    ShipmentStatusChanged,
    ShippingInfoConfirmed,
)
from shipsettle_shared.db import asyncpg_dsn
from shipsettle_shared.service import ServiceRuntime

logger = logging.getLogger(__name__)

ORDER_CHANGED_CHANNEL = "order_changed"

# What a long-poll waits for: the order's status, which moves with ShippingInfoConfirmed (the
# event follows the confirmation's commit), OrderCancelled and ShipmentDispatched; and
# ``delivered``, which a parcel's delivered or signed-off status or the buyer's sign-off can bring.
_STAGE_EVENTS = frozenset(
    {
        ShippingInfoConfirmed.event_type,
        OrderCancelled.event_type,
        ShipmentDispatched.event_type,
        OrderSignedOff.event_type,
    }
)
_DELIVERED_STATUSES = frozenset({"delivered", "signed_off"})


def wakes_long_polls(event_type: str, payload: Mapping[str, Any]) -> bool:
    """Whether an event on the order's timeline can bring it to a stage a long-poll waits for. A
    parcel's other statuses never make an order delivered (a later one can only undo it), and the
    other events (settlement's, refunds', corrections) change neither: waking for them cost every
    waiter a read for nothing."""
    if event_type == ShipmentStatusChanged.event_type:
        return payload.get("status") in _DELIVERED_STATUSES
    return event_type in _STAGE_EVENTS


class OrderWatch:
    def __init__(self, dsn: str, *, recheck_s: float = 5.0) -> None:
        self._dsn = dsn
        self.recheck_s = recheck_s
        self._connection: asyncpg.Connection | None = None
        self._connecting = asyncio.Lock()
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._closed = False

    async def changed(self, order_id: str, timeout_s: float) -> bool:
        """Wait until ``order_id`` may have changed (True) or ``timeout_s`` passed (False)."""
        await self.listen()
        changed = asyncio.Event()
        self._waiters.setdefault(order_id, set()).add(changed)
        try:
            await asyncio.wait_for(changed.wait(), timeout=min(timeout_s, self.recheck_s))
            return True
        except TimeoutError:
            return False
        finally:
            waiting = self._waiters.get(order_id)
            if waiting is not None:
                waiting.discard(changed)
                if not waiting:
                    del self._waiters[order_id]

    async def close(self) -> None:
        self._closed = True
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            await connection.close(timeout=5)

    async def listen(self) -> None:
        """Open the listening connection if it is not open (every wait does this first)."""
        if self._closed or (self._connection is not None and not self._connection.is_closed()):
            return
        async with self._connecting:
            if self._connection is not None and not self._connection.is_closed():
                return
            try:
                connection = await asyncpg.connect(self._dsn, timeout=5)
                await connection.add_listener(ORDER_CHANGED_CHANNEL, self._notified)
            except (OSError, asyncpg.PostgresError, TimeoutError) as error:
                # waiters fall back to looking again every recheck_s
                logger.warning("order watch cannot listen: %s", error)
                return
            self._connection = connection

    def _notified(self, connection: Any, pid: int, channel: str, order_id: str) -> None:
        for changed in self._waiters.get(order_id, ()):
            changed.set()


def order_watch(runtime: ServiceRuntime) -> OrderWatch:
    watch: OrderWatch = runtime.extensions["order_watch"]
    return watch


async def start_order_watch(runtime: ServiceRuntime) -> None:
    """At start-up: the process's watch (it connects on the first long-poll), closed on shutdown."""
    watch = OrderWatch(asyncpg_dsn(runtime.settings.database_url))
    runtime.extensions["order_watch"] = watch
    runtime.closers.append(watch.close)
