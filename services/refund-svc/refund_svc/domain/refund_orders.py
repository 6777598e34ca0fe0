"""An order as refunds see it, and the rules a refund request must meet against it. Pure: no I/O.

The order is what order-svc placed (its priced lines, how it was paid) with what logistics
reported (units signed off, when) and which unit positions refunds hold (``RefundableOrder``).
Requests are judged against it under its row lock, so two racing requests can never hold the
same units; a refund closed without money moving gives its units back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from refund_svc.domain.amounts import (
    ReasonCode,
    RefundableOrder,
    RefundKind,
    RefundQuote,
    give_back,
    quote,
    take,
)
from refund_svc.domain.errors import refused
from refund_svc.domain.workflow import Deadlines


@dataclass(frozen=True)
class Rules:
    """The platform's settings refunds are judged by."""

    deadlines: Deadlines
    no_reason_excluded_categories: frozenset[str]


@dataclass(frozen=True)
class RequestRefund:
    """A buyer's request (the platform posts it): which units of which order, what kind, and why."""

    order_id: str
    kind: RefundKind
    reason_code: ReasonCode
    reason: str
    units: dict[str, int]  # line id -> units
    requested_by: str


@dataclass(frozen=True)
class Payment:
    """How the buyer paid the order: where a refund's money goes back (domain/channels.py)."""

    channel: str
    transaction_id: str
    buyer_ref: str | None  # whose platform balance a balance refund credits (null for orders before it was kept)


@dataclass(frozen=True)
class RefundOrder:
    merchant_id: str
    currency: str
    payment: Payment
    refundable: RefundableOrder
    signed_off_units: Mapping[str, int]
    last_signed_off_at: datetime | None

    @property
    def order_id(self) -> str:
        return self.refundable.order_id

    def quote(self, request: RequestRefund, *, now: datetime, rules: Rules) -> RefundQuote:
        """The amounts of refunding the units ``request`` names, after every rule. Raises
        RefundRuleViolation: ``cancel-through-orders``, ``not-signed-off``, ``no-reason-needs-return``,
        ``no-reason-excluded``, ``no-reason-window-closed``, ``reserved-reason``; RefundAmountError
        for lines or units the order does not have left."""
        self._check_kind_rules(request.kind, request.reason_code, request.units, now=now, rules=rules)
        return quote(self.refundable, request.kind, request.reason_code, request.units)

    def _check_kind_rules(
        self, kind: RefundKind, reason_code: ReasonCode, units: dict[str, int], *, now: datetime, rules: Rules
    ) -> None:
        lines = self.refundable.lines
        if kind is RefundKind.CANCELLATION:
            raise refused(
                "cancel-through-orders", "cancellations come from POST /v1/orders/{id}/cancel in order-svc", "kind"
            )
        if kind is RefundKind.RETURN_AND_REFUND:
            for line_id, count in units.items():
                signed = int(self.signed_off_units.get(line_id, 0))
                if line_id in lines and count > signed:
                    raise refused(
                        "not-signed-off",
                        f"a return needs the goods signed off: line {line_id} has {signed} units signed off, "
                        f"{count} asked",
                        f"lines.{line_id}.units",
                    )
        if reason_code is ReasonCode.NO_REASON:
            if kind is not RefundKind.RETURN_AND_REFUND:
                raise refused(
                    "no-reason-needs-return", "a no-reason refund (七天无理由) is a return and refund", "reason_code"
                )
            excluded = sorted(
                {lines[line_id].category for line_id in units if line_id in lines} & rules.no_reason_excluded_categories
            )
            if excluded:
                raise refused(
                    "no-reason-excluded",
                    f"category {', '.join(excluded)} is excluded from 7-day no-reason returns",
                    "reason_code",
                )
            window = rules.deadlines.no_reason_window
            if self.last_signed_off_at is None or now > self.last_signed_off_at + window:
                raise refused(
                    "no-reason-window-closed",
                    f"7-day no-reason returns are accepted until {window.days} days after sign-off"
                    + (f" ({(self.last_signed_off_at + window).isoformat()})" if self.last_signed_off_at else ""),
                    "reason_code",
                )
        if reason_code is ReasonCode.CANCELLED:
            raise refused("reserved-reason", "reason 'cancelled' belongs to cancellations", "reason_code")

    def units_left(self) -> dict[str, int]:
        """Every unit no refund holds, by line: what a cancellation refunds."""
        order = self.refundable
        return {line_id: order.units_left(line_id) for line_id in order.lines if order.units_left(line_id) > 0}

    def taking(self, amounts: RefundQuote) -> RefundOrder:
        """The order with a new refund's units held."""
        return replace(self, refundable=take(self.refundable, amounts))

    def giving_back(self, amounts: RefundQuote) -> RefundOrder:
        """The order with a closed refund's units free again."""
        return replace(self, refundable=give_back(self.refundable, amounts))
