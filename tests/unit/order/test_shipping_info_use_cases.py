"""The shipping-information use cases (service_layer/orders.py) on a fake of OrderStatements
(order_fakes.py): the optimistic write that reads again when it lost a race, and the refusals a
client then gets (end to end: tests/e2e/test_orders.py, tests/e2e/test_refusal_answers.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from order_fakes import CONSIGNEE, NOW, FakeOrderStatements, placed_order

from order_svc.domain.orders import Actor, ShippingCheckItem
from order_svc.service_layer import orders as service
from shipsettle_shared.domain_errors import Refusal

MERCHANT = Actor(key_id="key-m1", role="merchant")
ITEMS = [ShippingCheckItem("L1", 2, "500g/罐")]


async def test_a_confirmation_that_lost_a_race_reads_the_order_again_and_is_written_once() -> None:
    fake = FakeOrderStatements(placed_order(), losses=3)
    confirmed = await service.confirm_shipping(fake, "PO-1", ITEMS, None, by=MERCHANT, now=NOW, merchant_scope="m-1")
    assert (fake.loads, len(fake.shipping_changes)) == (4, 1)
    [(_, change, _, _)] = fake.shipping_changes
    assert (fake.orders["PO-1"], change) == (confirmed, "confirmed")
    assert confirmed.shipping_confirmed_by == "merchant:key-m1"
    [announced] = fake.events
    assert announced.event_type == "ShippingInfoConfirmed"


async def test_an_order_that_keeps_changing_is_refused_as_a_concurrent_change_after_the_last_attempt() -> None:
    fake = FakeOrderStatements(placed_order(), losses=service.MAX_OPTIMISTIC_ATTEMPTS)
    with pytest.raises(service.ConcurrentChange) as refused:
        await service.correct_shipping(
            fake,
            "PO-1",
            replace(CONSIGNEE, address_line="文一西路 969 号"),
            "buyer moved",
            by=MERCHANT,
            now=NOW,
            merchant_scope=None,
        )
    assert (fake.loads, fake.shipping_changes) == (service.MAX_OPTIMISTIC_ATTEMPTS, [])
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "concurrent-change")
    assert refused.value.message == "order 'PO-1' kept changing under this command; send it again"


async def test_another_merchants_order_is_not_found_and_nothing_is_written() -> None:
    fake = FakeOrderStatements(placed_order())
    with pytest.raises(service.OrderNotFound) as refused:
        await service.confirm_shipping(fake, "PO-1", ITEMS, None, by=MERCHANT, now=NOW, merchant_scope="m-2")
    assert (refused.value.refusal, refused.value.message) == (Refusal.NOT_FOUND, "order 'PO-1' does not exist")
    assert (fake.shipping_changes, fake.events) == ([], [])
