"""refund-svc end to end, on the real platform (Kafka, PostgreSQL, five services, the refund
sandbox as the payment provider).

The order (figures worked by hand, as in tests/unit/refund/test_refund_amounts.py):
  line A "tea": 3 x 100.00; line B "books": 1 x 50.00; goods 35000 fen
  merchant 满减 300 减 30: A 2571, B 429; platform fixed 20.00: A 1714, B 286 (largest remainder)
  line A paid 25715 (units 8572, 8572, 8571), subsidy 1714 (572, 571, 571), base 27429 (9143 each)
  line B paid 4285, subsidy 286, base 4571; shipping 10.00; the buyer paid 310.00 = 31000 fen.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from local import SANDBOX_CALLBACK_SECRET
from logistics_support import FORM, kuaidi100_form, service_now, sf_number
from order_support import CONSIGNEE
from platform_support import Platform, bearer, new_merchant, verify_bank_account
from signature_support import assert_unauthenticated, bad_signature_requests, signed_headers
from support import eventually

pytestmark = pytest.mark.infra

KUAIDI100_SALT = "refund-e2e-salt-0123456789"
PAID_MINOR = 31000


def refund_order(merchant_id: str, *, category_a: str = "tea", channel: str = "wechat_pay") -> dict[str, Any]:
    return {
        "order_id": f"RO-{uuid.uuid4().hex[:12]}",
        "merchant_id": merchant_id,
        "buyer_ref": "buyer-refunds",
        "currency": "CNY",
        "lines": [
            {
                "line_id": "A",
                "sku": "TEA-1",
                "name": "白茶",
                "spec": "100g",
                "quantity": 3,
                "unit_price": "100.00",
                "vat_rate": "0.13",
                "category": category_a,
            },
            {
                "line_id": "B",
                "sku": "BOOK-2",
                "name": "茶谱",
                "spec": "平装",
                "quantity": 1,
                "unit_price": "50.00",
                "vat_rate": "0.09",
                "category": "books",
            },
        ],
        "coupons": [
            {
                "coupon_id": "M-300-30",
                "kind": "threshold",
                "funded_by": "merchant",
                "threshold": "300.00",
                "amount_off": "30.00",
            },
            {"coupon_id": "P-20", "kind": "fixed", "funded_by": "platform", "amount_off": "20.00"},
        ],
        "shipping_fee": "10.00",
        "consignee": dict(CONSIGNEE),
        "payment": {
            "channel": channel,
            "transaction_id": f"{channel[:3].upper()}-{uuid.uuid4().hex[:16]}",
            "amount": "310.00",
            "paid_at": "2026-11-27T10:00:00+08:00",
        },
    }


@pytest.fixture(scope="module")
async def merchant(platform: Platform) -> dict[str, str]:
    key = await new_merchant(platform, "refunds")
    async with httpx.AsyncClient(timeout=10) as client:
        await accept_kuaidi100(client, platform)
    return key


async def accept_kuaidi100(client: httpx.AsyncClient, platform: Platform) -> None:
    """The Kuaidi100 salt these tests sign deliveries and returns with (signed_off, deliver_return)."""
    response = await client.put(
        f"{platform.url('logistics-svc')}/v1/webhook-sources/kuaidi100/secret",
        json={"secret": KUAIDI100_SALT},
        headers=bearer(platform.keys["ops"]),
    )
    assert response.status_code == 204, response.text


async def placed(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], **options: Any
) -> dict[str, Any]:
    order = refund_order(merchant["merchant_id"], **options)
    response = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.text
    await known_to_refunds(client, platform, order)
    return order


async def known_to_refunds(
    client: httpx.AsyncClient, platform: Platform, order: dict[str, Any], line_id: str = "A"
) -> None:
    """refund-svc learns of the order through the bus; a quote answers once it has."""

    async def quotable() -> bool:
        response = await client.post(
            f"{platform.url('refund-svc')}/v1/refunds/quote",
            json=request_body(order, "refund_only", "damaged", {line_id: 1}),
            headers=bearer(platform.keys["platform"]),
        )
        return response.status_code == 200

    await eventually(quotable, timeout_s=30)


async def signed_off(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], **options: Any
) -> dict[str, Any]:
    """Placed, confirmed, dispatched, delivered (Kuaidi100 push) and confirmed by the buyer; returns
    once refund-svc has learned of the sign-off."""
    order = await placed(client, platform, merchant, **options)
    confirmed = await client.post(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/shipping-info/confirm",
        json={
            "items": [{"line_id": "A", "quantity": 3, "spec": "100g"}, {"line_id": "B", "quantity": 1, "spec": "平装"}]
        },
        headers=bearer(merchant),
    )
    assert confirmed.status_code == 200, confirmed.text
    tracking_number = sf_number()

    async def dispatched() -> bool:
        response = await client.post(
            f"{platform.url('logistics-svc')}/v1/shipments",
            json={
                "order_id": order["order_id"],
                "carrier_code": "SF",
                "tracking_number": tracking_number,
                "lines": [{"line_id": "A", "quantity": 3}, {"line_id": "B", "quantity": 1}],
            },
            headers=bearer(merchant),
        )
        return response.status_code == 201

    await eventually(dispatched, timeout_s=30)
    now = await service_now(client, platform.url("logistics-svc"))
    form = kuaidi100_form(tracking_number, [("签收", "已签收", now)], KUAIDI100_SALT, "3")
    pushed = await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    assert pushed.status_code == 200, pushed.text

    async def confirmed_receipt() -> bool:
        response = await client.post(
            f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/confirm-receipt",
            headers=bearer(platform.keys["platform"]),
        )
        return response.status_code == 200

    await eventually(confirmed_receipt, timeout_s=30)

    async def refunds_saw_sign_off() -> bool:
        response = await client.post(
            f"{platform.url('refund-svc')}/v1/refunds/quote",
            json=request_body(order, "return_and_refund", "quality", {"A": 1}),
            headers=bearer(platform.keys["platform"]),
        )
        return response.status_code == 200

    await eventually(refunds_saw_sign_off, timeout_s=30)
    return order


def request_body(order: dict[str, Any], kind: str, reason_code: str, units: dict[str, int]) -> dict[str, Any]:
    return {
        "order_id": order["order_id"],
        "kind": kind,
        "reason_code": reason_code,
        "reason": "买家申请",
        "lines": [{"line_id": line_id, "units": count} for line_id, count in units.items()],
    }


async def request_refund(
    client: httpx.AsyncClient, platform: Platform, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    return await client.post(
        f"{platform.url('refund-svc')}/v1/refunds",
        json=body,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": key or str(uuid.uuid4())},
    )


async def refund_state(client: httpx.AsyncClient, platform: Platform, refund_id: str) -> dict[str, Any]:
    response = await client.get(
        f"{platform.url('refund-svc')}/v1/refunds/{refund_id}", headers=bearer(platform.keys["ops"])
    )
    assert response.status_code == 200, response.text
    return response.json()


async def until_status(client: httpx.AsyncClient, platform: Platform, refund_id: str, status: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        state = await refund_state(client, platform, refund_id)
        return state if state["status"] == status else None

    return await eventually(reached, timeout_s=30)


async def sandbox_executions(client: httpx.AsyncClient, platform: Platform) -> list[dict[str, Any]]:
    sandbox = platform.processes["refund-sandbox"]
    response = await client.get(f"{sandbox.base_url}/_sandbox/executions", headers=sandbox_headers())
    assert response.status_code == 200, response.text
    return list(response.json()["executions"])


def sandbox_headers() -> dict[str, str]:
    from local import SANDBOX_API_SECRET

    return {"Authorization": f"Bearer {SANDBOX_API_SECRET}"}


# --- amounts ------------------------------------------------------------------------------------


async def test_the_quote_of_one_unit_with_a_threshold_share_and_a_subsidy_is_worked_by_hand(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await signed_off(client, platform, merchant)
    response = await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/quote",
        json=request_body(order, "return_and_refund", "no_reason", {"A": 1}),
        headers=bearer(merchant),
    )
    assert response.status_code == 200, response.text
    quote = response.json()
    # the last unit of line A: paid 8571, subsidy 571, commission base 9143; no shipping on a
    # no-reason return
    assert quote["lines"] == [
        {
            "line_id": "A",
            "units": 1,
            "paid_minor": 8571,
            "platform_subsidy_reversed_minor": 571,
            "commission_base_reversed_minor": 9143,
        }
    ]
    assert (quote["shipping_minor"], quote["refund_minor"], quote["refund"]) == (0, 8571, "85.71")
    assert quote["merchant_charge_before_commission_minor"] == 8571 + 571
    # nothing was opened by quoting
    listed = await client.get(
        f"{platform.url('refund-svc')}/v1/refunds", params={"order_id": order["order_id"]}, headers=bearer(merchant)
    )
    assert listed.json()["items"] == []


# --- deadlines ------------------------------------------------------------------------------------


async def test_a_merchant_that_does_not_answer_in_48_hours_approves_and_the_refund_completes_once(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    response = await request_refund(client, platform, request_body(order, "refund_only", "not_received", {"B": 1}))
    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["status"] == "requested"
    assert refund["waiting_for"] == "merchant"
    # line B alone: paid 4285; line A stays the buyer's, so no shipping
    assert refund["amounts"]["refund_minor"] == 4285

    sla = await client.get(f"{platform.url('refund-svc')}/v1/refund-sla", headers=bearer(merchant))
    mine = [r for r in sla.json()["items"] if r["refund_id"] == refund["refund_id"]]
    assert mine[0]["waiting_for"] == "merchant"
    assert 0 < mine[0]["seconds_left"] <= 48 * 3600

    await platform.advance_clock(47 * 3600)
    assert (await refund_state(client, platform, refund["refund_id"]))["status"] == "requested"
    await platform.advance_clock(3600 + 60)
    done = await until_status(client, platform, refund["refund_id"], "completed")
    assert done["approved_how"] == "merchant_deadline_passed"
    assert done["provider_reference"].startswith("RF")
    actions = [entry["action"] for entry in done["history"]]
    assert actions.count("completed") == 1
    assert "approved (merchant_deadline_passed)" in actions
    executions = [
        e for e in await sandbox_executions(client, platform) if e["request_id"].startswith(refund["refund_id"])
    ]
    assert [(e["request_id"], e["amount_minor"]) for e in executions] == [(f"{refund['refund_id']}-1", 4285)]

    # more time passing changes nothing: the deadline acted once
    await platform.advance_clock(3 * 86400)
    await asyncio.sleep(1.5)
    again = await refund_state(client, platform, refund["refund_id"])
    assert [entry["action"] for entry in again["history"]].count("completed") == 1
    executions = [
        e for e in await sandbox_executions(client, platform) if e["request_id"].startswith(refund["refund_id"])
    ]
    assert len(executions) == 1


async def test_a_cancellation_before_dispatch_refunds_everything_with_shipping(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    cancelled = await client.post(
        f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/cancel",
        json={"reason": "买家不想要了"},
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert cancelled.status_code == 200, cancelled.text

    async def cancellation() -> dict[str, Any] | None:
        listed = (
            await client.get(
                f"{platform.url('refund-svc')}/v1/refunds",
                params={"order_id": order["order_id"]},
                headers=bearer(merchant),
            )
        ).json()["items"]
        return listed[0] if listed and listed[0]["status"] == "completed" else None

    refund = await eventually(cancellation, timeout_s=30)
    assert refund["kind"] == "cancellation"
    assert refund["approved_how"] == "automatic"
    # everything the buyer paid: 25715 + 4285 + 1000 shipping = 31000
    assert refund["amounts"]["refund_minor"] == PAID_MINOR
    assert refund["amounts"]["shipping_minor"] == 1000


# --- the sum of refunds never exceeds what was paid --------------------------------------------


async def test_racing_requests_for_the_same_units_open_one_refund(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    body = request_body(order, "refund_only", "damaged", {"A": 2, "B": 1})
    answers = await asyncio.gather(*(request_refund(client, platform, body) for _ in range(6)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 422, 422, 422, 422, 422], [a.text for a in answers]
    for answer in answers:
        if answer.status_code == 422:
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert "left to refund" in answer.text
    listed = (
        await client.get(
            f"{platform.url('refund-svc')}/v1/refunds", params={"order_id": order["order_id"]}, headers=bearer(merchant)
        )
    ).json()["items"]
    assert len(listed) == 1
    # units 2 and 1 of line A (8571 + 8572) and line B (4285); one unit of A stays the buyer's
    assert listed[0]["amounts"]["refund_minor"] == 8571 + 8572 + 4285
    # the last unit can still be refunded; the one after cannot
    last = await request_refund(client, platform, request_body(order, "refund_only", "damaged", {"A": 1}))
    assert last.status_code == 201, last.text
    # position 0: 8572, and now no unit is left, the reason is the merchant's: shipping 1000 too
    assert last.json()["amounts"]["refund_minor"] == 8572 + 1000
    total = listed[0]["amounts"]["refund_minor"] + last.json()["amounts"]["refund_minor"]
    assert total == PAID_MINOR
    beyond = await request_refund(client, platform, request_body(order, "refund_only", "damaged", {"A": 1}))
    assert beyond.status_code == 422


async def test_the_same_idempotency_key_returns_the_first_refund(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    body = request_body(order, "refund_only", "damaged", {"B": 1})
    key = str(uuid.uuid4())
    first = await request_refund(client, platform, body, key)
    again = await request_refund(client, platform, body, key)
    assert first.status_code == again.status_code == 201
    assert first.json()["refund_id"] == again.json()["refund_id"]
    other = await request_refund(client, platform, request_body(order, "refund_only", "damaged", {"A": 1}), key)
    assert other.status_code == 409


# --- rejection, escalation, withdrawal ---------------------------------------------------------------


async def test_a_rejection_needs_a_reason_and_the_buyer_can_escalate_to_ops(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    refund = (await request_refund(client, platform, request_body(order, "refund_only", "quality", {"B": 1}))).json()
    base = f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}"

    no_reason = await client.post(f"{base}/reject", json={"reason": ""}, headers=bearer(merchant))
    assert no_reason.status_code == 422
    assert no_reason.headers["content-type"].startswith("application/problem+json")
    assert (await refund_state(client, platform, refund["refund_id"]))["status"] == "requested"

    other_merchant = await client.post(f"{base}/approve", headers=bearer(platform.keys["merchant_b"]))
    assert other_merchant.status_code == 404

    rejected = await client.post(f"{base}/reject", json={"reason": "商品完好，不支持仅退款"}, headers=bearer(merchant))
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["waiting_for"] == "buyer"

    escalated = await client.post(
        f"{base}/escalate", json={"reason": "商品有瑕疵"}, headers=bearer(platform.keys["platform"])
    )
    assert escalated.json()["status"] == "escalated"
    decided = await client.post(
        f"{base}/decision", json={"approve": True, "reason": "照片显示瑕疵"}, headers=bearer(platform.keys["ops"])
    )
    assert decided.status_code == 200, decided.text
    done = await until_status(client, platform, refund["refund_id"], "completed")
    assert done["approved_how"] == "ops"
    assert [h["actor"] for h in done["history"] if h["action"] == "rejected"] == [merchant["key_id"]]

    # each move is in refund-svc's audit log with its key, role, statuses and reason; the refused
    # reject (422) and another merchant's approve (404) wrote nothing
    audited = await client.get(
        f"{platform.url('refund-svc')}/v1/audit",
        params={"target_id": refund["refund_id"]},
        headers=bearer(platform.keys["auditor"]),
    )
    assert audited.status_code == 200, audited.text
    rows = [
        (row["action"], row["actor_key_id"], row["actor_role"], row["before"], row["after"]["status"], row["reason"])
        for row in audited.json()["items"]
    ]
    assert rows == [  # newest first
        ("refunds.decide", platform.keys["ops"]["key_id"], "ops", {"status": "escalated"}, "refunding", "照片显示瑕疵"),
        (
            "refunds.escalate",
            platform.keys["platform"]["key_id"],
            "platform",
            {"status": "rejected"},
            "escalated",
            "商品有瑕疵",
        ),
        (
            "refunds.reject",
            merchant["key_id"],
            "merchant",
            {"status": "requested"},
            "rejected",
            "商品完好，不支持仅退款",
        ),
    ]
    verified = await client.get(
        f"{platform.url('refund-svc')}/v1/audit/verify", headers=bearer(platform.keys["auditor"])
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["intact"] is True


async def test_a_rejection_not_escalated_in_time_closes_the_refund_and_frees_its_units(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    refund = (await request_refund(client, platform, request_body(order, "refund_only", "quality", {"A": 3}))).json()
    base = f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}"
    assert (await client.post(f"{base}/reject", json={"reason": "已发货"}, headers=bearer(merchant))).status_code == 200
    await platform.advance_clock(7 * 86400 + 60)
    closed = await until_status(client, platform, refund["refund_id"], "closed")
    assert closed["outcome"] == "rejected"
    again = await request_refund(client, platform, request_body(order, "refund_only", "quality", {"A": 3}))
    assert again.status_code == 201, again.text


# --- bad input ---------------------------------------------------------------------------------------


async def test_bad_requests_are_refused_with_problems_and_change_nothing(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant, category_a="fresh")

    async def refused(body: dict[str, Any], status: int, fragment: str) -> None:
        response = await request_refund(client, platform, body)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert fragment in response.text, response.text

    await refused(request_body(order, "refund_only", "damaged", {"A": 4}), 422, "left to refund")
    await refused(request_body(order, "refund_only", "damaged", {"Z": 1}), 422, "has no line Z")
    await refused(request_body(order, "return_and_refund", "quality", {"A": 1}), 422, "signed off")
    await refused(request_body(order, "refund_only", "no_reason", {"A": 1}), 422, "return and refund")
    await refused(request_body(order, "cancellation", "damaged", {"A": 1}), 422, "cancel")
    await refused({**request_body(order, "refund_only", "damaged", {"A": 1}), "reason": ""}, 422, "reason")
    await refused(request_body({"order_id": "NO-SUCH-ORDER"}, "refund_only", "damaged", {"A": 1}), 404, "not-found")
    listed = await client.get(
        f"{platform.url('refund-svc')}/v1/refunds", params={"order_id": order["order_id"]}, headers=bearer(merchant)
    )
    assert listed.json()["items"] == []


async def test_no_reason_returns_are_refused_outside_the_window_or_for_an_excluded_category(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    fresh = await signed_off(client, platform, merchant, category_a="fresh")
    response = await request_refund(client, platform, request_body(fresh, "return_and_refund", "no_reason", {"A": 1}))
    assert response.status_code == 422
    assert "excluded from 7-day no-reason returns" in response.text
    # books are not excluded: inside the window it opens
    inside = await request_refund(client, platform, request_body(fresh, "return_and_refund", "no_reason", {"B": 1}))
    assert inside.status_code == 201, inside.text

    order = await signed_off(client, platform, merchant)
    await platform.advance_clock(7 * 86400 + 3600)
    late = await request_refund(client, platform, request_body(order, "return_and_refund", "no_reason", {"A": 1}))
    assert late.status_code == 422
    assert "no-reason returns are accepted until" in late.text
    # a quality return is not bound by the no-reason window
    quality = await request_refund(client, platform, request_body(order, "return_and_refund", "quality", {"A": 1}))
    assert quality.status_code == 201, quality.text


async def test_a_provider_callback_with_a_missing_malformed_wrong_or_stale_signature_gets_401_and_changes_nothing(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    refund = (await request_refund(client, platform, request_body(order, "refund_only", "damaged", {"B": 1}))).json()
    body = json.dumps(
        {
            "kind": "refund",
            "request_id": f"{refund['refund_id']}-1",
            "provider_reference": "RF000000000000000001",
            "status": "paid",
            "reason_code": None,
            "reason": None,
            "amount_minor": 4285,
            "currency": "CNY",
            "occurred_at": "2026-11-27T10:00:00+08:00",
        }
    ).encode()
    for case, (content, headers) in bad_signature_requests(body, SANDBOX_CALLBACK_SECRET).items():
        response = await client.post(
            f"{platform.url('refund-svc')}/v1/refund-callbacks", content=content, headers=headers
        )
        assert_unauthenticated(response, case)
    # signed, but not JSON: the signature holds, the body is bad input (422), still nothing moves
    not_json = b"{not json"
    response = await client.post(
        f"{platform.url('refund-svc')}/v1/refund-callbacks",
        content=not_json,
        headers=signed_headers(not_json, SANDBOX_CALLBACK_SECRET),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await refund_state(client, platform, refund["refund_id"]))["status"] == "requested"


async def test_a_refund_the_provider_fails_waits_for_ops_and_a_retry_pays_it_once(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order = await placed(client, platform, merchant)
    refund = (await request_refund(client, platform, request_body(order, "refund_only", "damaged", {"B": 1}))).json()
    sandbox = platform.processes["refund-sandbox"]
    planned = await client.post(
        f"{sandbox.base_url}/_sandbox/outcomes",
        json={"request_id": f"{refund['refund_id']}-1", "outcome": "failed", "reason_code": "CHANNEL_ACCOUNT_FROZEN"},
        headers=sandbox_headers(),
    )
    assert planned.status_code == 200, planned.text
    base = f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}"
    assert (await client.post(f"{base}/approve", headers=bearer(merchant))).status_code == 200
    failed = await until_status(client, platform, refund["refund_id"], "refund_failed")
    assert failed["failure_reason"]
    assert failed["waiting_for"] == "ops"

    merchant_retry = await client.post(f"{base}/retry", headers=bearer(merchant))
    assert merchant_retry.status_code == 403
    retried = await client.post(f"{base}/retry", headers=bearer(platform.keys["ops"]))
    assert retried.status_code == 200, retried.text
    done = await until_status(client, platform, refund["refund_id"], "completed")
    assert done["attempt"] == 2
    executions = [
        e for e in await sandbox_executions(client, platform) if e["request_id"].startswith(refund["refund_id"])
    ]
    # the failed first attempt moved no money; the second paid 4285 once
    assert [(e["request_id"], e["amount_minor"]) for e in executions] == [(f"{refund['refund_id']}-2", 4285)]


# --- after payout: a claw-back, deducted from the next payout ------------------------------------


async def test_a_refund_after_payout_appears_as_a_deduction_on_the_next_payout(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """The whole path on real services: refund-svc executes the refund through the refund
    sandbox, settlement books it as a claw-back, the next payout to the bank is net of it.
    Policy: hold 7 days, commission 5%, no coupons, no shipping."""
    from order_support import simple_order
    from test_settlement_refunds import (
        CARD,
        advance_and_wait,
        full_balances,
        merchant_with_policy,
        place,
        sign_off,
        wait_for_balances,
        wait_for_settlement,
    )

    merchant = await merchant_with_policy(platform, client, "rf-payout")
    mid = merchant["merchant_id"]
    settlement = f"{platform.url('settlement-svc')}/v1"
    # first order: 2 x 50.00 = 10000 paid; commission 500; net 9500
    first = simple_order(mid, unit_price="50.00", quantity=2)
    await place(client, platform, first)
    await known_to_refunds(client, platform, first, "L1")
    await wait_for_settlement(client, platform, merchant, first["order_id"], lambda s: True)
    await sign_off(client, platform, merchant, first["order_id"], 2)
    await wait_for_settlement(client, platform, merchant, first["order_id"], lambda s: bool(s["holds"]))

    async def available(amount: int) -> Any:
        found = await full_balances(client, platform, merchant)
        return found if found["balances_minor"]["available"] == amount else None

    await advance_and_wait(platform, lambda: available(9500))
    account = await client.post(
        f"{settlement}/merchants/{mid}/bank-accounts",
        json={"holder_name": "杭州杯子店", "bank_name": "中国银行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    account_id = account.json()["bank_account_id"]
    await verify_bank_account(client, platform, account_id)
    applied = await client.post(
        f"{settlement}/merchants/{mid}/settlement-applications",
        json={"bank_account_id": account_id},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert applied.status_code == 201, applied.text
    approved = await client.post(
        f"{settlement}/settlement-applications/{applied.json()['application_id']}/approve",
        json={"reason": "first payout to this account checked"},
        headers=bearer(platform.keys["ops"]),
    )
    assert approved.status_code == 200, approved.text
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["paid_out"] == 9500, 60)

    # After the payout the buyer reports one cup broken: refund only, one unit, 5000.
    response = await request_refund(client, platform, request_body(first, "refund_only", "damaged", {"L1": 1}))
    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["amounts"]["refund_minor"] == 5000
    approve = await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}/approve", headers=bearer(merchant)
    )
    assert approve.status_code == 200, approve.text
    await until_status(client, platform, refund["refund_id"], "completed")
    owed = await wait_for_balances(client, platform, merchant, lambda b: b["owed_minor"] > 0)
    # 5000 back to the buyer less the 250 commission returned (5%): the merchant owes 4750
    assert owed["balances_minor"]["negative_balance"] == -4750
    refunded = [
        e for e in await sandbox_executions(client, platform) if e["request_id"].startswith(refund["refund_id"])
    ]
    assert [e["amount_minor"] for e in refunded] == [5000]

    # second order: 1 x 120.00, commission 600, net 11400
    second = simple_order(mid, unit_price="120.00", quantity=1)
    await place(client, platform, second)
    await wait_for_settlement(client, platform, merchant, second["order_id"], lambda s: True)
    await sign_off(client, platform, merchant, second["order_id"], 1)
    await wait_for_settlement(client, platform, merchant, second["order_id"], lambda s: bool(s["holds"]))
    await advance_and_wait(platform, lambda: available(11400))
    applied = await client.post(
        f"{settlement}/merchants/{mid}/settlement-applications",
        json={"bank_account_id": account_id},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert applied.status_code == 201, applied.text
    application = applied.json()
    # the next payout: gross 11400, claw-back deducted 4750, sent 6650
    assert (application["amount_minor"], application["clawback_deducted_minor"], application["net_minor"]) == (
        11400,
        4750,
        6650,
    )
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["paid_out"] == 9500 + 6650, 60)
    payouts = (await client.get(f"{settlement}/merchants/{mid}/payouts", headers=bearer(merchant))).json()["items"]
    second_payout = next(p for p in payouts if p["application_id"] == application["application_id"])
    assert (second_payout["amount_minor"], second_payout["clawback_deducted_minor"]) == (6650, 4750)


# --- returns: the parcel back, tracked by logistics, inspected by the merchant ----------------------


async def approved_return(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A signed-off order, a quality return of one unit of line A approved by the merchant, and
    the buyer's parcel back with SF under a fresh tracking number."""
    order = await signed_off(client, platform, merchant)
    refund = (
        await request_refund(client, platform, request_body(order, "return_and_refund", "quality", {"A": 1}))
    ).json()
    base = f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}"
    approved = await client.post(f"{base}/approve", headers=bearer(merchant))
    assert approved.json()["status"] == "awaiting_return"
    assert approved.json()["waiting_for"] == "buyer"
    tracking_number = sf_number()
    shipped = await client.post(
        f"{base}/return-shipment",
        json={"carrier_code": "SF", "tracking_number": tracking_number},
        headers=bearer(platform.keys["platform"]),
    )
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["status"] == "return_in_transit"
    return order, refund, tracking_number


async def deliver_return(client: httpx.AsyncClient, platform: Platform, tracking_number: str) -> None:
    now = await service_now(client, platform.url("logistics-svc"))
    form = kuaidi100_form(
        tracking_number, [("揽收", "已揽收", now), ("签收", "商家已签收退货", now)], KUAIDI100_SALT, "3"
    )
    pushed = await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    assert pushed.status_code == 200, pushed.text


async def test_a_return_is_tracked_back_inspected_and_refunded(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    order, refund, tracking_number = await approved_return(client, platform, merchant)
    await deliver_return(client, platform, tracking_number)
    waiting = await until_status(client, platform, refund["refund_id"], "awaiting_inspection")
    assert waiting["waiting_for"] == "merchant"
    base = f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}"

    no_evidence = await client.post(
        f"{base}/inspection", json={"passed": False, "reason": "已使用"}, headers=bearer(merchant)
    )
    assert no_evidence.status_code == 422
    assert "evidence" in no_evidence.text
    passed = await client.post(f"{base}/inspection", json={"passed": True, "reason": "完好"}, headers=bearer(merchant))
    assert passed.status_code == 200, passed.text
    done = await until_status(client, platform, refund["refund_id"], "completed")
    # the last unit of line A: 8571; a quality return of part of the order refunds no shipping
    assert done["amounts"]["refund_minor"] == 8571
    actions = [entry["action"] for entry in done["history"]]
    assert actions[:5] == ["requested", "approved (merchant)", "shipped_back", "return_delivered", "inspection_passed"]
    wanted = {"RefundRequested", "RefundApproved", "ReturnShipped", "RefundCompleted"}

    async def timeline_has_the_refund() -> set[str] | None:
        # order-svc learns of the completion from the bus, after refund-svc has answered
        timeline = await client.get(
            f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/timeline", headers=bearer(merchant)
        )
        kinds = {entry["event_type"] for entry in timeline.json()["items"]}
        return kinds if wanted <= kinds else None

    await eventually(timeline_has_the_refund, timeout_s=30)


async def test_a_failed_inspection_needs_evidence_and_the_buyer_can_escalate_it(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    _, refund, tracking_number = await approved_return(client, platform, merchant)
    await deliver_return(client, platform, tracking_number)
    await until_status(client, platform, refund["refund_id"], "awaiting_inspection")
    base = f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}"
    failed = await client.post(
        f"{base}/inspection",
        json={
            "passed": False,
            "reason": "退回商品已拆封使用",
            "evidence": [{"name": "photo-1.jpg", "sha256": "a" * 64}],
        },
        headers=bearer(merchant),
    )
    assert failed.status_code == 200, failed.text
    assert failed.json()["status"] == "rejected"
    assert failed.json()["inspection"]["evidence"] == [{"name": "photo-1.jpg", "sha256": "a" * 64}]
    await client.post(f"{base}/escalate", json={"reason": "未使用"}, headers=bearer(platform.keys["platform"]))
    upheld = await client.post(
        f"{base}/decision", json={"approve": False, "reason": "照片可见使用痕迹"}, headers=bearer(platform.keys["ops"])
    )
    assert upheld.json()["status"] == "closed"
    assert upheld.json()["outcome"] == "inspection_failed"


async def test_a_merchant_that_does_not_inspect_in_48_hours_passes_the_return(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    _, refund, tracking_number = await approved_return(client, platform, merchant)
    await deliver_return(client, platform, tracking_number)
    await until_status(client, platform, refund["refund_id"], "awaiting_inspection")
    await platform.advance_clock(48 * 3600 + 60)
    done = await until_status(client, platform, refund["refund_id"], "completed")
    assert done["inspection"]["by"] == "system"
    assert "inspection_deadline_passed" in [entry["action"] for entry in done["history"]]
