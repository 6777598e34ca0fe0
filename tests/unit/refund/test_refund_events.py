"""refund-svc's consumed events through its one handler table (service_layer/messagebus.py), on
the in-memory unit of work (refund_fakes.py): facts that came before their order parked and
applied through the same table when it arrives, a poll's placements applied before its facts,
a cancellation refunded whole (on a real database: tests/integration/test_refund_orders_projection.py)."""

from __future__ import annotations

from integration import fact_events
from refund_fakes import RULES, FakeUnitOfWork

from refund_svc.domain.workflow import RefundStatus
from refund_svc.service_layer import messagebus
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import received

T0 = fact_events.T0
# the order of refund_fakes.py: A "tea" 3 units paid 25715 (subsidy 1714), B "books" 1 unit paid
# 4285 (subsidy 286), shipping 1000
LINES = [("A", "tea", 3, 25715, 1714), ("B", "books", 1, 4285, 286)]


def cancelled(order_id: str) -> contracts.OrderCancelled:
    return contracts.OrderCancelled(
        order_id=order_id,
        merchant_id="m-1",
        currency="CNY",
        refund_minor=31000,
        reason="买家取消",
        cancelled_by="key-platform",
        cancelled_at=T0,
    )


async def test_facts_before_their_order_are_parked_and_applied_through_the_same_table_when_it_arrives() -> None:
    uow = FakeUnitOfWork()
    early_cancel = received(fact_events.envelope_of(cancelled("O-1"), T0))
    early_sign_off = received(fact_events.signed_off("O-2", "SH-2", {"A": 2}))
    await messagebus.handle(uow, [early_cancel], now=T0, rules=RULES)
    await messagebus.handle(uow, [early_sign_off], now=T0, rules=RULES)
    assert [order_id for order_id, _ in uow.refunds.parked] == ["O-1", "O-2"]
    assert uow.refunds.refunds == {}
    await messagebus.handle(
        uow, [received(fact_events.placed(o, LINES, 1000)) for o in ("O-1", "O-2")], now=T0, rules=RULES
    )
    assert uow.refunds.parked == []
    refund = uow.refunds.refunds["RF-cancel-O-1"]
    # every unit and the shipping fee: 25715 + 4285 + 1000
    assert (refund.status, refund.amounts.refund_minor) == (RefundStatus.REFUNDING, 31000)
    signed = uow.refunds.orders["O-2"]
    assert (signed.signed_off_units, signed.last_signed_off_at) == ({"A": 2}, fact_events.SIGNED_AT)


async def test_a_polls_placements_are_applied_before_its_facts_whatever_their_place_in_it() -> None:
    uow = FakeUnitOfWork()
    poll = [
        fact_events.dispatched("O-1", "SH-1", {"A": 3, "B": 1}),
        fact_events.signed_off("O-1", "SH-1", {"A": 3, "B": 1}),
        fact_events.placed("O-1", LINES, 1000),
        fact_events.placed("O-1", LINES, 1000),  # a replay under a new event id changes nothing
    ]
    await messagebus.handle(uow, [received(envelope) for envelope in poll], now=T0, rules=RULES)
    assert uow.refunds.parked == []
    assert uow.refunds.dispatched == {"O-1"}
    assert uow.refunds.orders["O-1"].signed_off_units == {"A": 3, "B": 1}


async def test_a_cancellation_of_a_known_order_is_refunded_whole_and_a_second_one_refunds_nothing_more() -> None:
    uow = FakeUnitOfWork()
    await messagebus.handle(uow, [received(fact_events.placed("O-1", LINES, 1000))], now=T0, rules=RULES)
    for _ in range(2):
        await messagebus.handle(
            uow.next_unit(), [received(fact_events.envelope_of(cancelled("O-1"), T0))], now=T0, rules=RULES
        )
    assert list(uow.refunds.refunds) == ["RF-cancel-O-1"]
    assert [event.event_type for event in uow.committed.events] == ["RefundRequested", "RefundApproved"]
    assert uow.refunds.parked == []
