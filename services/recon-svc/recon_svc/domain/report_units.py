"""How the tax report and the 发出商品 report (goods shipped, not yet signed off) value the units
that moved: order lines, movements of their units, and the shares of a line's figures. Pure: no I/O.

Both value units of an order line the way settlement and refund-svc do: a line's figure (its
tax-inclusive sales amount, its output VAT) is split over its units by the largest-remainder
method, the first units taking the odd fen; sign-offs take a line's units from the first,
refunds from the last. So every fen of a line is counted once, whichever way it is cut.

Facts arrive in any order: a movement of a line whose OrderPlaced is not known yet cannot be
valued (no SKU, no figures); it is left out of the figures and its order listed as incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from shipsettle_shared.money import allocate_largest_remainder


def unit_parts(total_minor: int, quantity: int) -> list[int]:
    """A line's figure split over its units; the first units take the odd fen."""
    return allocate_largest_remainder(total_minor, [1] * quantity) if quantity > 0 else []


def range_share(total_minor: int, quantity: int, start: int, end: int) -> int:
    """The share of units ``start``..``end`` (exclusive, clamped to the line) of a figure."""
    start, end = max(start, 0), min(end, quantity)
    return sum(unit_parts(total_minor, quantity)[start:end]) if end > start else 0


@dataclass(frozen=True)
class LineFacts:
    """One order line as order-svc priced it (OrderPlaced)."""

    order_id: str
    line_id: str
    sku: str
    quantity: int
    sales_minor: int  # tax-inclusive: line amount less merchant-funded discounts
    vat_minor: int  # round_half_up(sales * rate / (1 + rate)), computed by order-svc
    vat_rate_bp: int


class Kind(IntEnum):
    """What moved; the value orders movements of the same instant (a parcel is dispatched
    before it is signed off, signed off or returned before a refund of it completes)."""

    DISPATCH = 0
    SIGN_OFF = 1
    RETURN = 2
    REFUND = 3


@dataclass(frozen=True)
class Movement:
    """Units of one order line that moved at ``at``; ``reference`` is the shipment or refund."""

    order_id: str
    line_id: str
    kind: Kind
    units: int
    at: datetime
    reference: str


def by_line(movements: Iterable[Movement]) -> dict[tuple[str, str], list[Movement]]:
    grouped: dict[tuple[str, str], list[Movement]] = {}
    for movement in movements:
        grouped.setdefault((movement.order_id, movement.line_id), []).append(movement)
    for found in grouped.values():
        found.sort(key=lambda m: (m.at, m.kind, m.reference))
    return grouped
