"""Which settlement application took which order's money. Pure: no I/O.

A settlement application (结算申请) takes an amount of the merchant's *available* funds, not
orders. To say of an order "paid out in payout P", "in review in application A" or "available,
application not submitted", released order amounts are assigned to applications first in,
first out by release time:

- every credit to ``available`` that belongs to an order (a hold release, a reserve release,
  frozen money given back) is a *lot* of that order, queued by its release time;
- an application takes lots from the head of the queue, splitting the last one if needed; the
  part of it that paid back a negative balance (the claw-back deduction) is its *last* lots;
- a rejected application, a failed or a returned payout gives its lots (less the deduction) back
  to the queue at their original release times, marked with why they came back;
- a refund's freeze or reversal that takes from ``available`` takes the refunded order's own lots
  first, then the oldest lots of other orders (the merchant's money is one pot); frozen lots are
  kept aside until the refund ends.
Replaying the merchant's ledger in posting order through these rules gives every application's
allocation, and the lots still available or frozen, to the fen.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from datetime import datetime


@dataclass(frozen=True)
class Lot:
    order_id: str | None  # None only if the ledger applied more than the lots cover (never expected)
    amount_minor: int
    released_at: datetime
    tx_keys: tuple[str, ...] = ()  # the ledger transactions that made it available
    returned_because: str | None = None  # "payout PO-1 failed: ..." when it came back


@dataclass(frozen=True)
class Movement:
    """One ledger transaction's effect on the merchant's available and frozen accounts."""

    tx_key: str
    at: datetime
    available_minor: int
    frozen_minor: int = 0
    order_id: str | None = None  # set for order transactions (releases, refunds)
    applies: str | None = None  # application id: this transaction applied for funds
    returns: str | None = None  # application id: this transaction gave its funds back
    clawback_minor: int = 0  # for ``applies``: the part that paid back the negative balance
    why: str | None = None  # for ``returns``


@dataclass
class Allocation:
    application_id: str
    lots: list[Lot]  # gross, FIFO order; the last ``clawback_minor`` paid back the negative balance
    clawback_minor: int
    returned: bool = False

    @property
    def net_lots(self) -> list[Lot]:
        return self.net_and_clawback_lots()[0]

    @property
    def clawback_lots(self) -> list[Lot]:
        return self.net_and_clawback_lots()[1]

    def net_and_clawback_lots(self) -> tuple[list[Lot], list[Lot]]:
        return _split(self.lots, sum(lot.amount_minor for lot in self.lots) - self.clawback_minor)


@dataclass
class FifoResult:
    allocations: dict[str, Allocation] = field(default_factory=dict)
    available: list[Lot] = field(default_factory=list)  # still available, release order
    frozen: dict[str, list[Lot]] = field(default_factory=dict)  # by the order whose refund froze them
    # lots a refund took for good: (refunded order, lot)
    taken_by_refunds: list[tuple[str, Lot]] = field(default_factory=list)


@dataclass
class OrderLots:
    """One order's share of a replay, each list in the order the replay left it."""

    frozen: list[tuple[str, Lot]] = field(default_factory=list)  # (order whose refund froze it, lot)
    available: list[Lot] = field(default_factory=list)
    # (allocation, lot, whether the lot paid back the negative balance): allocation by allocation,
    # each one's claw-back lots before its net lots
    allocated: list[tuple[Allocation, Lot, bool]] = field(default_factory=list)
    taken_by_other_orders_refunds: list[tuple[str, Lot]] = field(default_factory=list)  # (refunded order, lot)
    taken_by_own_refunds_minor: int = 0  # what this order's refunds took for good, from any order's lots
    own_refunds_covered_by_others_minor: int = 0  # the part of that from other orders' lots


def lots_by_order(result: FifoResult) -> dict[str, OrderLots]:
    """The replay indexed by order in one pass. Reading one order's lots by scanning all of the
    merchant's, once per order, is quadratic: minutes for a merchant with thousands of orders."""
    index: dict[str, OrderLots] = {}

    def of(order_id: str) -> OrderLots:
        return index.setdefault(order_id, OrderLots())

    for refund_order, lots in result.frozen.items():
        for lot in lots:
            if lot.order_id is not None:
                of(lot.order_id).frozen.append((refund_order, lot))
    for lot in result.available:
        if lot.order_id is not None:
            of(lot.order_id).available.append(lot)
    for allocation in result.allocations.values():
        net, clawback = allocation.net_and_clawback_lots()
        for lots, paid_back in ((clawback, True), (net, False)):
            for lot in lots:
                if lot.order_id is not None:
                    of(lot.order_id).allocated.append((allocation, lot, paid_back))
    for refund_order, lot in result.taken_by_refunds:
        of(refund_order).taken_by_own_refunds_minor += lot.amount_minor
        if lot.order_id != refund_order:
            of(refund_order).own_refunds_covered_by_others_minor += lot.amount_minor
            if lot.order_id is not None:
                of(lot.order_id).taken_by_other_orders_refunds.append((refund_order, lot))
    return index


def _split(lots: list[Lot], amount: int) -> tuple[list[Lot], list[Lot]]:
    """The first ``amount`` fen of the lots, and the rest (a lot split in two if needed)."""
    head: list[Lot] = []
    tail: list[Lot] = []
    left = amount
    for lot in lots:
        if left >= lot.amount_minor:
            head.append(lot)
            left -= lot.amount_minor
        elif left > 0:
            head.append(replace(lot, amount_minor=left))
            tail.append(replace(lot, amount_minor=lot.amount_minor - left))
            left = 0
        else:
            tail.append(lot)
    return head, tail


def _take(queue: list[Lot], amount: int, *, own: str | None = None) -> tuple[list[Lot], int]:
    """Remove ``amount`` fen from the queue: the order ``own``'s lots first, then from the head.
    Returns the lots taken and what the queue could not cover."""
    taken: list[Lot] = []
    left = amount
    for prefer in (own, None) if own is not None else (None,):
        index = 0
        while left > 0 and index < len(queue):
            lot = queue[index]
            if prefer is not None and lot.order_id != prefer:
                index += 1
                continue
            part = min(left, lot.amount_minor)
            taken.append(replace(lot, amount_minor=part))
            left -= part
            if part == lot.amount_minor:
                queue.pop(index)
            else:
                queue[index] = replace(lot, amount_minor=lot.amount_minor - part)
                index += 1
    return taken, left


def _requeue(queue: list[Lot], lots: list[Lot]) -> None:
    """Back at their original release times (after lots released at the same moment)."""
    for lot in lots:
        if not queue or queue[-1].released_at <= lot.released_at:
            queue.append(lot)  # the usual case, a fresh release: no need to look through the queue
            continue
        position = bisect.bisect_right([queued.released_at for queued in queue], lot.released_at)
        queue.insert(position, lot)


def allocate_fifo(movements: list[Movement]) -> FifoResult:
    """Replay the merchant's available/frozen movements in posting order (see the module doc)."""
    result = FifoResult()
    queue = result.available
    for move in movements:
        available = move.available_minor
        if move.applies is not None:
            lots, uncovered = _take(queue, -available)
            if uncovered:
                lots.append(Lot(None, uncovered, move.at, (move.tx_key,)))
            result.allocations[move.applies] = Allocation(move.applies, lots, move.clawback_minor)
            continue
        if move.returns is not None:
            allocation = result.allocations.get(move.returns)
            back = allocation.net_lots if allocation is not None else []
            if allocation is not None:
                allocation.returned = True
            given, _ = _split(back, available)
            _requeue(queue, [replace(lot, returned_because=move.why) for lot in given])
            rest = available - sum(lot.amount_minor for lot in given)
            if rest > 0:  # more came back than was allocated: unattributed (not expected)
                _requeue(queue, [Lot(None, rest, move.at, (move.tx_key,), move.why)])
            continue
        order = move.order_id or ""
        if move.frozen_minor > 0:  # a freeze: available → frozen, for this order's refund
            lots, _ = _take(queue, move.frozen_minor, own=move.order_id)
            result.frozen.setdefault(order, []).extend(lots)
            available += move.frozen_minor
        elif move.frozen_minor < 0:  # unfrozen or used by the refund
            stash = result.frozen.get(order, [])
            released, kept = _split(stash, -move.frozen_minor)
            result.frozen[order] = kept
            back, used = _split(released, max(0, available))
            _requeue(queue, back)
            available -= sum(lot.amount_minor for lot in back)
            result.taken_by_refunds.extend((order, lot) for lot in used)
        if available > 0:
            _requeue(queue, [Lot(move.order_id, available, move.at, (move.tx_key,))])
        elif available < 0:
            lots, _ = _take(queue, -available, own=move.order_id)
            result.taken_by_refunds.extend((order, lot) for lot in lots)
    result.frozen = {order: lots for order, lots in result.frozen.items() if lots}
    return result
