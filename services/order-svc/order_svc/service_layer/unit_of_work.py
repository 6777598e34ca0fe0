"""What order use cases need of storage (adapters in PostgreSQL; in-memory fakes in unit tests).

Two ways to it, by design (issue 17):
- ``OrderStatements``: the hot commands (placement, a change of shipping information) as single
  autocommitted statements on the runtime's connection lane, each its own transaction, no unit of
  work around them (adapters/order_statements.py).
- ``OrderUnitOfWork``: the other commands and the events consumed, in the caller's transaction
  (the request's, the consumer's batch): the orders and the timeline as repositories, events into
  the outbox (adapters/unit_of_work.py). The caller commits.

Every statement is the one the use case made before it took these: they add no round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from order_svc.adapters.order_statements import LoadedOrder, UsedKey
from order_svc.domain.orders import Order
from shipsettle_shared.contracts import EventPayload
from shipsettle_shared.field_crypto import KeyManagementService
from shipsettle_shared.outbox import StagedEvent


class OrderStatements(Protocol):
    """The hot commands' reads and writes, each one autocommitted statement."""

    @property
    def kms(self) -> KeyManagementService:
        """What seals a consignee for the bus (shipsettle_shared.consignee_transit)."""
        ...

    async def place(
        self,
        order: Order,
        announcement: StagedEvent,
        *,
        principal_key_id: str,
        idempotency_key: str,
        request_hash: str,
        answer: tuple[int, dict[str, Any]],
    ) -> None:
        """Store a new order, the key's ``answer`` and the order's announcement, all or nothing;
        raises PlacementRefused (adapters/order_statements.py) when the order id, the payment
        transaction or the key is taken."""

    async def used_key(self, principal_key_id: str, idempotency_key: str) -> UsedKey | None: ...

    async def load(self, order_id: str) -> LoadedOrder | None:
        """The order with its row version."""

    async def change_shipping(
        self,
        loaded: LoadedOrder,
        after: Order,
        *,
        change: str,
        changed_by: str,
        reason: str,
        announcement: StagedEvent,
    ) -> bool:
        """Write a shipping-information command's result, its shipping change and its event, if the
        order is still the version ``loaded`` read; False (nothing written) if it changed since."""


class Orders(Protocol):
    """The orders in the caller's transaction."""

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None: ...

    async def get_many_for_update(self, order_ids: list[str]) -> dict[str, Order]:
        """Several orders locked in one statement, in order-id order."""

    async def save(self, before: Order, after: Order, now: datetime) -> None:
        """Write what a command changed (``before`` as loaded, ``after`` as the domain left it)."""

    async def save_dispatch_progress(self, orders: list[Order], now: datetime) -> None:
        """Write several orders' dispatched quantities and status in one statement."""


class Timeline(Protocol):
    async def record(self, rows: Sequence[dict[str, Any]]) -> None:
        """Entries onto their orders' timelines in one statement (none for no rows); an event
        recorded before is kept once."""


class OrderUnitOfWork(Protocol):
    @property
    def orders(self) -> Orders: ...

    @property
    def timeline(self) -> Timeline: ...

    async def add_event(self, payload: EventPayload, *, occurred_at: datetime) -> None:
        """An event for the outbox, in the caller's transaction."""
