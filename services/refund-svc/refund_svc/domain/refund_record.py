"""A refund's record: its state as the ``refunds`` row keeps it, and what its moves produced
since it was loaded — history entries, events, wake-ups (durable timers), units given back — for
the unit of work to write in the same transaction (``effects``). Pure: no I/O.

The moves themselves are in refund_payments.py (paying: the refund provider, balance credits,
completion and failure) and refund.py (the aggregate: opening and the workflow's moves).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from refund_svc.domain.amounts import ReasonCode, RefundKind, RefundQuote
from refund_svc.domain.refund_orders import Payment
from refund_svc.domain.workflow import Action, Deadlines, RefundStatus, check
from shipsettle_shared import contracts
from shipsettle_shared.contracts import RefundedVia


class Timer(StrEnum):
    """What a refund can ask to be woken for (the durable timers' kinds)."""

    DEADLINE = "refund_deadline"  # a status's deadline, or a balance credit's answer_by
    SEND = "refund_send"  # send an attempt to the refund provider (key: its request id)
    STATUS_CHECK = "refund_status_check"  # ask the provider about an attempt sent


@dataclass(frozen=True)
class Wakeup:
    """A timer the refund asks for, due at ``due_at``; or, ``cancel``: one it no longer needs,
    called off at ``due_at``."""

    timer: Timer
    key: str
    due_at: datetime
    payload: Mapping[str, Any] | None = None
    cancel: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    action: str
    actor: str
    status_after: RefundStatus
    detail: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class Emitted:
    event: contracts.EventPayload
    at: datetime


@dataclass(frozen=True)
class Effects:
    """What a refund's moves produced since it was loaded (or last drained)."""

    history: list[HistoryEntry]
    events: list[Emitted]
    wakeups: list[Wakeup]
    gave_back_units: bool


@dataclass(eq=False)
class RefundRecord:
    """The state; ``Refund`` (refund.py) is what use cases hold."""

    refund_id: str
    order_id: str
    merchant_id: str
    kind: RefundKind
    reason_code: ReasonCode
    reason: str
    status: RefundStatus
    currency: str
    amounts: RefundQuote  # its lines with their unit positions, and shipping
    requested_by: str
    requested_at: datetime
    updated_at: datetime
    payment: Payment | None = None  # how its order was paid: loaded for the moves that pay
    # The deadline of whatever the refund waits for now, and who it waits for; no deadline while
    # ShipSettle itself is working on it.
    deadline_at: datetime | None = None
    waiting_for: str | None = None
    approved_how: str | None = None
    rejection_reason: str | None = None
    escalated_at: datetime | None = None
    return_shipment_id: str | None = None
    return_carrier_code: str | None = None
    return_tracking_number: str | None = None
    inspection: dict[str, Any] | None = None  # the merchant's (or the deadline's): passed, reason, evidence, by, at
    attempt: int = 0
    provider_request_id: str | None = None  # this attempt's: "{refund_id}-{attempt}"
    provider_reference: str | None = None
    failure_reason: str | None = None
    failure_permanent: bool = False  # the provider refused the request: a retry cannot fix it
    beneficiary_channel: str | None = None  # where ops sent a failed refund instead; null: how it was paid
    beneficiary_account: str | None = None
    refunded_via: RefundedVia | None = None
    # as kept on the row: the latest balance credit (balance_credits.as_record) and its earlier
    # ones under "earlier", so a late answer to one of them is judged by what happened to it
    balance_credit: dict[str, Any] | None = None
    resolution: dict[str, Any] | None = None  # ops' way out of a failure: how, reason, by, reference, channel, at
    outcome: str | None = None  # completed | rejected | withdrawn | inspection_failed | closed_by_ops
    closed_at: datetime | None = None
    _history: list[HistoryEntry] = field(default_factory=list, init=False, repr=False)
    _events: list[Emitted] = field(default_factory=list, init=False, repr=False)
    _wakeups: list[Wakeup] = field(default_factory=list, init=False, repr=False)
    _gave_back_units: bool = field(default=False, init=False, repr=False)

    def check(self, action: Action) -> None:
        """Raises RefundStateError (``wrong-status``) unless ``action`` applies to the status now."""
        check(action, self.status)

    @property
    def channel(self) -> str:
        """Where this attempt pays: the channel ops chose after a failure, or the buyer's own."""
        assert self.payment is not None, "loaded without its order's payment"
        return self.beneficiary_channel or self.payment.channel

    # --- state, history and what the moves produced ----------------------------------------------------

    def about(self) -> dict[str, Any]:
        """What every event of a refund names: its order, merchant and itself."""
        return {"order_id": self.order_id, "merchant_id": self.merchant_id, "refund_id": self.refund_id}

    def contract_lines(self) -> list[contracts.RefundLine]:
        """The lines as events carry them (their unit positions stay here)."""
        return [contracts.RefundLine.model_validate(line, from_attributes=True) for line in self.amounts.lines]

    def _move(
        self, status: RefundStatus, action: str, by: str, now: datetime, deadlines: Deadlines, detail: dict[str, Any]
    ) -> None:
        self.status = status
        self.updated_at = now
        self._record(action, by, now, detail)
        self._wait_in(status, now, deadlines)

    def _wait_in(self, status: RefundStatus, since: datetime, deadlines: Deadlines) -> None:
        deadline, self.waiting_for = deadlines.for_status(status, since)
        self.deadline_at = deadline
        if deadline is not None:
            # One timer per (refund, status, deadline): a refund that comes back to a status gets a
            # new timer, and the deadline acts only if the refund still waits in that status.
            self._wakeups.append(
                Wakeup(
                    Timer.DEADLINE,
                    f"{self.refund_id}@{status.value}@{int(deadline.timestamp())}",
                    deadline,
                    {"refund_id": self.refund_id, "status": status.value},
                )
            )

    def _emit(self, event: contracts.EventPayload, now: datetime) -> None:
        self._events.append(Emitted(event, now))

    def _record(self, action: str, by: str, now: datetime, detail: dict[str, Any]) -> None:
        self._history.append(HistoryEntry(action, by, self.status, detail, now))

    def effects(self) -> Effects:
        """What the moves produced since the last call, handed over once (to the unit of work)."""
        produced = Effects(self._history, self._events, self._wakeups, self._gave_back_units)
        self._history, self._events, self._wakeups, self._gave_back_units = [], [], [], False
        return produced
