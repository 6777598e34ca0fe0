"""Sign-off-gated settlement: orders are remembered off the ledger; only a sign-off posts money.

- OrderPlaced: remember the order's per-line figures. Nothing is posted: no ledger entry for an
  order's funds exists before its sign-off (SPEC section 2, step 6).
- OrderSignedOff: post the signed-off units' net to the merchant's pending account, under the
  policy in force now; fix the release date; start the hold timer. A sign-off for an order not
  seen yet is parked and applied when the order arrives.
- Refund events (service_layer/refunds.py) for an order not seen yet are parked the same way;
  parked events are applied in the order they arrived once the order comes.
- hold_release timer (service_layer/holds.py): pending → available, less the rolling reserve.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from settlement_svc.adapters.repositories.ledger import posted_event
from settlement_svc.domain import postings
from settlement_svc.domain.ledger import LedgerTransaction
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.payouts import ReviewRules
from settlement_svc.domain.policies import policy_in_force
from settlement_svc.service_layer import holds as holds_service
from settlement_svc.service_layer import progress
from settlement_svc.service_layer.holds import HOLD_RELEASE, PRODUCER, hold_release_payload
from settlement_svc.service_layer.repositories import NewHold
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received
from shipsettle_shared.outbox import StagedEvent, stage_event

logger = logging.getLogger(__name__)


async def remember_orders(
    uow: SettlementUnitOfWork, placed: Sequence[Received[contracts.OrderPlaced]], *, now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """Remember a run of orders' per-line figures and take the events parked for them (a sign-off
    or a refund that came first): {each order new here: its parked events, in the order they came},
    for the caller to apply (messagebus.orders_placed). The orders' locks, then one statement that
    inserts the new orders and takes their parked events, whatever the run's size. An order known
    already (a redelivery) changes nothing."""
    orders: dict[str, tuple[SettlementOrder, datetime, str]] = {}
    for received in placed:
        event = received.payload
        orders.setdefault(event.order_id, (_settlement_order(event), event.placed_at, str(received.meta.event_id)))
    if not orders:
        return {}
    await uow.locks.lock_orders(list(orders))
    # After the locks, in a statement of its own: a parking event holds the order's lock from
    # before it reads whether the order exists until it commits, so every parked one is seen here.
    return await uow.orders.add_orders_taking_parked(list(orders.values()))


def _settlement_order(event: contracts.OrderPlaced) -> SettlementOrder:
    return SettlementOrder(
        order_id=event.order_id,
        merchant_id=event.merchant_id,
        currency=event.currency,
        shipping_fee_minor=event.shipping_fee_minor,
        lines={
            line.line_id: SettlementLine(
                line_id=line.line_id,
                category=line.category,
                quantity=line.quantity,
                paid_minor=line.paid_amount_minor,
                subsidy_minor=line.platform_discount_minor,
                commission_base_minor=line.commission_base_minor,
            )
            for line in event.lines
        },
    )


async def on_signed_off(
    uow: SettlementUnitOfWork,
    sign_off: Received[contracts.OrderSignedOff],
    *,
    now: datetime,
    rules: ReviewRules | None = None,
) -> None:
    """Apply one sign-off: a batch of one, so one event and a consumer's batch follow the same
    rules. Raises ValueError for lines or units the order does not have left."""
    await on_signed_off_batch(uow, [sign_off], now=now, rules=rules)


async def on_signed_off_batch(
    uow: SettlementUnitOfWork,
    received: Sequence[Received[contracts.OrderSignedOff]],
    *,
    now: datetime,
    with_progress: bool = False,
    rules: ReviewRules | None = None,
) -> None:
    """Apply sign-offs in their order, as a set: the effects of applying them one at a time,
    in a constant number of statements whatever their number.

    ``with_progress``: also move the orders' progress as ``progress.record_progress`` would (the
    consumer's path; a parked sign-off had its progress recorded when it arrived).
    ``rules``: release holds due at once in this transaction, the automatic application under
    these review rules (``holds.release_at_sign_off``); without them their timers release them.

    For each sign-off: post the signed-off units' net to the merchant's pending account under
    the policy in force at the sign-off; record what it booked; fix the release date, add the
    hold and its timer and announce SettlementPending. A sign-off of an order not seen yet is
    parked; a sign-off whose shipment is on the ledger already is a no-op (also within the batch).
    Raises ValueError for lines or units an order does not have left (a contract violation): the
    whole batch then rolls back, and the consumer retries its events one at a time, so only the
    bad event is dead-lettered."""
    sign_offs: list[tuple[Received[contracts.OrderSignedOff], contracts.OrderSignedOff]] = []
    seen: set[uuid.UUID] = set()
    for sign_off in received:
        if sign_off.meta.event_id in seen:
            continue  # the same event twice in one batch (the consumer's inbox drops it too)
        seen.add(sign_off.meta.event_id)
        sign_offs.append((sign_off, sign_off.payload))
    if not sign_offs:
        return
    events = [event for _, event in sign_offs]
    locked_progress = await progress.lock_progress_of(uow, events, now=now) if with_progress else None
    order_ids = sorted({event.order_id for event in events})
    await uow.locks.lock_orders(order_ids)
    orders, policies, posted = await uow.orders.orders_for_sign_off(
        order_ids, [_sign_off_key(event) for _, event in sign_offs]
    )

    parked: list[tuple[str, dict[str, Any], str]] = []
    changed: dict[str, SettlementOrder] = {}
    transactions: list[LedgerTransaction] = []
    bookings: list[progress.Booking] = []
    holds: list[NewHold] = []
    staged: list[StagedEvent] = []
    for sign_off, event in sign_offs:
        order = orders.get(event.order_id)
        if order is None:
            parked.append((event.order_id, sign_off.parked_form(), "sign-off before the order was known"))
            continue
        key = _sign_off_key(event)
        if key in posted:
            continue  # this shipment's sign-off is already on the ledger
        posted.add(key)
        policy = policy_in_force(policies.get(order.merchant_id, ()), order.merchant_id, event.signed_off_at)
        updated, amounts = order.sign_off({line.line_id: line.quantity for line in event.lines}, policy)
        orders[order.order_id] = changed[order.order_id] = updated
        merchant = order.merchant_id
        tx = postings.sign_off(
            key, merchant, order.order_id, amounts, how=event.how, caused_by_event_id=str(sign_off.meta.event_id)
        )
        transactions.append(tx)
        # Each effect's events carry the correlation id of the sign-off that caused it.
        correlation_id = sign_off.meta.correlation_id
        if tx.postings:
            staged.append(_stage(posted_event(tx, now=now), now=now, correlation_id=correlation_id))
        bookings.append(
            progress.Booking(order.order_id, merchant, event.shipment_id, amounts, str(sign_off.meta.event_id))
        )
        if amounts.net_minor == 0:
            continue  # every unit of it was refunded before the sign-off: nothing to hold
        release_at = policy.release_at(event.signed_off_at)
        hold_id = f"H-{uuid.uuid4().hex[:16]}"
        holds.append(
            NewHold(
                hold_id=hold_id,
                merchant_id=merchant,
                order_id=order.order_id,
                shipment_id=event.shipment_id,
                amount_minor=amounts.net_minor,
                policy_version=policy.version,
                signed_off_at=event.signed_off_at,
                release_at=release_at,
            )
        )
        staged.append(
            _stage(
                contracts.SettlementPending(
                    order_id=order.order_id,
                    merchant_id=merchant,
                    shipment_id=event.shipment_id,
                    hold_id=hold_id,
                    currency=order.currency,
                    paid_minor=amounts.paid_minor,
                    shipping_minor=amounts.shipping_minor,
                    subsidy_minor=amounts.subsidy_minor,
                    commission_minor=amounts.commission_minor,
                    net_minor=amounts.net_minor,
                    release_at=release_at,
                    policy_version=policy.version,
                ),
                now=now,
                correlation_id=correlation_id,
            )
        )

    # Holds due at once (0 hold days) are released here, in the sign-off's transaction, rather
    # than by their timer a poll later (issue 17: sign-off to available in under a second).
    releases, released_at_once = (
        await holds_service.release_at_sign_off(
            uow, holds, {order_id: order.currency for order_id, order in orders.items()}, now=now, rules=rules
        )
        if rules is not None
        else (holds_service.Releases(), set())
    )
    holds = [replace(hold, released_at=now) if hold.hold_id in released_at_once else hold for hold in holds]
    await uow.parked.park_many(parked, now=now)
    # The orders' progress (every sign-off, parked or not, when asked) and what each booking
    # booked, in one pass over their progress rows.
    await progress.record_sign_offs(uow, events if with_progress else [], bookings, now=now, locked=locked_progress)
    if not transactions:
        return
    await uow.orders.save_orders(list(changed.values()))
    await uow.holds.add_holds(holds)
    # the release locks its merchant's balance rows: instances fire releases in merchant order
    await uow.schedule_timers(
        HOLD_RELEASE,
        [
            (hold.hold_id, hold.release_at, hold_release_payload(hold.merchant_id, hold.order_id))
            for hold in holds
            if hold.released_at is None
        ],
    )
    await holds_service.write_releases(uow, releases, now=now, transactions_follow=True)
    staged.extend(releases.staged)
    transactions.extend(releases.transactions)  # after the sign-offs they release, in one insert
    await uow.add_events(staged)
    # Last: the postings' trigger updates the merchants' balance rows, which every sign-off of
    # the same merchants on other instances needs too; from here the commit follows at once.
    inserted = await uow.ledger.insert_transactions(transactions, now=now)
    if len(inserted) != len(transactions):
        # Impossible under the order locks; if it happens, nothing of this batch may commit.
        missing = sorted({tx.key for tx in transactions} - inserted)
        raise RuntimeError(f"sign-offs posted concurrently despite the order locks: {missing}")


def _sign_off_key(event: contracts.OrderSignedOff) -> str:
    return f"sign_off:{event.shipment_id}"


def _stage(payload: contracts.EventPayload, *, now: datetime, correlation_id: str) -> StagedEvent:
    return stage_event(payload, producer=PRODUCER, occurred_at=now, correlation_id=correlation_id)
