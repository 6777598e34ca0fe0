"""The order the refund unit tests use, and in-memory fakes of refund-svc's unit of work and of the
refund provider, for the service layer's tests (the real ones: adapters/unit_of_work.py,
shipsettle_shared.provider_client).

The order (the one test_refund_amounts.py works out by hand), paid 31000 fen by ``channel``:
  line A "tea": 3 units, paid 25715, platform subsidy 1714, commission base 27429; per unit
      (largest remainder, ties to the earlier unit) paid [8572, 8572, 8571], subsidy [572, 571, 571],
      base 9143 each. Refunds take the last units first.
  line B "books": 1 unit, paid 4285, subsidy 286, base 4571. Shipping fee 1000.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from refund_svc.domain.amounts import OrderLine, RefundableOrder
from refund_svc.domain.refund import Effects, HistoryEntry, Refund, Wakeup
from refund_svc.domain.refund_orders import Payment, RefundOrder, Rules
from refund_svc.domain.workflow import Deadlines
from refund_svc.service_layer.unit_of_work import RefundUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received, received
from shipsettle_shared.provider_client import ProviderConflict, ProviderRefused, ProviderStatus

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SIGNED_OFF_AT = T0 - timedelta(days=1)
RULES = Rules(Deadlines(), frozenset({"fresh"}))


def order(
    order_id: str = "O-1",
    *,
    channel: str = "alipay",
    signed_off: dict[str, int] | None = None,
    merchant_id: str = "m-1",
) -> RefundOrder:
    return RefundOrder(
        merchant_id=merchant_id,
        currency="CNY",
        payment=Payment(channel, f"PAY-{order_id}", "buyer-9"),
        refundable=RefundableOrder(
            order_id=order_id,
            lines={
                "A": OrderLine("A", "tea", 3, paid_minor=25715, subsidy_minor=1714, commission_base_minor=27429),
                "B": OrderLine("B", "books", 1, paid_minor=4285, subsidy_minor=286, commission_base_minor=4571),
            },
            shipping_fee_minor=1000,
        ),
        signed_off_units=signed_off if signed_off is not None else {"A": 3, "B": 1},
        last_signed_off_at=SIGNED_OFF_AT,
    )


@dataclass
class Committed:
    """What the fake unit of work has written, in the order it was flushed."""

    history: list[tuple[str, HistoryEntry]] = field(default_factory=list)
    events: list[contracts.EventPayload] = field(default_factory=list)
    timers: dict[tuple[str, str], Wakeup] = field(default_factory=dict)
    cancelled_timers: dict[tuple[str, str], datetime] = field(default_factory=dict)  # armed, then called off
    writes: int = 0  # flushes that wrote something


def placed_order(event: contracts.OrderPlaced) -> RefundOrder:
    """The order as refunds keep it from its OrderPlaced (adapters/repository.py's insert)."""
    return RefundOrder(
        merchant_id=event.merchant_id,
        currency=event.currency,
        payment=Payment(event.payment.channel, event.payment.transaction_id, event.buyer_ref),
        refundable=RefundableOrder(
            order_id=event.order_id,
            lines={
                line.line_id: OrderLine(
                    line.line_id,
                    line.category,
                    line.quantity,
                    paid_minor=line.paid_amount_minor,
                    subsidy_minor=line.platform_discount_minor,
                    commission_base_minor=line.commission_base_minor,
                )
                for line in event.lines
            },
            shipping_fee_minor=event.shipping_fee_minor,
        ),
        signed_off_units={},
        last_signed_off_at=None,
    )


class FakeRefunds:
    """Refunds and orders as committed; each read hands out a copy, so what a use case changes is
    seen only once it is flushed (and a refund read twice in one unit of work is the same one).
    The order projection's statements write at once, as the real ones do; parked facts are kept in
    their stored form and read back from it."""

    def __init__(self, orders: list[RefundOrder]) -> None:
        self.orders: dict[str, RefundOrder] = {o.order_id: o for o in orders}
        self.refunds: dict[str, Refund] = {}
        self.seen: dict[str, Refund] = {}
        self.locked_orders: list[str] = []
        self.dispatched: set[str] = set()
        self.parked: list[tuple[str, dict[str, Any]]] = []  # order id, the event's stored form

    def _read(self, refund: Refund | None) -> Refund | None:
        if refund is None:
            return None
        return self.seen.setdefault(refund.refund_id, copy.deepcopy(refund))

    async def refund(self, refund_id: str) -> Refund | None:
        return self._read(self.refunds.get(refund_id))

    async def refund_paying(self, request_id: str) -> Refund | None:
        return self._read(next((r for r in self.refunds.values() if r.provider_request_id == request_id), None))

    async def refund_returning(self, return_shipment_id: str) -> Refund | None:
        return self._read(next((r for r in self.refunds.values() if r.return_shipment_id == return_shipment_id), None))

    async def has_refund(self, refund_id: str) -> bool:
        return refund_id in self.refunds

    async def return_tracking_number_holder(self, tracking_number: str) -> str | None:
        return next((r.refund_id for r in self.refunds.values() if r.return_tracking_number == tracking_number), None)

    async def order(self, order_id: str, *, for_update: bool = False) -> RefundOrder | None:
        if for_update:
            self.locked_orders.append(order_id)
        return self.orders.get(order_id)

    async def insert_orders(self, events: Sequence[contracts.OrderPlaced]) -> list[Received[contracts.EventPayload]]:
        inserted = {event.order_id for event in events if event.order_id not in self.orders}
        self.orders |= {event.order_id: placed_order(event) for event in events if event.order_id in inserted}
        taken = [stored for order_id, stored in self.parked if order_id in inserted]
        self.parked = [(order_id, stored) for order_id, stored in self.parked if order_id not in inserted]
        return [received(stored) for stored in taken]

    async def apply_shipment_facts(self, changes: Sequence[Mapping[str, Any]]) -> set[str]:
        found = {str(change["order_id"]) for change in changes} & set(self.orders)
        for change in changes:
            order_id = str(change["order_id"])
            if order_id not in found:
                continue
            order = self.orders[order_id]
            units = dict(order.signed_off_units)
            for line_id, signed in change["units"].items():
                units[line_id] = units.get(line_id, 0) + signed
            latest = max(filter(None, (order.last_signed_off_at, change["signed_off_at"])), default=None)
            self.orders[order_id] = replace(order, signed_off_units=units, last_signed_off_at=latest)
            if change["dispatched"]:
                self.dispatched.add(order_id)
        return found

    async def park(self, events: Sequence[Received[Any]], *, now: datetime) -> None:
        known = {stored["event_id"] for _, stored in self.parked}
        self.parked += [
            (event.payload.order_id, event.parked_form()) for event in events if str(event.meta.event_id) not in known
        ]


class FakeUnitOfWork:
    def __init__(self, *orders: RefundOrder) -> None:
        self._refunds = FakeRefunds(list(orders))
        self.committed = Committed()
        self._staged: dict[str, tuple[Refund, list[Effects]]] = {}
        self._orders: dict[str, RefundOrder] = {}

    @property
    def refunds(self) -> FakeRefunds:
        return self._refunds

    def add(self, refund: Refund, effects: Effects) -> None:
        self.save(refund, effects)

    def save(self, refund: Refund, effects: Effects) -> None:
        staged = self._staged.setdefault(refund.refund_id, (refund, []))
        staged[1].append(effects)
        self._refunds.seen[refund.refund_id] = refund

    def save_order(self, order: RefundOrder) -> None:
        self._orders[order.order_id] = order

    async def flush(self) -> None:
        wrote = bool(self._orders)
        armed: dict[tuple[str, str], Wakeup] = {}
        called_off: dict[tuple[str, str], datetime] = {}
        for refund, produced in self._staged.values():
            before = self._refunds.refunds.get(refund.refund_id)
            wrote = wrote or before is None or _state(before) != _state(refund)
            self._refunds.refunds[refund.refund_id] = copy.deepcopy(refund)
            for effects in produced:
                wrote = wrote or bool(effects.history or effects.events or effects.wakeups)
                self.committed.history += [(refund.refund_id, entry) for entry in effects.history]
                self.committed.events += [emitted.event for emitted in effects.events]
                for wakeup in effects.wakeups:  # as the SQL unit of work stages them
                    timer = (wakeup.timer.value, wakeup.key)
                    if wakeup.cancel:
                        armed.pop(timer, None)
                        called_off[timer] = wakeup.due_at
                    else:
                        called_off.pop(timer, None)
                        armed[timer] = wakeup
        for timer, at in called_off.items():  # only a committed timer has a row to call off
            if self.committed.timers.pop(timer, None) is not None:
                self.committed.cancelled_timers[timer] = at
        self.committed.timers |= armed
        self._refunds.orders |= self._orders
        self._staged.clear()
        self._orders.clear()
        self.committed.writes += wrote

    def next_unit(self) -> FakeUnitOfWork:
        """A new unit of work on what this one committed (the next request, event or timer)."""
        self._refunds.seen.clear()
        self._refunds.locked_orders.clear()
        return self


def _state(refund: Refund) -> dict[str, Any]:
    return {name: value for name, value in vars(refund).items() if not name.startswith("_")}


class FakeProvider:
    """The refund provider: answers each send and status call with the next queued answer
    (a status, or ``refuse`` / ``conflict`` for a 4xx)."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.sent: list[dict[str, Any]] = []
        self.asked: list[str] = []

    def _next(self, request_id: str) -> ProviderStatus:
        answer = self.answers.pop(0)
        if answer == "refuse":
            raise ProviderRefused("provider refused (400): beneficiary unknown")
        if answer == "conflict":
            raise ProviderConflict("another body")
        return ProviderStatus(request_id, answer, f"P-{request_id}", "account closed" if answer == "failed" else None)

    async def send(self, body: dict[str, Any]) -> ProviderStatus:
        self.sent.append(body)
        return self._next(str(body["request_id"]))

    async def status(self, request_id: str) -> ProviderStatus | None:
        self.asked.append(request_id)
        return self._next(request_id)


def _is_a_refundunitofwork(uow: FakeUnitOfWork) -> RefundUnitOfWork:
    """mypy (make lint) checks here that the fake still has everything the use cases' Protocol
    asks of storage: a fake that drifts from it fails the lint, not a test run."""
    return uow
