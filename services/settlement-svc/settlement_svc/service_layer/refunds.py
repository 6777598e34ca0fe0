"""Refunds as settlement applies them. refund-svc owns the refund; settlement keeps the
merchant's money in agreement with it (SPEC section 3).

- RefundRequested: the refund is open. The order's holds stop releasing until no refund of the
  order is open. If money of the order is already available (released), the refund's estimated
  merchant reversal is frozen: available → frozen, at most what is available, so it cannot be
  applied for meanwhile.
- RefundApproved, RefundRejected, ReturnShipped: recorded as the refund's stage; nothing moves
  (a rejected refund may still be escalated, so the freeze stays).
- RefundCompleted: the buyer has been paid. Units refunded before their sign-off were never
  booked and never will be; the booked part is reversed in one transaction ``refund:<id>``:
  platform refunds +R, subsidy +S, commission −C, and the merchant −(R + S − C), taken from this
  refund's frozen money, then the order's pending holds (so their release moves less), then
  available, and what is still missing from ``negative_balance`` (a claw-back after payout,
  recovered from the next settlement application). Frozen money left over goes back to
  available.
  A refund credited to the buyer's platform balance (``refunded_via`` platform_balance) books
  +R to platform balance_clearing instead of platform refunds: the platform's backend holds it.
  A failed refund ops settled offline is completed like any other (its resolver and reason in
  the description).
- BalanceCreditRequested: the platform is asked to credit a buyer's balance: notified at its
  webhook endpoint (``refund.balance_credit_requested``; again with ``reminder`` n once its
  answer is overdue); the freeze stays until the completion.
- BalanceCreditCancelled: ops cancelled an unanswered credit: the platform is notified
  (``refund.balance_credit_cancelled``: do not apply it, reverse it if applied); the freeze stays
  until ops settle the refund (its completion or closing).
- RefundClosed: nothing moved for the buyer: frozen → available (also when ops close a failed
  refund).
After a refund ends, holds that fell due meanwhile are released if no refund remains open.

Refund events come on their own topic and may overtake the order (parked until it arrives, like
a sign-off) or the sign-off (then the refunded units are simply never booked). A completion
without a request (the request lost or late) is applied all the same; a request arriving after
the refund ended is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from settlement_svc.adapters.tables import RefundRow
from settlement_svc.domain import postings
from settlement_svc.domain.orders import RefundedUnits, SettlementOrder
from settlement_svc.domain.payouts import ReviewRules
from settlement_svc.service_layer import holds, notifications
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.consumer import PermanentEventError
from shipsettle_shared.messaging.events import Received

logger = logging.getLogger(__name__)

OPEN, COMPLETED, CLOSED = "open", "completed", "closed"
RefundProgress = contracts.RefundApproved | contracts.RefundRejected | contracts.ReturnShipped
PROGRESS_EVENTS: dict[str, type[RefundProgress]] = {
    contracts.RefundApproved.event_type: contracts.RefundApproved,
    contracts.RefundRejected.event_type: contracts.RefundRejected,
    contracts.ReturnShipped.event_type: contracts.ReturnShipped,
}


def _units(lines: Sequence[contracts.RefundLine]) -> dict[str, RefundedUnits]:
    return {
        line.line_id: RefundedUnits(
            line.line_id, line.units, line.paid_minor, line.subsidy_minor, line.commission_base_minor
        )
        for line in lines
    }


async def _known_order(
    uow: SettlementUnitOfWork, received: Received[Any], order_id: str, *, now: datetime
) -> SettlementOrder | None:
    """The order, locked; None (and the event parked) if settlement has not seen it yet."""
    await uow.locks.lock_order(order_id)
    order = await uow.orders.order(order_id, for_update=True)
    if order is None:
        await uow.parked.park(order_id, received.parked_form(), "refund event before the order was known", now=now)
    return order


async def on_refund_requested(
    uow: SettlementUnitOfWork, received: Received[contracts.RefundRequested], *, now: datetime
) -> None:
    """Open the refund; freeze its estimated reversal out of available if the order's money
    was already released. A request the order cannot satisfy (unknown line, too many units)
    opens the refund without a freeze: the completion is the event that must be right."""
    event = received.payload
    order = await _known_order(uow, received, event.order_id, now=now)
    if order is None or await uow.refunds.refund(event.refund_id, for_update=True) is not None:
        return  # parked, or already open, or it ended before its request reached us
    merchant = order.merchant_id
    try:
        _, amounts = order.refund(_units(event.lines), event.shipping_minor, await uow.policies.policy(merchant, now))
        estimate = amounts.merchant_reversal_minor
    except ValueError as error:
        logger.warning("refund %s: no estimate (%s)", event.refund_id, error)
        estimate = 0
    await uow.locks.lock_merchant(merchant)
    # Pending money of the order cannot be released while the refund is open, so it covers the
    # estimate first; other open refunds of the order may already count on part of it.
    pending = sum(hold.amount_minor for hold in await uow.holds.unreleased_holds(order.order_id))
    claimed = sum(
        max(0, other.estimated_reversal_minor - other.frozen_minor)
        for other in await uow.refunds.open_refunds(order.order_id)
    )
    uncovered = max(0, estimate - max(0, pending - claimed))
    available = (await uow.ledger.merchant_balances(merchant))["available"]
    frozen = min(uncovered, max(0, available))
    await uow.refunds.add_refund(
        RefundRow(
            refund_id=event.refund_id,
            order_id=order.order_id,
            merchant_id=merchant,
            status=OPEN,
            stage=event.event_type,
            kind=event.kind,
            refund_minor=event.refund_minor,
            estimated_reversal_minor=estimate,
            frozen_minor=frozen,
            requested_event_id=str(received.meta.event_id),
            opened_at=now,
            updated_at=now,
        )
    )
    if frozen:
        await uow.ledger.post(
            postings.refund_freeze(
                event.refund_id,
                merchant,
                order.order_id,
                frozen,
                estimate_minor=estimate,
                covered_by_holds_minor=estimate - uncovered,
                caused_by_event_id=str(received.meta.event_id),
            ),
            now=now,
        )


async def on_refund_progress(uow: SettlementUnitOfWork, received: Received[RefundProgress], *, now: datetime) -> None:
    """Approved, rejected (the buyer may escalate: the freeze stays) or return shipped: the
    refund's stage is recorded; no money moves."""
    event = received.payload
    if await _known_order(uow, received, event.order_id, now=now) is None:
        return
    refund = await uow.refunds.refund(event.refund_id, for_update=True)
    if refund is not None and refund.status == OPEN:
        refund.stage = received.meta.event_type
        refund.updated_at = now


async def on_balance_credit_requested(
    uow: SettlementUnitOfWork, received: Received[contracts.BalanceCreditRequested], *, now: datetime
) -> None:
    """Tell the platform to credit the buyer's balance; the refund stays open (and its freeze
    with it) until the platform's acknowledgement completes it in refund-svc."""
    event = received.payload
    refund = await uow.refunds.refund(event.refund_id, for_update=True)
    if refund is not None and refund.status == OPEN:
        refund.stage = received.meta.event_type
        refund.updated_at = now
    await notifications.notify(
        uow,
        notifications.PLATFORM_RECIPIENT,
        "refund.balance_credit_requested",
        {
            "refund_id": event.refund_id,
            "order_id": event.order_id,
            "merchant_id": event.merchant_id,
            "credit_id": event.credit_id,
            "buyer_ref": event.buyer_ref,
            "amount_minor": event.amount_minor,
            "currency": event.currency,
            "answer_by": event.answer_by.isoformat() if event.answer_by else None,
            "reminder": event.reminder,
            "acknowledge": f"POST /v1/refunds/{event.refund_id}/balance-credit (refund-svc)",
        },
        now=now,
    )


async def on_balance_credit_cancelled(
    uow: SettlementUnitOfWork, received: Received[contracts.BalanceCreditCancelled], *, now: datetime
) -> None:
    """Tell the platform not to apply a credit ops cancelled (and to reverse it if it did: its
    acknowledgement is refused now). Nothing moves here: the refund stays open until ops settle it."""
    event = received.payload
    await notifications.notify(
        uow,
        notifications.PLATFORM_RECIPIENT,
        "refund.balance_credit_cancelled",
        {
            "refund_id": event.refund_id,
            "order_id": event.order_id,
            "merchant_id": event.merchant_id,
            "credit_id": event.credit_id,
            "buyer_ref": event.buyer_ref,
            "amount_minor": event.amount_minor,
            "currency": event.currency,
            "cancelled_at": event.cancelled_at.isoformat(),
            "reason": event.reason,
            "do": "do not apply this credit; if it was applied, reverse it",
        },
        now=now,
    )


async def on_refund_completed(
    uow: SettlementUnitOfWork, received: Received[contracts.RefundCompleted], *, now: datetime, rules: ReviewRules
) -> None:
    """Reverse the booked part of the refund. Raises PermanentEventError when the refund does not
    fit the order (unknown line, more units or shipping than are left): retrying cannot help."""
    event = received.payload
    order = await _known_order(uow, received, event.order_id, now=now)
    if order is None:
        return
    refund = await uow.refunds.refund(event.refund_id, for_update=True)
    if refund is not None and refund.status == COMPLETED:
        return
    merchant = order.merchant_id
    try:
        updated, amounts = order.refund(
            _units(event.lines), event.shipping_minor, await uow.policies.policy(merchant, now)
        )
    except ValueError as error:
        raise PermanentEventError(f"refund {event.refund_id}: {error}") from error
    for disagreement in amounts.disagreements:
        # The booked part is reversed at what was booked for those units, which keeps the order's
        # own figures exact; refund-svc's allocation should agree (same largest-remainder rule).
        logger.warning("refund %s: %s", event.refund_id, disagreement)
    await uow.locks.lock_merchant(merchant)
    frozen = refund.frozen_minor if refund is not None and refund.status == OPEN else 0
    pending_holds = [(hold, hold.amount_minor) for hold in await uow.holds.unreleased_holds(order.order_id)]
    sources = postings.refund_sources(
        amounts.merchant_reversal_minor,
        frozen,
        pending_holds,
        (await uow.ledger.merchant_balances(merchant))["available"],
    )
    reversal_tx = postings.refund(
        event.refund_id,
        event.kind,
        merchant,
        order.order_id,
        amounts,
        sources,
        refunded_via=event.refunded_via,
        resolved_by=event.resolved_by,
        resolution_reason=event.resolution_reason,
        caused_by_event_id=str(received.meta.event_id),
    )
    # A refund of units never booked moves nothing on the ledger; the refund row keeps it once.
    if reversal_tx.postings and not await uow.ledger.post(reversal_tx, now=now):
        return
    for hold, take in sources.from_holds:
        hold.amount_minor -= take
        hold.reversed_minor += take
    await uow.orders.save_order(updated)
    if refund is None:
        refund = RefundRow(
            refund_id=event.refund_id,
            order_id=order.order_id,
            merchant_id=merchant,
            status=COMPLETED,
            stage=event.event_type,
            updated_at=now,
        )
        await uow.refunds.add_refund(refund)
    refund.status, refund.stage, refund.kind = COMPLETED, event.event_type, event.kind
    refund.refund_minor = event.refund_minor
    refund.frozen_minor = 0
    refund.reversal_minor = amounts.merchant_reversal_minor
    refund.clawback_minor = sources.clawback_minor
    refund.ended_event_id = str(received.meta.event_id)
    refund.ended_at = refund.updated_at = now
    await holds.release_due_frozen_holds(uow, order.order_id, now=now, rules=rules)


async def on_refund_closed(
    uow: SettlementUnitOfWork, received: Received[contracts.RefundClosed], *, now: datetime, rules: ReviewRules
) -> None:
    """Nothing moved for the buyer: unfreeze, and release what fell due if no refund is open."""
    event = received.payload
    order = await _known_order(uow, received, event.order_id, now=now)
    if order is None:
        return
    refund = await uow.refunds.refund(event.refund_id, for_update=True)
    if refund is not None and refund.status != OPEN:
        return
    if refund is None:  # its request never reached us: remember the end so a late one is ignored
        refund = RefundRow(
            refund_id=event.refund_id,
            order_id=order.order_id,
            merchant_id=order.merchant_id,
            status=CLOSED,
            stage=event.event_type,
            updated_at=now,
        )
        await uow.refunds.add_refund(refund)
    if refund.frozen_minor:
        merchant = order.merchant_id
        await uow.ledger.post(
            postings.refund_unfreeze(
                event.refund_id,
                merchant,
                order.order_id,
                refund.frozen_minor,
                outcome=event.outcome,
                caused_by_event_id=str(received.meta.event_id),
            ),
            now=now,
        )
    refund.status, refund.stage, refund.outcome = CLOSED, event.event_type, event.outcome
    refund.frozen_minor = 0
    refund.ended_event_id = str(received.meta.event_id)
    refund.ended_at = refund.updated_at = now
    await holds.release_due_frozen_holds(uow, order.order_id, now=now, rules=rules)
