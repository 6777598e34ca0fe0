"""How much a refund gives back, and to whom it is charged: one function, pure, no I/O.

From the order's priced breakdown (order-svc's OrderPlaced):

- A line's paid amount, platform subsidy and commission base are each split over its units by
  the largest-remainder method (the same split settlement uses), so the units of a line always
  add up to the line exactly, however it is refunded.
- A refund takes the line's highest unit positions not yet taken by an earlier (or open) refund.
  Positions are remembered, so a refund that is closed without money moving gives its units
  back and no unit is ever refunded twice: the refunds of an order can never exceed what was
  paid for it.
- The platform subsidy and the commission base of the refunded units are reversed with them
  (settlement reverses commission at the rate it booked, on that base).
- Shipping fee rule (stated in the API docs): the fee the buyer paid is refunded in full, once,
  by the refund that leaves no unit of the order unrefunded, when the kind is a cancellation or
  the reason is the merchant's fault (not received, damaged, wrong item, quality). A no-reason
  return (七天无理由退货) or a partial refund refunds no shipping: return postage is the buyer's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from refund_svc.domain.errors import RefundRuleViolation
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.money import allocate_largest_remainder


class RefundKind(StrEnum):
    CANCELLATION = "cancellation"  # before dispatch: everything, automatic
    REFUND_ONLY = "refund_only"  # 仅退款
    RETURN_AND_REFUND = "return_and_refund"  # 退货退款


class ReasonCode(StrEnum):
    NO_REASON = "no_reason"  # 七天无理由退货
    NOT_RECEIVED = "not_received"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    QUALITY = "quality"
    CANCELLED = "cancelled"  # the order was cancelled before dispatch
    OTHER = "other"


MERCHANT_FAULT = frozenset({ReasonCode.NOT_RECEIVED, ReasonCode.DAMAGED, ReasonCode.WRONG_ITEM, ReasonCode.QUALITY})


class RefundAmountError(RefundRuleViolation):
    """A request the order cannot satisfy (a rule's refusal); ``field`` names the offending input."""

    def __init__(self, message: str, field: str, code: str = "too-many-units") -> None:
        super().__init__(Refusal.RULE, code, message, field=field)


@dataclass(frozen=True)
class OrderLine:
    line_id: str
    category: str
    quantity: int
    paid_minor: int
    subsidy_minor: int
    commission_base_minor: int

    def unit_shares(self, positions: list[int]) -> tuple[int, int, int]:
        """(paid, subsidy, commission base) of the units at ``positions``."""
        equal = [1] * self.quantity
        paid = allocate_largest_remainder(self.paid_minor, equal)
        subsidy = allocate_largest_remainder(self.subsidy_minor, equal)
        base = allocate_largest_remainder(self.commission_base_minor, equal)
        return (
            sum(paid[i] for i in positions),
            sum(subsidy[i] for i in positions),
            sum(base[i] for i in positions),
        )


@dataclass(frozen=True)
class RefundableOrder:
    """An order's figures and which unit positions earlier refunds (open or done) hold."""

    order_id: str
    lines: dict[str, OrderLine]
    shipping_fee_minor: int
    taken: dict[str, list[int]] = field(default_factory=dict)
    shipping_refunded: bool = False

    def units_left(self, line_id: str) -> int:
        return self.lines[line_id].quantity - len(self.taken.get(line_id, []))


@dataclass(frozen=True)
class RefundLineAmounts:
    line_id: str
    units: int
    positions: list[int]
    paid_minor: int
    subsidy_minor: int
    commission_base_minor: int


@dataclass(frozen=True)
class RefundQuote:
    lines: list[RefundLineAmounts]
    shipping_minor: int

    @property
    def goods_minor(self) -> int:
        return sum(line.paid_minor for line in self.lines)

    @property
    def refund_minor(self) -> int:
        """What the buyer gets back."""
        return self.goods_minor + self.shipping_minor

    @property
    def subsidy_reversed_minor(self) -> int:
        return sum(line.subsidy_minor for line in self.lines)

    @property
    def commission_base_minor(self) -> int:
        return sum(line.commission_base_minor for line in self.lines)

    @property
    def merchant_charge_minor(self) -> int:
        """What the refund takes from the merchant before commission is given back: the buyer's
        money plus the platform's subsidy on those units (settlement returns the commission)."""
        return self.refund_minor + self.subsidy_reversed_minor


def quote(order: RefundableOrder, kind: RefundKind, reason: ReasonCode, units: dict[str, int]) -> RefundQuote:
    """The amounts of refunding ``units`` (line id -> units) of ``order``.

    Raises RefundAmountError for an unknown line, a non-positive count, or more units than the
    line has left after earlier refunds.
    """
    if not units:
        raise RefundAmountError("name at least one line and its units", "lines", "no-lines")
    amounts: list[RefundLineAmounts] = []
    for line_id, count in sorted(units.items()):
        line = order.lines.get(line_id)
        if line is None:
            raise RefundAmountError(f"order {order.order_id} has no line {line_id}", f"lines.{line_id}", "unknown-line")
        left = order.units_left(line_id)
        if count <= 0 or count > left:
            raise RefundAmountError(
                f"line {line_id}: {count} units asked, {left} of {line.quantity} left to refund",
                f"lines.{line_id}.units",
            )
        taken = set(order.taken.get(line_id, []))
        free = [position for position in range(line.quantity - 1, -1, -1) if position not in taken]
        positions = sorted(free[:count])
        paid, subsidy, base = line.unit_shares(positions)
        amounts.append(RefundLineAmounts(line_id, count, positions, paid, subsidy, base))
    leaves_nothing = all(order.units_left(line_id) - units.get(line_id, 0) == 0 for line_id in order.lines)
    shipping_due = kind is RefundKind.CANCELLATION or reason in MERCHANT_FAULT
    shipping = order.shipping_fee_minor if leaves_nothing and shipping_due and not order.shipping_refunded else 0
    return RefundQuote(lines=amounts, shipping_minor=shipping)


def take(order: RefundableOrder, refund: RefundQuote) -> RefundableOrder:
    """The order with ``refund``'s units held (an open or completed refund)."""
    taken = {line_id: list(positions) for line_id, positions in order.taken.items()}
    for line in refund.lines:
        taken[line.line_id] = sorted(taken.get(line.line_id, []) + line.positions)
    return RefundableOrder(
        order.order_id,
        order.lines,
        order.shipping_fee_minor,
        taken,
        order.shipping_refunded or refund.shipping_minor > 0,
    )


def give_back(order: RefundableOrder, refund: RefundQuote) -> RefundableOrder:
    """The order with ``refund``'s units free again (closed without money moving)."""
    taken = {line_id: list(positions) for line_id, positions in order.taken.items()}
    for line in refund.lines:
        taken[line.line_id] = [p for p in taken.get(line.line_id, []) if p not in set(line.positions)]
    return RefundableOrder(
        order.order_id,
        order.lines,
        order.shipping_fee_minor,
        taken,
        order.shipping_refunded and refund.shipping_minor == 0,
    )
