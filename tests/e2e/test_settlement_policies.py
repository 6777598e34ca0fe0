"""settlement-svc's merchant policies end to end: orders placed over HTTP, sign-offs injected on
Kafka as logistics-svc publishes them, the test clock moved past holds, money read back over
HTTP. Every figure is worked out by hand here.

The "cups" order: 3 x 33.33 = 99.99 + shipping 10.00 = 109.99 paid, no coupons. At a 5%
commission: 9999 * 5% = 499.95 -> 500, merchant net 10999 - 500 = 10499. At 10%: 999.9 -> 1000,
net 10999 - 1000 = 9999.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from platform_support import Platform, bearer, verify_bank_account
from test_settlement_refunds import (
    CARD,
    full_balances,
    held_cups_order,
    ledger_is_sound,
    merchant_with_policy,
    postings,
    wait_for_balances,
    wait_for_settlement,
)

pytestmark = pytest.mark.infra

DAY_S = 86400
NO_MONEY = {"pending": 0, "available": 0, "reserved": 0, "in_payout": 0, "paid_out": 0, "negative_balance": 0}


async def verified_account(client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]) -> str:
    base = f"{platform.url('settlement-svc')}/v1"
    account = await client.post(
        f"{base}/merchants/{merchant['merchant_id']}/bank-accounts",
        json={"holder_name": "杭州杯子店", "bank_name": "中国银行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    assert account.status_code == 201, account.text
    account_id: str = account.json()["bank_account_id"]
    await verify_bank_account(client, platform, account_id)
    return account_id


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


async def test_a_rolling_reserve_is_kept_back_at_the_release_and_released_after_its_days(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    policy = {"hold_days": 7, "default_commission_bp": 500, "reserve_bp": 1000, "reserve_days": 3}
    merchant = await merchant_with_policy(platform, client, "pol-reserve", policy)
    account = f"merchant:{merchant['merchant_id']}"
    order_id, _ = await held_cups_order(client, platform, merchant)
    assert (await full_balances(client, platform, merchant))["balances_minor"] == {**NO_MONEY, "pending": 10499}

    # The hold ends: 10% of 10499 = 1049.9 -> 1050 is kept back, 10499 - 1050 = 9449 is available.
    await platform.advance_clock(7 * DAY_S + 60)
    released = await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] > 0)
    assert released["balances_minor"] == {**NO_MONEY, "available": 9449, "reserved": 1050}
    settlement = await wait_for_settlement(client, platform, merchant, order_id, lambda s: True)
    [release] = [tx for tx in settlement["transactions"] if tx["kind"] == "hold_release"]
    assert postings(release) == {
        f"{account}:pending": -10499,
        f"{account}:available": 9449,
        f"{account}:reserved": 1050,
    }

    # The order's ETA names the reserve and the day it comes back: 3 days after the release.
    eta = (
        await client.get(
            f"{platform.url('settlement-svc')}/v1/orders/{order_id}/settlement-eta", headers=bearer(merchant)
        )
    ).json()
    [reserve_segment] = [s for s in eta["segments"] if s["detail"].get("rolling_reserve")]
    assert (reserve_segment["blocker"], reserve_segment["amount_minor"]) == ("in_hold_until", 1050)
    [hold] = settlement["holds"]
    assert at(reserve_segment["detail"]["release_at"]) == at(hold["released_at"]) + timedelta(days=3)

    await platform.advance_clock(3 * DAY_S + 60)
    whole = await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["reserved"] == 0)
    assert whole["balances_minor"] == {**NO_MONEY, "available": 10499}
    settlement = await wait_for_settlement(client, platform, merchant, order_id, lambda s: True)
    [reserve_release] = [tx for tx in settlement["transactions"] if tx["kind"] == "reserve_release"]
    assert postings(reserve_release) == {f"{account}:reserved": -1050, f"{account}:available": 1050}
    explanation = (
        await client.get(
            f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/balance-explanation",
            headers=bearer(merchant),
        )
    ).json()
    assert explanation["reconciles"] is True
    assert explanation["orders"][order_id]["effect_minor"] == {"pending": 0, "available": 10499, "reserved": 0}
    await ledger_is_sound(client, platform)


async def test_a_policy_change_applies_to_later_sign_offs_and_never_to_booked_ones(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(
        platform, client, "pol-change", {"hold_days": 7, "default_commission_bp": 500}
    )
    account = f"merchant:{merchant['merchant_id']}"
    _, first = await held_cups_order(client, platform, merchant)
    [first_hold] = first["holds"]
    assert first_hold["policy_version"] == 1

    changed = await client.put(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/policy",
        json={"hold_days": 2, "default_commission_bp": 1000},
        headers=bearer(platform.keys["ops"]),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    _, second = await held_cups_order(client, platform, merchant)

    # The first sign-off keeps 5% and its 7-day hold; the second is booked at 10% and held 2 days.
    [first_booking] = [tx for tx in first["transactions"] if tx["kind"] == "sign_off"]
    [second_booking] = [tx for tx in second["transactions"] if tx["kind"] == "sign_off"]
    assert postings(first_booking) == {
        "platform:clearing": -10999,
        "platform:commission": 500,
        f"{account}:pending": 10499,
    }
    assert postings(second_booking) == {
        "platform:clearing": -10999,
        "platform:commission": 1000,
        f"{account}:pending": 9999,
    }
    [second_hold] = second["holds"]
    assert second_hold["policy_version"] == 2
    assert second_hold["amount_minor"] == 9999
    first_now = await wait_for_settlement(client, platform, merchant, first["order_id"], lambda s: True)
    assert first_now["holds"] == [first_hold]  # same amount, version and release date as booked
    assert at(first_hold["release_at"]) - at(second_hold["release_at"]) > timedelta(days=4)
    assert (await full_balances(client, platform, merchant))["balances_minor"] == {**NO_MONEY, "pending": 20498}

    # Two days on, only the second order's money is available; five more and the first one's.
    await platform.advance_clock(2 * DAY_S + 60)
    partly = await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] > 0)
    assert partly["balances_minor"] == {**NO_MONEY, "pending": 10499, "available": 9999}
    await platform.advance_clock(5 * DAY_S)
    both = await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["pending"] == 0)
    assert both["balances_minor"] == {**NO_MONEY, "available": 20498}
    await ledger_is_sound(client, platform)


async def test_an_application_below_the_minimum_payout_is_refused_and_moves_nothing(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    policy = {"hold_days": 7, "default_commission_bp": 500, "min_payout_minor": 15000}
    merchant = await merchant_with_policy(platform, client, "pol-minimum", policy)
    apply_url = f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/settlement-applications"
    account_id = await verified_account(client, platform, merchant)
    await held_cups_order(client, platform, merchant)
    await platform.advance_clock(7 * DAY_S + 60)
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] == 10499)

    async def apply(body: dict[str, Any]) -> httpx.Response:
        return await client.post(
            apply_url,
            json={"bank_account_id": account_id, **body},
            headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
        )

    # everything available, 10499, is below the minimum of 15000
    refused = await apply({})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("/below-minimum")
    assert "15000" in refused.json()["detail"]
    assert (await full_balances(client, platform, merchant))["balances_minor"] == {**NO_MONEY, "available": 10499}
    assert (await client.get(apply_url, headers=bearer(merchant))).json()["items"] == []

    # A second order brings 10499 + 10499 = 20998: 14999 of it is still below, all of it is not.
    await held_cups_order(client, platform, merchant)
    await platform.advance_clock(7 * DAY_S + 60)
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] == 20998)
    below = await apply({"amount_minor": 14999})
    assert below.status_code == 422, below.text
    assert below.json()["type"].endswith("/below-minimum")
    assert [error["field"] for error in below.json()["errors"]] == ["body.amount_minor"]
    applied = await apply({})
    assert applied.status_code == 201, applied.text
    assert applied.json()["amount_minor"] == 20998
    assert (await full_balances(client, platform, merchant))["balances_minor"] == {**NO_MONEY, "in_payout": 20998}
    await ledger_is_sound(client, platform)
