"""The shipping-information use cases (service_layer/orders.py) on a fake of OrderStatements: the
optimistic write that reads again when it lost a race, and the refusals a client then gets
(end to end: tests/e2e/test_orders.py, tests/e2e/test_refusal_answers.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest

from order_svc.adapters.order_statements import LoadedOrder, OrderStatements
from order_svc.domain.orders import Actor, Consignee, Order, OrderLine, Payment, ShippingCheckItem
from order_svc.domain.pricing import LineInput, price_order
from order_svc.service_layer import orders as service
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.field_crypto import LocalKeyring
from shipsettle_shared.outbox import StagedEvent
from shipsettle_shared.settings import DEVELOPMENT_PII_KEYRING

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CONSIGNEE = Consignee("张三", "13812345678", "浙江省", "杭州市", "西湖区", "文三路 90 号", "310012")
MERCHANT = Actor(key_id="key-m1", role="merchant")
ITEMS = [ShippingCheckItem("L1", 2, "500g/罐")]


def placed_order() -> Order:
    return Order(
        order_id="PO-1",
        merchant_id="m-1",
        buyer_ref="buyer-42",
        currency="CNY",
        lines=(OrderLine("L1", "TEA-1", "龙井", "500g/罐", 2, "tea"),),
        priced=price_order([LineInput("L1", "TEA-1", 2, 12800, 1300, "tea")], [], 0),
        consignee=CONSIGNEE,
        payment=Payment("alipay", "ALI-1", 25600, NOW),
        placed_at=NOW,
    )


class RacingStatements:
    """OrderStatements as a race sees it: every read answers the order at a new version; the
    first ``losses`` writes find the order changed since (False), the next ones are written."""

    def __init__(self, order: Order | None, *, losses: int) -> None:
        # the consignee goes on the bus sealed under the keyring's KEK (no database needed)
        self.vault = SimpleNamespace(kms=LocalKeyring.parse(DEVELOPMENT_PII_KEYRING))
        self.order = order
        self.losses = losses
        self.loads = 0
        self.written: list[tuple[Order, str, StagedEvent]] = []

    async def load(self, order_id: str) -> LoadedOrder | None:
        self.loads += 1
        return LoadedOrder(self.order, self.loads) if self.order is not None else None

    async def change_shipping(
        self, loaded: LoadedOrder, after: Order, *, change: str, changed_by: str, reason: str, announcement: StagedEvent
    ) -> bool:
        if self.losses:
            self.losses -= 1
            return False
        self.written.append((after, change, announcement))
        return True


def statements(fake: RacingStatements) -> OrderStatements:
    return cast(OrderStatements, cast(Any, fake))


async def test_a_confirmation_that_lost_a_race_reads_the_order_again_and_is_written_once() -> None:
    fake = RacingStatements(placed_order(), losses=3)
    confirmed = await service.confirm_shipping(
        statements(fake), "PO-1", ITEMS, None, by=MERCHANT, now=NOW, merchant_scope="m-1"
    )
    assert (fake.loads, len(fake.written)) == (4, 1)
    [(written, change, announcement)] = fake.written
    assert (written, change) == (confirmed, "confirmed")
    assert confirmed.shipping_confirmed_by == "merchant:key-m1"
    assert announcement.envelope.event_type == "ShippingInfoConfirmed"


async def test_an_order_that_keeps_changing_is_refused_as_a_concurrent_change_after_the_last_attempt() -> None:
    fake = RacingStatements(placed_order(), losses=service.MAX_OPTIMISTIC_ATTEMPTS)
    with pytest.raises(service.ConcurrentChange) as refused:
        await service.correct_shipping(
            statements(fake),
            "PO-1",
            replace(CONSIGNEE, address_line="文一西路 969 号"),
            "buyer moved",
            by=MERCHANT,
            now=NOW,
            merchant_scope=None,
        )
    assert (fake.loads, fake.written) == (service.MAX_OPTIMISTIC_ATTEMPTS, [])
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "concurrent-change")
    assert refused.value.message == "order 'PO-1' kept changing under this command; send it again"


async def test_another_merchants_order_is_not_found_and_nothing_is_written() -> None:
    fake = RacingStatements(placed_order(), losses=0)
    with pytest.raises(service.OrderNotFound) as refused:
        await service.confirm_shipping(
            statements(fake), "PO-1", ITEMS, None, by=MERCHANT, now=NOW, merchant_scope="m-2"
        )
    assert (refused.value.refusal, refused.value.message) == (Refusal.NOT_FOUND, "order 'PO-1' does not exist")
    assert fake.written == []
