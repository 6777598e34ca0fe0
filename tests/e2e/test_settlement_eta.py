"""Settlement ETA, blockers and payout explanations, end to end on the real platform.

- One order (the worked example) walked through order-svc, logistics (dispatch, a Kuaidi100
  delivery scan, the buyer's confirm-receipt), the hold (test clock), an application, ops review
  and the sandbox bank's payout: its blocker is read back at each step.
- A merchant with two orders at different stages, summed by blocker.
- A payout of two orders, one partly refunded, explained to the fen.

Figures by hand (policy: hold 7 days, commission 5%; books 3%, services 8%):
- worked example: goods 414.99, merchant-funded 10% (41.50), platform 满减 30.00, shipping
  10.00: the buyer paid 343.49 + 10.00; commission 2031 (see test_settlement.py); net
  34349 + 1000 + 3000 - 2031 = 36318.
- "pair": 2 x 50.00, no shipping: commission 10000 * 5% = 500, net 9500.
- "cups": 3 x 33.33 + shipping 10.00: paid 9999, commission 9999 * 5% = 499.95 -> 500, net
  10499; one cup refunded before the release takes back 3333 - 3333 * 5% (166.65 -> 167) = 3166,
  leaving 7333.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from logistics_support import FORM, ITEMS, dispatch, kuaidi100_form, service_now
from order_support import simple_order, worked_example_order
from platform_support import Platform, bearer, new_merchant, verify_bank_account
from support import TEST_KAFKA, eventually

from shipsettle_shared.contracts import EventPayload, OrderSignedOff, RefundCompleted, RefundLine, ShipmentLine
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.outbox import build_envelope

pytestmark = pytest.mark.infra

SALT = "settlement-eta-e2e-salt-0123456789"
POLICY = {"hold_days": 7, "default_commission_bp": 500, "commission_bp_by_category": {"books": 300, "services": 800}}
CARD = "6222021234567890128"  # Luhn check digit 8, worked by hand in tests/unit/settlement
CHINA = timedelta(hours=8)


# --- helpers ---------------------------------------------------------------------------------------


async def merchant_with_policy(platform: Platform, client: httpx.AsyncClient, label: str) -> dict[str, str]:
    key = await new_merchant(platform, label)
    platform.keys[label] = key
    response = await client.put(
        f"{platform.url('settlement-svc')}/v1/merchants/{key['merchant_id']}/policy",
        json=POLICY,
        headers=bearer(platform.keys["ops"]),
    )
    assert response.status_code == 200, response.text
    return key


async def place(client: httpx.AsyncClient, platform: Platform, order: dict[str, Any]) -> None:
    placed = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": order["order_id"]},
    )
    assert placed.status_code == 201, placed.text


async def eta(client: httpx.AsyncClient, platform: Platform, key: dict[str, str], order_id: str) -> httpx.Response:
    return await client.get(
        f"{platform.url('settlement-svc')}/v1/orders/{order_id}/settlement-eta", headers=bearer(key)
    )


async def wait_for_eta(
    client: httpx.AsyncClient,
    platform: Platform,
    key: dict[str, str],
    order_id: str,
    condition: Callable[[dict[str, Any]], bool],
    timeout_s: float = 30,
) -> dict[str, Any]:
    last: list[str] = []

    async def check() -> dict[str, Any] | None:
        response = await eta(client, platform, key, order_id)
        last[:] = [f"{response.status_code} {response.text}"]
        return response.json() if response.status_code == 200 and condition(response.json()) else None

    try:
        return await eventually(check, timeout_s=timeout_s)
    except AssertionError as error:
        raise AssertionError(f"{error}; last answer: {last}") from None


def in_state(state: str) -> Callable[[dict[str, Any]], bool]:
    return lambda found: found["state"] == state


def china_date(at: datetime) -> str:
    return (at.astimezone(UTC) + CHINA).date().isoformat()


async def publish(event: EventPayload, producer_name: str) -> str:
    envelope = build_envelope(event, producer=producer_name, occurred_at=datetime.now(UTC))
    producer = AIOKafkaProducer(**tooling_client_config(TEST_KAFKA), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            str(event.topic), envelope.to_bytes(), key=envelope.aggregate_id.encode(), headers=envelope.kafka_headers()
        )
    finally:
        await producer.stop()
    return str(envelope.event_id)


async def sign_off(
    client: httpx.AsyncClient, platform: Platform, key: dict[str, str], order_id: str, units: int
) -> str:
    return await publish(
        OrderSignedOff(
            order_id=order_id,
            merchant_id=key["merchant_id"],
            shipment_id=f"SH-{uuid.uuid4().hex[:8]}",
            how="buyer_confirmed",
            signed_off_at=await service_now(client, platform.url("settlement-svc")),
            lines=[ShipmentLine(line_id="L1", quantity=units)],
            order_fully_signed_off=True,
        ),
        "logistics-svc",
    )


BANK_HOLDER = "杭州茶叶有限公司"


async def verified_account(client: httpx.AsyncClient, platform: Platform, key: dict[str, str]) -> str:
    base = f"{platform.url('settlement-svc')}/v1"
    account = await client.post(
        f"{base}/merchants/{key['merchant_id']}/bank-accounts",
        json={
            "holder_name": BANK_HOLDER,
            "bank_name": "中国银行",
            "account_type": "card",
            "account_number": CARD,
        },
        headers=bearer(key),
    )
    assert account.status_code == 201, account.text
    account_id = str(account.json()["bank_account_id"])
    await verify_bank_account(client, platform, account_id)
    return account_id


async def apply_for_all(client: httpx.AsyncClient, platform: Platform, key: dict[str, str], account_id: str) -> str:
    applied = await client.post(
        f"{platform.url('settlement-svc')}/v1/merchants/{key['merchant_id']}/settlement-applications",
        json={"bank_account_id": account_id},
        headers={**bearer(key), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert applied.status_code == 201, applied.text
    assert applied.json()["review_reasons"] == ["first payout to this bank account"]
    return str(applied.json()["application_id"])


async def approve(client: httpx.AsyncClient, platform: Platform, application_id: str) -> None:
    approved = await client.post(
        f"{platform.url('settlement-svc')}/v1/settlement-applications/{application_id}/approve",
        json={"reason": "account checked"},
        headers=bearer(platform.keys["ops"]),
    )
    assert approved.status_code == 200, approved.text


async def paid_payout(client: httpx.AsyncClient, platform: Platform, key: dict[str, str]) -> dict[str, Any]:
    async def paid() -> dict[str, Any] | None:
        payouts = (
            await client.get(
                f"{platform.url('settlement-svc')}/v1/merchants/{key['merchant_id']}/payouts", headers=bearer(key)
            )
        ).json()["items"]
        return payouts[0] if payouts and payouts[0]["status"] == "paid" else None

    return await eventually(paid, timeout_s=60)


def items_of(order: dict[str, Any]) -> dict[str, int]:
    return {item["kind"]: item["amount_minor"] for item in order["items"]}


# --- tests -----------------------------------------------------------------------------------------


async def test_an_order_shows_the_right_blocker_at_every_stage_until_it_is_paid_out(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    key = await merchant_with_policy(platform, client, "eta-walk")
    await client.put(
        f"{platform.url('logistics-svc')}/v1/webhook-sources/kuaidi100/secret",
        json={"secret": SALT},
        headers=bearer(platform.keys["ops"]),
    )
    order = worked_example_order(key["merchant_id"])
    order_id = order["order_id"]
    await place(client, platform, order)

    # the first event of a freshly started platform waits for settlement's consumer group to join
    placed = await wait_for_eta(client, platform, key, order_id, in_state("not_confirmed"), timeout_s=120)
    assert placed["blockers"] == [{"blocker": "not_confirmed", "amount_minor": 36318}]  # estimated, policy now
    # another merchant never sees it; the platform and ops read it
    assert (await eta(client, platform, platform.keys["merchant_b"], order_id)).status_code == 404
    assert (await eta(client, platform, platform.keys["ops"], order_id)).status_code == 200

    confirmed = await client.post(
        f"{platform.url('order-svc')}/v1/orders/{order_id}/shipping-info/confirm",
        json={"items": ITEMS},
        headers=bearer(key),
    )
    assert confirmed.status_code == 200, confirmed.text
    await wait_for_eta(client, platform, key, order_id, in_state("not_dispatched"))

    shipped = await dispatch(client, platform, order, merchant_key="eta-walk")
    dispatched = await wait_for_eta(client, platform, key, order_id, in_state("not_delivered"))
    [segment] = dispatched["segments"]
    assert segment["detail"]["tracking_number"] == shipped["tracking_number"]

    delivered_at = await service_now(client, platform.url("logistics-svc"))
    form = kuaidi100_form(shipped["tracking_number"], [("签收", "已签收", delivered_at)], SALT, "3")
    assert (
        await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    ).status_code == 200
    waiting = await wait_for_eta(client, platform, key, order_id, in_state("waiting_for_sign_off"))
    [segment] = waiting["segments"]
    auto_confirm_on = china_date(delivered_at.replace(microsecond=0) + timedelta(days=7))
    assert segment["assumptions"][0] == f"assuming sign-off by auto-confirm on {auto_confirm_on}"
    # auto-confirm 7 days + hold 7 days + one payout batch (1 s in the test platform)
    expected = datetime.fromisoformat(waiting["expected_at"])
    assert abs(expected - (delivered_at + timedelta(days=14, seconds=1))) < timedelta(seconds=2)

    signed = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{order_id}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert signed.status_code == 200, signed.text
    held = await wait_for_eta(client, platform, key, order_id, in_state("in_hold_until"))
    settlement = (
        await client.get(f"{platform.url('settlement-svc')}/v1/orders/{order_id}/settlement", headers=bearer(key))
    ).json()
    [hold] = settlement["holds"]
    release_at = datetime.fromisoformat(hold["release_at"])
    assert held["blockers"] == [
        {"blocker": "in_hold_until", "amount_minor": 36318, "until": china_date(release_at)}  # booked net
    ]
    assert datetime.fromisoformat(held["expected_at"]) == release_at + timedelta(seconds=1)

    await platform.advance_clock(7 * 86400 + 60)
    available = await wait_for_eta(client, platform, key, order_id, in_state("application_not_submitted"))
    assert available["blockers"] == [{"blocker": "application_not_submitted", "amount_minor": 36318}]

    application_id = await apply_for_all(client, platform, key, await verified_account(client, platform, key))
    in_review = await wait_for_eta(client, platform, key, order_id, in_state("in_review"))
    [segment] = in_review["segments"]
    assert segment["detail"]["application_id"] == application_id

    await approve(client, platform, application_id)
    payout = await paid_payout(client, platform, key)
    paid = await wait_for_eta(client, platform, key, order_id, in_state("paid_out"))
    assert paid["blockers"] == []
    [segment] = paid["segments"]
    assert (segment["blocker"], segment["amount_minor"]) == ("paid_out", 36318)
    assert segment["detail"]["payout_id"] == payout["payout_id"]
    assert segment["detail"]["paid_on"] == paid["expected_date"]

    # The payout, explained: discounts by funder as priced, every fen of the 36318.
    explanation = (
        await client.get(
            f"{platform.url('settlement-svc')}/v1/payouts/{payout['payout_id']}/explanation", headers=bearer(key)
        )
    ).json()
    assert explanation["reconciles"] is True
    [explained] = explanation["orders"]
    assert explained["discounts_by_funder_minor"] == {"merchant": 4150, "platform": 3000}
    assert items_of(explained) == {"paid": 34349, "shipping": 1000, "platform_subsidy": 3000, "commission": -2031}
    assert explanation["items_total_minor"] == explanation["amount_minor"] == 36318
    [booking] = explained["items"][0]["transactions"]
    assert booking["kind"] == "sign_off"
    assert booking["caused_by_event_id"]


async def merchant_view(
    client: httpx.AsyncClient, platform: Platform, merchant_id: str, view: str, key: dict[str, str]
) -> httpx.Response:
    """One of settlement's per-merchant views, asked with ``key``."""
    return await client.get(f"{platform.url('settlement-svc')}/v1/merchants/{merchant_id}/{view}", headers=bearer(key))


async def test_a_merchant_sees_its_orders_summed_by_blocker(platform: Platform, client: httpx.AsyncClient) -> None:
    key = await merchant_with_policy(platform, client, "eta-sum")
    waiting = simple_order(key["merchant_id"], unit_price="50.00", quantity=2)
    held = simple_order(key["merchant_id"], unit_price="50.00", quantity=2)
    for order in (waiting, held):
        await place(client, platform, order)
        await wait_for_eta(client, platform, key, order["order_id"], in_state("not_confirmed"), timeout_s=120)
    await sign_off(client, platform, key, held["order_id"], 2)
    found = await wait_for_eta(client, platform, key, held["order_id"], in_state("in_hold_until"))
    until = found["blockers"][0]["until"]

    summary = (await merchant_view(client, platform, key["merchant_id"], "settlement-blockers", key)).json()
    by_blocker = {entry["blocker"]: entry for entry in summary["blockers"]}
    assert set(by_blocker) == {"not_confirmed", "in_hold_until"}
    # 2 x 50.00 less 5% = 9500 each: one not confirmed (an estimate), one booked and held
    assert {b: (e["orders"], e["amount_minor"]) for b, e in by_blocker.items()} == {
        "not_confirmed": (1, 9500),
        "in_hold_until": (1, 9500),
    }
    assert by_blocker["in_hold_until"]["order_ids"] == [held["order_id"]]
    assert by_blocker["in_hold_until"]["earliest_expected_date"] == until
    # not confirmed: confirmation, delivery and the auto-confirm are assumed, so it comes later
    assert datetime.fromisoformat(by_blocker["not_confirmed"]["earliest_expected_at"]) > datetime.fromisoformat(
        by_blocker["in_hold_until"]["earliest_expected_at"]
    )
    assert summary["orders_by_state"] == {"not_confirmed": 1, "in_hold_until": 1}

    # the same orders listed one by one, each as its own ETA tells it
    states = (await merchant_view(client, platform, key["merchant_id"], "settlement-states", key)).json()
    listed = {entry["order_id"]: entry for entry in states["orders"]}
    assert {order_id: entry["state"] for order_id, entry in listed.items()} == {
        waiting["order_id"]: "not_confirmed",
        held["order_id"]: "in_hold_until",
    }
    for order in (waiting, held):
        own = (
            await client.get(
                f"{platform.url('settlement-svc')}/v1/orders/{order['order_id']}/settlement-eta", headers=bearer(key)
            )
        ).json()
        entry = listed[order["order_id"]]
        assert entry["blockers"] == [blocker["blocker"] for blocker in own["blockers"]]
    # a held order's date is fixed at sign-off (a waiting one's is an estimate from the moment read)
    assert listed[held["order_id"]]["expected_date"] == until
    other = await merchant_view(
        client, platform, key["merchant_id"], "settlement-blockers", platform.keys["merchant_b"]
    )
    assert other.status_code == 404
    not_theirs = await merchant_view(
        client, platform, key["merchant_id"], "settlement-states", platform.keys["merchant_b"]
    )
    assert not_theirs.status_code == 404
    assert not_theirs.headers["content-type"].startswith("application/problem+json")


async def test_a_payout_of_two_orders_one_partly_refunded_is_explained_to_the_fen(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    key = await merchant_with_policy(platform, client, "eta-explain")
    pair = simple_order(key["merchant_id"], unit_price="50.00", quantity=2)
    cups = simple_order(key["merchant_id"], unit_price="33.33", quantity=3)
    cups["shipping_fee"] = "10.00"
    cups["payment"]["amount"] = "109.99"
    for order, units in ((pair, 2), (cups, 3)):
        await place(client, platform, order)
        await wait_for_eta(client, platform, key, order["order_id"], in_state("not_confirmed"), timeout_s=120)
        await sign_off(client, platform, key, order["order_id"], units)
        await wait_for_eta(client, platform, key, order["order_id"], in_state("in_hold_until"))

    one_cup = [RefundLine(line_id="L1", units=1, paid_minor=3333, subsidy_minor=0, commission_base_minor=3333)]
    refund_id = f"RF-{uuid.uuid4().hex[:10]}"
    refund_event = await publish(
        RefundCompleted(
            order_id=cups["order_id"],
            merchant_id=key["merchant_id"],
            refund_id=refund_id,
            kind="refund_only",
            currency="CNY",
            lines=one_cup,
            shipping_minor=0,
            refund_minor=3333,
            provider_reference=f"RF-{uuid.uuid4().hex[:10]}",
            completed_at=datetime.now(UTC),
        ),
        "refund-svc",
    )
    refunded = await wait_for_eta(
        client, platform, key, cups["order_id"], lambda e: any(s["blocker"] == "refunded" for s in e["segments"])
    )
    assert refunded["blockers"] == [
        {"blocker": "in_hold_until", "amount_minor": 7333, "until": refunded["blockers"][0]["until"]}
    ]

    await platform.advance_clock(7 * 86400 + 60)
    for order_id in (pair["order_id"], cups["order_id"]):
        await wait_for_eta(client, platform, key, order_id, in_state("application_not_submitted"))
    application_id = await apply_for_all(client, platform, key, await verified_account(client, platform, key))
    await approve(client, platform, application_id)
    payout = await paid_payout(client, platform, key)
    assert payout["amount_minor"] == 9500 + 7333

    explanation = (
        await client.get(
            f"{platform.url('settlement-svc')}/v1/payouts/{payout['payout_id']}/explanation", headers=bearer(key)
        )
    ).json()
    assert explanation["reconciles"] is True
    assert explanation["amount_minor"] == explanation["items_total_minor"] == 16833
    orders = {order["order_id"]: order for order in explanation["orders"]}
    assert orders[pair["order_id"]]["allocated_minor"] == 9500
    assert items_of(orders[pair["order_id"]]) == {"paid": 10000, "commission": -500}
    assert orders[cups["order_id"]]["allocated_minor"] == 7333
    # 9999 + 1000 - 500 - 3166 = 7333
    assert items_of(orders[cups["order_id"]]) == {"paid": 9999, "shipping": 1000, "commission": -500, "refunds": -3166}
    [refund_item] = [item for item in orders[cups["order_id"]]["items"] if item["kind"] == "refunds"]
    assert refund_item["refund_events"] == [refund_event]
    assert sum(item["amount_minor"] for order in explanation["orders"] for item in order["items"]) == 16833
    assert explanation["items"] == []  # no claw-back to deduct

    cups_eta = await wait_for_eta(client, platform, key, cups["order_id"], in_state("paid_out"))
    assert sorted((s["blocker"], s["amount_minor"]) for s in cups_eta["segments"]) == [
        ("paid_out", 7333),
        ("refunded", 3166),
    ]
    other = await client.get(
        f"{platform.url('settlement-svc')}/v1/payouts/{payout['payout_id']}/explanation",
        headers=bearer(platform.keys["merchant_b"]),
    )
    assert other.status_code == 404
