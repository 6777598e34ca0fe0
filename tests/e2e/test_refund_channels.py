"""Every payment channel order-svc accepts is refundable end to end, on the real platform: the
refund sandbox pays back wechat_pay, alipay, unionpay and bank_card; a balance (余额) refund is a
credit the platform applies — settlement notifies the platform's webhook endpoint (a real HTTP
receiver here), the platform acknowledges over HTTP, the refund completes and the ledger books it
against platform:balance_clearing. A refund that fails for good is settled by ops another way
and nothing stays frozen.

The order is test_refunds.py's (figures worked there by hand): line A 3 x 100.00 tea, line B
1 x 50.00 books, merchant 满减 300-30, platform 20.00 off, shipping 10.00; the buyer paid 31000.
  line A paid 25715 (units 8572, 8572, 8571), subsidy 1714 (572, 571, 571), base 27429 (9143 each)
  line B paid 4285, subsidy 286, base 4571.
Policy: hold 7 days, commission 5%.
  sign-off: clearing -31000 (30000 goods + 1000 shipping), subsidy -2000 (1714 + 286),
  commission 32000 * 5% = +1600, merchant pending 31000 + 2000 - 1600 = +31400.
  refund only, B x 1 (damaged, part of the order: no shipping): R 4285, S 286,
  C 4571 * 5% = 228.55 -> 229; the merchant gives back 4285 + 286 - 229 = 4342.
  return and refund, A x 1 (quality, the line's last unit): R 8571, S 571,
  C 9143 * 5% = 457.15 -> 457; the merchant gives back 8571 + 571 - 457 = 8685.
  left for the merchant: 31400 - 4342 - 8685 = 18373.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from logistics_support import sf_number
from platform_support import Platform, bearer, every_item
from standardwebhooks import Webhook
from support import eventually
from test_refunds import (
    accept_kuaidi100,
    deliver_return,
    refund_state,
    request_body,
    request_refund,
    sandbox_executions,
    signed_off,
    until_status,
)
from test_settlement_refunds import (
    HOLD_S,
    full_balances,
    ledger_is_sound,
    merchant_with_policy,
    order_sums,
    postings,
    wait_for_balances,
    wait_for_settlement,
)
from webhook_receiver import CallbackReceiver, ReceivedCallback

pytestmark = pytest.mark.infra

CHANNELS = ("wechat_pay", "alipay", "unionpay", "bank_card", "balance")
NET_AFTER_BOTH_MINOR = 31400 - 4342 - 8685  # 18373


@dataclass
class PlatformEndpoint:
    """The marketplace backend's webhook endpoint, as a real HTTP receiver."""

    receiver: CallbackReceiver
    secret: str

    def credit_request(self, refund_id: str) -> ReceivedCallback | None:
        for callback in self.receiver.acknowledged():
            if callback.payload["data"]["refund_id"] == refund_id:
                return callback
        return None


@pytest.fixture(scope="module")
async def platform_endpoint(platform: Platform) -> AsyncIterator[PlatformEndpoint]:
    receiver = CallbackReceiver()
    await receiver.start()
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            await accept_kuaidi100(client, platform)
            endpoint = await client.put(
                f"{platform.url('settlement-svc')}/v1/platform/webhook-endpoint",
                json={"url": receiver.url("/platform/notifications")},
                headers=bearer(platform.keys["platform"]),
            )
            assert endpoint.status_code == 200, endpoint.text
        yield PlatformEndpoint(receiver, endpoint.json()["secret"])
    finally:
        await receiver.close()


async def credit_request(endpoint: PlatformEndpoint, refund_id: str) -> dict[str, Any]:
    """The platform's notification for the refund, its signature checked as a receiver must."""
    callback = await eventually(lambda: _found(endpoint, refund_id), timeout_s=30)
    payload = Webhook(endpoint.secret).verify(callback.body, callback.headers)
    assert payload["type"] == "refund.balance_credit_requested"
    return dict(payload["data"])


async def _found(endpoint: PlatformEndpoint, refund_id: str) -> ReceivedCallback | None:
    return endpoint.credit_request(refund_id)


async def answer_credit(
    client: httpx.AsyncClient,
    platform: Platform,
    request: dict[str, Any],
    *,
    outcome: str = "credited",
    key: str = "platform",
    **changes: Any,
) -> httpx.Response:
    body: dict[str, Any] = {
        "credit_id": request["credit_id"],
        "buyer_ref": request["buyer_ref"],
        "amount_minor": request["amount_minor"],
        "outcome": outcome,
    }
    body |= (
        {"credit_reference": f"BAL-{request['credit_id']}"} if outcome == "credited" else {"reason": "余额账户已注销"}
    )
    body |= changes
    return await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/{request['refund_id']}/balance-credit",
        json=body,
        headers=bearer(platform.keys[key]) if key in platform.keys else {"Authorization": f"Bearer {key}"},
    )


async def refund_paid(
    client: httpx.AsyncClient, platform: Platform, endpoint: PlatformEndpoint, refund_id: str, channel: str
) -> dict[str, Any]:
    """Completed: by the sandbox, or for balance by the platform acknowledging the credit."""
    if channel == "balance":
        request = await credit_request(endpoint, refund_id)
        acknowledged = await answer_credit(client, platform, request)
        assert acknowledged.status_code == 200, acknowledged.text
    return await until_status(client, platform, refund_id, "completed")


@dataclass
class ChannelRun:
    channel: str
    merchant: dict[str, str] = field(default_factory=dict)
    order: dict[str, Any] = field(default_factory=dict)
    refund_only: dict[str, Any] = field(default_factory=dict)
    returned: dict[str, Any] = field(default_factory=dict)
    settlement: dict[str, Any] = field(default_factory=dict)
    balances: dict[str, Any] = field(default_factory=dict)
    failure: BaseException | None = None


async def refund_both_ways(
    client: httpx.AsyncClient, platform: Platform, endpoint: PlatformEndpoint, run: ChannelRun
) -> None:
    """A signed-off order paid through ``run.channel``: a refund of line B, and a return of one
    unit of A tracked back by logistics and inspected; both completed while the hold is pending."""
    run.merchant = await merchant_with_policy(platform, client, f"ch-{run.channel.replace('_', '-')}")
    merchant = run.merchant
    run.order = await signed_off(client, platform, merchant, channel=run.channel)
    await wait_for_settlement(client, platform, merchant, run.order["order_id"], lambda s: bool(s["holds"]))
    base = f"{platform.url('refund-svc')}/v1/refunds"

    only = await request_refund(client, platform, request_body(run.order, "refund_only", "damaged", {"B": 1}))
    assert only.status_code == 201, only.text
    assert (
        await client.post(f"{base}/{only.json()['refund_id']}/approve", headers=bearer(merchant))
    ).status_code == 200
    run.refund_only = await refund_paid(client, platform, endpoint, only.json()["refund_id"], run.channel)

    returned = await request_refund(client, platform, request_body(run.order, "return_and_refund", "quality", {"A": 1}))
    assert returned.status_code == 201, returned.text
    refund_id = returned.json()["refund_id"]
    assert (await client.post(f"{base}/{refund_id}/approve", headers=bearer(merchant))).status_code == 200
    tracking_number = sf_number()
    shipped = await client.post(
        f"{base}/{refund_id}/return-shipment",
        json={"carrier_code": "SF", "tracking_number": tracking_number},
        headers=bearer(platform.keys["platform"]),
    )
    assert shipped.status_code == 200, shipped.text
    await deliver_return(client, platform, tracking_number)
    await until_status(client, platform, refund_id, "awaiting_inspection")
    inspected = await client.post(
        f"{base}/{refund_id}/inspection", json={"passed": True, "reason": "完好"}, headers=bearer(merchant)
    )
    assert inspected.status_code == 200, inspected.text
    run.returned = await refund_paid(client, platform, endpoint, refund_id, run.channel)
    await wait_for_settlement(
        client,
        platform,
        merchant,
        run.order["order_id"],
        lambda s: len(s["refunds"]) == 2 and all(r["status"] == "completed" for r in s["refunds"]),
    )


@pytest.fixture(scope="module")
async def channel_runs(platform: Platform, platform_endpoint: PlatformEndpoint) -> dict[str, ChannelRun]:
    """Every channel's order and refunds at once (one failing channel fails only its own tests),
    then one move of the clock past the hold releases what is left of each."""
    runs = {channel: ChannelRun(channel) for channel in CHANNELS}
    async with httpx.AsyncClient(timeout=10) as client:

        async def one(run: ChannelRun) -> None:
            try:
                await refund_both_ways(client, platform, platform_endpoint, run)
            except Exception as error:  # kept for that channel's tests to raise
                run.failure = error

        await asyncio.gather(*(one(run) for run in runs.values()))
        await platform.advance_clock(HOLD_S)
        for run in runs.values():
            if run.failure is not None:
                continue
            try:
                run.balances = await wait_for_balances(
                    client, platform, run.merchant, lambda b: b["balances_minor"]["pending"] == 0
                )
                run.settlement = await wait_for_settlement(
                    client,
                    platform,
                    run.merchant,
                    run.order["order_id"],
                    lambda s: [tx["kind"] for tx in s["transactions"]][-1:] == ["hold_release"],
                )
            except Exception as error:  # kept for that channel's tests to raise
                run.failure = error
    return runs


def finished(runs: dict[str, ChannelRun], channel: str) -> ChannelRun:
    run = runs[channel]
    if run.failure is not None:
        raise run.failure
    return run


@pytest.mark.parametrize("channel", CHANNELS)
async def test_refund_only_and_return_and_refund_complete_and_the_merchant_keeps_the_worked_figures(
    channel_runs: dict[str, ChannelRun], channel: str
) -> None:
    run = finished(channel_runs, channel)
    via = "platform_balance" if channel == "balance" else "original_channel"
    # refund only of line B: 4285 back to the buyer; the return of A's last unit: 8571
    assert (run.refund_only["amounts"]["refund_minor"], run.refund_only["refunded_via"]) == (4285, via)
    assert (run.returned["amounts"]["refund_minor"], run.returned["refunded_via"]) == (8571, via)
    assert run.balances["balances_minor"] == {
        "pending": 0,
        "available": NET_AFTER_BOTH_MINOR,  # 31400 - 4342 - 8685
        "reserved": 0,
        "in_payout": 0,
        "paid_out": 0,
        "negative_balance": 0,
    }
    assert run.balances["frozen_minor"] == 0


@pytest.mark.parametrize("channel", CHANNELS)
async def test_the_ledger_books_each_refund_where_the_buyer_got_the_money(
    platform: Platform, channel_runs: dict[str, ChannelRun], channel: str
) -> None:
    run = finished(channel_runs, channel)
    refunded_to = "platform:balance_clearing" if channel == "balance" else "platform:refunds"
    pending = f"merchant:{run.merchant['merchant_id']}:pending"
    sign_off, refund_b, refund_a, release = run.settlement["transactions"]
    assert [sign_off["kind"], refund_b["kind"], refund_a["kind"], release["kind"]] == [
        "sign_off",
        "refund",
        "refund",
        "hold_release",
    ]
    assert postings(sign_off) == {
        "platform:clearing": -31000,  # 30000 goods + 1000 shipping
        "platform:subsidy": -2000,  # 1714 + 286, the platform's coupon
        "platform:commission": 1600,  # 32000 * 5%
        pending: 31400,  # 31000 + 2000 - 1600
    }
    assert postings(refund_b) == {
        refunded_to: 4285,
        "platform:subsidy": 286,
        "platform:commission": -229,  # 4571 * 5% = 228.55 -> 229
        pending: -4342,  # 4285 + 286 - 229
    }
    assert postings(refund_a) == {
        refunded_to: 8571,
        "platform:subsidy": 571,
        "platform:commission": -457,  # 9143 * 5% = 457.15 -> 457
        pending: -8685,  # 8571 + 571 - 457
    }
    # conservation: paid 31000 + subsidy (2000 - 857) = refunded 12856 + commission 914 + net 18373
    assert order_sums(run.settlement) == {
        "platform:clearing": -31000,
        "platform:subsidy": -2000 + 286 + 571,
        "platform:commission": 1600 - 229 - 457,
        refunded_to: 4285 + 8571,
        "merchant": NET_AFTER_BOTH_MINOR,
    }
    assert 31000 + 1143 == 12856 + 914 + 18373
    async with httpx.AsyncClient(timeout=10) as client:
        await ledger_is_sound(client, platform)
        executions = [
            (e["request_id"], e["amount_minor"])
            for e in await sandbox_executions(client, platform)
            if e["request_id"].rsplit("-", 1)[0] in (run.refund_only["refund_id"], run.returned["refund_id"])
        ]
    if channel == "balance":
        assert executions == []  # the provider never sees a balance refund: the platform credited it
    else:
        assert sorted(executions) == sorted(
            [(f"{run.refund_only['refund_id']}-1", 4285), (f"{run.returned['refund_id']}-1", 8571)]
        )


async def test_the_platform_is_asked_to_credit_the_buyer_and_its_acknowledgement_is_idempotent(
    platform: Platform,
    client: httpx.AsyncClient,
    channel_runs: dict[str, ChannelRun],
    platform_endpoint: PlatformEndpoint,
) -> None:
    run = finished(channel_runs, "balance")
    request = await credit_request(platform_endpoint, run.refund_only["refund_id"])
    answer_by = datetime.fromisoformat(request.pop("answer_by"))
    assert answer_by == datetime.fromisoformat(run.refund_only["balance_credit"]["requested_at"]) + timedelta(hours=24)
    assert request.pop("reminder") == 0  # answered in time: never reminded
    assert request == {
        "refund_id": run.refund_only["refund_id"],
        "order_id": run.order["order_id"],
        "merchant_id": run.merchant["merchant_id"],
        "credit_id": f"{run.refund_only['refund_id']}-1",
        "buyer_ref": "buyer-refunds",
        "amount_minor": 4285,
        "currency": "CNY",
        "acknowledge": f"POST /v1/refunds/{run.refund_only['refund_id']}/balance-credit (refund-svc)",
    }
    assert run.refund_only["balance_credit"]["credit_reference"] == f"BAL-{request['credit_id']}"
    assert run.refund_only["provider_reference"] == f"BAL-{request['credit_id']}"
    again = await answer_credit(client, platform, request)
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "completed"
    other = await answer_credit(client, platform, request, credit_reference="BAL-other")
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")
    state = await refund_state(client, platform, run.refund_only["refund_id"])
    assert [h["action"] for h in state["history"]].count("completed") == 1


async def test_a_refund_that_fails_for_good_is_settled_by_ops_and_nothing_stays_frozen(
    platform: Platform, client: httpx.AsyncClient, platform_endpoint: PlatformEndpoint
) -> None:
    """Paid from the balance, the order's money released (available 31400). Three refunds the
    platform declines to credit (the buyer's balance account is closed): a retry is refused;
    ops settle one offline, one to the buyer's alipay account, and close the third. Each
    freeze is reversed or released: 31400 - 4342 - 8685 = 18373 available, nothing frozen."""
    merchant = await merchant_with_policy(platform, client, "ch-stuck")
    mid = merchant["merchant_id"]
    order = await signed_off(client, platform, merchant, channel="balance")
    await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: bool(s["holds"]))
    await platform.advance_clock(HOLD_S)
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] == 31400)
    base = f"{platform.url('refund-svc')}/v1/refunds"

    async def declined(units: dict[str, int], frozen_minor: int) -> dict[str, Any]:
        opened = await request_refund(client, platform, request_body(order, "refund_only", "damaged", units))
        assert opened.status_code == 201, opened.text
        refund_id = opened.json()["refund_id"]
        await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == frozen_minor)
        assert (await client.post(f"{base}/{refund_id}/approve", headers=bearer(merchant))).status_code == 200
        answer = await answer_credit(
            client, platform, await credit_request(platform_endpoint, refund_id), outcome="declined"
        )
        assert answer.status_code == 200, answer.text
        failed = answer.json()
        assert (failed["status"], failed["failure_permanent"], failed["waiting_for"]) == ("refund_failed", True, "ops")
        return failed

    # 1. line B (estimate 4342 frozen): crossing boundaries and bad input first, then offline
    first = await declined({"B": 1}, 4342)
    refund_id = first["refund_id"]
    request = await credit_request(platform_endpoint, refund_id)
    sla = await every_item(client, f"{platform.url('refund-svc')}/v1/refund-sla", bearer(platform.keys["ops"]))
    [entry] = [r for r in sla if r["refund_id"] == refund_id]
    assert (entry["status"], entry["waiting_for"], entry["breaching"]) == ("refund_failed", "ops", True)
    retried = await client.post(f"{base}/{refund_id}/retry", headers=bearer(platform.keys["ops"]))
    assert retried.status_code == 409, retried.text
    assert "resolution" in retried.json()["detail"]
    offline = {"how": "refunded_offline", "reason": "买家余额账户已注销，银行转账退款", "reference": "TRF-20261127-01"}
    for key in ("platform", "merchant_b"):
        crossing = await client.post(f"{base}/{refund_id}/resolution", json=offline, headers=bearer(platform.keys[key]))
        assert crossing.status_code == 403, crossing.text
    assert (
        await client.post(f"{base}/{refund_id}/resolution", json=offline, headers=bearer(merchant))
    ).status_code == 403
    # the merchant whose refund it is, another merchant and ops cannot answer the platform's credit
    for key in (merchant["api_key"], platform.keys["merchant_b"]["api_key"], platform.keys["ops"]["api_key"]):
        assert (await answer_credit(client, platform, request, key=key)).status_code == 403
    for bad, field_name in (
        ({"how": "refunded_offline", "reason": "转账"}, "reference"),
        ({"how": "other_channel", "reason": "买家提供", "channel": "alipay"}, "account"),
        ({"how": "other_channel", "reason": "买家提供", "channel": "paypal", "account": "x1"}, "channel"),
        ({"how": "refund_twice", "reason": "?"}, "how"),
    ):
        refused = await client.post(f"{base}/{refund_id}/resolution", json=bad, headers=bearer(platform.keys["ops"]))
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert field_name in refused.text
    assert (await refund_state(client, platform, refund_id))["status"] == "refund_failed"
    assert (await full_balances(client, platform, merchant))["frozen_minor"] == 4342
    settled = await client.post(f"{base}/{refund_id}/resolution", json=offline, headers=bearer(platform.keys["ops"]))
    assert settled.status_code == 200, settled.text
    done = settled.json()
    assert (done["status"], done["refunded_via"], done["provider_reference"]) == (
        "completed",
        "offline",
        "offline:TRF-20261127-01",
    )
    assert (done["resolution"]["by"], done["resolution"]["reason"]) == (
        platform.keys["ops"]["key_id"],
        offline["reason"],
    )
    after_first = await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == 0)
    assert after_first["balances_minor"]["available"] == 31400 - 4342  # 27058: the freeze reversed

    # 2. A's last unit (estimate 8571 + 571 - 457 = 8685 frozen): the buyer gives an alipay account
    second = await declined({"A": 1}, 8685)
    resent = await client.post(
        f"{base}/{second['refund_id']}/resolution",
        json={"how": "other_channel", "reason": "买家提供支付宝账户", "channel": "alipay", "account": "buyer42@alipay"},
        headers=bearer(platform.keys["ops"]),
    )
    assert resent.status_code == 200, resent.text
    assert (resent.json()["status"], resent.json()["attempt"]) == ("refunding", 2)
    paid = await until_status(client, platform, second["refund_id"], "completed")
    assert paid["refunded_via"] == "other_channel"
    executions = [
        (e["request_id"], e["amount_minor"])
        for e in await sandbox_executions(client, platform)
        if e["request_id"].startswith(second["refund_id"])
    ]
    assert executions == [(f"{second['refund_id']}-2", 8571)]

    # 3. A's middle unit (8572 + 571 - 457 = 8686 frozen): the buyer gives up; ops close it
    third = await declined({"A": 1}, 8686)
    closed = await client.post(
        f"{base}/{third['refund_id']}/resolution",
        json={"how": "closed", "reason": "买家撤回退款申请"},
        headers=bearer(platform.keys["ops"]),
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "closed_by_ops")

    final = await wait_for_balances(client, platform, merchant, lambda b: b["frozen_minor"] == 0)
    assert final["balances_minor"]["available"] == NET_AFTER_BOTH_MINOR  # 31400 - 4342 - 8685
    assert final["balances_minor"]["pending"] == 0
    sla = await every_item(client, f"{platform.url('refund-svc')}/v1/refund-sla", bearer(platform.keys["ops"]))
    assert [r for r in sla if r["merchant_id"] == mid] == []

    settlement = await wait_for_settlement(
        client, platform, merchant, order["order_id"], lambda s: all(r["status"] != "open" for r in s["refunds"])
    )
    available, frozen = f"merchant:{mid}:available", f"merchant:{mid}:frozen"
    by_kind = [(tx["kind"], postings(tx)) for tx in settlement["transactions"]]
    assert by_kind[2:] == [
        ("refund_freeze", {available: -4342, frozen: 4342}),
        # settled offline by ops: money left the platform, through platform:refunds
        ("refund", {"platform:refunds": 4285, "platform:subsidy": 286, "platform:commission": -229, frozen: -4342}),
        ("refund_freeze", {available: -8685, frozen: 8685}),
        ("refund", {"platform:refunds": 8571, "platform:subsidy": 571, "platform:commission": -457, frozen: -8685}),
        ("refund_freeze", {available: -8686, frozen: 8686}),
        ("refund_unfreeze", {available: 8686, frozen: -8686}),
    ]
    await ledger_is_sound(client, platform)
