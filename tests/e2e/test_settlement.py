"""settlement-svc end to end: an order driven through confirmation, dispatch, delivery and the
buyer's sign-off is booked to the fen (figures worked by hand), held, and released when the
test clock passes the hold; an order without sign-off books nothing; a sign-off that arrives
before its order is parked and applied when the order comes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from logistics_support import FORM, confirmed_order, dispatch, kuaidi100_form, service_now
from platform_support import Platform, bearer, new_merchant
from support import TEST_KAFKA, eventually

from shipsettle_shared.contracts import EventPayload, OrderSignedOff, ShipmentLine
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.outbox import build_envelope

pytestmark = pytest.mark.infra

KUAIDI100_SALT = "settlement-e2e-salt-0123456789"
# tea 5% (default), books 3%, services 8%: on the worked example order the commission is
# 23040*5% + 5310*3% + 8999*8% = 1152 + 159.3 + 719.92 = 2031.22 -> 2031, and the merchant's net
# is paid 343.49 + shipping 10.00 + platform subsidy 30.00 - 20.31 = 363.18.
POLICY = {"hold_days": 7, "default_commission_bp": 500, "commission_bp_by_category": {"books": 300, "services": 800}}
NET_MINOR = 36318


@pytest.fixture(scope="module")
async def merchant(platform: Platform) -> dict[str, str]:
    key = await new_merchant(platform, "settle")
    async with httpx.AsyncClient(timeout=10) as client:
        for source, secret in (("kuaidi100", KUAIDI100_SALT),):
            await client.put(
                f"{platform.url('logistics-svc')}/v1/webhook-sources/{source}/secret",
                json={"secret": secret},
                headers=bearer(platform.keys["ops"]),
            )
        policy = await client.put(
            f"{platform.url('settlement-svc')}/v1/merchants/{key['merchant_id']}/policy",
            json=POLICY,
            headers=bearer(platform.keys["ops"]),
        )
        assert policy.status_code == 200, policy.text
    platform.keys["settle"] = key
    return key


async def delivered_order(client: httpx.AsyncClient, platform: Platform) -> tuple[dict[str, Any], dict[str, Any]]:
    order = await confirmed_order(client, platform, merchant_key="settle")
    shipped = await dispatch(client, platform, order, merchant_key="settle")
    now = await service_now(client, platform.url("logistics-svc"))
    form = kuaidi100_form(shipped["tracking_number"], [("签收", "已签收", now)], KUAIDI100_SALT, "3")
    assert (
        await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    ).status_code == 200
    return order, shipped


async def balances(client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]) -> dict[str, int]:
    response = await client.get(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/balances", headers=bearer(merchant)
    )
    assert response.status_code == 200, response.text
    return response.json()["balances_minor"]


async def test_a_signed_off_order_is_booked_to_the_fen_held_seven_days_then_available(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order, _ = await delivered_order(client, platform)

    async def logistics_has_delivery() -> bool:
        shipments = (
            await client.get(
                f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/shipments", headers=bearer(merchant)
            )
        ).json()
        return shipments[0]["status"] == "delivered"

    await eventually(logistics_has_delivery, timeout_s=30)
    signed = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert signed.status_code == 200, signed.text

    async def pending() -> dict[str, int] | None:
        found = await balances(client, platform, merchant)
        return found if found["pending"] else None

    assert await eventually(pending, timeout_s=30) == {
        "pending": NET_MINOR,
        "available": 0,
        "reserved": 0,
        "in_payout": 0,
        "paid_out": 0,
        "negative_balance": 0,
    }
    settlement = (
        await client.get(
            f"{platform.url('settlement-svc')}/v1/orders/{order['order_id']}/settlement", headers=bearer(merchant)
        )
    ).json()
    [booking] = settlement["transactions"]
    assert booking["kind"] == "sign_off"
    assert {p["account_id"]: p["amount_minor"] for p in booking["postings"]} == {
        "platform:clearing": -35349,  # buyer paid 343.49 for goods + 10.00 shipping
        "platform:subsidy": -3000,  # the platform's 满减
        "platform:commission": 2031,
        f"merchant:{merchant['merchant_id']}:pending": NET_MINOR,
    }
    [hold] = settlement["holds"]
    assert hold["amount_minor"] == NET_MINOR
    assert hold["released_at"] is None

    base = platform.url("settlement-svc")
    await platform.advance_clock(6 * 86400)
    assert (await balances(client, platform, merchant))["available"] == 0
    await platform.advance_clock(86400 + 60)

    async def available() -> dict[str, int] | None:
        found = await balances(client, platform, merchant)
        return found if found["available"] else None

    released = await eventually(available, timeout_s=30)
    assert released["available"] == NET_MINOR
    assert released["pending"] == 0
    check = (await client.get(f"{base}/v1/ledger/check", headers=bearer(platform.keys["auditor"]))).json()
    assert check["ok"] is True


async def test_no_ledger_posting_exists_for_an_order_whose_sign_off_is_withheld(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order, shipped = await delivered_order(client, platform)

    async def delivered() -> bool:
        response = await client.get(
            f"{platform.url('logistics-svc')}/v1/shipments/{shipped['shipment_id']}", headers=bearer(merchant)
        )
        return response.json()["status"] == "delivered"

    await eventually(delivered, timeout_s=30)

    async def known_to_settlement() -> dict[str, Any] | None:
        response = await client.get(
            f"{platform.url('settlement-svc')}/v1/orders/{order['order_id']}/settlement", headers=bearer(merchant)
        )
        return response.json() if response.status_code == 200 else None

    await eventually(known_to_settlement, timeout_s=30)
    # Six days after delivery: before the auto-confirm, so no sign-off event exists yet.
    await platform.advance_clock(6 * 86400)
    for _ in range(20):  # the schedulers and consumers get every chance to (wrongly) post
        settlement = (
            await client.get(
                f"{platform.url('settlement-svc')}/v1/orders/{order['order_id']}/settlement", headers=bearer(merchant)
            )
        ).json()
        assert settlement["transactions"] == []
        assert settlement["holds"] == []
        await asyncio.sleep(0.1)
    ledger = (
        await client.get(
            f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/ledger", headers=bearer(merchant)
        )
    ).json()
    assert order["order_id"] not in {tx["order_id"] for tx in ledger["items"]}

    # The sign-off, and only it, books the order.
    signed = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert signed.status_code == 200

    async def booked() -> list[dict[str, Any]] | None:
        found = await known_to_settlement()
        return found["transactions"] if found and found["transactions"] else None

    assert [tx["kind"] for tx in await eventually(booked, timeout_s=30)] == ["sign_off"]


async def publish(event: EventPayload, producer_name: str) -> None:
    envelope = build_envelope(event, producer=producer_name, occurred_at=datetime.now(UTC))
    producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            str(event.topic), envelope.to_bytes(), key=envelope.aggregate_id.encode(), headers=envelope.kafka_headers()
        )
    finally:
        await producer.stop()


async def test_a_sign_off_that_arrives_before_its_order_is_parked_then_applied(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    from order_support import simple_order

    order = simple_order(merchant["merchant_id"], unit_price="50.00", quantity=2)
    # logistics' sign-off first (as if order.events lagged behind shipment.events)
    await publish(
        OrderSignedOff(
            order_id=order["order_id"],
            merchant_id=merchant["merchant_id"],
            shipment_id=f"SH-{uuid.uuid4().hex[:8]}",
            how="buyer_confirmed",
            # dated by the platform's (test-moved) clock, as logistics would date it
            signed_off_at=await service_now(client, platform.url("logistics-svc")),
            lines=[ShipmentLine(line_id="L1", quantity=2)],
            order_fully_signed_off=True,
        ),
        "logistics-svc",
    )

    async def parked() -> bool:
        check = (
            await client.get(f"{platform.url('settlement-svc')}/v1/ledger/check", headers=bearer(platform.keys["ops"]))
        ).json()
        return order["order_id"] in {row["order_id"] for row in check["parked_events"]}

    await eventually(parked, timeout_s=30)
    placed = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": order["order_id"]},
    )
    assert placed.status_code == 201, placed.text

    async def booked() -> list[dict[str, Any]] | None:
        response = await client.get(
            f"{platform.url('settlement-svc')}/v1/orders/{order['order_id']}/settlement", headers=bearer(merchant)
        )
        return (
            response.json()["transactions"] if response.status_code == 200 and response.json()["transactions"] else None
        )

    [booking] = await eventually(booked, timeout_s=30)
    # 2 x 50.00, no coupons, no shipping; commission 10000 * 5% = 500 -> net 9500
    assert {p["account_id"]: p["amount_minor"] for p in booking["postings"]} == {
        "platform:clearing": -10000,
        "platform:commission": 500,
        f"merchant:{merchant['merchant_id']}:pending": 9500,
    }
    assert not await parked()
