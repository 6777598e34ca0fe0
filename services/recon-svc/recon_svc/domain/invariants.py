"""The money invariants recon checks for every order, from what the other services published.
Pure: no I/O.

Conservation (SPEC section 3) from independent sources — what the buyer paid (order-svc), what
was refunded to the buyer (refund-svc), and what settlement booked (its ledger):

    escrow = buyer_paid + platform_subsidy - refunded_to_buyer - commission - merchant_net

``escrow`` is the buyer's money for units neither signed off nor refunded: never negative, and
zero once every unit is signed off or refunded. Anything else means money was created or lost
between the services. Also: nothing is booked for a merchant without a sign-off, and nobody
refunds more than was paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class OrderMoney:
    order_id: str
    merchant_id: str | None
    buyer_paid_minor: int | None  # None until OrderPlaced has arrived
    refunded_to_buyer_minor: int
    subsidy_minor: int
    commission_minor: int
    merchant_net_minor: int
    units_ordered: int
    units_signed_off: int
    units_refunded: int
    open_refunds: int
    booked_for_merchant: bool
    signed_off: bool

    @property
    def escrow_minor(self) -> int | None:
        if self.buyer_paid_minor is None:
            return None
        return (
            self.buyer_paid_minor
            + self.subsidy_minor
            - self.refunded_to_buyer_minor
            - self.commission_minor
            - self.merchant_net_minor
        )

    @property
    def every_unit_accounted(self) -> bool:
        """Signed off or refunded, with no refund still open (a return of signed-off units
        counts on both sides, which is why this is not a sum)."""
        if self.open_refunds or self.units_ordered == 0:
            return False
        return self.units_signed_off >= self.units_ordered or self.units_refunded >= self.units_ordered


@dataclass(frozen=True)
class Violation:
    check: str
    message: str
    figures: dict[str, int | str | None]


def figures_of(order: OrderMoney) -> dict[str, int | str | None]:
    return {
        "buyer_paid_minor": order.buyer_paid_minor,
        "platform_subsidy_minor": order.subsidy_minor,
        "refunded_to_buyer_minor": order.refunded_to_buyer_minor,
        "commission_minor": order.commission_minor,
        "merchant_net_minor": order.merchant_net_minor,
        "escrow_minor": order.escrow_minor,
        "units_ordered": order.units_ordered,
        "units_signed_off": order.units_signed_off,
        "units_refunded": order.units_refunded,
    }


def check_order(order: OrderMoney) -> list[Violation]:
    """Violations of an order whose events have had time to arrive (the caller waits a grace
    period after the last one, since topics are not ordered with each other)."""
    found: list[Violation] = []
    figures = figures_of(order)
    if order.booked_for_merchant and not order.signed_off:
        found.append(
            Violation("settled_without_sign_off", "the ledger booked the merchant without a sign-off", figures)
        )
    escrow = order.escrow_minor
    if escrow is None or order.buyer_paid_minor is None:
        return found
    if order.refunded_to_buyer_minor > order.buyer_paid_minor:
        found.append(
            Violation(
                "conservation",
                f"refunded {order.refunded_to_buyer_minor} of {order.buyer_paid_minor} paid",
                figures,
            )
        )
    elif escrow < 0:
        found.append(
            Violation(
                "conservation",
                f"buyer_paid + subsidy = refunded + commission + merchant_net is broken by {-escrow} fen more paid out "
                "than came in",
                figures,
            )
        )
    elif escrow != 0 and order.every_unit_accounted:
        found.append(
            Violation(
                "conservation",
                f"every unit is signed off or refunded but {escrow} fen of the buyer's payment is unaccounted for",
                figures,
            )
        )
    return found


def released_in_window(release_at: datetime, released_at: datetime, slack: timedelta) -> bool:
    """A hold released by its policy date plus the window's slack was released on time, however
    late its event reached recon."""
    return released_at <= release_at + slack


def window_violation(
    order: OrderMoney, hold_id: str, release_at: datetime, released_at: datetime | None, now: datetime
) -> Violation | None:
    """A signed-off order's hold must be released (or the order refunded) by its policy date.
    An open refund excuses it: the hold waits for the refund by design."""
    if released_at is not None or order.open_refunds or order.units_refunded >= order.units_ordered > 0:
        return None
    return Violation(
        "not_settled_in_window",
        f"hold {hold_id} was due for release at {release_at.isoformat()} and is still held at {now.isoformat()}",
        {**figures_of(order), "hold_id": hold_id, "release_at": release_at.isoformat()},
    )
