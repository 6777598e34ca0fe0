"""The services' refusals as a client sees them, on the running platform: each service's domain
errors (one ``DomainError`` subclass per service or concern, shipsettle_shared/domain_errors.py)
answered by the one mapping in shipsettle_shared/problems.py. A refusal is problem+json whose type
names the rule (or ``not-found``), whose detail says what is wrong, and which names the field to
change; the refusals here had no test of their answer before, and each changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from logistics_support import ALL_LINES, confirmed_order, dispatch, sf_number
from order_support import CONSIGNEE, worked_example_order
from platform_support import Platform, bearer
from sqlalchemy import text
from support import engine_for

pytestmark = pytest.mark.infra

PROBLEMS = "https://shipsettle.dev/problems/"
# 6222021234567890128 is a valid card (tests/unit/settlement); its last digit changed is not
MISTYPED_CARD = {
    "holder_name": "张三",
    "bank_name": "中国",
    "account_type": "card",
    "account_number": "6222021234567890127",
}


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The answer's problem details without what every answer varies in (instance, correlation id)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body.pop("instance") == response.request.url.path
    body.pop("correlation_id", None)
    return body


def _not_found(detail: str) -> dict[str, Any]:
    return {"type": f"{PROBLEMS}not-found", "title": "Not found", "status": 404, "detail": detail}


def _refused(code: str, detail: str, field: str, message: str | None = None) -> dict[str, Any]:
    return {
        "type": f"{PROBLEMS}{code}",
        "title": "Refused",
        "status": 422,
        "detail": detail,
        "errors": [{"field": field, "message": message or detail}],
    }


def _conflict(code: str, detail: str) -> dict[str, Any]:
    return {"type": f"{PROBLEMS}{code}", "title": "Conflict", "status": 409, "detail": detail}


async def _bank_accounts(platform: Platform, merchant_id: str) -> int:
    async with engine_for(platform.database_urls["settlement-svc"]) as engine, engine.connect() as connection:
        found = await connection.scalar(
            text("select count(*) from bank_accounts where merchant_id = :merchant_id"), {"merchant_id": merchant_id}
        )
    return int(found or 0)


async def test_settlement_refuses_an_unknown_account_or_application_and_a_card_number_with_a_wrong_check_digit(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    base = f"{platform.url('settlement-svc')}/v1"
    merchant = platform.keys["merchant_a"]
    ops = bearer(platform.keys["ops"])
    accounts = f"{base}/merchants/{merchant['merchant_id']}/bank-accounts"
    before = await _bank_accounts(platform, merchant["merchant_id"])
    typo = await client.post(accounts, json=MISTYPED_CARD, headers=bearer(merchant))
    assert _problem(typo, 422) == _refused(
        "bad-account-number",
        "the card number's check digit is wrong (Luhn); check for a typo",
        "body.account_number",
    )
    unverifiable = await client.post(f"{base}/bank-accounts/BA-none/verify", json={"reason": "checked"}, headers=ops)
    assert _problem(unverifiable, 404) == _not_found("bank account 'BA-none' does not exist")
    for decision in ("approve", "reject"):
        undecidable = await client.post(
            f"{base}/settlement-applications/SA-none/{decision}", json={"reason": "checked"}, headers=ops
        )
        assert _problem(undecidable, 404) == _not_found("application 'SA-none' does not exist")
    no_account = await client.post(
        f"{base}/merchants/{merchant['merchant_id']}/settlement-applications",
        json={"bank_account_id": "BA-none"},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert _problem(no_account, 422) == _refused(
        "unknown-account", "no such bank account for this merchant", "body.bank_account_id"
    )
    assert await _bank_accounts(platform, merchant["merchant_id"]) == before


async def test_order_svc_refuses_a_correction_that_changes_nothing_and_commands_on_unknown_or_cancelled_orders(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    base = f"{platform.url('order-svc')}/v1"
    merchant_key = bearer(platform.keys["merchant_a"])
    order = worked_example_order(platform.keys["merchant_a"]["merchant_id"])
    placed = await client.post(
        f"{base}/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert placed.status_code == 201, placed.text
    url = f"{base}/orders/{order['order_id']}"

    same = await client.patch(
        f"{url}/shipping-info", json={"consignee": CONSIGNEE, "reason": "buyer asked"}, headers=merchant_key
    )
    assert _problem(same, 422) == _refused("nothing-to-correct", "the correction changes nothing", "body.consignee")
    wrong = await client.post(
        f"{url}/shipping-info/confirm",
        json={"items": [{"line_id": "L1", "quantity": 2, "spec": "500g/罐"}], "consignee": {**CONSIGNEE, "city": " "}},
        headers=merchant_key,
    )
    # every place at fault at once: the blank city, and the two lines (of three) not checked
    assert _problem(wrong, 422) == {
        "type": f"{PROBLEMS}shipping-info-invalid",
        "title": "Refused",
        "status": 422,
        "detail": "the shipping information does not check out: consignee.city: required for a deliverable "
        "address; items: line 'L2' is not checked; items: line 'L3' is not checked",
        "errors": [
            {"field": "body.consignee.city", "message": "required for a deliverable address"},
            {"field": "body.items", "message": "line 'L2' is not checked"},
            {"field": "body.items", "message": "line 'L3' is not checked"},
        ],
    }

    unknown = await client.post(
        f"{base}/orders/PO-none/shipping-info/confirm",
        json={"items": [{"line_id": "L1", "quantity": 2, "spec": "500g/罐"}]},
        headers=merchant_key,
    )
    assert _problem(unknown, 404) == _not_found("order 'PO-none' does not exist")
    cancelled = await client.post(
        f"{url}/cancel", json={"reason": "out of stock"}, headers={**merchant_key, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert cancelled.status_code == 200, cancelled.text
    again = await client.post(
        f"{url}/cancel", json={"reason": "twice"}, headers={**merchant_key, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert _problem(again, 409) == _conflict("cancelled", "the order is cancelled")
    history = await client.get(f"{url}/shipping-info/history", headers=merchant_key)
    assert history.json()["items"] == []


async def test_order_svc_refuses_a_key_request_that_does_not_fit_its_role_and_revoking_an_unknown_key(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    base = f"{platform.url('order-svc')}/v1"
    ops = bearer(platform.keys["ops"])
    unscoped = await client.post(f"{base}/api-keys", json={"role": "merchant", "label": "no shop"}, headers=ops)
    assert _problem(unscoped, 422) == _refused(
        "invalid-api-key-request", "a merchant key needs the merchant id it is scoped to", "body.merchant_id"
    )
    unknown = await client.post(f"{base}/api-keys/k-none/revoke", json={"reason": "left"}, headers=ops)
    assert _problem(unknown, 404) == _not_found("API key 'k-none' does not exist")


async def test_an_order_the_engine_cannot_price_is_refused_naming_the_coupon(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    order = worked_example_order(platform.keys["merchant_a"]["merchant_id"])
    order["coupons"] = [*order["coupons"], order["coupons"][0]]
    refused = await client.post(
        f"{platform.url('order-svc')}/v1/orders",
        json=order,
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    coupon = order["coupons"][0]["coupon_id"]
    index = len(order["coupons"]) - 1
    assert _problem(refused, 422) == _refused(
        "pricing-refused", f"coupon {coupon!r} appears twice", f"body.coupons[{index}].coupon_id"
    )


async def test_logistics_refuses_unknown_orders_shipments_and_carriers_and_a_second_sign_off(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    base = f"{platform.url('logistics-svc')}/v1"
    merchant_key = bearer(platform.keys["merchant_a"])
    parcel = {"order_id": "PO-none", "carrier_code": "SF", "tracking_number": sf_number(), "lines": ALL_LINES}
    unknown_order = await client.post(f"{base}/shipments", json=parcel, headers=merchant_key)
    assert _problem(unknown_order, 404) == _not_found("order 'PO-none' does not exist")
    unreceivable = await client.post(
        f"{base}/orders/PO-none/confirm-receipt", headers=bearer(platform.keys["platform"])
    )
    assert _problem(unreceivable, 404) == _not_found("order 'PO-none' does not exist")
    uncorrectable = await client.patch(
        f"{base}/shipments/SH-none/tracking-number", json={"tracking_number": sf_number()}, headers=merchant_key
    )
    assert _problem(uncorrectable, 404) == _not_found("shipment 'SH-none' does not exist")
    unclearable = await client.post(
        f"{base}/shipments/SH-none/ops-flags/delivered-before-dispatch/clear",
        json={"reason": "checked with the carrier"},
        headers=bearer(platform.keys["ops"]),
    )
    assert _problem(unclearable, 404) == _not_found("shipment 'SH-none' does not exist")

    order = await confirmed_order(client, platform)
    no_carrier = await client.post(
        f"{base}/shipments",
        json={**parcel, "order_id": order["order_id"], "carrier_code": "NOPE"},
        headers=merchant_key,
    )
    assert _problem(no_carrier, 422) == _refused(
        "unknown-carrier", "unknown or inactive carrier; see GET /v1/carriers", "body.carrier_code"
    )
    shipped = await dispatch(client, platform, order)
    flag = await client.post(
        f"{base}/shipments/{shipped['shipment_id']}/ops-flags/delivered-before-dispatch/clear",
        json={"reason": "checked with the carrier"},
        headers=bearer(platform.keys["ops"]),
    )
    assert _problem(flag, 404) == _not_found("flag 'delivered-before-dispatch' does not exist")
    receipt = f"{base}/orders/{order['order_id']}/confirm-receipt"
    first = await client.post(receipt, headers=bearer(platform.keys["platform"]))
    assert first.status_code == 200, first.text
    second = await client.post(receipt, headers=bearer(platform.keys["platform"]))
    assert _problem(second, 409) == _conflict(
        "nothing-to-sign-off", "every shipment of this order is already signed off"
    )


async def test_recon_refuses_an_empty_file_and_a_move_of_an_unknown_discrepancy(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    base = f"{platform.url('recon-svc')}/v1"
    ops = bearer(platform.keys["ops"])
    empty = await client.post(f"{base}/statement-imports", params={"source": "camt053"}, content=b"", headers=ops)
    assert _problem(empty, 422) == {
        "type": f"{PROBLEMS}import-refused",
        "title": "Refused",
        "status": 422,
        "detail": "nothing was imported: the request body is the file, and it is empty",
        "errors": [{"row": None, "column": None, "message": "the request body is the file, and it is empty"}],
    }
    unknown = await client.post(f"{base}/discrepancies/D-none/investigate", json={"note": "asked"}, headers=ops)
    assert _problem(unknown, 404) == _not_found("discrepancy 'D-none' does not exist")
