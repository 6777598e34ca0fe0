"""What refund use cases need of storage, as they use it: a unit of work carrying the repository
(adapters/unit_of_work.py in PostgreSQL; an in-memory fake in unit tests, refund_fakes.py).

A use case reads what it needs through ``uow.refunds`` (rows locked), moves the aggregates, keeps
them (``keep``, ``keep_new``) and flushes once at its end; the caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from refund_svc.domain.errors import not_found
from refund_svc.domain.refund import Effects, Refund
from refund_svc.domain.refund_orders import RefundOrder
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received


class Refunds(Protocol):
    """The repository's reads the use cases make (a read of a refund locks its row), and the
    order projection's statements."""

    async def refund(self, refund_id: str) -> Refund | None: ...

    async def refund_paying(self, request_id: str) -> Refund | None: ...

    async def refund_returning(self, return_shipment_id: str) -> Refund | None: ...

    async def has_refund(self, refund_id: str) -> bool: ...

    async def return_tracking_number_holder(self, tracking_number: str) -> str | None: ...

    async def order(self, order_id: str, *, for_update: bool = False) -> RefundOrder | None: ...

    # The order projection's statements: they write at once (not staged).

    async def insert_orders(self, events: Sequence[contracts.OrderPlaced]) -> list[Received[contracts.EventPayload]]:
        """Orders not known yet (a replayed placement changes nothing); returns the facts parked
        for them, oldest first, no longer parked."""

    async def apply_shipment_facts(self, changes: Sequence[Mapping[str, Any]]) -> set[str]:
        """Per order (``order_id``): ``dispatched``, ``units`` signed off per line (added to those
        before) and ``signed_off_at`` (the latest kept). Returns the orders found."""

    async def park(self, events: Sequence[Received[Any]], *, now: datetime) -> None:
        """Facts about orders not known yet, kept until their OrderPlaced arrives."""


class RefundUnitOfWork(Protocol):
    @property
    def refunds(self) -> Refunds: ...

    def add(self, refund: Refund, effects: Effects) -> None: ...

    def save(self, refund: Refund, effects: Effects) -> None: ...

    def save_order(self, order: RefundOrder) -> None: ...

    async def flush(self) -> None: ...


def keep_new(uow: RefundUnitOfWork, order: RefundOrder, refund: Refund) -> None:
    """A refund just opened on ``order`` (read with its lock): the order holds its units."""
    uow.save_order(order.taking(refund.amounts))
    uow.add(refund, refund.effects())


async def keep(uow: RefundUnitOfWork, refund: Refund) -> None:
    """A refund as its moves left it, with what they produced. One closed without money moving
    gives its units back to its order, under the order's lock (taken after the refund's, as
    every path takes them)."""
    effects = refund.effects()
    if effects.gave_back_units:
        order = await uow.refunds.order(refund.order_id, for_update=True)
        assert order is not None, "a refund's order is never deleted"
        uow.save_order(order.giving_back(refund.amounts))
    uow.save(refund, effects)


@dataclass(frozen=True)
class Caller:
    """Who asks for a move: the key recorded with it, and the one merchant a merchant's key may
    move refunds of (None for the platform's and ops' keys)."""

    key_id: str
    merchant_scope: str | None


async def refund_to_move(uow: RefundUnitOfWork, refund_id: str, caller: Caller) -> Refund:
    """The refund, its row locked. Raises RefundRuleViolation not found for one that does not
    exist or is another merchant's."""
    refund = await uow.refunds.refund(refund_id)
    if refund is None or (caller.merchant_scope is not None and refund.merchant_id != caller.merchant_scope):
        raise not_found()
    return refund
