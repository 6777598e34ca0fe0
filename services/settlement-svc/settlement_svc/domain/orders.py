"""An order as settlement sees it: what each unit is worth to the merchant, and how much of
it has been signed off (or refunded). Pure: no I/O.

Figures come from order-svc's priced breakdown (OrderPlaced). A line's amounts are split over
its units with the largest-remainder method, and units are taken in order by sign-offs (and
refunds), so partial shipments and partial refunds always add up to the line exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from settlement_svc.domain.policies import MerchantPolicy
from shipsettle_shared.money import allocate_largest_remainder


def unit_parts(total_minor: int, quantity: int) -> list[int]:
    return allocate_largest_remainder(total_minor, [1] * quantity)


@dataclass(frozen=True)
class SettlementLine:
    line_id: str
    category: str
    quantity: int
    paid_minor: int  # what the buyer paid for the line
    subsidy_minor: int  # platform-funded discounts on the line
    commission_base_minor: int
    units_signed_off: int = 0

    def take(self, units: int) -> tuple[int, int, int]:
        """(paid, subsidy, commission base) of the next ``units`` not yet signed off."""
        start, end = self.units_signed_off, self.units_signed_off + units
        if units <= 0 or end > self.quantity:
            raise ValueError(f"line {self.line_id}: cannot sign off {units} more of {self.quantity - start} left")
        return (
            sum(unit_parts(self.paid_minor, self.quantity)[start:end]),
            sum(unit_parts(self.subsidy_minor, self.quantity)[start:end]),
            sum(unit_parts(self.commission_base_minor, self.quantity)[start:end]),
        )


@dataclass(frozen=True)
class SignOffAmounts:
    """What one sign-off books for the merchant (every fen explained)."""

    paid_minor: int  # buyer's payment for the units signed off
    shipping_minor: int  # the buyer's shipping fee, booked with the order's first sign-off
    subsidy_minor: int  # platform-funded discounts, paid by the platform
    commission_minor: int
    by_line: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def net_minor(self) -> int:
        """buyer_paid + platform_subsidy = commission + merchant_net (SPEC section 3)."""
        return self.paid_minor + self.shipping_minor + self.subsidy_minor - self.commission_minor


@dataclass(frozen=True)
class SettlementOrder:
    order_id: str
    merchant_id: str
    currency: str
    shipping_fee_minor: int
    lines: dict[str, SettlementLine]
    shipping_booked: bool = False

    def sign_off(self, quantities: dict[str, int], policy: MerchantPolicy) -> tuple[SettlementOrder, SignOffAmounts]:
        """Book the signed-off units. Raises ValueError for lines or quantities the order does
        not have left (a contract violation: logistics signs off only what it shipped)."""
        paid = subsidy = 0
        bases: list[tuple[str, int]] = []
        by_line: dict[str, dict[str, int]] = {}
        lines = dict(self.lines)
        for line_id, units in sorted(quantities.items()):
            line = lines.get(line_id)
            if line is None:
                raise ValueError(f"order {self.order_id} has no line {line_id}")
            line_paid, line_subsidy, line_base = line.take(units)
            paid += line_paid
            subsidy += line_subsidy
            bases.append((line.category, line_base))
            by_line[line_id] = {
                "units": units,
                "paid_minor": line_paid,
                "subsidy_minor": line_subsidy,
                "commission_base_minor": line_base,
                "commission_bp": policy.commission_bp(line.category),
            }
            lines[line_id] = replace(line, units_signed_off=line.units_signed_off + units)
        amounts = SignOffAmounts(
            paid_minor=paid,
            shipping_minor=0 if self.shipping_booked else self.shipping_fee_minor,
            subsidy_minor=subsidy,
            commission_minor=policy.commission_minor(bases),
            by_line=by_line,
        )
        return replace(self, lines=lines, shipping_booked=True), amounts
