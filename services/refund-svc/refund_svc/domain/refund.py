"""A refund, the aggregate: its state, its moves with their rules, and what each move produces.
Pure: no I/O.

The moves follow domain/workflow.py. Each checks that it applies to the refund's status, changes
the state, and records what it produced, which the unit of work writes in the same transaction
as the state (drained by ``effects``):

- history entries: who did what and when, with the status after it (kept for ops and audit);
- the events it emits (the shared contracts, published through the outbox), in their order;
- the wake-ups it asks for (durable timers): the deadline of a status the refund now waits in,
  sending an attempt to the refund provider, checking on one sent, a balance credit's answer;
- whether it gave its units back (closed without money moving): the order takes them back under
  its own lock (``RefundOrder.giving_back``).

The aggregate is one class in three modules: its record (refund_record.py: the state, the
history and the effects), how it pays (refund_payments.py: the refund provider, balance credits,
completion and failure), and here its opening and the workflow's moves.
"""

from __future__ import annotations

from datetime import datetime

from refund_svc.domain.amounts import ReasonCode, RefundKind, RefundQuote, quote
from refund_svc.domain.channels import Resolution, ResolutionKind
from refund_svc.domain.errors import conflict, refused
from refund_svc.domain.refund_orders import RefundOrder, RequestRefund
from refund_svc.domain.refund_payments import RefundPayments
from refund_svc.domain.refund_record import Effects, Emitted, HistoryEntry, Timer, Wakeup
from refund_svc.domain.workflow import Action, Deadlines, RefundStatus, after_approval, check_retry
from shipsettle_shared import contracts
from shipsettle_shared.contracts import RefundedVia

__all__ = ["Effects", "Emitted", "HistoryEntry", "Refund", "Timer", "Wakeup"]


class Refund(RefundPayments):
    """A refund and its moves (see the module docstring); each move raises RefundRuleViolation
    (RefundStateError for one its status does not allow) and changes nothing then."""

    # --- opening ---------------------------------------------------------------------------------

    @classmethod
    def requested(
        cls,
        order: RefundOrder,
        amounts: RefundQuote,
        request: RequestRefund,
        *,
        refund_id: str,
        now: datetime,
        deadlines: Deadlines,
    ) -> Refund:
        """A buyer's request, waiting for the merchant's answer (``amounts`` as the order quoted
        them: the caller holds them on the order, ``RefundOrder.taking``)."""
        refund = cls._opened(order, amounts, request, refund_id, now)
        refund._wait_in(RefundStatus.REQUESTED, now, deadlines)
        return refund

    @classmethod
    def cancellation(
        cls, order: RefundOrder, *, reason: str, cancelled_by: str, now: datetime, deadlines: Deadlines
    ) -> Refund | None:
        """A cancellation before dispatch refunds every unit not yet refunded, and the shipping
        fee, at once and without asking the merchant; None when no unit is left."""
        units = order.units_left()
        if not units:
            return None
        request = RequestRefund(order.order_id, RefundKind.CANCELLATION, ReasonCode.CANCELLED, reason, units, "system")
        amounts = quote(order.refundable, request.kind, request.reason_code, units)
        refund = cls._opened(order, amounts, request, f"RF-cancel-{order.order_id}"[:64], now)
        # straight to the money (no merchant to wait for); a balance credit gets its answer deadline
        refund._approve("automatic", cancelled_by, now, deadlines)
        return refund

    @classmethod
    def _opened(
        cls, order: RefundOrder, amounts: RefundQuote, request: RequestRefund, refund_id: str, now: datetime
    ) -> Refund:
        by = request.requested_by
        refund = cls(  # the record's first fields, in their order
            refund_id,
            order.order_id,
            order.merchant_id,
            request.kind,
            request.reason_code,
            request.reason,
            RefundStatus.REQUESTED,
            order.currency,
            amounts,
            requested_by=by,
            requested_at=now,
            updated_at=now,
            payment=order.payment,
        )
        refund._record("requested", by, now, {"refund_minor": amounts.refund_minor})
        event = contracts.RefundRequested(
            **refund.about(),
            kind=request.kind.value,
            currency=refund.currency,
            lines=refund.contract_lines(),
            shipping_minor=amounts.shipping_minor,
            refund_minor=amounts.refund_minor,
            reason=request.reason,
            requested_at=now,
        )
        refund._emit(event, now)
        return refund

    # --- the workflow's moves ------------------------------------------------------------------

    def approve(self, *, by: str, now: datetime, deadlines: Deadlines) -> None:
        self.check(Action.APPROVE)
        self._approve("merchant", by, now, deadlines)

    def reject(self, *, reason: str, by: str, now: datetime, deadlines: Deadlines) -> None:
        """The buyer may escalate a rejection to ops until the escalation deadline."""
        self.check(Action.REJECT)
        self._reject(reason, "rejected", by, now, deadlines)

    def escalate(self, *, reason: str, by: str, now: datetime, deadlines: Deadlines) -> None:
        self.check(Action.ESCALATE)
        self.escalated_at = now
        self._move(RefundStatus.ESCALATED, "escalated", by, now, deadlines, {"reason": reason})

    def decide(self, *, approve: bool, reason: str, by: str, now: datetime, deadlines: Deadlines) -> None:
        """Ops' decision on an escalation: approve (the refund goes on as if the merchant had), or
        uphold the rejection (closed)."""
        self.check(Action.DECIDE)
        if not approve:
            self._close("inspection_failed" if self.inspection is not None else "rejected", reason, by, now)
            return
        self._record("ops_approved", by, now, {"reason": reason})
        if self.inspection is not None and not self.inspection.get("passed", True):
            # The goods are back and ops overrules a failed inspection: the money goes.
            self._start_refunding(by, now, deadlines)
        else:
            self._approve("ops", by, now, deadlines)

    def ship_back(
        self,
        *,
        carrier_code: str,
        tracking_number: str,
        held_by: str | None,
        by: str,
        now: datetime,
        deadlines: Deadlines,
    ) -> None:
        """The buyer shipped the goods back. ``held_by``: the refund whose return already has this
        tracking number, if any (a number is never used for two parcels)."""
        self.check(Action.SHIP_BACK)
        if held_by is not None:
            raise conflict(
                "tracking-number-in-use", f"tracking number {tracking_number} is already on refund {held_by}"
            )
        self.return_shipment_id = f"RS-{self.refund_id}"[:64]
        self.return_carrier_code = carrier_code
        self.return_tracking_number = tracking_number
        detail = {"carrier_code": carrier_code, "tracking_number": tracking_number}
        self._move(RefundStatus.RETURN_IN_TRANSIT, "shipped_back", by, now, deadlines, detail)
        self._emit(
            contracts.ReturnShipped(
                **self.about(),
                return_shipment_id=self.return_shipment_id,
                carrier_code=carrier_code,
                tracking_number=tracking_number,
                lines=[
                    contracts.ShipmentLine(line_id=line.line_id, quantity=line.units) for line in self.amounts.lines
                ],
                shipped_at=now,
            ),
            now,
        )

    def return_parcel_status(
        self, status: str, *, tracking_number: str, scan_time: datetime, now: datetime, deadlines: Deadlines
    ) -> None:
        """The carrier's news of the return parcel: delivered opens the merchant's inspection;
        anything else is kept in the history."""
        if status == "delivered" and self.status is RefundStatus.RETURN_IN_TRANSIT:
            detail = {"tracking_number": tracking_number, "scan_time": scan_time.isoformat()}
            self._move(RefundStatus.AWAITING_INSPECTION, "return_delivered", "carrier", now, deadlines, detail)
        else:
            self._record("return_parcel_status", "carrier", now, {"status": status})

    def inspect(
        self,
        *,
        passed: bool,
        reason: str,
        evidence: list[dict[str, str]],
        by: str,
        now: datetime,
        deadlines: Deadlines,
    ) -> None:
        """The merchant inspected the returned goods. A failure needs a reason and evidence, and
        the buyer may escalate it like a rejection."""
        self.check(Action.INSPECT)
        if not passed and not reason.strip():
            raise refused("inspection-needs-reason", "a failed inspection needs a reason", "reason")
        if not passed and not evidence:
            raise refused(
                "inspection-needs-evidence",
                "a failed inspection needs evidence (name and sha256 of each file)",
                "evidence",
            )
        self.inspection = {"passed": passed, "reason": reason, "evidence": evidence, "by": by, "at": now.isoformat()}
        if passed:
            self._record("inspection_passed", by, now, {"reason": reason})
            self._start_refunding(by, now, deadlines)
        else:
            self._reject(reason, "inspection_failed", by, now, deadlines)

    def withdraw(self, *, reason: str, by: str, now: datetime) -> None:
        self.check(Action.WITHDRAW)
        self._close("withdrawn", reason, by, now)

    def retry(self, *, by: str, now: datetime, deadlines: Deadlines) -> None:
        """Ops sends a failed refund again: the provider keeps a failed request failed, so this is a
        new request id (attempt n+1), never a second payment of the first. Raises RefundStateError
        ``retry-cannot-fix`` after a refusal (the same request would be refused again)."""
        self.check(Action.RETRY)
        check_retry(self.failure_permanent)
        self._start_refunding(by, now, deadlines)

    def resolve(self, resolution: Resolution, *, now: datetime, deadlines: Deadlines) -> None:
        """Ops settle a failed refund another way, recorded with who and why: to another channel
        the buyer gave (a new attempt there; the merchant's money stays frozen until it completes),
        offline with a reference (completed), or closed without money moving."""
        self.check(Action.RESOLVE)
        self.resolution = {
            "how": resolution.kind.value,
            "reason": resolution.reason,
            "by": resolution.by,
            "reference": resolution.reference,
            "channel": resolution.channel,
            "at": now.isoformat(),
        }
        self._record(f"resolved ({resolution.kind.value})", resolution.by, now, dict(self.resolution))
        if resolution.kind is ResolutionKind.OTHER_CHANNEL:
            self.beneficiary_channel = resolution.channel
            self.beneficiary_account = resolution.account
            self.failure_permanent = False
            self._start_refunding(resolution.by, now, deadlines)
        elif resolution.kind is ResolutionKind.REFUNDED_OFFLINE:
            self._complete(f"offline:{resolution.reference}", now, RefundedVia.OFFLINE, None, by=resolution.by)
        else:
            self._close("closed_by_ops", resolution.reason, resolution.by, now)

    def deadline_passed(self, *, status: str, credit_id: str | None, now: datetime, deadlines: Deadlines) -> None:
        """The deadline of ``status`` passed (a timer): silence decides, the merchant's approves, the
        buyer's closes; an unanswered balance credit is overdue. Nothing if the refund moved on."""
        if self.status.value != status:
            return
        if self.status is RefundStatus.REQUESTED:
            self._approve("merchant_deadline_passed", "system", now, deadlines)
        elif self.status is RefundStatus.AWAITING_INSPECTION:
            self.inspection = {
                "passed": True,
                "reason": "not inspected in time",
                "evidence": [],
                "by": "system",
                "at": now.isoformat(),
            }
            self._record("inspection_deadline_passed", "system", now, {})
            self._start_refunding("system", now, deadlines)
        elif self.status is RefundStatus.AWAITING_RETURN:
            self._close("withdrawn", "the goods were not shipped back in time", "system", now)
        elif self.status is RefundStatus.REJECTED:
            outcome = "inspection_failed" if self.inspection is not None else "rejected"
            self._close(outcome, f"not escalated in time: {self.rejection_reason}", "system", now)
        elif self.status is RefundStatus.REFUNDING:
            self._remind_of_overdue_credit(str(credit_id), now)

    def _approve(self, how: str, by: str, now: datetime, deadlines: Deadlines) -> None:
        self.approved_how = how
        self._emit(
            contracts.RefundApproved(
                **self.about(),
                how=how,
                approved_by=by,
                approved_at=now,
            ),
            now,
        )
        next_status = after_approval(self.kind)
        if next_status is RefundStatus.REFUNDING:
            self._record(f"approved ({how})", by, now, {})
            self._start_refunding(by, now, deadlines)
        else:
            self._move(next_status, f"approved ({how})", by, now, deadlines, {})

    def _reject(self, reason: str, action: str, by: str, now: datetime, deadlines: Deadlines) -> None:
        self.rejection_reason = reason
        self._move(RefundStatus.REJECTED, action, by, now, deadlines, {"reason": reason})
        assert self.deadline_at is not None  # a rejection waits for the buyer's escalation
        self._emit(
            contracts.RefundRejected(
                **self.about(),
                reason=reason,
                rejected_by=by,
                rejected_at=now,
                escalate_by=self.deadline_at,
            ),
            now,
        )

    def _close(self, outcome: str, reason: str, by: str, now: datetime) -> None:
        self._gave_back_units = True
        self.outcome = outcome
        self.closed_at = now
        self._move(RefundStatus.CLOSED, f"closed ({outcome})", by, now, Deadlines(), {"reason": reason})
        self._emit(
            contracts.RefundClosed(
                **self.about(),
                outcome=outcome,
                reason=reason,
                closed_at=now,
            ),
            now,
        )
