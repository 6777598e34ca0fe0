"""The refund workflow: statuses, who may move a refund from which status, and the deadlines.
Pure: no I/O.

    requested ──merchant approves / deadline passes──▶ refunding            (refund only)
        │                                         └──▶ awaiting_return      (return and refund)
        └──merchant rejects (reason)──▶ rejected ──buyer escalates──▶ escalated ──ops──▶ …
    awaiting_return ──buyer ships back──▶ return_in_transit ──carrier: delivered──▶ awaiting_inspection
    awaiting_inspection ──pass / deadline passes──▶ refunding;  ──fail (evidence)──▶ rejected
    refunding ──provider paid / platform acknowledges the balance credit──▶ completed
    refunding ──provider failed / platform declines / ops cancel an overdue credit──▶ refund_failed
    refund_failed ──ops retry (not after a refusal or a decline)──▶ refunding
    refund_failed ──ops resolution──▶ refunding (another channel) | completed (offline) | closed
    rejected ──escalation deadline passes──▶ closed;  any open status before refunding ──withdraw──▶ closed

Silence never leaves a buyer waiting: a merchant who does not answer or inspect in time
approves, as consumer-protection rules expect; a buyer who does not ship back or escalate in
time closes the refund. A platform that does not answer a balance credit in time is reminded,
the refund breaches its SLA, and ops may cancel the credit (domain/balance_credits.py). Nor does a
failure: a refund the provider refused (a retry would repeat
the refusal) waits for ops to settle it another way, and shows as breaching its SLA until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from refund_svc.domain.amounts import RefundKind
from refund_svc.domain.errors import RefundRuleViolation
from shipsettle_shared.domain_errors import Refusal


class RefundStatus(StrEnum):
    REQUESTED = "requested"
    AWAITING_RETURN = "awaiting_return"
    RETURN_IN_TRANSIT = "return_in_transit"
    AWAITING_INSPECTION = "awaiting_inspection"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    REFUNDING = "refunding"
    REFUND_FAILED = "refund_failed"
    COMPLETED = "completed"
    CLOSED = "closed"


FINAL = frozenset({RefundStatus.COMPLETED, RefundStatus.CLOSED})


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    ESCALATE = "escalate"
    DECIDE = "decide"
    SHIP_BACK = "ship_back"
    RETURN_DELIVERED = "return_delivered"
    INSPECT = "inspect"
    WITHDRAW = "withdraw"
    RETRY = "retry"
    RESOLVE = "resolve"
    ACKNOWLEDGE_CREDIT = "acknowledge_credit"
    CANCEL_CREDIT = "cancel_credit"


ALLOWED_FROM: dict[Action, frozenset[RefundStatus]] = {
    Action.APPROVE: frozenset({RefundStatus.REQUESTED}),
    Action.REJECT: frozenset({RefundStatus.REQUESTED}),
    Action.ESCALATE: frozenset({RefundStatus.REJECTED}),
    Action.DECIDE: frozenset({RefundStatus.ESCALATED}),
    Action.SHIP_BACK: frozenset({RefundStatus.AWAITING_RETURN}),
    Action.RETURN_DELIVERED: frozenset({RefundStatus.RETURN_IN_TRANSIT}),
    Action.INSPECT: frozenset({RefundStatus.AWAITING_INSPECTION}),
    Action.WITHDRAW: frozenset(
        {
            RefundStatus.REQUESTED,
            RefundStatus.AWAITING_RETURN,
            RefundStatus.REJECTED,
            RefundStatus.ESCALATED,
        }
    ),
    Action.RETRY: frozenset({RefundStatus.REFUND_FAILED}),
    Action.RESOLVE: frozenset({RefundStatus.REFUND_FAILED}),
    Action.ACKNOWLEDGE_CREDIT: frozenset({RefundStatus.REFUNDING}),
    Action.CANCEL_CREDIT: frozenset({RefundStatus.REFUNDING}),
}


class RefundStateError(RefundRuleViolation):
    """The action does not apply to the refund's current status (a conflict: ``wrong-status``,
    or ``retry-cannot-fix`` for a retry a refusal would meet again)."""

    def __init__(self, message: str, code: str = "wrong-status") -> None:
        super().__init__(Refusal.CONFLICT, code, message)


def check(action: Action, status: RefundStatus) -> None:
    if status not in ALLOWED_FROM[action]:
        allowed = ", ".join(sorted(ALLOWED_FROM[action]))
        raise RefundStateError(f"cannot {action.value} a refund that is {status.value}; only when {allowed}")


def check_retry(failure_permanent: bool) -> None:
    """A refusal by the provider (the request itself is wrong for it) comes back on every retry."""
    if failure_permanent:
        raise RefundStateError(
            "the provider refused this refund, so a retry would be refused again; settle it another way "
            "(POST /v1/refunds/{refund_id}/resolution)",
            "retry-cannot-fix",
        )


def breaching(status: RefundStatus, deadline_at: datetime | None, now: datetime) -> bool:
    """Past its deadline (a balance credit's too: the platform's answer), or failed: a failed
    refund breaches until ops settle it."""
    return status is RefundStatus.REFUND_FAILED or (deadline_at is not None and deadline_at < now)


def after_approval(kind: RefundKind) -> RefundStatus:
    """Goods to come back first for a return; straight to the money otherwise."""
    return RefundStatus.AWAITING_RETURN if kind is RefundKind.RETURN_AND_REFUND else RefundStatus.REFUNDING


@dataclass(frozen=True)
class Deadlines:
    """Platform settings (consumer-protection defaults)."""

    merchant_response: timedelta = timedelta(hours=48)
    buyer_ship_back: timedelta = timedelta(days=7)
    merchant_inspection: timedelta = timedelta(hours=48)
    buyer_escalation: timedelta = timedelta(days=7)
    no_reason_window: timedelta = timedelta(days=7)
    balance_credit_answer: timedelta = timedelta(hours=24)  # the platform's time to answer a credit

    def for_status(self, status: RefundStatus, since: datetime) -> tuple[datetime | None, str | None]:
        """(deadline, who it waits for) of a refund that entered ``status`` at ``since``."""
        waits = {
            RefundStatus.REQUESTED: (self.merchant_response, "merchant"),
            RefundStatus.AWAITING_RETURN: (self.buyer_ship_back, "buyer"),
            RefundStatus.AWAITING_INSPECTION: (self.merchant_inspection, "merchant"),
            RefundStatus.REJECTED: (self.buyer_escalation, "buyer"),
        }
        if status in waits:
            span, who = waits[status]
            return since + span, who
        if status is RefundStatus.ESCALATED:
            return None, "ops"
        if status is RefundStatus.RETURN_IN_TRANSIT:
            return None, "carrier"
        if status is RefundStatus.REFUND_FAILED:
            return None, "ops"
        return None, None
