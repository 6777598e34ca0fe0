"""What the sandbox bank decides: the two kinds of business, the statuses a request moves
through, the reasons it gives, and how the outcome of a request is drawn.

Pure Python: no HTTP, no SQL.

A request moves ``accepted → paid`` or ``accepted → failed``; a paid payout may later move
``paid → returned`` (the beneficiary's bank sent the money back). Money leaves the account exactly
once, at ``paid``; a return brings it back as a new credit, it never undoes the payment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import timedelta, timezone
from enum import StrEnum

# The bank keeps China Standard Time: statement days and ``occurred_at`` are in UTC+08:00.
BANK_TIMEZONE = timezone(timedelta(hours=8), "CST")


class Kind(StrEnum):
    PAYOUT = "payout"  # the bank that pays merchants (settlement-svc's payouts, 结算打款)
    REFUND = "refund"  # the payment provider that refunds buyers (refund-svc, 退款)


class Status(StrEnum):
    ACCEPTED = "accepted"
    PAID = "paid"
    FAILED = "failed"
    RETURNED = "returned"


@dataclass(frozen=True)
class Reason:
    """Why a request failed or came back: a code (ISO 20022 external return-reason codes for
    payouts, the provider's own for refunds) and the words a person reads."""

    code: str
    text: str


PAYOUT_FAILURES = (
    Reason("AC06", "account frozen"),
    Reason("BE01", "name mismatch"),
    Reason("AC01", "invalid account number"),
)
PAYOUT_RETURN = Reason("AC04", "beneficiary account closed")
REFUND_FAILURES = (
    Reason("TRADE_NOT_REFUNDABLE", "original transaction not refundable"),
    Reason("CHANNEL_ACCOUNT_FROZEN", "channel account frozen"),
    Reason("REFUND_WINDOW_EXPIRED", "refund window expired"),
)
# The reason a scripted outcome gets when the test gives none.
SCRIPTED_REASON_CODE = "SANDBOX"


def failure_reasons(kind: Kind) -> tuple[Reason, ...]:
    return PAYOUT_FAILURES if kind is Kind.PAYOUT else REFUND_FAILURES


def default_reason(kind: Kind, outcome: Status) -> Reason | None:
    if outcome is Status.FAILED:
        return failure_reasons(kind)[0]
    if outcome is Status.RETURNED:
        return PAYOUT_RETURN
    return None


@dataclass(frozen=True)
class Controls:
    """The knobs a test may turn at runtime (``POST /_sandbox/controls``). They live in memory:
    a restarted sandbox starts again from its command line."""

    fail_rate: float
    return_rate: float
    min_delay_ms: int
    max_delay_ms: int
    callbacks_paused: bool = False
    settlement_paused: bool = False
    callback_max_attempts: int = 20
    callback_initial_backoff_ms: int = 200
    callback_max_backoff_ms: int = 30_000

    def __post_init__(self) -> None:
        if not 0 <= self.fail_rate <= 1 or not 0 <= self.return_rate <= 1:
            raise ValueError("fail_rate and return_rate must be between 0 and 1")
        if not 0 <= self.min_delay_ms <= self.max_delay_ms:
            raise ValueError("delays must satisfy 0 <= min_delay_ms <= max_delay_ms")
        if self.callback_max_attempts < 1:
            raise ValueError("callback_max_attempts must be at least 1")
        if not 0 < self.callback_initial_backoff_ms <= self.callback_max_backoff_ms:
            raise ValueError("callback backoffs must satisfy 0 < initial <= max")

    def updated(self, **changes: object) -> Controls:
        return replace(self, **changes)  # type: ignore[arg-type]

    def backoff_s(self, attempts_made: int) -> float:
        """Delay before the next attempt after ``attempts_made`` failed ones: doubling from the
        initial backoff, capped. Jitter is added by the caller."""
        exponent = max(min(attempts_made - 1, 30), 0)
        delay_ms: int = self.callback_initial_backoff_ms << exponent
        return min(delay_ms, self.callback_max_backoff_ms) / 1000


@dataclass
class ControlPanel:
    """The controls in force, shared by the HTTP handlers and the background workers (one event
    loop, so replacing ``current`` is atomic for all of them)."""

    current: Controls


@dataclass(frozen=True)
class OutcomePlan:
    """What will happen to a request, decided when it is accepted and stored with it, so a
    restart neither redraws nor forgets it."""

    outcome: Status  # PAID or FAILED
    failure: Reason | None
    settle_delay_s: float
    returns: bool
    return_reason: Reason | None
    return_delay_s: float

    def __post_init__(self) -> None:
        assert self.outcome in (Status.PAID, Status.FAILED)
        assert (self.outcome is Status.FAILED) == (self.failure is not None)
        assert not self.returns or (self.outcome is Status.PAID and self.return_reason is not None)


def plan_outcome(kind: Kind, controls: Controls, seed: int, request_id: str) -> OutcomePlan:
    """Draw a request's fate from an RNG seeded by (seed, kind, request id): the same sandbox seed
    and request id always give the same fate under the same controls, whatever the order in which
    requests arrive or how often the process restarts."""
    rng = random.Random(f"{seed}:{kind.value}:{request_id}")

    def delay_s() -> float:
        return rng.uniform(controls.min_delay_ms, controls.max_delay_ms) / 1000

    settle_delay_s = delay_s()
    fails = rng.random() < controls.fail_rate
    failure = rng.choice(failure_reasons(kind))
    returns = kind is Kind.PAYOUT and rng.random() < controls.return_rate
    return_delay_s = delay_s()
    return OutcomePlan(
        outcome=Status.FAILED if fails else Status.PAID,
        failure=failure if fails else None,
        settle_delay_s=settle_delay_s,
        returns=returns and not fails,
        return_reason=PAYOUT_RETURN if returns and not fails else None,
        return_delay_s=return_delay_s,
    )


def scripted_plan(plan: OutcomePlan, outcome: Status, reason: Reason) -> OutcomePlan:
    """``plan`` with its outcome replaced by one a test asked for (``POST /_sandbox/outcomes``);
    the delays stay as drawn."""
    if outcome is Status.FAILED:
        return replace(plan, outcome=Status.FAILED, failure=reason, returns=False, return_reason=None)
    if outcome is Status.RETURNED:
        return replace(plan, outcome=Status.PAID, failure=None, returns=True, return_reason=reason)
    assert outcome is Status.PAID
    return replace(plan, outcome=Status.PAID, failure=None, returns=False, return_reason=None)
