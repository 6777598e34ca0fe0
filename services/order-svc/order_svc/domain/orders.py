"""The order aggregate: what may happen to an order, and when. Pure: no I/O.

Life in order-svc: placed (paid, priced) → shipping information confirmed (核对发货信息, may be
corrected until dispatch) → dispatched (learned from logistics) → ... ; or cancelled before
dispatch. Later stages (delivered, signed off, settled, paid out, refunds) are shown on the
order's timeline from the other services' events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from order_svc.domain.pricing import PricedOrder
from shipsettle_shared.domain_errors import DomainError, Refusal

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MAINLAND_POSTAL_CODE = re.compile(r"^[0-9]{6}$")


class OrderStatus(StrEnum):
    PLACED = "placed"
    CONFIRMED = "confirmed"  # shipping information confirmed
    PARTIALLY_DISPATCHED = "partially_dispatched"
    DISPATCHED = "dispatched"
    CANCELLED = "cancelled"


class OrderRuleViolation(DomainError):
    """order-svc's refusals of a command on an order: its state does not allow it (dispatched,
    cancelled), or what it says does not check out; ``field`` names the input at fault if any."""


class InvalidShippingInfo(OrderRuleViolation):
    """The consignee or the items checked (核对发货信息) do not check out: every (field, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(
            Refusal.RULE,
            "shipping-info-invalid",
            "the shipping information does not check out: "
            + "; ".join(f"{field}: {message}" for field, message in errors),
            errors=[{"field": field, "message": message} for field, message in errors],
        )


def _is_mainland(mobile: str) -> bool:
    return not mobile.startswith("+") or mobile.startswith("+86")


@dataclass(frozen=True)
class Consignee:
    name: str
    mobile: str
    province: str
    city: str
    district: str
    address_line: str
    postal_code: str

    def problems(self, prefix: str = "consignee") -> list[tuple[str, str]]:
        """Everything wrong with it, as (field, message): mainland mobiles are 11 digits starting
        with 1[3-9]; other numbers are E.164 (+ and country code); +86 numbers must be mainland
        mobiles; every address part is required; mainland postal codes are 6 digits."""
        errors: list[tuple[str, str]] = []
        for name in ("name", "province", "city", "district", "address_line"):
            if not getattr(self, name).strip():
                errors.append((f"{prefix}.{name}", "required for a deliverable address"))
        mobile = self.mobile.strip()
        if mobile.startswith("+86"):
            if not MAINLAND_MOBILE.match(mobile[3:]):
                errors.append(
                    (f"{prefix}.mobile", "a +86 number must be an 11-digit mainland mobile (1[3-9]xxxxxxxxx)")
                )
        elif mobile.startswith("+"):
            if not E164.match(mobile):
                errors.append((f"{prefix}.mobile", "an international number must be E.164, e.g. +85291234567"))
        elif not MAINLAND_MOBILE.match(mobile):
            errors.append(
                (f"{prefix}.mobile", "a mainland mobile has 11 digits starting with 13-19; others use E.164 (+...)")
            )
        if not self.postal_code.strip():
            errors.append((f"{prefix}.postal_code", "required"))
        elif _is_mainland(mobile) and not MAINLAND_POSTAL_CODE.match(self.postal_code):
            errors.append((f"{prefix}.postal_code", "a mainland postal code has 6 digits"))
        return errors

    def changed_fields(self, other: Consignee) -> list[str]:
        return [name for name in self.__dataclass_fields__ if getattr(self, name) != getattr(other, name)]


@dataclass(frozen=True)
class OrderLine:
    line_id: str
    sku: str
    name: str
    spec: str  # 规格
    quantity: int
    category: str


@dataclass(frozen=True)
class Payment:
    channel: str
    transaction_id: str
    amount_minor: int
    paid_at: datetime


@dataclass(frozen=True)
class ShippingCheckItem:
    line_id: str
    quantity: int
    spec: str


@dataclass(frozen=True)
class Actor:
    """Who did something: the API key and its role (recorded on confirmations and corrections)."""

    key_id: str
    role: str

    def __str__(self) -> str:
        return f"{self.role}:{self.key_id}"


@dataclass(frozen=True)
class Order:
    order_id: str
    merchant_id: str
    buyer_ref: str
    currency: str
    lines: tuple[OrderLine, ...]
    priced: PricedOrder
    consignee: Consignee
    payment: Payment
    placed_at: datetime
    status: OrderStatus = OrderStatus.PLACED
    shipping_confirmed_at: datetime | None = None
    shipping_confirmed_by: str | None = None
    dispatched_quantities: dict[str, int] = field(default_factory=dict)
    cancelled_at: datetime | None = None

    @property
    def dispatch_started(self) -> bool:
        return bool(self.dispatched_quantities)

    def confirm_shipping(
        self, items: list[ShippingCheckItem], consignee: Consignee | None, by: Actor, at: datetime
    ) -> Order:
        """核对发货信息. Raises InvalidShippingInfo (with fields) or OrderRuleViolation."""
        self._require_not_cancelled()
        if self.dispatch_started:
            raise OrderRuleViolation(
                Refusal.CONFLICT, "already-dispatched", "the order has been dispatched; shipping info is final"
            )
        effective = consignee or self.consignee
        errors = effective.problems()
        errors += self._item_mismatches(items)
        if errors:
            raise InvalidShippingInfo(errors)
        return replace(
            self,
            consignee=effective,
            status=OrderStatus.CONFIRMED,
            shipping_confirmed_at=at,
            shipping_confirmed_by=str(by),
        )

    def correct_shipping(self, consignee: Consignee) -> tuple[Order, list[str]]:
        """Correct the consignee until dispatch. Returns the order and the fields changed."""
        self._require_not_cancelled()
        if self.dispatch_started:
            raise OrderRuleViolation(
                Refusal.CONFLICT,
                "already-dispatched",
                "the order has been dispatched; its shipping information can no longer be corrected",
            )
        errors = consignee.problems()
        if errors:
            raise InvalidShippingInfo(errors)
        changed = self.consignee.changed_fields(consignee)
        if not changed:
            raise OrderRuleViolation(
                Refusal.RULE, "nothing-to-correct", "the correction changes nothing", field="consignee"
            )
        return replace(self, consignee=consignee), changed

    def cancel(self, at: datetime) -> Order:
        """Only before dispatch; afterwards it is a refund (refund-svc)."""
        self._require_not_cancelled()
        if self.dispatch_started:
            raise OrderRuleViolation(
                Refusal.CONFLICT,
                "already-dispatched",
                "a dispatched order cannot be cancelled; request a refund or return instead",
            )
        return replace(self, status=OrderStatus.CANCELLED, cancelled_at=at)

    def record_dispatch(self, line_quantities: dict[str, int]) -> Order:
        """Logistics dispatched a parcel. Partial dispatch leaves the rest open."""
        dispatched = dict(self.dispatched_quantities)
        for line_id, quantity in line_quantities.items():
            dispatched[line_id] = dispatched.get(line_id, 0) + quantity
        complete = all(dispatched.get(line.line_id, 0) >= line.quantity for line in self.lines)
        status = self.status
        if status is not OrderStatus.CANCELLED:
            status = OrderStatus.DISPATCHED if complete else OrderStatus.PARTIALLY_DISPATCHED
        return replace(self, dispatched_quantities=dispatched, status=status)

    def _require_not_cancelled(self) -> None:
        if self.status is OrderStatus.CANCELLED:
            raise OrderRuleViolation(Refusal.CONFLICT, "cancelled", "the order is cancelled")

    def _item_mismatches(self, items: list[ShippingCheckItem]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        by_id = {line.line_id: line for line in self.lines}
        seen: set[str] = set()
        for index, item in enumerate(items):
            line = by_id.get(item.line_id)
            if line is None:
                errors.append((f"items[{index}].line_id", f"the order has no line {item.line_id!r}"))
                continue
            if item.line_id in seen:
                errors.append((f"items[{index}].line_id", f"line {item.line_id!r} listed twice"))
            seen.add(item.line_id)
            if item.quantity != line.quantity:
                errors.append((f"items[{index}].quantity", f"the order has {line.quantity} of {item.line_id!r}"))
            if item.spec != line.spec:
                errors.append(
                    (f"items[{index}].spec", f"the order's spec (规格) for {item.line_id!r} is {line.spec!r}")
                )
        for line in self.lines:
            if line.line_id not in seen:
                errors.append(("items", f"line {line.line_id!r} is not checked"))
        return errors
