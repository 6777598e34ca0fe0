"""A balance credit (余额退款) the platform does not answer, on the real platform: it has a stated
time to answer (24 hours by default), after which the refund breaches its SLA and the platform is
reminded; ops may then cancel the credit and settle the refund another way. Never paid twice: an
answer after the cancellation is refused (the platform must not apply it, or must reverse it), a
cancellation after the answer too, and when the two race exactly one wins. And the platform's
notifications are never lost for want of an endpoint: kept, and sent once it sets one.

The order is test_refunds.py's (figures worked there by hand), paid from the balance, signed off
and its hold released, so refunds freeze available money: 31400 available.
  refund only of line B: 4285 back to the buyer; the merchant gives back 4285 + 286 - 229 = 4342.
  refund only of one unit of A (paid 8572, 8572, 8571; subsidy 572, 571, 571; commission base
  9143, 5% = 457.15 -> 457): settlement reverses the line's last unit not yet refunded, so the
  first A refund to complete gives back 8571 + 571 - 457 = 8685, the second 8572 + 571 - 457 = 8686,
  the third 8572 + 572 - 457 = 8687; while none has completed each one's estimate (frozen) is 8685.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from platform_support import Platform, bearer, every_item
from standardwebhooks import Webhook
from support import eventually
from test_refund_channels import PlatformEndpoint, answer_credit
from test_refunds import accept_kuaidi100, refund_state, request_body, request_refund, sandbox_executions, signed_off
from test_settlement_refunds import (
    HOLD_S,
    full_balances,
    merchant_with_policy,
    wait_for_balances,
    wait_for_settlement,
)
from webhook_receiver import CallbackReceiver

pytestmark = pytest.mark.infra

ANSWER_WITHIN = timedelta(hours=24)  # refund-svc's balance_credit_answer_hours, by default
PAST_THE_ANSWER_S = int(ANSWER_WITHIN.total_seconds()) + 60


@pytest.fixture(scope="module", autouse=True)
async def signs_deliveries(platform: Platform) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        await accept_kuaidi100(client, platform)


@pytest.fixture
async def platform_endpoint(platform: Platform) -> AsyncIterator[PlatformEndpoint]:
    """The platform's webhook endpoint as a real HTTP receiver, set for this test (a new secret)."""
    receiver = CallbackReceiver()
    await receiver.start()
    try:
        yield await set_platform_endpoint(platform, receiver)
    finally:
        await receiver.close()


async def set_platform_endpoint(platform: Platform, receiver: CallbackReceiver) -> PlatformEndpoint:
    async with httpx.AsyncClient(timeout=10) as client:
        endpoint = await client.put(
            f"{platform.url('settlement-svc')}/v1/platform/webhook-endpoint",
            json={"url": receiver.url("/platform/notifications")},
            headers=bearer(platform.keys["platform"]),
        )
    assert endpoint.status_code == 200, endpoint.text
    return PlatformEndpoint(receiver, endpoint.json()["secret"])


async def notifications_of(
    endpoint: PlatformEndpoint, refund_id: str, kind: str, count: int = 1
) -> list[dict[str, Any]]:
    """The platform's notifications of ``kind`` about the refund (signatures checked as a receiver
    must), once ``count`` distinct ones have arrived."""

    async def arrived() -> list[dict[str, Any]] | None:
        found: dict[str, dict[str, Any]] = {}
        for callback in endpoint.receiver.acknowledged():
            payload = Webhook(endpoint.secret).verify(callback.body, callback.headers)
            if payload["type"] == kind and payload["data"]["refund_id"] == refund_id:
                found.setdefault(callback.webhook_id, dict(payload["data"]))
        return list(found.values()) if len(found) >= count else None

    return await eventually(arrived, timeout_s=30)


async def money_available(
    client: httpx.AsyncClient, platform: Platform, label: str
) -> tuple[dict[str, str], dict[str, Any]]:
    """A merchant and its balance-paid order, signed off and released: 31400 available."""
    merchant = await merchant_with_policy(platform, client, label)
    order = await signed_off(client, platform, merchant, channel="balance")
    await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: bool(s["holds"]))
    await platform.advance_clock(HOLD_S)
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] == 31400)
    return merchant, order


async def approved_refund(
    client: httpx.AsyncClient,
    platform: Platform,
    merchant: dict[str, str],
    order: dict[str, Any],
    units: dict[str, int],
) -> dict[str, Any]:
    opened = await request_refund(client, platform, request_body(order, "refund_only", "damaged", units))
    assert opened.status_code == 201, opened.text
    answer = await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/{opened.json()['refund_id']}/approve", headers=bearer(merchant)
    )
    assert answer.status_code == 200, answer.text
    refund = dict(answer.json())
    assert (refund["status"], refund["waiting_for"]) == ("refunding", "platform")
    return refund


def the_credit(refund: dict[str, Any]) -> dict[str, Any]:
    """The open credit as the platform's notification names it."""
    return {**refund["balance_credit"], "refund_id": refund["refund_id"]}


async def sla_entry(client: httpx.AsyncClient, platform: Platform, refund_id: str) -> dict[str, Any] | None:
    sla = await every_item(client, f"{platform.url('refund-svc')}/v1/refund-sla", bearer(platform.keys["ops"]))
    return next((r for r in sla if r["refund_id"] == refund_id), None)


async def cancel(
    client: httpx.AsyncClient,
    platform: Platform,
    refund: dict[str, Any],
    *,
    key: str = "ops",
    reason: str = "平台逾期未答复",
) -> httpx.Response:
    return await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}/balance-credit/cancel",
        json={"credit_id": refund["balance_credit"]["credit_id"], "reason": reason},
        headers=bearer(platform.keys[key]),
    )


def problem_type(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return str(response.json()["type"]).rsplit("/", 1)[-1]


async def test_an_unanswered_credit_breaches_at_its_deadline_the_platform_is_reminded_and_ops_settle_it_another_way(
    platform: Platform, client: httpx.AsyncClient, platform_endpoint: PlatformEndpoint
) -> None:
    merchant, order = await money_available(client, platform, "bc-silent")
    refund = await approved_refund(client, platform, merchant, order, {"B": 1})
    refund_id = refund["refund_id"]
    credit = refund["balance_credit"]
    requested_at = datetime.fromisoformat(credit["requested_at"])
    assert datetime.fromisoformat(credit["answer_by"]) == requested_at + ANSWER_WITHIN
    assert datetime.fromisoformat(refund["deadline_at"]) == requested_at + ANSWER_WITHIN
    [asked] = await notifications_of(platform_endpoint, refund_id, "refund.balance_credit_requested")
    assert (asked["credit_id"], asked["amount_minor"], asked["reminder"]) == (credit["credit_id"], 4285, 0)
    assert datetime.fromisoformat(asked["answer_by"]) == requested_at + ANSWER_WITHIN
    await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == 4342)

    # within the platform's time: not breaching, and ops cannot cancel yet
    entry = await sla_entry(client, platform, refund_id)
    assert entry is not None
    assert (entry["waiting_for"], entry["breaching"], entry["seconds_left"] > 0) == ("platform", False, True)
    early = await cancel(client, platform, refund)
    assert (early.status_code, problem_type(early)) == (409, "credit-not-overdue")

    # a day passes without an answer: breaching, and the platform is reminded of the same credit
    await platform.advance_clock(PAST_THE_ANSWER_S)

    async def breaching() -> dict[str, Any] | None:
        found = await sla_entry(client, platform, refund_id)
        return found if found is not None and found["breaching"] else None

    entry = await eventually(breaching, timeout_s=30)
    assert (entry["status"], entry["waiting_for"]) == ("refunding", "platform")
    reminders = await notifications_of(platform_endpoint, refund_id, "refund.balance_credit_requested", count=2)
    assert sorted((n["credit_id"], n["reminder"]) for n in reminders) == [
        (credit["credit_id"], 0),
        (credit["credit_id"], 1),
    ]

    # only ops cancel, with a reason; then the refund waits for ops, the platform is told
    for key in ("platform", "merchant_b"):
        assert (await cancel(client, platform, refund, key=key)).status_code == 403
    no_reason = await cancel(client, platform, refund, reason="")
    assert no_reason.status_code == 422, no_reason.text
    assert (await refund_state(client, platform, refund_id))["status"] == "refunding"
    cancelled = await cancel(client, platform, refund)
    assert cancelled.status_code == 200, cancelled.text
    failed = cancelled.json()
    assert (failed["status"], failed["waiting_for"], failed["failure_permanent"]) == ("refund_failed", "ops", False)
    assert (
        failed["balance_credit"]["state"],
        failed["balance_credit"]["cancelled_by"],
        failed["balance_credit"]["cancel_reason"],
    ) == ("cancelled", platform.keys["ops"]["key_id"], "平台逾期未答复")
    again = await cancel(client, platform, refund)
    assert again.status_code == 200, again.text
    assert [h["action"] for h in (await refund_state(client, platform, refund_id))["history"]].count(
        "balance_credit_cancelled"
    ) == 1
    [told] = await notifications_of(platform_endpoint, refund_id, "refund.balance_credit_cancelled")
    assert (told["credit_id"], told["amount_minor"], told["reason"]) == (credit["credit_id"], 4285, "平台逾期未答复")

    # the platform answers late: refused whatever it says, and nothing moves
    for outcome in ("credited", "declined"):
        late = await answer_credit(client, platform, the_credit(refund), outcome=outcome)
        assert (late.status_code, problem_type(late)) == (409, "credit-cancelled")
        assert "do not apply it" in late.json()["detail"]
    assert (await refund_state(client, platform, refund_id))["status"] == "refund_failed"
    assert (await full_balances(client, platform, merchant))["frozen_minor"] == 4342

    # ops settle it offline: the freeze is reversed, 31400 - 4342 = 27058 available
    settled = await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/{refund_id}/resolution",
        json={"how": "refunded_offline", "reason": "平台未入账，银行转账退款", "reference": "TRF-BC-01"},
        headers=bearer(platform.keys["ops"]),
    )
    assert settled.status_code == 200, settled.text
    assert (settled.json()["status"], settled.json()["refunded_via"]) == ("completed", "offline")
    after = await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == 0)
    assert after["balances_minor"]["available"] == 31400 - 4342
    late = await answer_credit(client, platform, the_credit(refund))
    assert (late.status_code, problem_type(late)) == (409, "credit-cancelled")
    assert await sla_entry(client, platform, refund_id) is None
    assert [e for e in await sandbox_executions(client, platform) if e["request_id"].startswith(refund_id)] == []


async def test_an_answer_that_comes_first_wins_even_late_and_the_cancellation_is_refused(
    platform: Platform, client: httpx.AsyncClient, platform_endpoint: PlatformEndpoint
) -> None:
    merchant, order = await money_available(client, platform, "bc-late")
    refund = await approved_refund(client, platform, merchant, order, {"B": 1})
    await platform.advance_clock(PAST_THE_ANSWER_S)

    async def overdue() -> bool:
        entry = await sla_entry(client, platform, refund["refund_id"])
        return entry is not None and entry["breaching"]

    await eventually(overdue, timeout_s=30)
    answered = await answer_credit(client, platform, the_credit(refund))
    assert answered.status_code == 200, answered.text
    assert (answered.json()["status"], answered.json()["refunded_via"]) == ("completed", "platform_balance")
    refused = await cancel(client, platform, refund)
    assert (refused.status_code, problem_type(refused)) == (409, "credit-already-answered")
    state = await refund_state(client, platform, refund["refund_id"])
    assert (state["status"], state["balance_credit"]["state"]) == ("completed", "credited")
    # the freeze of 4342 reversed once: 31400 - 4342 = 27058 available
    after = await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == 0)
    assert after["balances_minor"]["available"] == 27058


async def test_when_the_answer_and_the_cancellation_race_exactly_one_wins_and_the_buyer_is_paid_at_most_once(
    platform: Platform, client: httpx.AsyncClient, platform_endpoint: PlatformEndpoint
) -> None:
    """Three overdue credits, each answered and cancelled at the same moment."""
    merchant, order = await money_available(client, platform, "bc-race")
    refunds = [await approved_refund(client, platform, merchant, order, {"A": 1}) for _ in range(3)]
    await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == 3 * 8685)  # 26055
    await platform.advance_clock(PAST_THE_ANSWER_S)

    async def all_overdue() -> bool:
        entries = [await sla_entry(client, platform, r["refund_id"]) for r in refunds]
        return all(e is not None and e["breaching"] for e in entries)

    await eventually(all_overdue, timeout_s=30)
    answers = await asyncio.gather(
        *(
            call
            for r in refunds
            for call in (answer_credit(client, platform, the_credit(r)), cancel(client, platform, r))
        )
    )
    credited = 0
    for refund, answer, cancellation in zip(refunds, answers[0::2], answers[1::2], strict=True):
        state = await refund_state(client, platform, refund["refund_id"])
        if answer.status_code == 200:  # the platform's answer came first
            assert (cancellation.status_code, problem_type(cancellation)) == (409, "credit-already-answered")
            assert (state["status"], state["balance_credit"]["state"]) == ("completed", "credited")
            credited += 1
        else:
            assert (answer.status_code, problem_type(answer)) == (409, "credit-cancelled")
            assert cancellation.status_code == 200, cancellation.text
            assert (state["status"], state["balance_credit"]["state"]) == ("refund_failed", "cancelled")
        assert [h["action"] for h in state["history"]].count("completed") == (1 if answer.status_code == 200 else 0)
    # each credited refund reversed once, in completion order; each cancelled one still frozen for ops
    reversed_minor = [0, 8685, 8685 + 8686, 8685 + 8686 + 8687][credited]
    still_frozen = (3 - credited) * 8685
    final = await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == still_frozen)
    assert final["balances_minor"]["available"] == 31400 - reversed_minor - still_frozen
    settlement = await wait_for_settlement(
        client,
        platform,
        merchant,
        order["order_id"],
        lambda s: sum(1 for tx in s["transactions"] if tx["kind"] == "refund") == credited,
    )
    assert sum(1 for tx in settlement["transactions"] if tx["kind"] == "refund") == credited


async def test_a_credit_asked_while_the_platform_has_no_endpoint_is_kept_and_sent_once_it_sets_one(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    settlement = platform.url("settlement-svc")
    for key in ("merchant_a", "ops"):
        crossing = await client.delete(f"{settlement}/v1/platform/webhook-endpoint", headers=bearer(platform.keys[key]))
        assert crossing.status_code == 403, crossing.text
    removed = await client.delete(
        f"{settlement}/v1/platform/webhook-endpoint", headers=bearer(platform.keys["platform"])
    )
    assert removed.status_code in (204, 404), removed.text  # 404: no test set one before this
    assert (
        await client.delete(f"{settlement}/v1/platform/webhook-endpoint", headers=bearer(platform.keys["platform"]))
    ).status_code == 404

    merchant = await merchant_with_policy(platform, client, "bc-no-endpoint")
    order = await signed_off(client, platform, merchant, channel="balance")
    refund = await approved_refund(client, platform, merchant, order, {"B": 1})
    credit_id = refund["balance_credit"]["credit_id"]

    async def kept() -> dict[str, Any] | None:
        log = await every_item(client, f"{settlement}/v1/platform/notifications", bearer(platform.keys["ops"]))
        return next((n for n in log if n["payload"]["data"].get("credit_id") == credit_id), None)

    waiting = await eventually(kept, timeout_s=30)
    assert waiting["awaiting_endpoint_since"] is not None
    assert (waiting["delivered_at"], waiting["gave_up_at"], waiting["attempts"]) == (None, None, [])

    receiver = CallbackReceiver()
    await receiver.start()
    try:
        endpoint = await set_platform_endpoint(platform, receiver)
        [asked] = await notifications_of(endpoint, refund["refund_id"], "refund.balance_credit_requested")
        assert (asked["credit_id"], asked["amount_minor"], asked["buyer_ref"]) == (credit_id, 4285, "buyer-refunds")

        async def delivered() -> dict[str, Any] | None:
            found = await kept()
            return found if found is not None and found["delivered_at"] is not None else None

        sent = await eventually(delivered, timeout_s=30)
        assert sent["awaiting_endpoint_since"] is None
        assert [a["status_code"] for a in sent["attempts"]] == [204]
        # the platform answers as asked: the refund completes
        answered = await answer_credit(client, platform, asked)
        assert answered.status_code == 200, answered.text
        assert answered.json()["status"] == "completed"
    finally:
        await receiver.close()
