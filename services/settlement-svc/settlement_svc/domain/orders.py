"""An order as settlement sees it: what each unit is worth to the merchant, and how much of
it has been signed off (or refunded). Pure: no I/O.

Figures come from order-svc's priced breakdown (OrderPlaced). A line's amounts are split over
its units with the largest-remainder method. Sign-offs take a line's units from the first,
refunds (refund-svc's contract) from the last, so over a whole line the parts add up exactly:
every unit is booked by a sign-off, refunded before it was booked (then never booked), or
booked and later reversed by a refund.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from settlement_svc.domain.policies import BASIS_POINTS, MerchantPolicy
from shipsettle_shared.money import allocate_largest_remainder, round_half_up_div


def unit_parts(total_minor: int, quantity: int) -> list[int]:
    return allocate_largest_remainder(total_minor, [1] * quantity)


def range_sum(total_minor: int, quantity: int, start: int, end: int) -> int:
    """The units ``start``..``end`` (exclusive) of a line's figure; 0 for an empty range.

    Exactly ``sum(unit_parts(...)[start:end])`` without building the parts (every sign-off and
    refund runs this three times a line): equal weights leave every unit the same remainder, so
    the largest-remainder method gives one extra fen to each of the first ``total % quantity``
    units (ties go to the earlier unit)."""
    if end <= start:
        return 0
    if total_minor < 0 or not 0 <= start < end <= quantity:
        return sum(unit_parts(total_minor, quantity)[start:end])  # the allocation's own checks and slicing
    each, extra = divmod(total_minor, quantity)
    return (end - start) * each + max(0, min(end, extra) - start)


@dataclass(frozen=True)
class SettlementLine:
    line_id: str
    category: str
    quantity: int
    paid_minor: int  # what the buyer paid for the line
    subsidy_minor: int  # platform-funded discounts on the line
    commission_base_minor: int
    units_signed_off: int = 0  # the line's first units
    units_refunded: int = 0  # the line's last units, refunded whether booked or not
    # the commission rate each signed-off unit was booked at, in unit order: a refund reverses
    # commission at the rate it was booked, even if the policy changed since
    booked_bp: tuple[int, ...] = ()

    @property
    def first_refunded_unit(self) -> int:
        return self.quantity - self.units_refunded

    @property
    def units_booked_unrefunded(self) -> int:
        return min(self.units_signed_off, self.first_refunded_unit)

    def figures(self, start: int, end: int) -> tuple[int, int, int]:
        """(paid, subsidy, commission base) of the units ``start``..``end`` (exclusive)."""
        return (
            range_sum(self.paid_minor, self.quantity, start, end),
            range_sum(self.subsidy_minor, self.quantity, start, end),
            range_sum(self.commission_base_minor, self.quantity, start, end),
        )

    def take(self, units: int) -> tuple[int, int, int]:
        """(paid, subsidy, commission base) to book for the next ``units`` not yet signed off.
        Units already refunded (the line's last ones) book nothing: the buyer has them back."""
        start, end = self.units_signed_off, self.units_signed_off + units
        if units <= 0 or end > self.quantity:
            raise ValueError(f"line {self.line_id}: cannot sign off {units} more of {self.quantity - start} left")
        return self.figures(start, min(end, self.first_refunded_unit))

    def refund(self, units: int, fallback_bp: int) -> tuple[SettlementLine, RefundLineSplit]:
        """Refund the line's last ``units`` not refunded yet, split into the part already booked
        (signed off: to reverse) and the part never booked (never to be booked). Units booked
        before rates were recorded are reversed at ``fallback_bp``. Raises ValueError for more
        units than the line has left."""
        end = self.first_refunded_unit
        start = end - units
        if units <= 0 or start < 0:
            raise ValueError(f"line {self.line_id}: cannot refund {units} more of {end} left")
        booked_end = max(start, min(end, self.units_signed_off))
        paid, subsidy, base = self.figures(start, end)
        booked_paid, booked_subsidy, booked_base = self.figures(start, booked_end)
        base_parts = unit_parts(self.commission_base_minor, self.quantity)
        numerator = sum(
            base_parts[unit] * (self.booked_bp[unit] if unit < len(self.booked_bp) else fallback_bp)
            for unit in range(start, booked_end)
        )
        split = RefundLineSplit(
            line_id=self.line_id,
            units=units,
            booked_units=booked_end - start,
            paid_minor=paid,
            subsidy_minor=subsidy,
            commission_base_minor=base,
            booked_paid_minor=booked_paid,
            booked_subsidy_minor=booked_subsidy,
            booked_commission_base_minor=booked_base,
            commission_numerator=numerator,
        )
        return replace(self, units_refunded=self.units_refunded + units), split


@dataclass(frozen=True)
class RefundLineSplit:
    """One refund line's units: all of them, and the part already booked (to reverse)."""

    line_id: str
    units: int
    booked_units: int
    paid_minor: int
    subsidy_minor: int
    commission_base_minor: int
    booked_paid_minor: int
    booked_subsidy_minor: int
    booked_commission_base_minor: int
    commission_numerator: int  # sum of booked unit base x the rate it was booked at (bp)


@dataclass(frozen=True)
class RefundedUnits:
    """What refund-svc says it refunds of one line (RefundLine in the contract)."""

    line_id: str
    units: int
    paid_minor: int
    subsidy_minor: int
    commission_base_minor: int


@dataclass(frozen=True)
class RefundAmounts:
    """What a refund reverses on the ledger (the booked part) and what was never booked."""

    paid_minor: int  # paid of the booked units refunded
    shipping_minor: int  # refunded shipping that had been booked
    subsidy_minor: int  # platform subsidy of the booked units, reversed
    commission_minor: int  # commission reversed
    unbooked_paid_minor: int  # refunded before sign-off: never booked, nothing to reverse
    unbooked_subsidy_minor: int
    unbooked_shipping_minor: int
    lines: tuple[RefundLineSplit, ...] = ()
    # refund-svc's figures that differ from this order's own allocation of the same units
    disagreements: tuple[str, ...] = ()

    @property
    def refunded_minor(self) -> int:
        """R: what the buyer gets back out of money already booked to the merchant."""
        return self.paid_minor + self.shipping_minor

    @property
    def merchant_reversal_minor(self) -> int:
        """R + S - C: what comes back from the merchant (SPEC section 3, in reverse)."""
        return self.paid_minor + self.shipping_minor + self.subsidy_minor - self.commission_minor


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
    shipping_refunded_minor: int = 0
    commission_booked_minor: int = 0  # by every sign-off of the order
    commission_reversed_minor: int = 0  # by its refunds

    @property
    def commission_remaining_minor(self) -> int:
        return self.commission_booked_minor - self.commission_reversed_minor

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
            lines[line_id] = replace(
                line,
                units_signed_off=line.units_signed_off + units,
                booked_bp=line.booked_bp + (policy.commission_bp(line.category),) * units,
            )
        amounts = SignOffAmounts(
            paid_minor=paid,
            # shipping refunded before it was booked is never booked
            shipping_minor=0 if self.shipping_booked else self.shipping_fee_minor - self.shipping_refunded_minor,
            subsidy_minor=subsidy,
            commission_minor=policy.commission_minor(bases),
            by_line=by_line,
        )
        updated = replace(
            self,
            lines=lines,
            shipping_booked=True,
            commission_booked_minor=self.commission_booked_minor + amounts.commission_minor,
        )
        return updated, amounts

    def refund(
        self, refunded: Mapping[str, RefundedUnits], shipping_minor: int, policy: MerchantPolicy
    ) -> tuple[SettlementOrder, RefundAmounts]:
        """Split a refund into its booked part (reversed now) and the part never booked.

        Commission is reversed at the rate each unit was booked at, on its commission base,
        rounded half up once per refund, and never more than the order still has booked; when
        no booked unit is left unrefunded, exactly what remains is reversed, so a fully refunded
        order ends with zero commission. Shipping refunded before it was booked is never booked.
        Raises ValueError for unknown lines, more units than are left, or more shipping than
        the order has (contract violations)."""
        lines = dict(self.lines)
        splits: list[RefundLineSplit] = []
        disagreements: list[str] = []
        for line_id, units in sorted(refunded.items()):
            line = lines.get(line_id)
            if line is None:
                raise ValueError(f"order {self.order_id} has no line {line_id}")
            lines[line_id], split = line.refund(units.units, policy.commission_bp(line.category))
            splits.append(split)
            ours = (split.paid_minor, split.subsidy_minor, split.commission_base_minor)
            theirs = (units.paid_minor, units.subsidy_minor, units.commission_base_minor)
            if ours != theirs:
                disagreements.append(f"line {line_id}: refund says {theirs}, the order's last units are {ours}")
        if shipping_minor < 0 or self.shipping_refunded_minor + shipping_minor > self.shipping_fee_minor:
            raise ValueError(
                f"order {self.order_id}: cannot refund {shipping_minor} shipping of "
                f"{self.shipping_fee_minor - self.shipping_refunded_minor} left"
            )
        booked_shipping = shipping_minor if self.shipping_booked else 0
        computed = round_half_up_div(sum(split.commission_numerator for split in splits), BASIS_POINTS)
        remaining = self.commission_remaining_minor
        if any(line.units_booked_unrefunded for line in lines.values()):
            commission = max(0, min(computed, remaining))
        else:
            commission = remaining  # the order's last booked units: what remains, to the fen
        amounts = RefundAmounts(
            paid_minor=sum(split.booked_paid_minor for split in splits),
            shipping_minor=booked_shipping,
            subsidy_minor=sum(split.booked_subsidy_minor for split in splits),
            commission_minor=commission,
            unbooked_paid_minor=sum(split.paid_minor - split.booked_paid_minor for split in splits),
            unbooked_subsidy_minor=sum(split.subsidy_minor - split.booked_subsidy_minor for split in splits),
            unbooked_shipping_minor=shipping_minor - booked_shipping,
            lines=tuple(splits),
            disagreements=tuple(disagreements),
        )
        updated = replace(
            self,
            lines=lines,
            shipping_refunded_minor=self.shipping_refunded_minor + shipping_minor,
            commission_reversed_minor=self.commission_reversed_minor + commission,
        )
        return updated, amounts
