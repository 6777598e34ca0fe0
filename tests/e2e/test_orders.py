"""order-svc end to end over HTTP on the running platform: intake with exact pricing, the
mismatch rejection, shipping-information confirmation and correction until dispatch,
cancellation, the timeline, listing, and merchant scoping on every endpoint."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from order_support import CONSIGNEE, simple_order, variant, worked_example_order
from platform_support import Platform, bearer
from support import TEST_KAFKA, eventually

from shipsettle_shared.contracts import ShipmentDispatched, ShipmentLine, ShipmentStatusChanged
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.outbox import build_envelope

pytestmark = pytest.mark.infra


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def place(client: httpx.AsyncClient, platform: Platform, order: dict[str, Any]) -> httpx.Response:
    return await client.post(
        f"{platform.url('order-svc')}/v1/orders", json=order, headers={**bearer(platform.keys["platform"]), **_key()}
    )


async def placed(client: httpx.AsyncClient, platform: Platform, order: dict[str, Any]) -> dict[str, Any]:
    response = await place(client, platform, order)
    assert response.status_code == 201, response.text
    return response.json()


async def publish_as_logistics(event: ShipmentDispatched | ShipmentStatusChanged) -> None:
    """What logistics-svc publishes (the test plays it, to choose what happens and when)."""
    envelope = build_envelope(event, producer="logistics-svc", occurred_at=datetime.now(UTC))
    producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            str(event.topic), envelope.to_bytes(), key=envelope.aggregate_id.encode(), headers=envelope.kafka_headers()
        )
    finally:
        await producer.stop()


async def dispatch_as_logistics(order: dict[str, Any], lines: list[tuple[str, int]]) -> str:
    """A parcel leaves, as logistics-svc announces it; returns its shipment id."""
    shipment_id = f"SH-{uuid.uuid4().hex[:8]}"
    await publish_as_logistics(
        ShipmentDispatched(
            order_id=order["order_id"],
            merchant_id=order["merchant_id"],
            shipment_id=shipment_id,
            carrier_code="SF",
            tracking_number="SF1234567890123",
            lines=[ShipmentLine(line_id=line_id, quantity=quantity) for line_id, quantity in lines],
            dispatched_at=datetime.now(UTC),
        )
    )
    return shipment_id


async def deliver_as_logistics(order: dict[str, Any], shipment_id: str) -> None:
    """The carrier's delivered scan, as logistics-svc announces it."""
    await publish_as_logistics(
        ShipmentStatusChanged(
            order_id=order["order_id"],
            merchant_id=order["merchant_id"],
            shipment_id=shipment_id,
            tracking_number="SF1234567890123",
            previous_status="in_transit",
            status="delivered",
            scan_time=datetime.now(UTC),
            description="已签收",
            location="杭州",
        )
    )


def merchant(platform: Platform, name: str = "merchant_a") -> str:
    return platform.keys[name]["merchant_id"]


async def test_an_order_is_priced_to_the_fen_and_stored_with_its_breakdown(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = worked_example_order(merchant(platform))
    body = await placed(client, platform, order)
    # figures worked by hand in tests/unit/order/test_pricing.py
    assert body["goods_total_minor"] == 41499
    assert body["merchant_discount_minor"] == 4150
    assert body["platform_discount_minor"] == 3000
    assert body["shipping_fee_minor"] == 1000
    assert body["payable_minor"] == 35349
    assert body["vat_minor"] == 3598
    assert [line["paid_amount_minor"] for line in body["lines"]] == [21189, 4884, 8276]
    assert [line["commission_base_minor"] for line in body["lines"]] == [23040, 5310, 8999]
    assert body["status"] == "placed"
    read = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}", headers=bearer(platform.keys["merchant_a"])
    )
    # the merchant sees the consignee whole while the order is to be shipped; the platform's
    # answer has it masked (issue 20, docs/security.md "Personal data")
    assert read.json() == {**body, "consignee": order["consignee"]}
    assert body["consignee"]["mobile"] == "138****5678"


async def test_the_same_idempotency_key_returns_the_first_result_and_another_body_gets_409(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = simple_order(merchant(platform))
    headers = {**bearer(platform.keys["platform"]), "Idempotency-Key": f"idem-{uuid.uuid4()}"}
    url = f"{platform.url('order-svc')}/v1/orders"
    first = await client.post(url, json=order, headers=headers)
    again = await client.post(url, json=order, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    other = await client.post(url, json=variant(order, "buyer_ref", "someone-else"), headers=headers)
    assert other.status_code == 409
    assert other.json()["type"].endswith("/idempotency-key-reused")
    missing = await client.post(url, json=simple_order(merchant(platform)), headers=bearer(platform.keys["platform"]))
    assert missing.status_code == 400
    # a new key for an order id that exists is refused too
    duplicate = await client.post(url, json=order, headers={**bearer(platform.keys["platform"]), **_key()})
    assert duplicate.status_code == 409


async def timeline_types(client: httpx.AsyncClient, platform: Platform, order_id: str) -> list[str]:
    response = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order_id}/timeline", headers=bearer(platform.keys["platform"])
    )
    assert response.status_code == 200, response.text
    return [entry["event_type"] for entry in response.json()["items"]]


async def test_concurrent_placements_with_one_key_store_one_order_announced_once_and_answer_alike(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """Placement is one statement (order, key with its answer, OrderPlaced): duplicates racing it
    wait for the first and then get its answer; nothing is stored or announced twice."""
    order = simple_order(merchant(platform))
    headers = {**bearer(platform.keys["platform"]), "Idempotency-Key": f"race-{uuid.uuid4()}"}
    url = f"{platform.url('order-svc')}/v1/orders"
    answers = await asyncio.gather(*(client.post(url, json=order, headers=headers) for _ in range(6)))
    assert [answer.status_code for answer in answers] == [201] * 6, [answer.text for answer in answers]
    assert all(answer.json() == answers[0].json() for answer in answers)
    confirmed = await client.post(
        f"{url}/{order['order_id']}/shipping-info/confirm",
        json={"items": [{"line_id": "L1", "quantity": 1, "spec": "白色"}]},
        headers=bearer(platform.keys["merchant_a"]),
    )
    assert confirmed.status_code == 200, confirmed.text

    # OrderPlaced and ShippingInfoConfirmed share the order's partition: once the confirmation is
    # on the timeline, every OrderPlaced the relay published is there before it
    async def both_recorded() -> list[str] | None:
        types = await timeline_types(client, platform, order["order_id"])
        return types if "ShippingInfoConfirmed" in types else None

    types = await eventually(both_recorded)
    assert types.count("OrderPlaced") == 1, types


async def test_a_refused_placement_stores_nothing_so_its_key_stays_free(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """An order whose payment transaction is taken is refused (409 order-exists) and leaves
    neither an order nor its key's answer behind: the same key then places another order."""
    url = f"{platform.url('order-svc')}/v1/orders"
    first = simple_order(merchant(platform))
    assert (await place(client, platform, first)).status_code == 201
    same_payment = simple_order(merchant(platform))
    same_payment["payment"] = dict(first["payment"])
    headers = {**bearer(platform.keys["platform"]), "Idempotency-Key": f"refused-{uuid.uuid4()}"}
    refused = await client.post(url, json=same_payment, headers=headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/order-exists")
    missing = await client.get(f"{url}/{same_payment['order_id']}", headers=bearer(platform.keys["platform"]))
    assert missing.status_code == 404
    another = simple_order(merchant(platform))
    placed_with_the_key = await client.post(url, json=another, headers=headers)
    assert placed_with_the_key.status_code == 201, placed_with_the_key.text
    assert placed_with_the_key.json()["order_id"] == another["order_id"]


async def test_a_payment_that_does_not_match_is_rejected_naming_the_coupon_and_the_fen_difference(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    # the platform charged 383.49: 30.00 more than computed, exactly its own 满减 not deducted
    order = worked_example_order(merchant(platform), payment_amount="383.49")
    response = await place(client, platform, order)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/payment-mismatch")
    assert problem["computed_payable_minor"] == 35349
    assert problem["paid_minor"] == 38349
    assert problem["difference_minor"] == 3000
    assert [suspect["coupon_id"] for suspect in problem["suspects"]] == ["P-300-30"]
    assert "3000 fen" in problem["detail"]
    assert "P-300-30" in problem["detail"]
    assert [line["paid_amount_minor"] for line in problem["lines"]] == [21189, 4884, 8276]
    assert problem["errors"][0]["field"] == "body.payment.amount"
    gone = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}", headers=bearer(platform.keys["platform"])
    )
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("lines.0.quantity", 0, "body.lines[0].quantity"),
        ("lines.0.quantity", -2, "body.lines[0].quantity"),
        ("currency", "XYZ", "body.currency"),
        ("lines.0.unit_price", "128.001", "body.lines[0].unit_price"),
        ("lines.0.unit_price", "1000000.01", "body.lines[0].unit_price"),
        ("lines.1.line_id", "L1", "body.lines[1].line_id"),
        ("lines.0.vat_rate", "0.17", "body.lines[0].vat_rate"),
        ("coupons.0.threshold", "500.00", "body.coupons[0].threshold"),
        ("payment.amount", "353.48", "body.payment.amount"),
        ("consignee", None, "body.consignee"),
    ],
)
async def test_bad_orders_get_a_422_naming_the_field_and_store_nothing(
    platform: Platform, client: httpx.AsyncClient, path: str, value: Any, field: str
) -> None:
    order = variant(worked_example_order(merchant(platform)), path, value)
    response = await place(client, platform, order)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    gone = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}", headers=bearer(platform.keys["platform"])
    )
    assert gone.status_code == 404


@pytest.mark.parametrize("paid_at", ["2026-12-06T23:30:05", "2026-12-06 23:30:05.120"])
async def test_a_payment_time_without_its_utc_offset_is_refused_naming_the_field_and_stores_nothing(
    platform: Platform, client: httpx.AsyncClient, paid_at: str
) -> None:
    """Beijing time or UTC? Eight hours apart, and recon would date the payment on the wrong day:
    a time without its offset is refused, never guessed."""
    order = variant(worked_example_order(merchant(platform)), "payment.paid_at", paid_at)
    response = await place(client, platform, order)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert (error["field"], error["type"]) == ("body.payment.paid_at", "timezone_aware")
    assert "+08:00" in error["accepted"]
    gone = await client.get(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}", headers=bearer(platform.keys["platform"])
    )
    assert gone.status_code == 404
    # the same moment with its offset is taken, and kept as that moment
    taken = await placed(client, platform, variant(order, "payment.paid_at", f"{paid_at.replace(' ', 'T')}+08:00"))
    assert datetime.fromisoformat(taken["payment"]["paid_at"]) == datetime.fromisoformat(
        f"{paid_at.replace(' ', 'T')}+08:00"
    )
    listed = await client.get(
        f"{platform.url('order-svc')}/v1/orders",
        params={"created_from": "2026-12-06T00:00:00"},
        headers=bearer(platform.keys["ops"]),
    )
    assert listed.status_code == 422, listed.text
    assert [e["field"] for e in listed.json()["errors"]] == ["query.created_from"]


async def test_shipping_info_is_checked_confirmed_corrected_until_dispatch_and_final_after(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = worked_example_order(merchant(platform))
    await placed(client, platform, order)
    base = f"{platform.url('order-svc')}/v1/orders/{order['order_id']}"
    merchant_key = bearer(platform.keys["merchant_a"])
    items = [
        {"line_id": "L1", "quantity": 2, "spec": "500g/罐"},
        {"line_id": "L2", "quantity": 1, "spec": "精装"},
        {"line_id": "L3", "quantity": 3, "spec": "标准"},
    ]

    wrong = await client.post(
        f"{base}/shipping-info/confirm",
        json={
            "items": [{**items[0], "quantity": 1}, items[1], {**items[2], "spec": "豪华"}],
            "consignee": {**CONSIGNEE, "mobile": "1381234567"},
        },
        headers=merchant_key,
    )
    assert wrong.status_code == 422
    assert {error["field"] for error in wrong.json()["errors"]} == {
        "body.items[0].quantity",
        "body.items[2].spec",
        "body.consignee.mobile",
    }

    confirmed = await client.post(f"{base}/shipping-info/confirm", json={"items": items}, headers=merchant_key)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["shipping_confirmed_by"] == f"merchant:{platform.keys['merchant_a']['key_id']}"

    moved = {**CONSIGNEE, "address_line": "文一西路 969 号", "mobile": "+8613912345678"}
    corrected = await client.patch(
        f"{base}/shipping-info",
        json={"consignee": moved, "reason": "buyer moved"},
        headers=bearer(platform.keys["platform"]),
    )
    assert corrected.status_code == 200, corrected.text
    history = (await client.get(f"{base}/shipping-info/history", headers=merchant_key)).json()["items"]
    assert [entry["change"] for entry in history] == ["confirmed", "corrected"]
    assert history[1]["changed_by"] == f"platform:{platform.keys['platform']['key_id']}"
    assert history[1]["after"]["address_line"] == "文一西路 969 号"
    assert history[1]["reason"] == "buyer moved"

    await dispatch_as_logistics(order, [("L1", 2)])

    async def partially_dispatched() -> bool:
        response = await client.get(base, headers=merchant_key)
        return response.json()["status"] == "partially_dispatched"

    await eventually(partially_dispatched, timeout_s=30)
    late = await client.patch(
        f"{base}/shipping-info", json={"consignee": CONSIGNEE, "reason": "too late"}, headers=merchant_key
    )
    assert late.status_code == 409
    assert late.json()["type"].endswith("/already-dispatched")
    cancel = await client.post(f"{base}/cancel", json={"reason": "changed mind"}, headers={**merchant_key, **_key()})
    assert cancel.status_code == 409
    assert len((await client.get(f"{base}/shipping-info/history", headers=merchant_key)).json()["items"]) == 2

    await dispatch_as_logistics(order, [("L2", 1), ("L3", 3)])

    async def dispatched() -> bool:
        return (await client.get(base, headers=merchant_key)).json()["status"] == "dispatched"

    await eventually(dispatched, timeout_s=30)


async def test_a_cancelled_order_announces_a_full_refund_on_its_timeline(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = worked_example_order(merchant(platform))
    await placed(client, platform, order)
    base = f"{platform.url('order-svc')}/v1/orders/{order['order_id']}"
    headers = {**bearer(platform.keys["platform"]), **_key()}
    first = await client.post(f"{base}/cancel", json={"reason": "out of stock"}, headers=headers)
    again = await client.post(f"{base}/cancel", json={"reason": "out of stock"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "cancelled"

    async def timeline_complete() -> list[dict[str, Any]] | None:
        entries = (await client.get(f"{base}/timeline", headers=bearer(platform.keys["ops"]))).json()["items"]
        # refund-svc's full refund of the cancellation follows on the same timeline
        kinds = [e["event_type"] for e in entries]
        return entries if kinds[:2] == ["OrderPlaced", "OrderCancelled"] and "RefundCompleted" in kinds else None

    entries = await eventually(timeline_complete, timeout_s=30)
    assert entries[1]["details"]["refund_minor"] == 35349
    assert "¥353.49" in entries[1]["summary"]
    assert "¥353.49" in entries[0]["summary"]
    [refunded] = [e for e in entries if e["event_type"] == "RefundCompleted"]
    assert "¥353.49" in refunded["summary"]
    confirm = await client.post(
        f"{base}/shipping-info/confirm",
        json={"items": [{"line_id": "L1", "quantity": 2, "spec": "500g/罐"}]},
        headers=bearer(platform.keys["platform"]),
    )
    assert confirm.status_code == 409


async def test_the_timeline_of_an_unknown_order_is_404(platform: Platform, client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"{platform.url('order-svc')}/v1/orders/PO-nope/timeline", headers=bearer(platform.keys["ops"])
    )
    assert response.status_code == 404


async def test_listing_filters_by_merchant_and_status_and_pages_with_a_cursor(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant_key = platform.keys["merchant_b"]
    mine = [await placed(client, platform, simple_order(merchant(platform, "merchant_b"))) for _ in range(5)]
    url = f"{platform.url('order-svc')}/v1/orders"
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, "status": "placed", **({"cursor": cursor} if cursor else {})}
        page = (await client.get(url, params=params, headers=bearer(merchant_key))).json()
        seen += [item["order_id"] for item in page["items"]]
        assert all(item["merchant_id"] == merchant_key["merchant_id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert set(seen) >= {order["order_id"] for order in mine}
    assert len(seen) == len(set(seen))
    bad_cursor = await client.get(url, params={"cursor": "garbage"}, headers=bearer(merchant_key))
    assert bad_cursor.status_code == 422
    created_from = mine[-1]["placed_at"]
    recent = (await client.get(url, params={"created_from": created_from}, headers=bearer(platform.keys["ops"]))).json()
    assert mine[-1]["order_id"] in [item["order_id"] for item in recent["items"]]
    assert mine[0]["order_id"] not in [item["order_id"] for item in recent["items"]]


async def test_a_merchant_key_cannot_read_list_or_change_another_merchants_orders(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = worked_example_order(merchant(platform, "merchant_a"))
    await placed(client, platform, order)
    intruder = bearer(platform.keys["merchant_b"])
    base = f"{platform.url('order-svc')}/v1/orders/{order['order_id']}"
    items = [{"line_id": "L1", "quantity": 2, "spec": "500g/罐"}]
    attempts = [
        client.get(base, headers=intruder),
        client.get(f"{base}/timeline", headers=intruder),
        client.get(f"{base}/shipping-info/history", headers=intruder),
        client.post(f"{base}/shipping-info/confirm", json={"items": items}, headers=intruder),
        client.patch(f"{base}/shipping-info", json={"consignee": CONSIGNEE, "reason": "x"}, headers=intruder),
        client.post(f"{base}/cancel", json={"reason": "x"}, headers={**intruder, **_key()}),
        client.get(
            f"{platform.url('order-svc')}/v1/orders", params={"merchant_id": order["merchant_id"]}, headers=intruder
        ),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code == 404, response.text
    listed = (await client.get(f"{platform.url('order-svc')}/v1/orders", headers=intruder)).json()["items"]
    assert order["order_id"] not in [item["order_id"] for item in listed]
    # and the order is untouched
    owner_view = (await client.get(base, headers=bearer(platform.keys["merchant_a"]))).json()
    assert owner_view["status"] == "placed"
    assert owner_view["shipping_confirmed_at"] is None
    # a merchant cannot place orders at all (platform only)
    refused = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=simple_order(order["merchant_id"]),
        headers={**intruder, **_key()},
    )
    assert refused.status_code == 403


# --- long-poll: GET /v1/orders/{id}?until=<stage>&wait=<seconds> ---------------------------


async def long_poll(
    platform: Platform, order: dict[str, Any], key: dict[str, str], params: dict[str, Any]
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=60) as client:  # the wait is the server's, bounded at 25 s
        return await client.get(
            f"{platform.url('order-svc')}/v1/orders/{order['order_id']}", params=params, headers=key
        )


async def test_a_long_poll_answers_once_every_parcel_of_the_order_is_delivered(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """A platform backend waits for delivery (to ask the buyer to confirm receipt) without polling."""
    order = worked_example_order(merchant(platform))
    await placed(client, platform, order)
    confirmed = await client.post(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/shipping-info/confirm",
        json={
            "items": [
                {"line_id": "L1", "quantity": 2, "spec": "500g/罐"},
                {"line_id": "L2", "quantity": 1, "spec": "精装"},
                {"line_id": "L3", "quantity": 3, "spec": "标准"},
            ]
        },
        headers=bearer(platform.keys["merchant_a"]),
    )
    assert confirmed.status_code == 200, confirmed.text
    key = bearer(platform.keys["platform"])
    first = await dispatch_as_logistics(order, [("L1", 2)])
    await deliver_as_logistics(order, first)
    second = await dispatch_as_logistics(order, [("L2", 1), ("L3", 3)])

    # both parcels dispatched and one delivered: the order is not delivered (waits, then says so)
    dispatched = await long_poll(platform, order, key, {"until": "dispatched", "wait": 25})
    assert (dispatched.json()["status"], dispatched.json()["reached"]) == ("dispatched", True)
    half = await long_poll(platform, order, key, {"until": "delivered", "wait": 0.5})
    assert half.status_code == 200
    assert (half.json()["status"], half.json()["reached"], half.json()["until"]) == ("dispatched", False, ["delivered"])

    waiting = asyncio.create_task(long_poll(platform, order, key, {"until": ["delivered", "cancelled"], "wait": 25}))
    await deliver_as_logistics(order, second)
    answer = await waiting
    assert answer.status_code == 200, answer.text
    assert answer.json()["reached"] is True
    assert answer.json()["payable_minor"] == 35349  # the order itself, as a plain read answers it


async def test_a_long_poll_is_bounded_scoped_and_refuses_a_wait_without_a_stage(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = worked_example_order(merchant(platform))
    await placed(client, platform, order)
    key = bearer(platform.keys["merchant_a"])
    already = await long_poll(platform, order, key, {"until": ["placed"], "wait": 25})
    assert (already.json()["status"], already.json()["reached"]) == ("placed", True)
    for params, field in (
        ({"wait": 5}, "query.wait"),  # a wait for nothing named
        ({"until": "dispatched", "wait": 26}, "query.wait"),  # past the bound
        ({"until": "dispatched", "wait": 0}, "query.wait"),
        ({"until": "shipped", "wait": 1}, "query.until[0]"),  # not a stage
    ):
        refused = await long_poll(platform, order, key, params)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert field in {error["field"] for error in refused.json()["errors"]}, refused.json()
    intruder = bearer(platform.keys["merchant_b"])
    assert (await long_poll(platform, order, intruder, {"until": "delivered", "wait": 25})).status_code == 404
    unknown = {**order, "order_id": "PO-none"}
    assert (await long_poll(platform, unknown, key, {"until": "delivered", "wait": 25})).status_code == 404
