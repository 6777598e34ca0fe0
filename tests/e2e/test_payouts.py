"""settlement-svc end to end: orders through sign-off, hold, a settlement application, ops review
and a payout by the sandbox bank, with the test clock; balances against figures worked by
hand; refusals that move nothing."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from local import SANDBOX_API_SECRET, SANDBOX_CALLBACK_SECRET
from logistics_support import FORM, confirmed_order, dispatch, kuaidi100_form, service_now
from order_support import simple_order
from platform_support import Platform, bearer, every_item, new_merchant, verify_bank_account
from signature_support import assert_unauthenticated, bad_signature_requests, signed_headers
from sqlalchemy import text
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from support import engine_for, eventually
from webhook_receiver import CallbackReceiver

pytestmark = pytest.mark.infra

SALT = "payouts-e2e-salt-0123456789abcdef"
CARD = "6222021234567890128"  # Luhn check digit 8, worked by hand in tests/unit/settlement


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[CallbackReceiver]:
    server = CallbackReceiver()
    await server.start()
    yield server
    await server.close()


@pytest.fixture(scope="module")
async def merchant(platform: Platform, receiver: CallbackReceiver) -> dict[str, str]:
    key = await new_merchant(platform, "payout")
    platform.keys["payout"] = key
    async with httpx.AsyncClient(timeout=10) as client:
        await client.put(
            f"{platform.url('logistics-svc')}/v1/webhook-sources/kuaidi100/secret",
            json={"secret": SALT},
            headers=bearer(platform.keys["ops"]),
        )
        policy = {
            "hold_days": 7,
            "default_commission_bp": 500,
            "commission_bp_by_category": {"books": 300, "services": 800},
        }
        assert (
            await client.put(
                f"{platform.url('settlement-svc')}/v1/merchants/{key['merchant_id']}/policy",
                json=policy,
                headers=bearer(platform.keys["ops"]),
            )
        ).status_code == 200
        # The merchant's endpoint refuses each notification's first attempt: retries must follow.
        endpoint = await client.put(
            f"{platform.url('settlement-svc')}/v1/merchants/{key['merchant_id']}/webhook-endpoint",
            json={"url": receiver.url("/flaky/1/shipsettle")},
            headers=bearer(key),
        )
        assert endpoint.status_code == 200, endpoint.text
        key["webhook_secret"] = endpoint.json()["secret"]
    return key


async def signed_off(
    client: httpx.AsyncClient, platform: Platform, order: dict[str, Any], merchant_key: str = "payout"
) -> None:
    shipped = await dispatch(
        client,
        platform,
        order,
        merchant_key=merchant_key,
        lines=[{"line_id": line["line_id"], "quantity": line["quantity"]} for line in order["lines"]],
    )
    now = await service_now(client, platform.url("logistics-svc"))
    form = kuaidi100_form(shipped["tracking_number"], [("签收", "已签收", now)], SALT, "3")
    assert (
        await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    ).status_code == 200

    async def delivered() -> bool:
        found = await client.get(
            f"{platform.url('logistics-svc')}/v1/shipments/{shipped['shipment_id']}",
            headers=bearer(platform.keys["ops"]),
        )
        return found.json()["status"] == "delivered"

    await eventually(delivered, timeout_s=30)
    response = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{order['order_id']}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert response.status_code == 200, response.text


async def balances(client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]) -> dict[str, int]:
    response = await client.get(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/balances", headers=bearer(merchant)
    )
    return response.json()["balances_minor"]


async def test_orders_go_through_sign_off_hold_application_review_and_payout_to_the_fen(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    worked = await confirmed_order(client, platform, merchant_key="payout")
    await signed_off(client, platform, worked)
    cups = simple_order(merchant["merchant_id"], unit_price="50.00", quantity=2)
    placed = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=cups,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": cups["order_id"]},
    )
    assert placed.status_code == 201
    confirmed = await client.post(
        f"{platform.url('order-svc')}/v1/orders/{cups['order_id']}/shipping-info/confirm",
        json={"items": [{"line_id": "L1", "quantity": 2, "spec": "白色"}]},
        headers=bearer(merchant),
    )
    assert confirmed.status_code == 200
    await signed_off(client, platform, cups)

    # pending: worked example net 363.18 (see test_settlement.py) + cups 100.00 - 5% = 95.00
    async def both_pending() -> dict[str, int] | None:
        found = await balances(client, platform, merchant)
        return found if found["pending"] == 36318 + 9500 else None

    await eventually(both_pending, timeout_s=30)
    await platform.advance_clock(7 * 86400 + 60)

    async def both_available() -> dict[str, int] | None:
        found = await balances(client, platform, merchant)
        return found if found["available"] == 45818 else None

    assert (await eventually(both_available, timeout_s=30))["pending"] == 0

    base = f"{platform.url('settlement-svc')}/v1"
    account = await client.post(
        f"{base}/merchants/{merchant['merchant_id']}/bank-accounts",
        json={
            "holder_name": "杭州茶叶有限公司",
            "bank_name": "中国银行杭州分行",
            "account_type": "card",
            "account_number": CARD,
        },
        headers=bearer(merchant),
    )
    assert account.status_code == 201, account.text
    account_id = account.json()["bank_account_id"]
    apply_url = f"{base}/merchants/{merchant['merchant_id']}/settlement-applications"
    unverified = await client.post(
        apply_url,
        json={"bank_account_id": account_id},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert unverified.status_code == 422
    assert unverified.json()["type"].endswith("/account-unverified")
    await verify_bank_account(client, platform, account_id)
    too_much = await client.post(
        apply_url,
        json={"bank_account_id": account_id, "amount_minor": 45819},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert too_much.status_code == 422
    assert too_much.json()["type"].endswith("/insufficient-funds")
    assert too_much.json()["errors"] == [
        {"field": "body.amount_minor", "message": "45819 fen requested but 45818 fen is available"}
    ]
    assert await balances(client, platform, merchant) == {
        "pending": 0,
        "available": 45818,
        "reserved": 0,
        "in_payout": 0,
        "paid_out": 0,
        "negative_balance": 0,
    }

    applied = await client.post(
        apply_url,
        json={"bank_account_id": account_id},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["amount_minor"] == 45818
    assert application["status"] == "in_review"
    assert application["review_reasons"] == ["first payout to this bank account"]
    assert (await balances(client, platform, merchant))["in_payout"] == 45818

    queue = await every_item(client, f"{base}/settlement-applications/review-queue", bearer(platform.keys["ops"]))
    assert application["application_id"] in [item["application_id"] for item in queue]
    approved = await client.post(
        f"{base}/settlement-applications/{application['application_id']}/approve",
        json={"reason": "account checked"},
        headers=bearer(platform.keys["ops"]),
    )
    assert approved.status_code == 200
    decided = await client.post(
        f"{base}/settlement-applications/{application['application_id']}/reject",
        json={"reason": "changed my mind"},
        headers=bearer(platform.keys["ops"]),
    )
    assert decided.status_code == 409
    assert decided.headers["content-type"] == "application/problem+json"
    assert (decided.json()["type"], decided.json()["title"]) == (
        "https://shipsettle.dev/problems/not-in-review",
        "Conflict",
    )
    # approved, and by now perhaps already in its payout batch: never back in review
    assert decided.json()["detail"] in {f"the application is {status}" for status in ("approved", "paying", "paid")}

    async def paid() -> dict[str, int] | None:
        found = await balances(client, platform, merchant)
        return found if found["paid_out"] else None

    final = await eventually(paid, timeout_s=60)
    assert final == {
        "pending": 0,
        "available": 0,
        "reserved": 0,
        "in_payout": 0,
        "paid_out": 45818,
        "negative_balance": 0,
    }
    [payout] = (
        await client.get(f"{base}/merchants/{merchant['merchant_id']}/payouts", headers=bearer(merchant))
    ).json()["items"]
    assert payout["status"] == "paid"
    executions = (
        await client.get(
            f"{platform.url('payout-sandbox')}/_sandbox/executions",
            headers={"Authorization": f"Bearer {SANDBOX_API_SECRET}"},
        )
    ).json()
    assert [e for e in executions["executions"] if e["request_id"] == payout["payout_id"]].__len__() == 1
    # the paid callback cancelled the check that would have asked the bank again in 10 minutes
    async with engine_for(platform.database_urls["settlement-svc"]) as engine, engine.connect() as connection:
        status_check = (
            await connection.execute(
                text(
                    "select fired_at, cancelled_at is not null as cancelled from timers"
                    " where timer_kind = 'payout_status_check' and timer_key = :payout_id"
                ),
                {"payout_id": payout["payout_id"]},
            )
        ).one()
    assert (status_check.fired_at, status_check.cancelled) == (None, True)
    check = (await client.get(f"{base}/ledger/check", headers=bearer(platform.keys["auditor"]))).json()
    assert check["ok"] is True

    explanation = (
        await client.get(f"{base}/merchants/{merchant['merchant_id']}/balance-explanation", headers=bearer(merchant))
    ).json()
    assert explanation["reconciles"] is True
    explained = explanation["orders"][worked["order_id"]]
    assert explained["effect_minor"] == {"pending": 0, "available": 36318}  # signed off, then released
    assert [tx["kind"] for tx in explained["transactions"]] == ["sign_off", "hold_release"]
    assert explained["transactions"][0]["caused_by_event_id"]
    assert explanation["orders"]["not_order_specific"]["effect_minor"] == {
        "available": -45818,
        "in_payout": 0,
        "paid_out": 45818,
    }


async def test_the_merchant_is_notified_with_standard_webhooks_signatures_and_retries(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str], receiver: CallbackReceiver
) -> None:
    """Runs after the payout flow above: two releases and one payout were notified."""

    async def delivered() -> list[dict[str, Any]] | None:
        log = (
            await client.get(
                f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/notifications",
                headers=bearer(merchant),
            )
        ).json()["items"]
        return log if len(log) == 3 and all(item["delivered_at"] for item in log) else None

    log = await eventually(delivered, timeout_s=60)
    assert sorted(item["event_type"] for item in log) == ["payout.paid", "settlement.available", "settlement.available"]
    assert all([attempt["status_code"] for attempt in item["attempts"]] == [500, 204] for item in log)
    verifier = Webhook(merchant["webhook_secret"])
    verified = [verifier.verify(callback.body, callback.headers) for callback in receiver.acknowledged()]
    assert sorted(payload["type"] for payload in verified) == [
        "payout.paid",
        "settlement.available",
        "settlement.available",
    ]
    assert (
        sum(payload["data"]["available_minor"] for payload in verified if payload["type"] == "settlement.available")
        == 45818
    )
    assert [payload["data"]["amount_minor"] for payload in verified if payload["type"] == "payout.paid"] == [45818]
    forged = receiver.acknowledged()[0]
    with pytest.raises(WebhookVerificationError):
        verifier.verify(forged.body.replace(b'"data":{', b'"data":{"forged":1,'), forged.headers)


async def test_a_callback_with_a_bad_signature_or_for_an_unknown_payout_moves_nothing(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    before = await balances(client, platform, merchant)
    url = f"{platform.url('settlement-svc')}/v1/payout-callbacks"
    body = json.dumps(
        {
            "request_id": "PO-unknown",
            "provider_reference": "X",
            "status": "paid",
            "reason": None,
            "amount_minor": 1,
            "currency": "CNY",
            "occurred_at": datetime.now(UTC).isoformat(),
        }
    ).encode()
    forged = await client.post(
        url,
        content=body,
        headers={
            "webhook-id": "msg_1",
            "webhook-timestamp": str(int(datetime.now(UTC).timestamp())),
            "webhook-signature": "v1,Zm9yZ2Vk",
            "content-type": "application/json",
        },
    )
    assert forged.status_code == 401
    signature = Webhook(SANDBOX_CALLBACK_SECRET).sign("msg_2", datetime.now(UTC), body.decode())
    unknown = await client.post(
        url,
        content=body,
        headers={
            "webhook-id": "msg_2",
            "webhook-timestamp": str(int(datetime.now(UTC).timestamp())),
            "webhook-signature": signature,
            "content-type": "application/json",
        },
    )
    assert unknown.status_code == 404
    assert await balances(client, platform, merchant) == before


async def test_a_returned_callback_for_a_paid_payout_without_a_valid_signature_gets_401_and_moves_nothing(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """Runs after the payout flow above: its payout of 45818 fen is paid. A forged "returned"
    would move it back to available (the money defect of issue 18)."""
    base = f"{platform.url('settlement-svc')}/v1"
    [payout] = (
        await client.get(f"{base}/merchants/{merchant['merchant_id']}/payouts", headers=bearer(merchant))
    ).json()["items"]
    assert payout["status"] == "paid"
    before = await balances(client, platform, merchant)
    assert (before["paid_out"], before["available"]) == (45818, 0)
    returned = json.dumps(
        {
            "request_id": payout["payout_id"],
            "provider_reference": "X",
            "status": "returned",
            "reason": "account closed",
            "amount_minor": 45818,
            "currency": "CNY",
            "occurred_at": datetime.now(UTC).isoformat(),
        }
    ).encode()
    for case, (content, headers) in bad_signature_requests(returned, SANDBOX_CALLBACK_SECRET).items():
        assert_unauthenticated(await client.post(f"{base}/payout-callbacks", content=content, headers=headers), case)
    not_an_object = b"[1, 2]"
    refused = await client.post(
        f"{base}/payout-callbacks",
        content=not_an_object,
        headers=signed_headers(not_an_object, SANDBOX_CALLBACK_SECRET),
    )
    assert refused.status_code == 422, refused.text
    assert await balances(client, platform, merchant) == before
    [still] = (
        await client.get(f"{base}/merchants/{merchant['merchant_id']}/payouts", headers=bearer(merchant))
    ).json()["items"]
    assert still["status"] == "paid"


async def test_a_merchant_cannot_apply_for_another_merchants_funds(
    platform: Platform, client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    response = await client.post(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/settlement-applications",
        json={"bank_account_id": "BA-x"},
        headers={**bearer(platform.keys["merchant_b"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 404


async def test_a_voucher_of_the_wrong_type_over_the_limit_or_for_another_merchant_is_not_stored(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    owner = await new_merchant(platform, "vouchers")
    vouchers_url = f"{platform.url('settlement-svc')}/v1/merchants/{owner['merchant_id']}/vouchers"

    async def upload(key: dict[str, str], name: str, content: bytes, declared: str) -> httpx.Response:
        return await client.post(
            vouchers_url, data={"kind": "invoice"}, files={"file": (name, content, declared)}, headers=bearer(key)
        )

    # an executable declared as a PDF
    wrong_type = await upload(owner, "invoice.exe", b"MZ\x90\x00", "application/pdf")
    assert wrong_type.status_code == 422
    assert wrong_type.headers["content-type"] == "application/problem+json"
    assert wrong_type.json()["type"].endswith("/voucher-type")
    # a real PDF header, one byte over 5 MiB (5 * 1024 * 1024 = 5,242,880 bytes)
    too_large = await upload(owner, "invoice.pdf", b"%PDF-1.7\n" + b"0" * (5_242_881 - 9), "application/pdf")
    assert too_large.status_code == 422
    assert too_large.headers["content-type"] == "application/problem+json"
    assert too_large.json()["type"].endswith("/voucher-too-large")
    # another merchant's key, on this merchant's vouchers: as if the merchant did not exist
    other = await upload(platform.keys["merchant_b"], "invoice.pdf", b"%PDF-1.7\n...", "application/pdf")
    assert other.status_code == 404
    assert (await client.get(vouchers_url, headers=bearer(owner))).json()["items"] == []

    # exactly at the limit is accepted, stored with the hash of what was sent
    at_limit_content = b"%PDF-1.7\n" + b"0" * (5_242_880 - 9)
    at_limit = await upload(owner, "invoice.pdf", at_limit_content, "application/pdf")
    assert at_limit.status_code == 201, at_limit.text
    stored = at_limit.json()
    assert stored["size_bytes"] == 5_242_880
    assert stored["sha256"] == hashlib.sha256(at_limit_content).hexdigest()
    listed = (await client.get(vouchers_url, headers=bearer(owner))).json()["items"]
    assert [voucher["voucher_id"] for voucher in listed] == [stored["voucher_id"]]
    assert (await client.get(vouchers_url, headers=bearer(platform.keys["merchant_b"]))).status_code == 404


async def test_an_auto_apply_policy_applies_for_funds_as_soon_as_they_are_available(
    platform: Platform,
    client: httpx.AsyncClient,
    merchant: dict[str, str],  # sets the carrier webhook secret the deliveries are signed with
) -> None:
    key = await new_merchant(platform, "auto")
    platform.keys["auto"] = key
    base = f"{platform.url('settlement-svc')}/v1"
    policy = {"hold_days": 7, "default_commission_bp": 500, "auto_apply": True}
    assert (
        await client.put(
            f"{base}/merchants/{key['merchant_id']}/policy", json=policy, headers=bearer(platform.keys["ops"])
        )
    ).status_code == 200
    account = await client.post(
        f"{base}/merchants/{key['merchant_id']}/bank-accounts",
        json={
            "holder_name": "自动结算商户",
            "bank_name": "招商银行",
            "account_type": "corporate",
            "account_number": "755912345610001",
        },
        headers=bearer(key),
    )
    await verify_bank_account(client, platform, account.json()["bank_account_id"])

    cups = simple_order(key["merchant_id"], unit_price="50.00", quantity=2)
    assert (
        await client.post(
            f"{platform.url('order-svc')}/v1/orders",
            json=cups,
            headers={**bearer(platform.keys["platform"]), "Idempotency-Key": cups["order_id"]},
        )
    ).status_code == 201
    assert (
        await client.post(
            f"{platform.url('order-svc')}/v1/orders/{cups['order_id']}/shipping-info/confirm",
            json={"items": [{"line_id": "L1", "quantity": 2, "spec": "白色"}]},
            headers=bearer(key),
        )
    ).status_code == 200
    await signed_off(client, platform, cups, merchant_key="auto")

    async def pending() -> bool:
        return (await balances(client, platform, key))["pending"] == 9500  # 100.00 less 5% commission

    await eventually(pending, timeout_s=30)
    await platform.advance_clock(7 * 86400 + 60)

    async def applied() -> list[dict[str, Any]] | None:
        found = (
            await client.get(f"{base}/merchants/{key['merchant_id']}/settlement-applications", headers=bearer(key))
        ).json()["items"]
        return found or None

    [application] = await eventually(applied, timeout_s=30)
    assert application["amount_minor"] == 9500
    assert application["status"] == "in_review"  # first payout to this account: ops look first
    assert (await balances(client, platform, key))["in_payout"] == 9500
