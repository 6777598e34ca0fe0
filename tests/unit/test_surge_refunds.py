"""The surge's refunds: every payment channel drawn for refunded orders too, the next step the
driver takes for a refund that is not final, and the checker's findings of refunds left failed
or open and of money left frozen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from surge.check import frozen_left, unsettled_refunds
from surge.driver import CHANNELS, Driver, Merchant, Options, refund_next_step
from surge.platform import PlatformHandle


@pytest.fixture
async def driver() -> AsyncIterator[Driver]:
    handle = PlatformHandle(urls={}, database_urls={}, order_env={}, kafka_bootstrap="127.0.0.1:1")
    made = Driver(handle, Options(orders=400, seed=7))  # nothing is contacted
    made.counters.log_path = None
    made.merchants = {f"m{n}": Merchant(f"m{n}", "key", 500, {}, silent=n == 1, hot=n == 0) for n in range(3)}
    yield made
    await made.close_clients()
    await made.lag_probe.close()


def test_every_channel_order_svc_accepts_is_drawn_for_refunded_and_cancelled_orders(driver: Driver) -> None:
    driver.plan_orders()
    refunded = [o for o in driver.orders if o.refund is not None or o.fate != "ship"]
    assert {o.body["payment"]["channel"] for o in refunded} == set(CHANNELS)
    assert "balance" in CHANNELS
    balance = [o for o in refunded if o.body["payment"]["channel"] == "balance"]
    # some balance credits are declined (ops settle them offline), most are credited
    assert 0 < sum(o.declines_credit for o in balance) < len(balance)


def refund(status: str, **fields: Any) -> dict[str, Any]:
    return {"refund_id": "RF-1", "status": status, "waiting_for": None, **fields}


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (refund("refunding", waiting_for="platform", balance_credit={"credit_id": "RF-1-1"}), "answer_credit"),
        (refund("refunding"), None),  # the provider is paying it
        (refund("refund_failed", waiting_for="ops", failure_permanent=False), "retry"),
        (refund("refund_failed", waiting_for="ops", failure_permanent=True), "resolve_offline"),
        (refund("completed"), None),
        (refund("requested", waiting_for="merchant"), None),
    ],
)
def test_the_driver_answers_credits_retries_failures_and_settles_refusals(
    state: dict[str, Any], step: str | None
) -> None:
    assert refund_next_step(state) == step


def test_the_checker_finds_failed_and_open_refunds_of_the_run_only() -> None:
    sla = [
        {
            "refund_id": "RF-a",
            "merchant_id": "m1",
            "status": "refund_failed",
            "waiting_for": "ops",
            "failure_reason": "x",
        },
        {"refund_id": "RF-b", "merchant_id": "m1", "status": "refunding", "waiting_for": "platform"},
        {"refund_id": "RF-c", "merchant_id": "other-run", "status": "refund_failed", "waiting_for": "ops"},
    ]
    found = unsettled_refunds(sla, ["m1", "m2"])
    assert found == {
        "failed": ["RF-a: failed (x), never settled"],
        "open": ["RF-b: still refunding, waiting for platform"],
    }
    assert unsettled_refunds([], ["m1"]) == {"failed": [], "open": []}


def test_the_checker_finds_money_left_frozen() -> None:
    balances = {"m1": {"frozen_minor": 0}, "m2": {"frozen_minor": 4342}}
    assert frozen_left(balances) == ["m2: 4342 frozen"]
    assert frozen_left({"m1": {"frozen_minor": 0}}) == []
