"""order-svc's single-statement writes on real PostgreSQL (adapters/order_statements.py): a
placement refused for a taken payment transaction writes nothing at all (no order, no key, no
outbox row), and a shipping change made from a stale read of the order writes nothing and says so
(the command then reads again), so two commands racing on one order never both apply."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict

import asyncpg
import pytest
from support import development_vault, fresh_service_database

from order_svc.adapters.order_statements import OrderStatements, PlacementRefused
from order_svc.domain.orders import Actor, Order, ShippingCheckItem
from order_svc.entrypoints.http_orders import OrderRequest, parse_order
from order_svc.service_layer import orders
from order_svc.service_layer.orders import IdempotentRequest, order_placed
from shipsettle_shared import contracts
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.consignee_transit import seal_consignee
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.outbox import StagedEvent, stage_event

pytestmark = pytest.mark.infra

ITEMS = [ShippingCheckItem("L1", 1, "白色")]


def order_body(transaction_id: str) -> dict[str, object]:
    # one cup at ¥100.00, no coupon, no shipping fee: payable 10000 fen
    return {
        "order_id": f"OS-{uuid.uuid4().hex[:10]}",
        "merchant_id": "m-statements",
        "buyer_ref": "buyer-1",
        "lines": [
            {
                "line_id": "L1",
                "sku": "CUP-1",
                "name": "杯子",
                "spec": "白色",
                "quantity": 1,
                "unit_price": "100.00",
                "vat_rate": "0.13",
                "category": "home",
            }
        ],
        "consignee": {
            "name": "张三",
            "mobile": "13812345678",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "address_line": "文三路 90 号",
            "postal_code": "310012",
        },
        "payment": {
            "channel": "alipay",
            "transaction_id": transaction_id,
            "amount": "100.00",
            "paid_at": "2026-11-27T10:00:00+08:00",
        },
    }


@pytest.fixture(scope="module")
async def dsn() -> str:
    return asyncpg_dsn(await fresh_service_database("order-svc", "_order_statements"))


@pytest.fixture
async def statements(dsn: str) -> AsyncIterator[OrderStatements]:
    lane = ConnectionLane(dsn, 2)
    try:
        yield OrderStatements(lane, development_vault(lane))
    finally:
        await lane.close()


async def counts(dsn: str) -> dict[str, int]:
    connection = await asyncpg.connect(dsn)
    try:
        return {
            table: await connection.fetchval(f"select count(*) from {table}")  # noqa: S608 - fixed names
            for table in ("orders", "idempotency_keys", "outbox", "shipping_changes")
        }
    finally:
        await connection.close()


async def place(statements: OrderStatements, body: dict[str, object], key: str) -> tuple[int, dict[str, object]]:
    return await orders.place_order(
        statements,
        parse_order(OrderRequest.model_validate(body)),
        IdempotentRequest("k-platform", key, f"hash-{key}"),
        lambda order: (201, {"order_id": order.order_id}),
        now=SystemClock().now(),
    )


async def test_a_placement_refused_for_a_taken_payment_writes_nothing(dsn: str, statements: OrderStatements) -> None:
    transaction = f"ALI-{uuid.uuid4().hex[:12]}"
    await place(statements, order_body(transaction), "key-first")
    before = await counts(dsn)
    taken = parse_order(OrderRequest.model_validate(order_body(transaction)))
    order = orders.priced_order(taken, now=SystemClock().now())
    with pytest.raises(PlacementRefused):
        await statements.place(
            order,
            stage_event(order_placed(order), producer="order-svc", occurred_at=order.placed_at),
            principal_key_id="k-platform",
            idempotency_key="key-second",
            request_hash="hash-second",
            answer=(201, {}),
        )
    assert await counts(dsn) == before
    assert await statements.used_key("k-platform", "key-second") is None
    # through the use case: the key is free, so the refusal is the order's
    with pytest.raises(orders.OrderAlreadyExists):
        await place(statements, order_body(transaction), "key-second")


async def test_a_shipping_change_from_a_stale_read_writes_nothing(dsn: str, statements: OrderStatements) -> None:
    body = order_body(f"ALI-{uuid.uuid4().hex[:12]}")
    await place(statements, body, f"key-{body['order_id']}")
    order_id = str(body["order_id"])
    first_read = await statements.load(order_id)
    second_read = await statements.load(order_id)
    assert first_read is not None
    assert second_read is not None
    by = Actor("k-merchant", "merchant")

    def confirmation(at_read: Order) -> tuple[Order, StagedEvent]:
        now = SystemClock().now()
        confirmed = at_read.confirm_shipping(ITEMS, None, by, now)
        event = contracts.ShippingInfoConfirmed(
            order_id=order_id,
            merchant_id=at_read.merchant_id,
            buyer_ref=at_read.buyer_ref,
            consignee_sealed=seal_consignee(statements.vault.kms, order_id, asdict(confirmed.consignee)),
            items=[contracts.ShippingItem(line_id="L1", quantity=1, spec="白色")],
            confirmed_by=str(by),
            confirmed_at=now,
        )
        return confirmed, stage_event(event, producer="order-svc", occurred_at=now)

    confirmed, announcement = confirmation(first_read.order)
    assert await statements.change_shipping(
        first_read,
        confirmed,
        change="confirmed",
        changed_by=str(by),
        reason="",
        announcement=announcement,
    )
    before = await counts(dsn)
    stale, stale_announcement = confirmation(second_read.order)
    written = await statements.change_shipping(
        second_read,
        stale,
        change="confirmed",
        changed_by=str(by),
        reason="",
        announcement=stale_announcement,
    )
    assert written is False
    assert await counts(dsn) == before
    # the use case reads again and applies on the current version
    again = await orders.confirm_shipping(
        statements, order_id, ITEMS, None, by=by, now=SystemClock().now(), merchant_scope=None
    )
    assert again.status.value == "confirmed"
    after = await counts(dsn)
    assert after["shipping_changes"] == before["shipping_changes"] + 1
    assert after["outbox"] == before["outbox"] + 1
