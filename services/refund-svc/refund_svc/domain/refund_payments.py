"""How a refund pays, and what comes of it. Pure: no I/O.

Paying follows domain/channels.py: back through the refund provider for the provider channels
(an attempt is sent by a timer, its outcome comes by callback or status check), as a balance
credit the platform answers for the platform balance (domain/balance_credits.py). A paid attempt
or a credited balance completes the refund; a failure waits for ops (a retry, or a resolution).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from refund_svc.domain import balance_credits
from refund_svc.domain.balance_credits import Answer, BalanceCredit
from refund_svc.domain.channels import BALANCE, RefundRoute, UnknownChannel, refunded_via, route_of
from refund_svc.domain.errors import conflict
from refund_svc.domain.refund_record import RefundRecord, Timer, Wakeup
from refund_svc.domain.workflow import Action, Deadlines, RefundStatus
from shipsettle_shared import contracts
from shipsettle_shared.contracts import RefundedVia

# With no callback from the provider, how long until refund-svc asks it about an attempt.
STATUS_CHECK_AFTER = timedelta(minutes=10)


class RefundPayments(RefundRecord):
    # --- paying -------------------------------------------------------------------------------

    def _start_refunding(self, by: str, now: datetime, deadlines: Deadlines) -> None:
        self.attempt += 1
        self.provider_request_id = f"{self.refund_id}-{self.attempt}"
        self.failure_reason = None
        detail = {"provider_request_id": self.provider_request_id}
        self._move(RefundStatus.REFUNDING, "refunding", by, now, deadlines, detail)
        if self.amounts.refund_minor == 0:  # fully discounted units: nothing to send, nothing to wait for
            self._complete("none: nothing to pay back", now, RefundedVia.ORIGINAL_CHANNEL, None)
            return
        try:
            route = route_of(self.channel)
        except UnknownChannel as error:
            self._fail(str(error), permanent=True, by="system", now=now)
            return
        if route is RefundRoute.PLATFORM_BALANCE:
            self.request_balance_credit(now=now, deadlines=deadlines)
        else:
            self._wakeups.append(Wakeup(Timer.SEND, self.provider_request_id, now))

    def is_paying(self, request_id: str) -> bool:
        """Waiting for the outcome of attempt ``request_id`` (not settled, not superseded)."""
        return self.status is RefundStatus.REFUNDING and request_id == self.provider_request_id

    def sent(self, *, provider_reference: str | None, check_key: str, now: datetime) -> None:
        """The provider took the attempt: ask it for the outcome later if no callback comes."""
        self.provider_reference = provider_reference
        self._wakeups.append(Wakeup(Timer.STATUS_CHECK, check_key, now + STATUS_CHECK_AFTER))

    def still_in_flight(self, request_id: str, *, now: datetime) -> None:
        """The provider has no outcome yet: ask again later."""
        self._wakeups.append(
            Wakeup(Timer.STATUS_CHECK, f"{request_id}@{int(now.timestamp())}", now + STATUS_CHECK_AFTER)
        )

    def outcome_received(self, request_id: str, *, now: datetime) -> None:
        """The provider said how attempt ``request_id`` ended (its callback, or its answer to the
        send): the check for a lost callback, 10 minutes on, would only ask what it just said."""
        if not self.is_paying(request_id):
            self._wakeups.append(Wakeup(Timer.STATUS_CHECK, request_id, now, cancel=True))

    def refused_by_provider(self, reason: str, *, now: datetime) -> None:
        """The request itself is wrong for the provider: a retry would be refused the same way."""
        self._fail(reason, permanent=True, by="provider", now=now)

    def settle(
        self, request_id: str, status: str, provider_reference: str | None, reason: str | None, now: datetime
    ) -> None:
        """The provider's outcome of attempt ``request_id``: paid completes the refund, failed fails
        it (ops may retry); anything else, an earlier attempt's or a settled refund's, changes nothing."""
        if not self.is_paying(request_id):
            return
        if provider_reference:
            self.provider_reference = provider_reference
        if status == "paid":
            via = refunded_via(self.channel, chosen_by_ops=self.beneficiary_channel is not None)
            self._complete(self.provider_reference or "", now, via, self.channel)
        elif status == "failed":
            self._fail(reason or "failed", permanent=False, by="provider", now=now)

    def _fail(self, reason: str, *, permanent: bool, by: str, now: datetime, action: str | None = None) -> None:
        self.failure_reason = reason
        self.failure_permanent = permanent
        detail = {"reason": reason, "provider_request_id": self.provider_request_id, "permanent": permanent}
        action = action or ("provider_refused" if permanent else "provider_failed")
        self._move(RefundStatus.REFUND_FAILED, action, by, now, Deadlines(), detail)

    def _complete(
        self, provider_reference: str, now: datetime, via: RefundedVia, to_channel: str | None, *, by: str = "provider"
    ) -> None:
        """``to_channel``: the payment channel the money went to (null: offline or nothing to pay).
        A refund ops settled another way names them and their reason (``resolution``)."""
        resolution = self.resolution or {}
        self.outcome = "completed"
        self.closed_at = now
        self.provider_reference = provider_reference
        self.refunded_via = via
        detail = {
            "provider_reference": provider_reference,
            "refund_minor": self.amounts.refund_minor,
            "refunded_via": via.value,
        }
        self._move(RefundStatus.COMPLETED, "completed", by, now, Deadlines(), detail)
        self._emit(
            contracts.RefundCompleted(
                **self.about(),
                kind=self.kind.value,
                currency=self.currency,
                lines=self.contract_lines(),
                shipping_minor=self.amounts.shipping_minor,
                refund_minor=self.amounts.refund_minor,
                provider_reference=provider_reference,
                completed_at=now,
                refunded_via=via,
                resolved_by=resolution.get("by"),
                resolution_reason=resolution.get("reason"),
                refunded_to_channel=to_channel,
            ),
            now,
        )

    # --- balance credits (余额) ---------------------------------------------------------------------

    def credits(self) -> tuple[BalanceCredit | None, list[dict[str, Any]]]:
        """The latest balance credit, and the earlier ones as kept."""
        if not self.balance_credit:
            return None, []
        return balance_credits.from_record(self.balance_credit), list(self.balance_credit.get("earlier", []))

    def _keep_credits(self, credit: BalanceCredit, earlier: list[dict[str, Any]]) -> None:
        self.balance_credit = {**balance_credits.as_record(credit), **({"earlier": earlier} if earlier else {})}

    def request_balance_credit(self, *, now: datetime, deadlines: Deadlines) -> None:
        """The platform owns the buyer's balance: ask it to credit the refund and wait for its
        acknowledgement until the answer is due (one credit id per attempt, so an acknowledgement
        names what it settles); at the due time the platform is reminded (``deadline_passed``)."""
        assert self.provider_request_id is not None
        assert self.payment is not None
        current, earlier = self.credits()
        if current is not None and current.credit_id != self.provider_request_id:
            earlier = [*earlier, balance_credits.as_record(current)]  # kept: a late answer is judged by it
        credit = balance_credits.request(
            self.provider_request_id,
            self.payment.buyer_ref or "",
            self.amounts.refund_minor,
            self.currency,
            now=now,
            answer_within=deadlines.balance_credit_answer,
        )
        assert credit.answer_by is not None
        self._keep_credits(credit, earlier)
        self.waiting_for = "platform"
        self.deadline_at = credit.answer_by
        waited = RefundStatus.REFUNDING.value
        self._wakeups.append(
            Wakeup(
                Timer.DEADLINE,
                f"{self.refund_id}@{waited}@{credit.credit_id}",
                credit.answer_by,
                {"refund_id": self.refund_id, "status": waited, "credit_id": credit.credit_id},
            )
        )
        self._record("balance_credit_requested", "system", now, balance_credits.as_record(credit))
        self._emit(self._credit_requested(credit), now)

    def _credit_requested(self, credit: BalanceCredit) -> contracts.BalanceCreditRequested:
        return contracts.BalanceCreditRequested(
            **self.about(),
            **_credit_named_in_events(credit),
            requested_at=credit.requested_at,
            answer_by=credit.answer_by,
            reminder=credit.reminders,
        )

    def _remind_of_overdue_credit(self, credit_id: str, now: datetime) -> None:
        """The platform's answer is overdue: the refund breaches its SLA from now (its deadline has
        passed) and the platform is notified again, once; ops may now cancel the credit."""
        credit, earlier = self.credits()
        if credit is None or credit.credit_id != credit_id or not credit.overdue(now):
            return  # answered, cancelled or superseded before its deadline
        credit = balance_credits.reminded(credit)
        self._keep_credits(credit, earlier)
        self.updated_at = now
        self._record("balance_credit_overdue", "system", now, {"credit_id": credit_id, "reminder": credit.reminders})
        self._emit(self._credit_requested(credit), now)

    def _credit_named(self, credit_id: str) -> BalanceCredit | None:
        current, earlier = self.credits()
        if current is not None and current.credit_id == credit_id:
            return current
        for record in earlier:
            if record["credit_id"] == credit_id:
                return balance_credits.from_record(record)
        return None

    def acknowledge_credit(
        self, credit_id: str, answer: Answer, *, buyer_ref: str, amount_minor: int, now: datetime
    ) -> None:
        """The platform credited the buyer's balance (the refund completes) or declined to (it
        fails, for ops to settle another way). The same answer again changes nothing; whichever of
        the answer and ops' cancellation comes first wins. Raises RefundRuleViolation: conflicts
        ``credit-cancelled`` (the platform must not apply it, or must reverse it),
        ``credit-already-answered`` (another answer than the first), ``not-a-balance-credit``,
        ``not-the-open-credit``; the rule ``credit-mismatch`` (another buyer or amount than asked)."""
        current, earlier = self.credits()
        named = self._credit_named(credit_id)
        if named is None:
            if current is None or self.waiting_for != "platform":
                raise conflict("not-a-balance-credit", f"refund {self.refund_id} is not waiting for a balance credit")
            raise conflict(
                "not-the-open-credit",
                f"credit {credit_id} is not the one open for refund {self.refund_id} ({current.credit_id})",
            )
        answered = balance_credits.answered(named, answer, buyer_ref, amount_minor, now)
        if answered is named:
            return  # the same answer again
        if current is None or named.credit_id != current.credit_id:
            # an earlier credit was answered or cancelled before it was superseded
            raise conflict("not-the-open-credit", f"credit {credit_id} is not open")
        self.check(Action.ACKNOWLEDGE_CREDIT)
        self._keep_credits(answered, earlier)
        if answer.credited:
            assert answer.credit_reference is not None
            self._complete(answer.credit_reference, now, RefundedVia.PLATFORM_BALANCE, BALANCE, by=answer.by)
        else:
            reason = f"the platform declined the balance credit: {answer.reason}"
            self._fail(reason, permanent=True, by=answer.by, now=now)

    def cancel_credit(self, credit_id: str, *, reason: str, by: str, now: datetime) -> None:
        """Ops cancel a balance credit the platform left unanswered past its deadline: the refund
        fails (waiting for ops: a retry asks the platform again under a new credit id; a resolution
        settles it another way) and the platform is told not to apply it. The same cancellation
        again changes nothing; whichever of the answer and the cancellation comes first wins.
        Raises RefundRuleViolation: conflicts ``credit-already-answered``, ``credit-not-overdue``,
        ``not-the-open-credit``; the rule ``cancel-needs-reason``."""
        current, earlier = self.credits()
        named = self._credit_named(credit_id)
        if named is None or current is None:
            raise conflict("not-the-open-credit", f"refund {self.refund_id} has no balance credit {credit_id}")
        cancelled = balance_credits.cancelled(named, by=by, reason=reason, now=now)
        if cancelled is named:
            return  # cancelled before
        if named.credit_id != current.credit_id:
            raise conflict("not-the-open-credit", f"credit {credit_id} is not open")
        self.check(Action.CANCEL_CREDIT)
        self._keep_credits(cancelled, earlier)
        self._emit(
            contracts.BalanceCreditCancelled(
                **self.about(), **_credit_named_in_events(cancelled), cancelled_by=by, reason=reason, cancelled_at=now
            ),
            now,
        )
        unanswered_since = cancelled.requested_at.isoformat()
        failure = f"ops cancelled balance credit {credit_id}, unanswered since {unanswered_since}: {reason}"
        self._fail(failure, permanent=False, by=by, now=now, action="balance_credit_cancelled")


def _credit_named_in_events(credit: BalanceCredit) -> dict[str, Any]:
    """A balance credit as its events name it: which, for whom, how much."""
    return {name: getattr(credit, name) for name in ("credit_id", "buyer_ref", "currency", "amount_minor")}
