"""settlement-svc agrees with refunds, end to end: orders placed over HTTP, sign-offs and refund
events injected on Kafka as logistics-svc and refund-svc would publish them, the test clock
moved past holds, money read back over HTTP. Every figure is worked out by hand here.

Orders (policy: hold 7 days, commission 5%):
- "cups": 3 x 33.33 = 99.99 + shipping 10.00 = 109.99 paid. Per unit 3333. Commission
  9999 * 5% = 499.95 -> 500; merchant net 10999 - 500 = 10499.
- "pair": 2 x 50.00 = 100.00, no shipping. Per unit 5000. Commission 500; net 9500.
A refund of one unit reverses paid 3333 (resp. 5000) and commission 3333 * 5% = 166.65 -> 167
(resp. 250): the merchant gives back 3333 - 167 = 3166 (resp. 4750).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from local import SANDBOX_API_SECRET
from logistics_support import service_now
from order_support import simple_order
from platform_support import Platform, bearer, new_merchant, verify_bank_account
from support import TEST_KAFKA, envelopes_on_topic, eventually

from shipsettle_shared.contracts import (
    EventPayload,
    OrderSignedOff,
    RefundApproved,
    RefundClosed,
    RefundCompleted,
    RefundLine,
    RefundRejected,
    RefundRequested,
    ShipmentLine,
    Topic,
)
from shipsettle_shared.kafka_access import tooling_client_config
from shipsettle_shared.outbox import build_envelope

pytestmark = pytest.mark.infra

POLICY = {"hold_days": 7, "default_commission_bp": 500}
HOLD_S = 7 * 86400 + 60
CARD = "6222021234567890128"  # Luhn check digit 8, worked by hand in tests/unit/settlement


# --- helpers ---------------------------------------------------------------------------------


async def publish(event: EventPayload, producer_name: str) -> str:
    """Put one event on its topic as its producer would; returns its event id."""
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


async def merchant_with_policy(
    platform: Platform, client: httpx.AsyncClient, label: str, policy_body: dict[str, Any] = POLICY
) -> dict[str, str]:
    key = await new_merchant(platform, label)
    policy = await client.put(
        f"{platform.url('settlement-svc')}/v1/merchants/{key['merchant_id']}/policy",
        json=policy_body,
        headers=bearer(platform.keys["ops"]),
    )
    assert policy.status_code == 200, policy.text
    return key


def cups_order(merchant_id: str) -> dict[str, Any]:
    order = simple_order(merchant_id, unit_price="33.33", quantity=3)
    order["shipping_fee"] = "10.00"
    order["payment"]["amount"] = "109.99"
    return order


async def place(client: httpx.AsyncClient, platform: Platform, order: dict[str, Any]) -> None:
    placed = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": order["order_id"]},
    )
    assert placed.status_code == 201, placed.text


async def settlement_of(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], order_id: str
) -> dict[str, Any] | None:
    response = await client.get(
        f"{platform.url('settlement-svc')}/v1/orders/{order_id}/settlement", headers=bearer(merchant)
    )
    return response.json() if response.status_code == 200 else None


async def wait_for_settlement(
    client: httpx.AsyncClient,
    platform: Platform,
    merchant: dict[str, str],
    order_id: str,
    condition: Callable[[dict[str, Any]], bool],
) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        found = await settlement_of(client, platform, merchant, order_id)
        return found if found is not None and condition(found) else None

    return await eventually(check, timeout_s=30)


async def sign_off(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], order_id: str, units: int
) -> None:
    await publish(
        OrderSignedOff(
            order_id=order_id,
            merchant_id=merchant["merchant_id"],
            shipment_id=f"SH-{uuid.uuid4().hex[:8]}",
            how="buyer_confirmed",
            signed_off_at=await service_now(client, platform.url("settlement-svc")),
            lines=[ShipmentLine(line_id="L1", quantity=units)],
            order_fully_signed_off=True,
        ),
        "logistics-svc",
    )


async def held_cups_order(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]
) -> tuple[str, dict[str, Any]]:
    """Three cups placed and signed off: the order id and its settlement once the hold is booked."""
    order = cups_order(merchant["merchant_id"])
    await place(client, platform, order)
    await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: True)
    await sign_off(client, platform, merchant, order["order_id"], 3)
    booked = await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: bool(s["holds"]))
    return order["order_id"], booked


def refund_lines(units: int, unit_paid_minor: int) -> list[RefundLine]:
    # no coupons on these orders: subsidy 0, commission base = paid
    paid = units * unit_paid_minor
    return [RefundLine(line_id="L1", units=units, paid_minor=paid, subsidy_minor=0, commission_base_minor=paid)]


async def request_refund(
    merchant: dict[str, str], order_id: str, refund_id: str, lines: list[RefundLine], shipping_minor: int = 0
) -> str:
    return await publish(
        RefundRequested(
            order_id=order_id,
            merchant_id=merchant["merchant_id"],
            refund_id=refund_id,
            kind="refund_only",
            currency="CNY",
            lines=lines,
            shipping_minor=shipping_minor,
            refund_minor=sum(line.paid_minor for line in lines) + shipping_minor,
            reason="damaged",
            requested_at=datetime.now(UTC),
        ),
        "refund-svc",
    )


async def complete_refund(
    merchant: dict[str, str], order_id: str, refund_id: str, lines: list[RefundLine], shipping_minor: int = 0
) -> str:
    return await publish(
        RefundCompleted(
            order_id=order_id,
            merchant_id=merchant["merchant_id"],
            refund_id=refund_id,
            kind="refund_only",
            currency="CNY",
            lines=lines,
            shipping_minor=shipping_minor,
            refund_minor=sum(line.paid_minor for line in lines) + shipping_minor,
            provider_reference=f"RF-{uuid.uuid4().hex[:10]}",
            completed_at=datetime.now(UTC),
        ),
        "refund-svc",
    )


async def close_refund(merchant: dict[str, str], order_id: str, refund_id: str, outcome: str) -> str:
    return await publish(
        RefundClosed(
            order_id=order_id,
            merchant_id=merchant["merchant_id"],
            refund_id=refund_id,
            outcome=outcome,
            reason="test",
            closed_at=datetime.now(UTC),
        ),
        "refund-svc",
    )


async def full_balances(client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]) -> dict[str, Any]:
    response = await client.get(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/balances", headers=bearer(merchant)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def wait_for_balances(
    client: httpx.AsyncClient,
    platform: Platform,
    merchant: dict[str, str],
    condition: Callable[[dict[str, Any]], bool],
    timeout_s: float = 30,
) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        found = await full_balances(client, platform, merchant)
        return found if condition(found) else None

    return await eventually(check, timeout_s=timeout_s)


def postings(tx: dict[str, Any]) -> dict[str, int]:
    return {p["account_id"]: p["amount_minor"] for p in tx["postings"]}


def order_sums(settlement: dict[str, Any]) -> dict[str, int]:
    """Sum of the order's postings per platform account, and all merchant accounts together."""
    sums: dict[str, int] = {}
    for tx in settlement["transactions"]:
        for account, amount in postings(tx).items():
            key = "merchant" if account.startswith("merchant:") else account
            sums[key] = sums.get(key, 0) + amount
    return sums


async def ledger_is_sound(client: httpx.AsyncClient, platform: Platform) -> None:
    check = (
        await client.get(f"{platform.url('settlement-svc')}/v1/ledger/check", headers=bearer(platform.keys["auditor"]))
    ).json()
    assert check["unbalanced_transactions"] == []
    assert check["balances_differing_from_postings"] == []
    assert check["ok"] is True


async def advance_and_wait(platform: Platform, condition: Callable[[], Awaitable[Any]]) -> Any:
    await platform.advance_clock(HOLD_S)
    return await eventually(condition, timeout_s=30)


# --- tests -----------------------------------------------------------------------------------


async def test_a_refund_completed_before_the_release_comes_out_of_the_hold(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "rf-a")
    order_id, booked = await held_cups_order(client, platform, merchant)
    assert postings(booked["transactions"][0]) == {
        "platform:clearing": -10999,  # 9999 goods + 1000 shipping released from escrow
        "platform:commission": 500,  # 9999 * 5% = 499.95 -> 500
        f"merchant:{merchant['merchant_id']}:pending": 10499,  # 10999 - 500
    }

    refund_id = f"RF-{uuid.uuid4().hex[:10]}"
    one_cup = refund_lines(1, 3333)
    await request_refund(merchant, order_id, refund_id, one_cup)
    opened = await wait_for_settlement(client, platform, merchant, order_id, lambda s: bool(s["refunds"]))
    [refund] = opened["refunds"]
    assert refund["status"] == "open"
    assert refund["estimated_reversal_minor"] == 3166  # 3333 - 167
    assert refund["frozen_minor"] == 0  # the pending hold (10499) covers it: nothing is available
    await publish(
        RefundApproved(
            order_id=order_id,
            merchant_id=merchant["merchant_id"],
            refund_id=refund_id,
            how="merchant",
            approved_by=merchant["merchant_id"],
            approved_at=datetime.now(UTC),
        ),
        "refund-svc",
    )
    completed_event = await complete_refund(merchant, order_id, refund_id, one_cup)
    done = await wait_for_settlement(
        client, platform, merchant, order_id, lambda s: s["refunds"][0]["status"] == "completed"
    )
    reversal = done["transactions"][-1]
    assert reversal["kind"] == "refund"
    assert reversal["caused_by_event_id"] == completed_event
    assert postings(reversal) == {
        "platform:refunds": 3333,  # the cup's paid amount, back to the buyer
        "platform:commission": -167,  # 3333 * 5% = 166.65 -> 167
        f"merchant:{merchant['merchant_id']}:pending": -3166,  # 3333 - 167, out of the hold
    }
    [hold] = done["holds"]
    assert hold["amount_minor"] == 10499 - 3166  # 7333 left to release
    assert hold["reversed_minor"] == 3166
    assert hold["released_at"] is None
    assert done["commission_reversed_minor"] == 167
    assert (await full_balances(client, platform, merchant))["balances_minor"]["pending"] == 7333

    async def released() -> dict[str, Any] | None:
        found = await full_balances(client, platform, merchant)
        return found if found["balances_minor"]["available"] else None

    after = await advance_and_wait(platform, released)
    assert after["balances_minor"]["available"] == 7333  # the release moves only what is left
    assert after["balances_minor"]["pending"] == 0
    final = await settlement_of(client, platform, merchant, order_id)
    assert final is not None
    assert [tx["kind"] for tx in final["transactions"]] == ["sign_off", "refund", "hold_release"]
    # conservation: buyer paid 10999 + subsidy 0 = refunded 3333 + commission 333 + merchant net 7333
    assert order_sums(final) == {
        "platform:clearing": -10999,
        "platform:commission": 500 - 167,
        "platform:refunds": 3333,
        "merchant": 7333,
    }
    assert 10999 + 0 == 3333 + 333 + 7333
    await ledger_is_sound(client, platform)


async def test_a_hold_refunded_to_nothing_still_announces_its_end_at_zero(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    # recon waits for every hold's end: a hold that refunds emptied ends without a posting, but
    # not in silence (chaos N=1000 left a window finding open for such a hold)
    merchant = await merchant_with_policy(platform, client, "rf-zero")
    order_id, _ = await held_cups_order(client, platform, merchant)
    refund_id = f"RF-{uuid.uuid4().hex[:10]}"
    every_cup = refund_lines(3, 3333)
    await request_refund(merchant, order_id, refund_id, every_cup, shipping_minor=1000)
    await complete_refund(merchant, order_id, refund_id, every_cup, shipping_minor=1000)
    done = await wait_for_settlement(
        client, platform, merchant, order_id, lambda s: bool(s["refunds"]) and s["refunds"][0]["status"] == "completed"
    )
    [hold] = done["holds"]
    assert hold["reversed_minor"] == 10499  # 9999 + 1000 shipping - 500 commission: all of the hold
    assert hold["amount_minor"] == 0

    async def ended() -> dict[str, Any] | None:
        found = await settlement_of(client, platform, merchant, order_id)
        return found if found and found["holds"][0]["released_at"] else None

    final = await advance_and_wait(platform, ended)
    assert [tx["kind"] for tx in final["transactions"]] == ["sign_off", "refund"]  # nothing to post

    async def announced() -> dict[str, Any] | None:
        for _, envelope in await envelopes_on_topic(Topic.SETTLEMENT):
            if envelope.event_type == "FundsReleased" and envelope.payload["hold_id"] == hold["hold_id"]:
                return envelope.payload
        return None

    event = await eventually(announced, timeout_s=30)
    assert (event["released_minor"], event["available_minor"], event["reserved_minor"]) == (0, 0, 0)


async def test_a_refund_requested_after_the_release_freezes_the_amount_until_it_is_closed(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "rf-b")
    base = f"{platform.url('settlement-svc')}/v1"
    order = simple_order(merchant["merchant_id"], unit_price="50.00", quantity=2)
    order_id = order["order_id"]
    await place(client, platform, order)
    await wait_for_settlement(client, platform, merchant, order_id, lambda s: True)
    await sign_off(client, platform, merchant, order_id, 2)
    await wait_for_settlement(client, platform, merchant, order_id, lambda s: bool(s["holds"]))

    async def available() -> dict[str, Any] | None:
        found = await full_balances(client, platform, merchant)
        return found if found["balances_minor"]["available"] == 9500 else None  # 10000 - 500

    await advance_and_wait(platform, available)

    refund_id = f"RF-{uuid.uuid4().hex[:10]}"
    one_pair_half = refund_lines(1, 5000)
    requested_event = await request_refund(merchant, order_id, refund_id, one_pair_half)
    frozen = await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] > 0)
    # estimated reversal 5000 - 5000 * 5% (250) = 4750, all of it out of available
    assert frozen["frozen_minor"] == 4750
    assert frozen["balances_minor"]["available"] == 9500 - 4750

    # Frozen money cannot be applied for.
    account = await client.post(
        f"{base}/merchants/{merchant['merchant_id']}/bank-accounts",
        json={"holder_name": "杭州杯子店", "bank_name": "中国银行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    assert account.status_code == 201, account.text
    account_id = account.json()["bank_account_id"]
    await verify_bank_account(client, platform, account_id)
    for amount in (9500, 4751):
        refused = await client.post(
            f"{base}/merchants/{merchant['merchant_id']}/settlement-applications",
            json={"bank_account_id": account_id, "amount_minor": amount},
            headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert refused.status_code == 422, refused.text

    # Rejected by the merchant: the buyer may escalate, so the freeze stays.
    await publish(
        RefundRejected(
            order_id=order_id,
            merchant_id=merchant["merchant_id"],
            refund_id=refund_id,
            reason="not damaged",
            rejected_by=merchant["merchant_id"],
            rejected_at=datetime.now(UTC),
            escalate_by=datetime.now(UTC) + timedelta(days=3),
        ),
        "refund-svc",
    )
    await wait_for_settlement(
        client, platform, merchant, order_id, lambda s: s["refunds"][0]["stage"] == "RefundRejected"
    )
    assert (await full_balances(client, platform, merchant))["frozen_minor"] == 4750

    closed_event = await close_refund(merchant, order_id, refund_id, "rejected")
    thawed = await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == 0)
    assert thawed["balances_minor"]["available"] == 9500
    assert thawed["owed_minor"] == 0
    final = await settlement_of(client, platform, merchant, order_id)
    assert final is not None
    freeze, unfreeze = final["transactions"][-2:]
    assert (freeze["kind"], freeze["caused_by_event_id"]) == ("refund_freeze", requested_event)
    assert postings(freeze) == {
        f"merchant:{merchant['merchant_id']}:available": -4750,
        f"merchant:{merchant['merchant_id']}:frozen": 4750,
    }
    assert (unfreeze["kind"], unfreeze["caused_by_event_id"]) == ("refund_unfreeze", closed_event)
    assert postings(unfreeze) == {
        f"merchant:{merchant['merchant_id']}:available": 4750,
        f"merchant:{merchant['merchant_id']}:frozen": -4750,
    }
    assert final["refunds"][0]["status"] == "closed"
    # nothing refunded: buyer paid 10000 = commission 500 + merchant net 9500
    assert order_sums(final) == {"platform:clearing": -10000, "platform:commission": 500, "merchant": 9500}
    explanation = (
        await client.get(f"{base}/merchants/{merchant['merchant_id']}/balance-explanation", headers=bearer(merchant))
    ).json()
    assert explanation["reconciles"] is True
    assert [(item["kind"], item["caused_by_event_id"]) for item in explanation["refunds"]] == [
        ("refund_freeze", requested_event),
        ("refund_unfreeze", closed_event),
    ]
    await ledger_is_sound(client, platform)


async def test_a_hold_that_falls_due_while_a_refund_is_open_waits_for_the_refund_to_end(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "rf-hold")
    order = simple_order(merchant["merchant_id"], unit_price="100.00", quantity=1)
    order_id = order["order_id"]
    await place(client, platform, order)
    await wait_for_settlement(client, platform, merchant, order_id, lambda s: True)
    await sign_off(client, platform, merchant, order_id, 1)
    await wait_for_settlement(client, platform, merchant, order_id, lambda s: bool(s["holds"]))
    refund_id = f"RF-{uuid.uuid4().hex[:10]}"
    await request_refund(merchant, order_id, refund_id, refund_lines(1, 10000))
    await wait_for_settlement(client, platform, merchant, order_id, lambda s: bool(s["refunds"]))

    async def frozen_hold() -> dict[str, Any] | None:
        found = await settlement_of(client, platform, merchant, order_id)
        return found if found and found["holds"][0]["frozen_at"] else None

    held = await advance_and_wait(platform, frozen_hold)
    assert held["holds"][0]["released_at"] is None
    balances = await full_balances(client, platform, merchant)
    assert balances["balances_minor"]["pending"] == 9500  # 10000 - 500: due, but not released
    assert balances["balances_minor"]["available"] == 0

    await close_refund(merchant, order_id, refund_id, "withdrawn")
    released = await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] > 0)
    assert released["balances_minor"]["available"] == 9500
    assert released["balances_minor"]["pending"] == 0
    await ledger_is_sound(client, platform)


async def test_a_refund_after_payout_is_deducted_from_the_next_payout(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "rf-c")
    mid = merchant["merchant_id"]
    base = f"{platform.url('settlement-svc')}/v1"
    first = simple_order(mid, unit_price="50.00", quantity=2)
    await place(client, platform, first)
    await wait_for_settlement(client, platform, merchant, first["order_id"], lambda s: True)
    await sign_off(client, platform, merchant, first["order_id"], 2)
    await wait_for_settlement(client, platform, merchant, first["order_id"], lambda s: bool(s["holds"]))

    async def first_available() -> dict[str, Any] | None:
        found = await full_balances(client, platform, merchant)
        return found if found["balances_minor"]["available"] == 9500 else None

    await advance_and_wait(platform, first_available)
    account = await client.post(
        f"{base}/merchants/{mid}/bank-accounts",
        json={"holder_name": "杭州杯子店", "bank_name": "中国银行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    account_id = account.json()["bank_account_id"]
    await verify_bank_account(client, platform, account_id)
    applied = await client.post(
        f"{base}/merchants/{mid}/settlement-applications",
        json={"bank_account_id": account_id},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert applied.status_code == 201, applied.text
    assert applied.json()["clawback_deducted_minor"] == 0
    assert (
        await client.post(
            f"{base}/settlement-applications/{applied.json()['application_id']}/approve",
            json={"reason": "first payout checked"},
            headers=bearer(platform.keys["ops"]),
        )
    ).status_code == 200
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["paid_out"] == 9500, 60)

    # The buyer is refunded one of the two units after the money was paid out. The request was
    # lost: the completion alone must do it.
    refund_id = f"RF-{uuid.uuid4().hex[:10]}"
    completed_event = await complete_refund(merchant, first["order_id"], refund_id, refund_lines(1, 5000))
    owed = await wait_for_balances(client, platform, merchant, lambda b: b["owed_minor"] > 0)
    # 5000 - 250 = 4750: nothing pending or available, so all of it is a claw-back
    assert owed["balances_minor"]["negative_balance"] == -4750
    assert owed["owed_minor"] == 4750
    assert owed["balances_minor"]["available"] == 0
    first_settlement = await settlement_of(client, platform, merchant, first["order_id"])
    assert first_settlement is not None
    assert postings(first_settlement["transactions"][-1]) == {
        "platform:refunds": 5000,
        "platform:commission": -250,  # 5000 * 5%
        f"merchant:{mid}:negative_balance": -4750,
    }
    # conservation: 10000 = refunded 5000 + commission 250 + merchant net 4750 (paid out 9500,
    # owing 4750 back)
    assert order_sums(first_settlement) == {
        "platform:clearing": -10000,
        "platform:commission": 250,
        "platform:refunds": 5000,
        "merchant": 4750,
    }

    # The next order: 1 x 120.00, commission 600, net 11400.
    second = simple_order(mid, unit_price="120.00", quantity=1)
    await place(client, platform, second)
    await wait_for_settlement(client, platform, merchant, second["order_id"], lambda s: True)
    await sign_off(client, platform, merchant, second["order_id"], 1)
    await wait_for_settlement(client, platform, merchant, second["order_id"], lambda s: bool(s["holds"]))

    async def second_available() -> dict[str, Any] | None:
        found = await full_balances(client, platform, merchant)
        return found if found["balances_minor"]["available"] == 11400 else None

    await advance_and_wait(platform, second_available)
    applied = await client.post(
        f"{base}/merchants/{mid}/settlement-applications",
        json={"bank_account_id": account_id},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["amount_minor"] == 11400  # gross
    assert application["clawback_deducted_minor"] == 4750
    assert application["net_minor"] == 11400 - 4750  # 6650
    assert application["status"] == "approved"  # the account was paid before: no review
    right_after = await full_balances(client, platform, merchant)
    assert right_after["balances_minor"]["negative_balance"] == 0
    assert right_after["balances_minor"]["available"] == 0

    paid = await wait_for_balances(
        client, platform, merchant, lambda b: b["balances_minor"]["paid_out"] == 9500 + 6650, 60
    )
    assert paid["balances_minor"] == {
        "pending": 0,
        "available": 0,
        "reserved": 0,
        "in_payout": 0,
        "paid_out": 16150,  # 9500 + 6650
        "negative_balance": 0,
    }
    payouts = (await client.get(f"{base}/merchants/{mid}/payouts", headers=bearer(merchant))).json()["items"]
    second_payout = next(p for p in payouts if p["application_id"] == application["application_id"])
    assert (second_payout["amount_minor"], second_payout["gross_minor"], second_payout["clawback_deducted_minor"]) == (
        6650,
        11400,
        4750,
    )
    executions = (
        await client.get(
            f"{platform.url('payout-sandbox')}/_sandbox/executions",
            headers={"Authorization": f"Bearer {SANDBOX_API_SECRET}"},
        )
    ).json()["executions"]
    assert [e["amount_minor"] for e in executions if e["request_id"] == second_payout["payout_id"]] == [6650]

    explanation = (await client.get(f"{base}/merchants/{mid}/balance-explanation", headers=bearer(merchant))).json()
    assert explanation["reconciles"] is True
    [reversal] = explanation["refunds"]
    assert (reversal["kind"], reversal["caused_by_event_id"], reversal["clawback_minor"]) == (
        "refund",
        completed_event,
        4750,
    )
    [deduction] = explanation["clawback_deductions"]
    assert deduction["application_id"] == application["application_id"]
    assert deduction["deducted_minor"] == 4750
    assert deduction["recovers"] == [
        {"order_id": first["order_id"], "caused_by_event_id": completed_event, "recovered_minor": 4750}
    ]
    # in payout: +9500 -9500 + 6650 - 6650; paid out 16150; available -9500 - 11400; owed -4750 + 4750
    assert explanation["orders"]["not_order_specific"]["effect_minor"] == {
        "available": -20900,
        "in_payout": 0,
        "paid_out": 16150,
        "negative_balance": 4750,
    }
    await ledger_is_sound(client, platform)


async def test_refund_events_that_overtake_the_order_and_its_sign_off_end_correct(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "rf-d")
    order = cups_order(merchant["merchant_id"])
    order_id = order["order_id"]
    # A cancellation of one cup with the shipping fee, requested and completed before
    # settlement has seen the order (order.events lagging behind refund.events).
    refund_id = f"RF-{uuid.uuid4().hex[:10]}"
    one_cup = refund_lines(1, 3333)
    await request_refund(merchant, order_id, refund_id, one_cup, shipping_minor=1000)
    await complete_refund(merchant, order_id, refund_id, one_cup, shipping_minor=1000)

    async def parked() -> list[dict[str, Any]] | None:
        check = (
            await client.get(f"{platform.url('settlement-svc')}/v1/ledger/check", headers=bearer(platform.keys["ops"]))
        ).json()
        rows = [row for row in check["parked_events"] if row["order_id"] == order_id]
        return rows if len(rows) == 2 else None

    assert [row["event_type"] for row in await eventually(parked, timeout_s=30)] == [
        "RefundRequested",
        "RefundCompleted",
    ]
    await place(client, platform, order)
    known = await wait_for_settlement(
        client, platform, merchant, order_id, lambda s: bool(s["refunds"]) and s["refunds"][0]["status"] == "completed"
    )
    assert known["transactions"] == []  # nothing was booked, so nothing to reverse
    assert known["lines"]["L1"]["units_refunded"] == 1
    assert known["shipping_refunded_minor"] == 1000
    assert known["refunds"][0]["reversal_minor"] == 0
    assert not await parked()

    # logistics signs off the three cups it delivered; the refunded one and the refunded
    # shipping are never booked
    await sign_off(client, platform, merchant, order_id, 3)
    booked = await wait_for_settlement(client, platform, merchant, order_id, lambda s: bool(s["holds"]))
    [booking] = booked["transactions"]
    assert postings(booking) == {
        "platform:clearing": -6666,  # two cups at 3333, no shipping
        "platform:commission": 333,  # 6666 * 5% = 333.3 -> 333
        f"merchant:{merchant['merchant_id']}:pending": 6333,  # 6666 - 333
    }
    assert booked["holds"][0]["amount_minor"] == 6333
    # conservation: buyer paid 10999 = refunded 4333 (3333 + 1000, straight from escrow)
    # + commission 333 + merchant net 6333
    assert order_sums(booked) == {"platform:clearing": -6666, "platform:commission": 333, "merchant": 6333}
    assert 10999 == 4333 + 333 + 6333
    await ledger_is_sound(client, platform)
