"""Money as integer minor units (fen) with an ISO 4217 currency.

No floats anywhere: decimal strings such as "12.34" exist only at the API edge and are parsed
exactly. Totals are sums of integers; a money value exists to be parsed and formatted at
the API edge. Allocation of a whole over parts uses the largest-remainder
method so the parts always sum exactly to the whole (SPEC section 3).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# Minor units per major unit for the currencies ShipSettle settles in.
CURRENCY_EXPONENTS: dict[str, int] = {"CNY": 2, "HKD": 2, "USD": 2, "EUR": 2, "JPY": 0}

_DECIMAL_STRING = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")


class CurrencyMismatchError(ValueError):
    """Amounts in different currencies were to be compared or added (e.g. rate cards)."""


class InvalidAmountError(ValueError):
    pass


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount_minor: int
    currency: str = "CNY"

    def __post_init__(self) -> None:
        if type(self.amount_minor) is not int:
            raise InvalidAmountError(f"amount_minor must be int, got {type(self.amount_minor).__name__}")
        if self.currency not in CURRENCY_EXPONENTS:
            raise InvalidAmountError(f"unsupported currency {self.currency!r}")

    @classmethod
    def parse(cls, text: str, currency: str = "CNY") -> Money:
        """Parse an API-edge decimal string ("12.34") exactly; more decimals than the currency
        has are refused rather than rounded, since a rounded price is a wrong price."""
        if not isinstance(text, str) or not _DECIMAL_STRING.match(text):
            raise InvalidAmountError(f"{text!r} is not a decimal amount like '12.34'")
        exponent = CURRENCY_EXPONENTS.get(currency)
        if exponent is None:
            raise InvalidAmountError(f"unsupported currency {currency!r}")
        value = Decimal(text)
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise InvalidAmountError(f"{text!r} has more than {exponent} decimals for {currency}")
        return cls(int(scaled), currency)

    def to_decimal_string(self) -> str:
        exponent = CURRENCY_EXPONENTS[self.currency]
        if exponent == 0:
            return str(self.amount_minor)
        sign = "-" if self.amount_minor < 0 else ""
        whole, fraction = divmod(abs(self.amount_minor), 10**exponent)
        return f"{sign}{whole}.{fraction:0{exponent}d}"


def round_half_up_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up (halves away from zero), integers only."""
    if denominator == 0:
        raise ZeroDivisionError("denominator is zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    sign = -1 if numerator < 0 else 1
    whole, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        whole += 1
    return sign * whole


def allocate_largest_remainder(
    total_minor: int, weights: Sequence[int], tie_break_keys: Sequence[str] | None = None
) -> list[int]:
    """Split ``total_minor`` over ``weights`` pro rata; parts sum exactly to the total.

    Each part gets floor(total * weight / sum); the fen left over go one each to the parts with
    the largest remainders. Ties go to the smaller tie-break key (a line id, so the result does
    not depend on the order lines were posted in), or to the earlier part without keys. A part
    is never negative and never more than its pro-rata share rounded up, so when the total does
    not exceed the sum of weights no part exceeds its weight.
    """
    if total_minor < 0:
        raise InvalidAmountError("total to allocate must not be negative")
    if any(weight < 0 for weight in weights):
        raise InvalidAmountError("weights must not be negative")
    if tie_break_keys is not None and len(tie_break_keys) != len(weights):
        raise ValueError("one tie-break key per weight")
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total_minor == 0:
            return [0 for _ in weights]
        raise InvalidAmountError("cannot allocate a non-zero total over zero weights")
    parts: list[int] = []
    remainders: list[tuple[int, str | int]] = []
    for index, weight in enumerate(weights):
        part, remainder = divmod(total_minor * weight, weight_sum)
        parts.append(part)
        remainders.append((remainder, tie_break_keys[index] if tie_break_keys is not None else index))
    leftover = total_minor - sum(parts)
    ranked = sorted(range(len(weights)), key=lambda index: (-remainders[index][0], remainders[index][1]))
    for index in ranked[:leftover]:
        parts[index] += 1
    return parts
