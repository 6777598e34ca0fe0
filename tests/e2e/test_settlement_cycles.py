"""Weekly and monthly settlement cycles end to end (issue 19): ops set the cycle through the policy
API, orders go through the platform (placed, shipping confirmed, dispatched, the buyer's confirmed
receipt posted to logistics-svc), and the holds are released on the cycle's day by the services'
clock, moved by the test-clock endpoints, never before it.

Before each "not yet" the test waits until settlement-svc has no timer due by its clock and not
fired (``/_test/timers/due``): a release due too early would have happened by then, so the
balance still pending says the release is not due, not that it is late.

Policies: hold 2 days, commission 5% on every category. Orders, merchant net worked by hand:
- worked example (tests/unit/order/test_pricing.py): buyer paid 353.49 = 35349 (shipping 1000 in
  it), platform 满减 subsidy 3000; commission base (lines less the merchant's coupon)
  23040 + 5310 + 8999 = 37349, 5% = 1867.45 -> 1867; net 35349 + 3000 - 1867 = 36482.
- pair: 2 x 50.00 = 10000, commission 500, net 9500.
- cups: 3 x 33.33 = 9999 + shipping 10.00 = 10999 paid, commission 9999 * 5% = 499.95 -> 500,
  net 10999 - 500 = 10499.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx
import pytest
from logistics_support import service_now
from order_support import simple_order, worked_example_order
from platform_support import Platform
from support import eventually
from test_recon_reports import confirm_receipt, confirmed, dispatch
from test_settlement_refunds import (
    cups_order,
    full_balances,
    ledger_is_sound,
    merchant_with_policy,
    wait_for_balances,
    wait_for_settlement,
)

pytestmark = pytest.mark.infra

BEIJING = timezone(timedelta(hours=8))  # a cycle's day starts at 00:00 China time
NO_MONEY = {"pending": 0, "available": 0, "reserved": 0, "in_payout": 0, "paid_out": 0, "negative_balance": 0}
WORKED_NET, PAIR_NET, CUPS_NET = 36482, 9500, 10499


async def beijing_now(client: httpx.AsyncClient, platform: Platform) -> datetime:
    return (await service_now(client, platform.url("settlement-svc"))).astimezone(BEIJING)


async def move_clock_to(client: httpx.AsyncClient, platform: Platform, moment: datetime) -> None:
    """Every service's clock moved forward to ``moment`` (a second or so past it)."""
    now = await service_now(client, platform.url("settlement-svc"))
    assert moment > now, (moment, now)
    await platform.advance_clock(math.ceil((moment - now).total_seconds()))


async def settlement_timers_all_fired(client: httpx.AsyncClient, platform: Platform) -> None:
    """Wait until no settlement-svc timer due by its clock is left unfired."""

    async def none_due() -> bool:
        response = await client.get(f"{platform.url('settlement-svc')}/_test/timers/due")
        assert response.status_code == 200, response.text
        return response.json()["due"] == 0

    await eventually(none_due, timeout_s=30)


async def released_at_the_boundary(
    client: httpx.AsyncClient,
    platform: Platform,
    merchant: dict[str, str],
    boundary: datetime,
    *,
    before: dict[str, int],
    after: dict[str, int],
) -> None:
    """A minute before ``boundary``, once every settlement timer due has fired, the merchant's
    balances are still ``before``; a minute after it they become exactly ``after`` (waited for
    whole: holds due at the same time may be released in separate transactions)."""
    await move_clock_to(client, platform, boundary - timedelta(minutes=1))
    await settlement_timers_all_fired(client, platform)
    assert (await full_balances(client, platform, merchant))["balances_minor"] == before
    await platform.advance_clock(120)
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"] == after)


async def signed_off_and_held(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], order: dict[str, Any]
) -> dict[str, Any]:
    """``order`` through the platform up to the buyer's confirmation of receipt; its one hold."""
    await confirmed(client, platform, merchant, order)
    await dispatch(
        client, platform, merchant, order["order_id"], {line["line_id"]: line["quantity"] for line in order["lines"]}
    )
    await confirm_receipt(client, platform, order["order_id"])
    booked = await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: bool(s["holds"]))
    [hold] = booked["holds"]
    return dict(hold)


def at_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), BEIJING)


def released_on(hold: dict[str, Any]) -> date:
    """The China-time day a released hold was released on."""
    return datetime.fromisoformat(hold["released_at"]).astimezone(BEIJING).date()


async def hold_now(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], order_id: str
) -> dict[str, Any]:
    settlement = await wait_for_settlement(client, platform, merchant, order_id, lambda s: True)
    [hold] = settlement["holds"]
    return dict(hold)


async def test_a_weekly_cycle_releases_on_the_first_monday_after_the_hold_and_not_a_minute_before(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(
        platform, client, "cycle-weekly", {"hold_days": 2, "cycle": "weekly", "default_commission_bp": 500}
    )
    # To a Tuesday 10:00 in Beijing (the next one on the services' clock).
    now = await beijing_now(client, platform)
    tuesday = now.date() + timedelta(days=(1 - now.weekday()) % 7)
    if at_midnight(tuesday) + timedelta(hours=10) <= now + timedelta(minutes=1):
        tuesday += timedelta(days=7)
    monday, next_monday = tuesday + timedelta(days=6), tuesday + timedelta(days=13)
    await move_clock_to(client, platform, at_midnight(tuesday) + timedelta(hours=10))

    tuesdays = worked_example_order(merchant["merchant_id"])
    fridays = simple_order(merchant["merchant_id"], unit_price="50.00", quantity=2)
    saturdays = cups_order(merchant["merchant_id"])
    # Tuesday: + 2 days = Thursday 10:00 -> the Monday after, 00:00
    holds = [await signed_off_and_held(client, platform, merchant, tuesdays)]
    # Friday: + 2 days = Sunday 10:00 -> the same Monday
    await platform.advance_clock(3 * 86400)
    holds.append(await signed_off_and_held(client, platform, merchant, fridays))
    # Saturday: + 2 days = Monday 10:00, past that Monday's 00:00 -> the Monday a week later
    await platform.advance_clock(86400)
    holds.append(await signed_off_and_held(client, platform, merchant, saturdays))

    held = [(hold["amount_minor"], datetime.fromisoformat(hold["release_at"])) for hold in holds]
    assert held == [
        (WORKED_NET, at_midnight(monday)),
        (PAIR_NET, at_midnight(monday)),
        (CUPS_NET, at_midnight(next_monday)),
    ]
    # 36482 + 9500 + 10499 = 56481 pending
    assert (await full_balances(client, platform, merchant))["balances_minor"] == {**NO_MONEY, "pending": 56481}

    # Sunday 23:59: Thursday's and Sunday's hold ends have passed, the cycle's day has not. Monday
    # 00:01: Tuesday's and Friday's orders, 36482 + 9500 = 45982, available; 10499 waits a week.
    await released_at_the_boundary(
        client,
        platform,
        merchant,
        at_midnight(monday),
        before={**NO_MONEY, "pending": 56481},
        after={**NO_MONEY, "pending": 10499, "available": 45982},
    )
    for order in (tuesdays, fridays):
        assert released_on(await hold_now(client, platform, merchant, order["order_id"])) == monday

    # the next Sunday 23:59: Saturday's order still pending; Monday 00:01: all 56481 available
    await released_at_the_boundary(
        client,
        platform,
        merchant,
        at_midnight(next_monday),
        before={**NO_MONEY, "pending": 10499, "available": 45982},
        after={**NO_MONEY, "available": 56481},
    )
    assert released_on(await hold_now(client, platform, merchant, saturdays["order_id"])) == next_monday
    await ledger_is_sound(client, platform)


def first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


async def test_a_monthly_cycle_releases_on_the_first_of_the_month_after_the_hold_and_not_a_minute_before(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(
        platform, client, "cycle-monthly", {"hold_days": 2, "cycle": "monthly", "default_commission_bp": 500}
    )
    # To the 20th of a month, 10:00 in Beijing (the next one on the services' clock).
    now = await beijing_now(client, platform)
    twentieth = now.date().replace(day=20)
    if at_midnight(twentieth) + timedelta(hours=10) <= now + timedelta(minutes=1):
        twentieth = first_of_next_month(twentieth).replace(day=20)
    first = first_of_next_month(twentieth)
    last_day = first - timedelta(days=1)
    first_after = first_of_next_month(first)
    await move_clock_to(client, platform, at_midnight(twentieth) + timedelta(hours=10))

    on_the_20th = simple_order(merchant["merchant_id"], unit_price="50.00", quantity=2)
    on_the_last_day = cups_order(merchant["merchant_id"])
    # the 20th: + 2 days = the 22nd -> the 1st of the next month, 00:00
    holds = [await signed_off_and_held(client, platform, merchant, on_the_20th)]
    # the month's last day: + 2 days = the 2nd of the next month, 10:00, past its 1st -> the 1st
    # of the month after
    await move_clock_to(client, platform, at_midnight(last_day) + timedelta(hours=10))
    holds.append(await signed_off_and_held(client, platform, merchant, on_the_last_day))

    held = [(hold["amount_minor"], datetime.fromisoformat(hold["release_at"])) for hold in holds]
    assert held == [(PAIR_NET, at_midnight(first)), (CUPS_NET, at_midnight(first_after))]
    # 9500 + 10499 = 19999 pending
    assert (await full_balances(client, platform, merchant))["balances_minor"] == {**NO_MONEY, "pending": 19999}

    # the last day, 23:59: the 20th's hold ended on the 22nd, the cycle's day has not come. The
    # 1st, 00:01: the 20th's 9500 available, the last day's 10499 waits a month.
    await released_at_the_boundary(
        client,
        platform,
        merchant,
        at_midnight(first),
        before={**NO_MONEY, "pending": 19999},
        after={**NO_MONEY, "pending": 10499, "available": 9500},
    )
    assert released_on(await hold_now(client, platform, merchant, on_the_20th["order_id"])) == first

    # that month's last day, 23:59: still pending; the 1st after, 00:01: all 19999 available
    await released_at_the_boundary(
        client,
        platform,
        merchant,
        at_midnight(first_after),
        before={**NO_MONEY, "pending": 10499, "available": 9500},
        after={**NO_MONEY, "available": 19999},
    )
    assert released_on(await hold_now(client, platform, merchant, on_the_last_day["order_id"])) == first_after
    await ledger_is_sound(client, platform)
