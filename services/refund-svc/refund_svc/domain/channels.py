"""Where a refund's money goes, by the channel the buyer paid through. Pure: no I/O.

Every channel order-svc accepts has a way back (tests/unit/refund/test_refund_routes.py holds
this list against order-svc's):

- wechat_pay, alipay, unionpay, bank_card: the refund provider sends the money back the way it
  came (原路退回); the provider names these channels by its own codes.
- balance (余额): the buyer's platform balance belongs to the platform, not to a payment
  provider, so the provider cannot refund it. The platform's backend credits the balance itself:
  refund-svc asks it to (``BalanceCreditRequested``, delivered as a webhook), and the refund
  completes when the platform acknowledges the credit over HTTP.

After a failure no retry can fix, ops may settle a refund another way (``Resolution``): to another
channel the buyer gives (sent like a first attempt, through the provider or as a balance credit),
offline with a reference (a bank transfer ops made), or closed without money moving.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from refund_svc.domain.errors import RefundRuleViolation
from shipsettle_shared.contracts import RefundedVia
from shipsettle_shared.domain_errors import Refusal


class RefundRoute(StrEnum):
    PROVIDER = "provider"
    PLATFORM_BALANCE = "platform_balance"


# Our payment channel -> the refund provider's original-channel code.
PROVIDER_CHANNELS = {"wechat_pay": "wechat", "alipay": "alipay", "unionpay": "unionpay", "bank_card": "bank_card"}
BALANCE = "balance"
REFUNDABLE_CHANNELS = frozenset({*PROVIDER_CHANNELS, BALANCE})


class UnknownChannel(ValueError):
    """A payment channel with no way back: a contract gap between order-svc and refund-svc."""


def route_of(channel: str) -> RefundRoute:
    if channel == BALANCE:
        return RefundRoute.PLATFORM_BALANCE
    if channel in PROVIDER_CHANNELS:
        return RefundRoute.PROVIDER
    raise UnknownChannel(f"payment channel {channel!r} has no refund route")


def refunded_via(paid_channel: str, *, chosen_by_ops: bool) -> RefundedVia:
    """Who paid a refund that went to ``paid_channel``: the platform for the balance (whoever
    chose it: the buyer by paying from it, or ops after a failure), else the refund provider —
    back the way the buyer paid, or to the channel ops were given. So other_channel always means
    the provider paid (recon expects it on the provider's file), never the balance."""
    if route_of(paid_channel) is RefundRoute.PLATFORM_BALANCE:
        return RefundedVia.PLATFORM_BALANCE
    return RefundedVia.OTHER_CHANNEL if chosen_by_ops else RefundedVia.ORIGINAL_CHANNEL


class ResolutionKind(StrEnum):
    OTHER_CHANNEL = "other_channel"  # the buyer gave another account: a new attempt there
    REFUNDED_OFFLINE = "refunded_offline"  # ops paid the buyer outside ShipSettle: completed
    CLOSED = "closed"  # nobody is to be paid (the buyer withdrew, or was refunded by the merchant)


@dataclass(frozen=True)
class Resolution:
    """Ops' way out of a failed refund, recorded with who and why."""

    kind: ResolutionKind
    reason: str
    by: str
    reference: str | None = None  # refunded_offline: the transfer's reference
    channel: str | None = None  # other_channel: where to
    account: str | None = None  # other_channel: the buyer's account there (not needed for balance)

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise InvalidResolution("reason", "say why the refund is settled this way")
        if self.kind is ResolutionKind.REFUNDED_OFFLINE and not (self.reference or "").strip():
            raise InvalidResolution("reference", "an offline refund needs the transfer's reference")
        if self.kind is ResolutionKind.OTHER_CHANNEL:
            if self.channel not in REFUNDABLE_CHANNELS:
                allowed = ", ".join(sorted(REFUNDABLE_CHANNELS))
                raise InvalidResolution("channel", f"another channel is one of {allowed}")
            if self.channel != BALANCE and not (self.account or "").strip():
                raise InvalidResolution("account", f"the buyer's {self.channel} account to refund to")


class InvalidResolution(RefundRuleViolation):
    """A resolution that would record nothing useful (a rule's refusal naming the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(Refusal.RULE, "invalid-resolution", message, field=field)
