"""order-svc's one consumer group on real PostgreSQL, through the real consumer path
(ConsumerLoop.apply, no Kafka): a poll of mixed events is written to the timeline with one
statement per event type, its dispatches move their orders in one read and one write, a
redelivered poll changes nothing, and a dispatch of an unknown order is refused for good. The
timeline's commit wakes the long-polls waiting for its orders (LISTEN/NOTIFY), and only those."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from support import development_vault, engine_for, eventually, fresh_service_database, statement_calls

from order_svc.adapters.order_statements import OrderStatements
from order_svc.adapters.order_watch import ORDER_CHANGED_CHANNEL, OrderWatch
from order_svc.adapters.repository import OrderRepository
from order_svc.adapters.tables import TimelineEntryRow
from order_svc.domain.orders import Actor, ShippingCheckItem
from order_svc.entrypoints.consumers import subscriptions
from order_svc.entrypoints.http_orders import OrderRequest, parse_order
from order_svc.service_layer import orders
from order_svc.service_layer.orders import IdempotentRequest
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.consignee_transit import seal_consignee
from shipsettle_shared.contracts import (
    BusProbeSent,
    ShipmentDispatched,
    ShipmentLine,
    ShipmentStatusChanged,
    ShippingInfoCorrected,
)
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.field_crypto import LocalKeyring
from shipsettle_shared.messaging.consumer import ConsumerLoop, PermanentEventError
from shipsettle_shared.outbox import build_envelope
from shipsettle_shared.service import ServiceRuntime, outbound_http_client
from shipsettle_shared.settings import DEVELOPMENT_PII_KEYRING, ServiceSettings

pytestmark = pytest.mark.infra

ITEMS = [ShippingCheckItem("L1", 2, "500g/罐"), ShippingCheckItem("L2", 1, "精装")]
CONSIGNEE = {
    "name": "张三",
    "mobile": "13812345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "address_line": "文三路 90 号 3 幢 501",
    "postal_code": "310012",
}


def order_body(merchant_id: str) -> dict[str, object]:
    """Two lines: 2 × 100.00 + 1 × 50.00, no coupons or shipping: payable 250.00."""
    line = {"sku": "TEA", "name": "龙井茶", "vat_rate": "0.13", "category": "tea"}
    return {
        "order_id": f"PO-{uuid.uuid4().hex[:12]}",
        "merchant_id": merchant_id,
        "buyer_ref": "buyer-1",
        "lines": [
            {**line, "line_id": "L1", "spec": "500g/罐", "quantity": 2, "unit_price": "100.00"},
            {**line, "line_id": "L2", "spec": "精装", "quantity": 1, "unit_price": "50.00"},
        ],
        "consignee": CONSIGNEE,
        "payment": {
            "channel": "alipay",
            "transaction_id": f"ALI-{uuid.uuid4().hex[:16]}",
            "amount": "250.00",
            "paid_at": "2026-11-27T10:00:00+08:00",
        },
    }


@pytest.fixture(scope="module")
async def engine() -> AsyncIterator[AsyncEngine]:
    url = await fresh_service_database("order-svc", "_timeline_batches")
    async with engine_for(url) as engine:
        yield engine


@pytest.fixture
async def lane(engine: AsyncEngine) -> AsyncIterator[ConnectionLane]:
    """The service's connection lane: its hot statements (placement, confirmation, polls of
    timeline-only events) run there."""
    lane = ConnectionLane(asyncpg_dsn(engine.url.render_as_string(hide_password=False)), 2)
    try:
        yield lane
    finally:
        await lane.close()


def consumer(engine: AsyncEngine, lane: ConnectionLane) -> ConsumerLoop:
    settings = ServiceSettings(service_name="order-svc", database_url=engine.url.render_as_string(hide_password=False))
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    runtime = ServiceRuntime(
        settings=settings,
        clock=SystemClock(),
        engine=engine,
        sessions=sessions,
        producer=None,  # type: ignore[arg-type]  # nothing here produces to Kafka
        lane=lane,
        http=outbound_http_client(),  # opens no connection: nothing here calls out
    )
    (subscription,) = subscriptions(runtime)
    return ConsumerLoop(settings, sessions, subscription, dead_letter_producer=None)  # type: ignore[arg-type]


async def confirmed_order(lane: ConnectionLane) -> dict[str, str]:
    body = order_body("m-batches")
    now = SystemClock().now()
    statements = OrderStatements(lane, development_vault(lane))
    await orders.place_order(
        statements,
        parse_order(OrderRequest.model_validate(body)),
        IdempotentRequest("k-1", f"place-{body['order_id']}", "request-hash"),
        lambda order: (201, {"order_id": order.order_id}),
        now=now,
    )
    await orders.confirm_shipping(
        statements, str(body["order_id"]), ITEMS, None, by=Actor("k-1", "merchant"), now=now, merchant_scope=None
    )
    return {"order_id": str(body["order_id"]), "merchant_id": "m-batches"}


def dispatched(order: dict[str, str], lines: list[tuple[str, int]]) -> EventEnvelope:
    payload = ShipmentDispatched(
        **order,
        shipment_id=f"SH-{uuid.uuid4().hex[:8]}",
        carrier_code="SF",
        tracking_number="SF1234567890123",
        lines=[ShipmentLine(line_id=line_id, quantity=quantity) for line_id, quantity in lines],
        dispatched_at=datetime.now(UTC),
    )
    return build_envelope(payload, producer="logistics-svc", occurred_at=datetime.now(UTC))


def status_changed(order: dict[str, str], status: str) -> EventEnvelope:
    payload = ShipmentStatusChanged(
        **order,
        shipment_id=f"SH-{uuid.uuid4().hex[:8]}",
        tracking_number="SF1234567890123",
        previous_status="dispatched",
        status=status,
        scan_time=datetime.now(UTC),
        description=status,
        location="杭州",
    )
    return build_envelope(payload, producer="logistics-svc", occurred_at=datetime.now(UTC))


def corrected(order: dict[str, str]) -> EventEnvelope:
    payload = ShippingInfoCorrected(
        **order,
        buyer_ref="buyer-42",
        consignee_sealed=seal_consignee(LocalKeyring.parse(DEVELOPMENT_PII_KEYRING), order["order_id"], CONSIGNEE),
        changed_fields=["mobile"],
        reason="buyer called",
        corrected_by="merchant:k-1",
        corrected_at=datetime.now(UTC),
    )
    return build_envelope(payload, producer="order-svc", occurred_at=datetime.now(UTC))


def timeline_inserts(engine: AsyncEngine) -> list[str]:
    """The INSERT INTO order_timeline statements sent from now on (listens on the engine)."""
    sent: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def record(*args: object) -> None:
        statement = str(args[2])
        if " ".join(statement.split()).lower().startswith("insert into order_timeline"):
            sent.append(statement)

    return sent


async def test_a_mixed_poll_is_one_timeline_statement_per_event_type_and_its_dispatches_move_their_orders(
    engine: AsyncEngine, lane: ConnectionLane
) -> None:
    first, second = await confirmed_order(lane), await confirmed_order(lane)
    poll = [
        corrected(first),
        dispatched(first, [("L1", 2)]),
        dispatched(second, [("L1", 2), ("L2", 1)]),
        corrected(second),
        dispatched(first, [("L2", 1)]),
        # not about one order: consumed, recorded in the inbox, kept off the timeline
        build_envelope(
            BusProbeSent(probe_id="p", target_service="order-svc", sent_by="t"),
            producer="t",
            occurred_at=datetime.now(UTC),
        ),
    ]
    loop = consumer(engine, lane)
    sent = timeline_inserts(engine)
    await loop.apply(poll)
    assert len(sent) == 2  # ShippingInfoCorrected ×2 in one, ShipmentDispatched ×3 in the other

    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def state() -> tuple[list[object], int]:
        async with sessions() as session:
            repository = OrderRepository(session, development_vault(lane))
            found = [await repository.get(order["order_id"]) for order in (first, second)]
            entries = await session.scalar(
                select(func.count())
                .select_from(TimelineEntryRow)
                .where(TimelineEntryRow.order_id.in_([first["order_id"], second["order_id"]]))  # type: ignore[attr-defined]
            )
        return [(o.status.value, o.dispatched_quantities) for o in found if o is not None], int(entries or 0)

    everything = {"L1": 2, "L2": 1}
    after_first = await state()
    assert after_first == ([("dispatched", everything), ("dispatched", everything)], 5)

    await loop.apply(poll)  # redelivered: the inbox skips it whole
    assert await state() == after_first


async def test_a_poll_without_a_dispatch_is_one_statement_with_its_inbox_rows_and_a_redelivery_adds_nothing(
    engine: AsyncEngine, lane: ConnectionLane
) -> None:
    first, second = await confirmed_order(lane), await confirmed_order(lane)
    poll = [corrected(first), corrected(second), corrected(first)]
    one_connection = ConnectionLane(asyncpg_dsn(engine.url.render_as_string(hide_password=False)), 1)
    loop = consumer(engine, one_connection)
    database = str(engine.url.database)
    try:
        # asyncpg learns the statement's types on a connection's first use of it; not measured
        await loop.apply([corrected(second)])
        before = await statement_calls(database)
        await loop.apply(poll)
        after = await statement_calls(database)
    finally:
        await one_connection.close()
    ran = {query: calls - before.get(query, 0) for query, calls in after.items() if calls > before.get(query, 0)}
    # no BEGIN, no COMMIT, no separate inbox insert: the inbox rows and the timeline rows together
    assert len(ran) == 1, ran
    ((query, calls),) = ran.items()
    assert query.startswith("with fresh as ( insert into processed_events")
    assert calls == 1

    async def timeline_and_inbox() -> tuple[int, int]:
        connection = await asyncpg.connect(asyncpg_dsn(engine.url.render_as_string(hide_password=False)))
        try:
            entries = await connection.fetchval(
                "select count(*) from order_timeline where event_id = any($1)",
                [str(envelope.event_id) for envelope in poll],
            )
            inbox = await connection.fetchval(
                "select count(*) from processed_events where consumer = $1 and event_id = any($2)",
                loop.group,
                [envelope.event_id for envelope in poll],
            )
        finally:
            await connection.close()
        return int(entries), int(inbox)

    assert await timeline_and_inbox() == (3, 3)
    await consumer(engine, lane).apply(poll)  # redelivered: every id is in the inbox, none reaches the timeline
    assert await timeline_and_inbox() == (3, 3)


async def test_a_dispatch_of_an_order_unknown_here_is_refused_for_good_and_changes_nothing(
    engine: AsyncEngine, lane: ConnectionLane
) -> None:
    known = await confirmed_order(lane)
    loop = consumer(engine, lane)
    with pytest.raises(PermanentEventError):
        await loop.apply([dispatched(known, [("L1", 2)]), dispatched({**known, "order_id": "PO-unknown"}, [("L1", 1)])])
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        order = await OrderRepository(session, development_vault(lane)).get(known["order_id"])
    assert order is not None
    assert order.status.value == "confirmed"  # the batch rolled back whole; the loop retries it event by event


async def test_a_committed_timeline_row_wakes_the_long_polls_of_its_order_and_only_those(
    engine: AsyncEngine, lane: ConnectionLane
) -> None:
    order, other = await confirmed_order(lane), await confirmed_order(lane)
    watch = OrderWatch(asyncpg_dsn(str(engine.url.render_as_string(hide_password=False))), recheck_s=60)
    try:
        await watch.listen()
        woken = asyncio.create_task(watch.changed(order["order_id"], timeout_s=60))
        not_woken = asyncio.create_task(watch.changed(other["order_id"], timeout_s=1))
        await asyncio.sleep(0)  # both registered
        await consumer(engine, lane).apply([dispatched(order, [("L1", 2)])])
        assert await woken is True  # by the notification: with recheck_s=60 only it ends the wait early
        assert await not_woken is False
    finally:
        await watch.close()


async def test_a_batch_that_rolls_back_wakes_nobody(engine: AsyncEngine, lane: ConnectionLane) -> None:
    order = await confirmed_order(lane)
    watch = OrderWatch(asyncpg_dsn(str(engine.url.render_as_string(hide_password=False))), recheck_s=60)
    try:
        await watch.listen()
        waiting = asyncio.create_task(watch.changed(order["order_id"], timeout_s=1))
        await asyncio.sleep(0)
        with pytest.raises(PermanentEventError):
            await consumer(engine, lane).apply(
                [dispatched(order, [("L1", 2)]), dispatched({**order, "order_id": "PO-unknown"}, [("L1", 1)])]
            )
        assert await waiting is False
    finally:
        await watch.close()


async def test_only_events_that_can_bring_an_order_to_a_stage_notify_its_long_polls(
    engine: AsyncEngine, lane: ConnectionLane
) -> None:
    """A picked-up scan or a correction cannot make an order delivered or change its status: their
    rows notify nobody; a delivered scan's does."""
    picked_up, delivered, corrected_only = [await confirmed_order(lane) for _ in range(3)]
    dsn = asyncpg_dsn(engine.url.render_as_string(hide_password=False))
    listener = await asyncpg.connect(dsn)
    notified: list[str] = []
    try:
        await listener.add_listener(ORDER_CHANGED_CHANNEL, lambda *args: notified.append(str(args[3])))
        poll = [
            status_changed(picked_up, "picked_up"),
            status_changed(delivered, "delivered"),
            corrected(corrected_only),
        ]
        await consumer(engine, lane).apply(poll)
        # notifications arrive in commit order: once a later commit's is here, the poll's are too
        sender = await asyncpg.connect(dsn)
        try:
            await sender.execute("select pg_notify($1, 'sentinel')", ORDER_CHANGED_CHANNEL)
        finally:
            await sender.close()
        await eventually(lambda: asyncio.sleep(0, result="sentinel" in notified))
    finally:
        await listener.close()
    assert notified == [delivered["order_id"], "sentinel"]
