"""logistics-svc and refunds end to end on the running platform: refund events injected on
refund.events pause a delivered order's auto-confirm and resume it with the time that was left
(also when the events arrive twice or the close overtakes the request), and a return parcel is
tracked from Kuaidi100 pushes, some sent before logistics heard of it, without ever signing off."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from logistics_support import FORM, confirmed_order, dispatch, kuaidi100_form, service_now, sf_number
from platform_support import Platform, bearer, every_item
from sqlalchemy import text
from support import TEST_KAFKA, engine_for, envelopes_on_topic, eventually

from shipsettle_shared import contracts
from shipsettle_shared.contracts import Topic
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.outbox import build_envelope

pytestmark = pytest.mark.infra

KUAIDI100_SALT = secrets.token_hex(16)
SEVEN_DAYS_S = 7 * 86400
# Bounded waits for the bus; generous because test brokers are shared and consumers may be catching up.
WAIT_S = 60


@pytest.fixture(scope="module", autouse=True)
async def kuaidi100_salt(platform: Platform) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.put(
            f"{platform.url('logistics-svc')}/v1/webhook-sources/kuaidi100/secret",
            json={"secret": KUAIDI100_SALT},
            headers=bearer(platform.keys["ops"]),
        )
        assert response.status_code == 204, response.text


# --- injecting refund events, as refund-svc would publish them ----------------------------


async def publish(event: contracts.EventPayload) -> uuid.UUID:
    envelope = build_envelope(event, producer="refund-svc", occurred_at=datetime.now(UTC))
    producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            str(event.topic), envelope.to_bytes(), key=envelope.aggregate_id.encode(), headers=envelope.kafka_headers()
        )
    finally:
        await producer.stop()
    return envelope.event_id


def refund_requested(order: dict[str, Any], refund_id: str, at: datetime) -> contracts.RefundRequested:
    # One tea tin (L1: 2 x 128.00) refunded; the figures only need to be plausible here.
    return contracts.RefundRequested(
        order_id=order["order_id"],
        merchant_id=order["merchant_id"],
        refund_id=refund_id,
        kind="return_and_refund",
        currency="CNY",
        lines=[
            contracts.RefundLine(line_id="L1", units=1, paid_minor=10932, subsidy_minor=0, commission_base_minor=12800)
        ],
        shipping_minor=0,
        refund_minor=10932,
        reason="七天无理由退货",
        requested_at=at,
    )


def refund_closed(order: dict[str, Any], refund_id: str, at: datetime) -> contracts.RefundClosed:
    return contracts.RefundClosed(
        order_id=order["order_id"],
        merchant_id=order["merchant_id"],
        refund_id=refund_id,
        outcome="withdrawn",
        reason="the buyer kept the goods",
        closed_at=at,
    )


async def logistics_processed(platform: Platform, event_id: uuid.UUID) -> None:
    """Wait until logistics-svc's consumer has applied the event (its inbox row exists)."""

    async def processed() -> bool:
        async with engine_for(platform.database_urls["logistics-svc"]) as engine, engine.connect() as connection:
            count = await connection.scalar(
                text("select count(*) from processed_events where event_id = :id"), {"id": event_id}
            )
        return bool(count)

    await eventually(processed, timeout_s=WAIT_S)


# --- reading logistics --------------------------------------------------------------------


async def shipment(client: httpx.AsyncClient, platform: Platform, shipment_id: str) -> dict[str, Any] | None:
    response = await client.get(
        f"{platform.url('logistics-svc')}/v1/shipments/{shipment_id}", headers=bearer(platform.keys["ops"])
    )
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return response.json()


async def shipment_where(client: httpx.AsyncClient, platform: Platform, shipment_id: str, check: Any) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        found = await shipment(client, platform, shipment_id)
        return found if found is not None and check(found) else None

    return await eventually(reached, timeout_s=WAIT_S)


async def timers_settled(client: httpx.AsyncClient, platform: Platform, shipment_id: str) -> None:
    """After the clock moved: wait until every timer of the shipment that is due by now has been
    handled (fired or cancelled), so "nothing happened" is a fact, not a guess about timing."""
    now = await service_now(client, platform.url("logistics-svc"))

    async def settled() -> bool:
        async with engine_for(platform.database_urls["logistics-svc"]) as engine, engine.connect() as connection:
            pending = await connection.scalar(
                text(
                    "select count(*) from timers where (timer_key = :id or timer_key like :prefix)"
                    " and due_at <= :now and fired_at is null and cancelled_at is null"
                ),
                {"id": shipment_id, "prefix": f"{shipment_id}#%", "now": now},
            )
        return pending == 0

    await eventually(settled, timeout_s=WAIT_S)


async def written_event_ids(platform: Platform, shipment_id: str, event_type: str) -> list[str]:
    """Events about the shipment this platform's logistics-svc wrote (its outbox), oldest first."""
    async with engine_for(platform.database_urls["logistics-svc"]) as engine, engine.connect() as connection:
        found = await connection.scalars(
            text(
                "select envelope->>'event_id' from outbox where event_type = :type"
                " and envelope->'payload'->>'shipment_id' = :id order by id"
            ),
            {"type": event_type, "id": shipment_id},
        )
        return [str(event_id) for event_id in found.all()]


async def shipment_events(platform: Platform, shipment_id: str, event_type: str) -> list[dict[str, Any]]:
    """This platform's events about the shipment that are on shipment.events, in order.

    Runs side by side share the test broker, and every run's logistics-svc reads the refund
    events injected here (each registers the return parcel): only the events this platform's
    outbox wrote are counted."""
    ours = await written_event_ids(platform, shipment_id, event_type)
    on_topic = {
        str(envelope.event_id): envelope.payload
        for _, envelope in await envelopes_on_topic(Topic.SHIPMENT)
        if envelope.event_type == event_type and envelope.payload["shipment_id"] == shipment_id
    }
    return [on_topic[event_id] for event_id in ours if event_id in on_topic]


async def push(
    client: httpx.AsyncClient, platform: Platform, tracking_number: str, scans: list[Any], state: str
) -> None:
    form = kuaidi100_form(tracking_number, scans, KUAIDI100_SALT, state)
    response = await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    assert response.status_code == 200, response.text


async def delivered_order(client: httpx.AsyncClient, platform: Platform) -> tuple[dict[str, Any], dict[str, Any]]:
    order = await confirmed_order(client, platform)
    shipped = await dispatch(client, platform, order)
    now = await service_now(client, platform.url("logistics-svc"))
    await push(client, platform, shipped["tracking_number"], [("签收", "快件已签收，签收人：本人", now)], "3")
    delivered = await shipment_where(
        client, platform, shipped["shipment_id"], lambda s: s["auto_confirm"]["state"] == "scheduled"
    )
    assert delivered["status"] == "delivered"
    assert delivered["direction"] == "outbound"
    return order, delivered


def seconds_until(iso: str, now: datetime) -> int:
    return int((datetime.fromisoformat(iso) - now).total_seconds())


# --- the tests ----------------------------------------------------------------------------


async def test_an_open_refund_pauses_auto_confirm_and_closing_it_resumes_with_the_time_that_was_left(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order, delivered = await delivered_order(client, platform)
    shipment_id = delivered["shipment_id"]
    await platform.advance_clock(2 * 86400)  # two of the seven days pass, then the buyer asks for a refund

    refund_id = f"RF-{uuid.uuid4().hex[:12]}"
    now = await service_now(client, platform.url("logistics-svc"))
    await publish(refund_requested(order, refund_id, now))
    await publish(refund_requested(order, refund_id, now))  # delivered twice: still one refund
    paused = await shipment_where(client, platform, shipment_id, lambda s: s["auto_confirm"]["paused"])
    assert paused["auto_confirm"]["paused_by_refund_ids"] == [refund_id]
    assert paused["auto_confirm"]["due_at"] is None
    remaining_s = paused["auto_confirm"]["remaining_s"]
    assert 4 * 86400 < remaining_s <= 5 * 86400  # five days left, less however long processing took

    # A week later nothing has signed the order off: the refund holds it.
    await platform.advance_clock(SEVEN_DAYS_S)
    await timers_settled(client, platform, shipment_id)
    held = await shipment(client, platform, shipment_id)
    assert held is not None
    assert held["status"] == "delivered"
    assert held["auto_confirm"]["remaining_s"] == remaining_s
    assert await written_event_ids(platform, shipment_id, "OrderSignedOff") == []

    # The refund is withdrawn: the clock runs again with the five days that were left.
    now = await service_now(client, platform.url("logistics-svc"))
    await publish(refund_closed(order, refund_id, now))
    resumed = await shipment_where(client, platform, shipment_id, lambda s: s["auto_confirm"]["state"] == "scheduled")
    now = await service_now(client, platform.url("logistics-svc"))
    left_s = seconds_until(resumed["auto_confirm"]["due_at"], now)
    assert remaining_s - 86400 < left_s <= remaining_s

    await platform.advance_clock(left_s - 3600)  # an hour short: not yet
    await timers_settled(client, platform, shipment_id)
    not_yet = await shipment(client, platform, shipment_id)
    assert not_yet is not None
    assert not_yet["status"] == "delivered"

    await platform.advance_clock(3600 + 60)
    signed = await shipment_where(client, platform, shipment_id, lambda s: s["status"] == "signed_off")
    assert signed["sign_off_how"] == "auto_confirmed"
    assert signed["auto_confirm"]["state"] == "signed_off"
    await eventually(lambda: shipment_events(platform, shipment_id, "OrderSignedOff"), timeout_s=WAIT_S)
    await platform.advance_clock(SEVEN_DAYS_S)
    await timers_settled(client, platform, shipment_id)
    assert len(await written_event_ids(platform, shipment_id, "OrderSignedOff")) == 1
    assert len(await shipment_events(platform, shipment_id, "OrderSignedOff")) == 1


async def test_a_refund_closed_before_its_request_arrives_does_not_pause_the_order_forever(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order, delivered = await delivered_order(client, platform)
    shipment_id = delivered["shipment_id"]
    refund_id = f"RF-{uuid.uuid4().hex[:12]}"
    now = await service_now(client, platform.url("logistics-svc"))
    await publish(refund_closed(order, refund_id, now))
    late_request = await publish(refund_requested(order, refund_id, now - timedelta(minutes=5)))
    await logistics_processed(platform, late_request)

    found = await shipment(client, platform, shipment_id)
    assert found is not None
    assert found["auto_confirm"]["state"] == "scheduled"
    assert found["auto_confirm"]["paused_by_refund_ids"] == []
    assert found["auto_confirm"]["due_at"] == delivered["auto_confirm"]["due_at"]

    await platform.advance_clock(SEVEN_DAYS_S + 60)
    signed = await shipment_where(client, platform, shipment_id, lambda s: s["status"] == "signed_off")
    assert signed["sign_off_how"] == "auto_confirmed"


async def test_the_buyer_may_still_confirm_receipt_while_a_refund_is_open(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order, delivered = await delivered_order(client, platform)
    now = await service_now(client, platform.url("logistics-svc"))
    await publish(refund_requested(order, f"RF-{uuid.uuid4().hex[:12]}", now))
    await shipment_where(client, platform, delivered["shipment_id"], lambda s: s["auto_confirm"]["paused"])
    confirmed = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert confirmed.status_code == 200, confirmed.text
    assert [s["sign_off_how"] for s in confirmed.json()] == ["buyer_confirmed"]


async def test_a_return_parcel_is_tracked_from_kuaidi100_pushes_including_one_sent_before_logistics_knew_it(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order, delivered = await delivered_order(client, platform)
    refund_id = f"RF-{uuid.uuid4().hex[:12]}"
    now = await service_now(client, platform.url("logistics-svc"))
    await publish(refund_requested(order, refund_id, now))
    await shipment_where(client, platform, delivered["shipment_id"], lambda s: s["auto_confirm"]["paused"])

    # The carrier's pickup scan reaches us before refund-svc's ReturnShipped does.
    return_number = sf_number()
    await push(
        client, platform, return_number, [("揽收", "顺丰速运 已收取快件（退货）", now + timedelta(hours=1))], "1"
    )

    async def early_scan_kept() -> bool:
        async with engine_for(platform.database_urls["logistics-svc"]) as engine, engine.connect() as connection:
            count = await connection.scalar(
                text("select count(*) from scans where tracking_number = :t"), {"t": return_number}
            )
        return count == 1

    await eventually(early_scan_kept, timeout_s=WAIT_S)

    return_shipment_id = f"RS-{uuid.uuid4().hex[:12]}"
    shipped_back = contracts.ReturnShipped(
        order_id=order["order_id"],
        merchant_id=order["merchant_id"],
        refund_id=refund_id,
        return_shipment_id=return_shipment_id,
        carrier_code="SF",
        tracking_number=return_number,
        lines=[contracts.ShipmentLine(line_id="L1", quantity=1)],
        shipped_at=now,
    )
    await publish(shipped_back)
    await publish(shipped_back)  # twice: still one return parcel
    registered = await shipment_where(client, platform, return_shipment_id, lambda s: s["status"] == "info_received")
    assert registered["direction"] == "return"
    assert registered["refund_id"] == refund_id
    assert registered["lines"] == {"L1": 1}
    assert registered["ops_flags"] == []
    assert registered["auto_confirm"]["state"] == "never"

    await push(
        client,
        platform,
        return_number,
        [
            ("揽收", "顺丰速运 已收取快件（退货）", now + timedelta(hours=1)),
            ("在途", "快件到达 杭州转运中心", now + timedelta(hours=6)),
            ("签收", "商家仓库已签收", now + timedelta(hours=26)),
        ],
        "3",
    )
    back = await shipment_where(client, platform, return_shipment_id, lambda s: s["status"] == "delivered")
    assert [scan["status"] for scan in back["scans"]] == ["info_received", "in_transit", "delivered"]

    async def return_delivery_announced() -> list[dict[str, Any]] | None:
        changes = await shipment_events(platform, return_shipment_id, "ShipmentStatusChanged")
        return changes if any(change["status"] == "delivered" for change in changes) else None

    changes = await eventually(return_delivery_announced, timeout_s=WAIT_S)
    assert {change["direction"] for change in changes} == {"return"}
    assert [change["status"] for change in changes] == ["info_received", "delivered"]

    # Weeks later: the return never signs off, and the outbound parcel stays as it was (paused).
    await platform.advance_clock(3 * SEVEN_DAYS_S)
    await timers_settled(client, platform, return_shipment_id)
    await timers_settled(client, platform, delivered["shipment_id"])
    assert await written_event_ids(platform, return_shipment_id, "OrderSignedOff") == []
    assert await written_event_ids(platform, delivered["shipment_id"], "OrderSignedOff") == []
    listing = (
        await client.get(
            f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/shipments",
            headers=bearer(platform.keys["merchant_a"]),
        )
    ).json()
    by_direction = {s["direction"]: s for s in listing}
    assert by_direction["return"]["status"] == "delivered"
    assert by_direction["outbound"]["status"] == "delivered"
    assert by_direction["outbound"]["auto_confirm"]["paused_by_refund_ids"] == [refund_id]


async def test_a_return_with_a_doubtful_carrier_or_number_is_registered_and_flagged_for_ops(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order, _ = await delivered_order(client, platform)
    refund_id = f"RF-{uuid.uuid4().hex[:12]}"
    now = await service_now(client, platform.url("logistics-svc"))
    cases = {
        "RS-" + uuid.uuid4().hex[:12]: ("SF", "ZT" + uuid.uuid4().hex[:8], "bad-tracking-number"),
        "RS-" + uuid.uuid4().hex[:12]: ("NOPE", "NP" + uuid.uuid4().hex[:10], "unknown-carrier"),
    }
    for return_shipment_id, (carrier_code, tracking_number, _) in cases.items():
        await publish(
            contracts.ReturnShipped(
                order_id=order["order_id"],
                merchant_id=order["merchant_id"],
                refund_id=refund_id,
                return_shipment_id=return_shipment_id,
                carrier_code=carrier_code,
                tracking_number=tracking_number,
                lines=[contracts.ShipmentLine(line_id="L2", quantity=1)],
                shipped_at=now,
            )
        )
    for return_shipment_id, (_, _, code) in cases.items():
        registered = await shipment_where(client, platform, return_shipment_id, lambda s: True)
        assert registered["direction"] == "return"
        assert [flag["code"] for flag in registered["ops_flags"]] == [code]

    flagged = await every_item(
        client, f"{platform.url('logistics-svc')}/v1/shipments-flagged", bearer(platform.keys["ops"])
    )
    assert set(cases) <= {row["shipment_id"] for row in flagged}
