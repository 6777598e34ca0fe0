"""An Alipay bill imported and matched end to end (issue 19): three orders paid through Alipay go
through the platform (placed, shipping confirmed, dispatched, the buyer's confirmed receipt); the
day's 业务明细 bill, built in the vendor's documented format (/work/shared/formats/alipay/README.md,
GBK, trailing TABs, footer totals), is imported through recon-svc's HTTP import; the two payments
that agree match clean, and the one the bill shows 1 fen short is an amount discrepancy that ops
see in the discrepancy list (and no merchant key does).

test_recon_bill_days.py already matches one Alipay payment by its bill's day; this is the whole
path with a disagreement.

Orders (paid, 元 -> fen):
- mug: 1 x 88.00 = 8800;
- bowls: 2 x 43.21 = 8642;
- cups: 3 x 33.33 = 99.99 + shipping 10.00 = 109.99 = 10999; on the bill 109.98 = 10998.
The bill's footer: 3 trades, 88.00 + 86.42 + 109.98 = 284.40 received.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from order_support import simple_order
from platform_support import Platform, bearer, every_item
from recon_support import alipay_bill, alipay_row
from support import eventually
from test_recon import import_file
from test_recon_bill_days import BEIJING, recon_money
from test_settlement_cycles import beijing_now, signed_off_and_held
from test_settlement_refunds import cups_order, merchant_with_policy

pytestmark = pytest.mark.infra


def paid_through_alipay(order: dict[str, Any], paid_at: datetime) -> dict[str, Any]:
    order["payment"].update(
        {"channel": "alipay", "transaction_id": f"ALI-{uuid.uuid4().hex[:16]}", "paid_at": paid_at.isoformat()}
    )
    return order


def bill_row(order: dict[str, Any], received: str) -> str:
    """The order's 交易 row: created 10 s before the buyer's payment completed (完成时间 = paid_at)."""
    paid_at = datetime.fromisoformat(order["payment"]["paid_at"]).astimezone(BEIJING)
    return alipay_row(
        f"2026{uuid.uuid4().int % 10**24:024d}",
        order["order_id"],
        "交易",
        f"{paid_at - timedelta(seconds=10):%Y-%m-%d %H:%M:%S}",
        f"{paid_at:%Y-%m-%d %H:%M:%S}",
        received,
    )


async def test_an_alipay_bill_of_orders_through_the_platform_matches_clean_and_a_fen_short_is_a_discrepancy(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-alipay")
    mid = merchant["merchant_id"]
    # paid yesterday (Beijing) on the services' clock, in the morning
    day = (await beijing_now(client, platform)).date() - timedelta(days=1)
    morning = datetime(day.year, day.month, day.day, 10, 0, tzinfo=BEIJING)
    mug = paid_through_alipay(simple_order(mid, unit_price="88.00", quantity=1), morning)
    bowls = paid_through_alipay(simple_order(mid, unit_price="43.21", quantity=2), morning + timedelta(minutes=5))
    cups = paid_through_alipay(cups_order(mid), morning + timedelta(minutes=10))
    orders = (mug, bowls, cups)
    for order in orders:
        await signed_off_and_held(client, platform, merchant, order)

    async def recon_knows_the_payments() -> bool:
        money = [await recon_money(client, platform, order["order_id"]) for order in orders]
        return [m and m["buyer_paid_minor"] for m in money] == [8800, 8642, 10999]

    await eventually(recon_knows_the_payments, timeout_s=30)

    bill = alipay_bill(
        day, [bill_row(mug, "88.00"), bill_row(bowls, "86.42"), bill_row(cups, "109.98")], trades=(3, "284.40")
    )
    response = await import_file(client, platform, "alipay_trade_bill", bill)
    assert response.status_code == 201, response.text
    imported = response.json()
    assert imported["report"]["period"] == {
        "start": f"{day}T00:00:00+08:00",
        "end": f"{day + timedelta(days=1)}T00:00:00+08:00",
        "declared_by": "header #起始日期/终止日期",
    }
    ours = {order["order_id"] for order in orders}
    matched = {m["ours"]["reference"]: m["ours"]["amount_minor"] for m in imported["report"]["matched"]}
    assert {reference: matched[reference] for reference in ours & matched.keys()} == {
        mug["order_id"]: 8800,
        bowls["order_id"]: 8642,
    }
    [difference] = [d for d in imported["discrepancies"] if d["reference"] in ours]
    assert (difference["type"], difference["reference"], difference["status"]) == (
        "amount_differs",
        cups["order_id"],
        "open",
    )
    assert (difference["ours"]["amount_minor"], difference["theirs"]["amount_minor"]) == (10999, 10998)

    # the discrepancy list, by the import: ops and the auditor see the one about the cups. It
    # names no merchant: the bill is the platform's Alipay account's, and the platform's to settle
    # with Alipay (a merchant reconciles its own records: test_recon.py). Another merchant's key
    # sees nothing of it.
    listed_url = f"{platform.url('recon-svc')}/v1/discrepancies"
    by_import = {"import_id": imported["import_id"]}
    for key in (platform.keys["ops"], platform.keys["auditor"]):
        listed = await every_item(client, listed_url, bearer(key), by_import)
        assert [(d["discrepancy_id"], d["type"], d["status"]) for d in listed if d["reference"] in ours] == [
            (difference["discrepancy_id"], "amount_differs", "open")
        ]
    seen_by_another = await every_item(client, listed_url, bearer(platform.keys["merchant_b"]), by_import)
    assert [d for d in seen_by_another if d["reference"] in ours] == []
