"""The orders as logistics knows them, from order.events: placed, shipping information confirmed
(核对发货信息) or corrected, cancelled; and a buyer's erasure.

Batches: the consumer hands over consecutive events of one type (one event when it retries one
alone); each batch is one statement, whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from logistics_svc.adapters.personal_data import kept_consignee
from logistics_svc.service_layer.unit_of_work import LogisticsUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject
from shipsettle_shared.messaging.consumer import PermanentEventError
from shipsettle_shared.messaging.events import Received


async def record_orders_placed(uow: LogisticsUnitOfWork, events: Sequence[Received[contracts.OrderPlaced]]) -> None:
    """An order already known (a second OrderPlaced) is left as it is. Its consignee comes with
    the confirmation of its shipping information (OrderPlaced carries none since version 2)."""
    await uow.orders.add_known_orders(
        [
            {
                "order_id": event.order_id,
                "merchant_id": event.merchant_id,
                "lines": {line.line_id: {"quantity": line.quantity, "spec": line.spec} for line in event.lines},
                "consignee": {},
                "placed_at": event.placed_at,
            }
            for event in (placed.payload for placed in events)
        ]
    )


async def record_shipping_confirmed(
    uow: LogisticsUnitOfWork, events: Sequence[Received[contracts.ShippingInfoConfirmed]], *, vault: PersonalDataVault
) -> None:
    """A cancelled order stays cancelled (its consignee is updated). The consignee is kept
    sealed under this service's key of the buyer, or as erased when the buyer was erased after
    the confirmation (the order still goes on to dispatch: it needs no consignee). Raises PermanentEventError for an order never
    placed (dead-lettered, not retried)."""
    # Applied in order, the last event of an order decides: the same as the last one alone.
    last = {each.payload.order_id: each.payload for each in events}
    latest = {
        order_id: (
            await kept_consignee(vault, event.buyer_ref, order_id, event.consignee_sealed, event.confirmed_at),
            event.confirmed_at,
        )
        for order_id, event in last.items()
    }
    _all_known(latest, await uow.orders.confirm_known_orders(latest))


async def record_shipping_corrected(
    uow: LogisticsUnitOfWork, events: Sequence[Received[contracts.ShippingInfoCorrected]], *, vault: PersonalDataVault
) -> None:
    """The consignee kept as for a confirmation (erased when the buyer was erased after the
    correction). Raises PermanentEventError for an order never placed."""
    last = {each.payload.order_id: each.payload for each in events}
    latest = {
        order_id: await kept_consignee(vault, event.buyer_ref, order_id, event.consignee_sealed, event.corrected_at)
        for order_id, event in last.items()
    }
    _all_known(latest, await uow.orders.correct_known_orders(latest))


async def erase_buyer(
    uow: LogisticsUnitOfWork, event: Received[contracts.BuyerErased], *, vault: PersonalDataVault
) -> None:
    """BuyerErased: destroy this service's data key of the buyer (their consignees, kept for
    dispatch, read as erased from then on), as of the erasure's time (order-svc's clock, the one
    the confirmations are dated by), remembered even if this service never held a key of the
    buyer; shipments and their timelines are unchanged."""
    subject = buyer_subject(event.payload.buyer_ref)
    vault.forget(subject, await uow.destroy_data_keys(subject, event.payload.erased_at))


async def record_orders_cancelled(
    uow: LogisticsUnitOfWork, events: Sequence[Received[contracts.OrderCancelled]]
) -> None:
    """Raises PermanentEventError for an order never placed."""
    order_ids = list(dict.fromkeys(cancelled.payload.order_id for cancelled in events))
    _all_known(order_ids, await uow.orders.cancel_known_orders(order_ids))


def _all_known(order_ids: Iterable[str], known: set[str]) -> None:
    never_placed = [order_id for order_id in order_ids if order_id not in known]
    if never_placed:
        # An order's events share one partition of order.events, so OrderPlaced always comes
        # first: a later event for an order never placed cannot be fixed by retrying. (In a
        # batch, the consumer then applies its events one by one: only this one is dead-lettered.)
        raise PermanentEventError(f"order {', '.join(never_placed)} was never placed")
