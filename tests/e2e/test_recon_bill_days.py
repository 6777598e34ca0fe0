"""recon-svc end to end, issue #22: a daily bill is matched against exactly the day it declares,
with a payment dated by when the buyer paid (in Beijing time) and a refund by its completion; and a
refused WeChat Pay, Alipay or camt.053 file names the row and the column of each error.

The platform's clock is moved to just after a Beijing midnight (every service together), so orders
paid before it are accepted after it, as a marketplace's late-night orders are.
"""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx
import pytest
from logistics_support import service_now
from order_support import simple_order
from platform_support import Platform, bearer, every_item
from recon_support import alipay_bill, alipay_row, camt053, payout_entry, wechat_bill, wechat_row
from support import eventually
from test_recon import import_file
from test_refund_channels import answer_credit
from test_refunds import placed, refund_state, request_body, request_refund, until_status
from test_settlement_refunds import merchant_with_policy, place

pytestmark = pytest.mark.infra

BEIJING = timezone(timedelta(hours=8))  # the wallets' bills: Asia/Shanghai, UTC+08:00


async def just_after_midnight(platform: Platform, client: httpx.AsyncClient) -> date:
    """Move the platform's clock to 5 s past the next Beijing midnight; returns the day that ended."""
    now = await service_now(client, platform.url("recon-svc"))
    ended = now.astimezone(BEIJING).date()
    midnight = datetime.combine(ended + timedelta(days=1), time(0), BEIJING)
    await platform.advance_clock(math.ceil((midnight - now).total_seconds()) + 5)
    return ended


def wallet_order(merchant_id: str, channel: str, unit_price: str, paid_at: str) -> dict[str, Any]:
    order = simple_order(merchant_id, unit_price=unit_price, quantity=1)
    order["payment"].update({"channel": channel, "transaction_id": f"T-{uuid.uuid4().hex[:16]}", "paid_at": paid_at})
    return order


async def recon_money(client: httpx.AsyncClient, platform: Platform, order_id: str) -> dict[str, Any] | None:
    response = await client.get(
        f"{platform.url('recon-svc')}/v1/orders/{order_id}/money", headers=bearer(platform.keys["auditor"])
    )
    return dict(response.json()) if response.status_code == 200 else None


def reported(imported: dict[str, Any], references: set[str]) -> list[tuple[str, str]]:
    """The discrepancies an import opened about these references of ours."""
    return [(d["type"], d["reference"]) for d in imported["discrepancies"] if d["reference"] in references]


async def test_a_payment_before_midnight_is_on_that_days_bill_and_a_refund_completed_after_midnight_on_the_next(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-days")
    mid = merchant["merchant_id"]
    day = await just_after_midnight(platform, client)
    next_day = day + timedelta(days=1)
    # paid on `day`, accepted (placed) after its midnight: a at 23:59:58 for 20.00, b at 23:30:05
    # for 30.00 through WeChat Pay; c at 23:45:00 for 40.00 through Alipay
    a = wallet_order(mid, "wechat_pay", "20.00", f"{day}T23:59:58+08:00")
    b = wallet_order(mid, "wechat_pay", "30.00", f"{day}T23:30:05+08:00")
    c = wallet_order(mid, "alipay", "40.00", f"{day}T23:45:00+08:00")
    for order in (a, b, c):
        await place(client, platform, order)

    # b is cancelled: refunded in full (30.00) automatically, completed after midnight
    cancelled = await client.post(
        f"{platform.url('order-svc')}/v1/orders/{b['order_id']}/cancel",
        json={"reason": "买家不想要了"},
        headers={**bearer(platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert cancelled.status_code == 200, cancelled.text

    async def refund_completed() -> dict[str, Any] | None:
        listed = (
            await client.get(
                f"{platform.url('refund-svc')}/v1/refunds", params={"order_id": b["order_id"]}, headers=bearer(merchant)
            )
        ).json()["items"]
        return listed[0] if listed and listed[0]["status"] == "completed" else None

    refund = await eventually(refund_completed, timeout_s=30)
    completed_at = datetime.fromisoformat(refund["closed_at"]).astimezone(BEIJING)
    assert completed_at.date() == next_day  # the clock stood past midnight before b was even placed

    async def recon_has_everything() -> bool:
        money = {order["order_id"]: await recon_money(client, platform, order["order_id"]) for order in (a, b, c)}
        return (
            all(m is not None and m["buyer_paid_minor"] is not None for m in money.values())
            and (money[b["order_id"]] or {}).get("refunded_to_buyer_minor") == 3000
        )

    await eventually(recon_has_everything, timeout_s=30)
    ours = {a["order_id"], b["order_id"], c["order_id"], refund["refund_id"]}

    # the WeChat Pay bill of `day` (its day given as the downloadbill bill_date): both payments,
    # 30.00 + 20.00 = 50.00; the refund belongs to the next day and is not asked for
    sixth = wechat_bill(
        [
            wechat_row(f"{day} 23:30:05", f"42{uuid.uuid4().int % 10**26:026d}", b["order_id"], "SUCCESS", "30.00"),
            wechat_row(f"{day} 23:59:58", f"42{uuid.uuid4().int % 10**26:026d}", a["order_id"], "SUCCESS", "20.00"),
        ],
        "`2,`50.00,`0.00,`0.00,`0.30000,`50.00,`0.00",
    )
    response = await import_file(client, platform, "wechat_trade_bill", sixth, bill_date=str(day))
    assert response.status_code == 201, response.text
    imported = response.json()
    matched_on_the_day = {m["ours"]["reference"]: m["ours"] for m in imported["report"]["matched"]}
    assert {a["order_id"], b["order_id"]} <= matched_on_the_day.keys()
    assert reported(imported, ours) == []
    assert imported["report"]["period"] == {
        "start": f"{day}T00:00:00+08:00",
        "end": f"{next_day}T00:00:00+08:00",
        "declared_by": f"bill_date {day}",
    }

    # the bill of the next day (its day in the file's name): only b's refund, 30.00
    seventh = wechat_bill(
        [
            wechat_row(
                completed_at.strftime("%Y-%m-%d %H:%M:%S"),
                f"42{uuid.uuid4().int % 10**26:026d}",
                b["order_id"],
                "REFUND",
                "30.00",
                refund=(refund["provider_reference"], refund["refund_id"], "30.00"),
            )
        ],
        "`1,`0.00,`30.00,`0.00,`0.00000,`0.00,`30.00",
    )
    response = await import_file(
        client, platform, "wechat_trade_bill", seventh, file_name=f"1900000109All{next_day}.csv"
    )
    assert response.status_code == 201, response.text
    imported = response.json()
    assert imported["report"]["period"]["declared_by"] == f"file name '1900000109All{next_day}.csv'"
    [refund_match] = [m for m in imported["report"]["matched"] if m["ours"]["reference"] == refund["refund_id"]]
    assert (refund_match["ours"]["amount_minor"], refund_match["ours"]["dated_by"]) == (3000, "completed_at")
    # a and b were placed on this day, but paid the day before: not reported missing here
    assert reported(imported, ours) == []
    # the day's report shows what a was dated by: when it was paid, 23:59:58 in Beijing (15:59:58
    # UTC), not when it was placed
    paid = matched_on_the_day[a["order_id"]]
    assert (datetime.fromisoformat(paid["at"]), paid["dated_by"]) == (
        datetime.fromisoformat(f"{day}T23:59:58+08:00"),
        "paid_at",
    )

    # Alipay the same way, its day from its header: c on `day`'s bill (1 trade, 40.00), not on the next
    response = await import_file(
        client,
        platform,
        "alipay_trade_bill",
        alipay_bill(
            day,
            [
                alipay_row(
                    f"2026{uuid.uuid4().int % 10**24:024d}",
                    c["order_id"],
                    "交易",
                    f"{day} 23:44:50",
                    f"{day} 23:45:00",
                    "40.00",
                )
            ],
            trades=(1, "40.00"),
        ),
    )
    assert response.status_code == 201, response.text
    assert c["order_id"] in {m["ours"]["reference"] for m in response.json()["report"]["matched"]}
    assert reported(response.json(), ours) == []
    response = await import_file(client, platform, "alipay_trade_bill", alipay_bill(next_day, [], trades=(0, "0.00")))
    assert response.status_code == 201, response.text
    assert response.json()["report"]["period"]["declared_by"] == "header #起始日期/终止日期"
    assert reported(response.json(), ours) == []


async def test_the_refund_providers_file_is_matched_only_against_the_refunds_the_provider_paid(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """Four refunds of line B (4285 each, test_refunds.py's order) completed on one day: through
    the provider back to WeChat Pay, and for three orders paid from the balance — credited by the
    platform, declined and settled offline by ops, declined and paid by the provider to the
    buyer's Alipay account. The provider's file of the day lists the two it paid: both match, and
    the balance credit and the offline transfer are not reported missing on its side."""
    merchant = await merchant_with_policy(platform, client, "recon-routes")
    day = await just_after_midnight(platform, client)
    today = day + timedelta(days=1)
    base = f"{platform.url('refund-svc')}/v1/refunds"
    ops = bearer(platform.keys["ops"])

    async def approved(channel: str) -> dict[str, Any]:
        order = await placed(client, platform, merchant, channel=channel)
        opened = await request_refund(client, platform, request_body(order, "refund_only", "damaged", {"B": 1}))
        assert opened.status_code == 201, opened.text
        refund_id = opened.json()["refund_id"]
        answer = await client.post(f"{base}/{refund_id}/approve", headers=bearer(merchant))
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def answered(refund: dict[str, Any], outcome: str) -> dict[str, Any]:
        credit = {**refund["balance_credit"], "refund_id": refund["refund_id"]}
        answer = await answer_credit(client, platform, credit, outcome=outcome)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    by_provider = await until_status(client, platform, (await approved("wechat_pay"))["refund_id"], "completed")
    credited = await answered(await approved("balance"), "credited")
    offline = await answered(await approved("balance"), "declined")
    settled = await client.post(
        f"{base}/{offline['refund_id']}/resolution",
        json={"how": "refunded_offline", "reason": "余额账户已注销，银行转账", "reference": "TRF-RECON-1"},
        headers=ops,
    )
    assert settled.status_code == 200, settled.text
    elsewhere = await answered(await approved("balance"), "declined")
    resent = await client.post(
        f"{base}/{elsewhere['refund_id']}/resolution",
        json={"how": "other_channel", "reason": "买家提供支付宝账户", "channel": "alipay", "account": "buyer7@alipay"},
        headers=ops,
    )
    assert resent.status_code == 200, resent.text
    elsewhere = await until_status(client, platform, elsewhere["refund_id"], "completed")
    refunds = [by_provider, credited, await refund_state(client, platform, offline["refund_id"]), elsewhere]
    assert [r["refunded_via"] for r in refunds] == ["original_channel", "platform_balance", "offline", "other_channel"]
    assert {datetime.fromisoformat(r["closed_at"]).astimezone(BEIJING).date() for r in refunds} == {today}

    async def recon_knows_the_refunds() -> bool:
        money = [await recon_money(client, platform, r["order_id"]) for r in refunds]
        return all(m is not None and m["refunded_to_buyer_minor"] == 4285 for m in money)

    await eventually(recon_knows_the_refunds, timeout_s=30)
    # the provider's file of the day (refunds-YYYY-MM-DD.csv): the two refunds it paid, 42.85 each
    rows = [
        f"{r['refund_id']}-{r['attempt']},{r['provider_reference']},paid,4285,CNY,"
        f"{datetime.fromisoformat(r['closed_at']).astimezone(BEIJING).isoformat()},,"
        for r in (by_provider, elsewhere)
    ]
    content = "\n".join(
        ["request_id,provider_reference,status,amount_minor,currency,occurred_at,reason_code,reason", *rows]
    )
    response = await import_file(
        client, platform, "sandbox_refunds", content.encode() + b"\n", file_name=f"refunds-{today}.csv"
    )
    assert response.status_code == 201, response.text
    imported = response.json()
    assert imported["report"]["period"]["start"] == f"{today}T00:00:00+08:00"
    matched = {m["ours"]["reference"] for m in imported["report"]["matched"]}
    assert {by_provider["refund_id"], elsewhere["refund_id"]} <= matched
    assert reported(imported, {r["refund_id"] for r in refunds}) == []


async def test_a_wechat_bill_without_its_day_is_refused_and_nothing_is_imported(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    bill = wechat_bill(
        [wechat_row("2026-12-06 10:00:00", "4200000000202612060001", f"X-{uuid.uuid4().hex[:8]}", "SUCCESS", "1.00")],
        "`1,`1.00,`0.00,`0.00,`0.00600,`1.00,`0.00",
    )

    response = await import_file(client, platform, "wechat_trade_bill", bill)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (None, "bill_date")
    # nothing was stored: the same bytes with their day are a new import, not a remembered one
    again = await import_file(client, platform, "wechat_trade_bill", bill, bill_date="2026-12-06")
    assert again.status_code == 201, again.text


async def refused_twice(client: httpx.AsyncClient, platform: Platform, source: str, content: bytes) -> list[Any]:
    """A refused file leaves nothing: the same bytes are refused again the same way (a stored
    import would be answered 201 as the same file)."""
    first = await import_file(client, platform, source, content, bill_date="2026-12-06")
    assert first.status_code == 422, first.text
    assert first.headers["content-type"].startswith("application/problem+json")
    assert first.json()["type"].endswith("/import-refused")
    second = await import_file(client, platform, source, content, bill_date="2026-12-06")
    assert (second.status_code, second.json()["errors"]) == (422, first.json()["errors"])
    return [(error["row"], error["column"], error["message"]) for error in first.json()["errors"]]


async def test_a_malformed_wechat_alipay_or_camt053_file_names_the_row_and_the_column(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    ops = bearer(platform.keys["ops"])
    before = await every_item(client, f"{platform.url('recon-svc')}/v1/discrepancies", ops)

    # WeChat Pay, 27 columns: line 3 lost its 商户号, so its values slide one column left and
    # 货币种类 receives 应结订单金额's "136.80"; the last header, 费率备注, has no value
    good = wechat_row("2026-12-06 10:00:00", "4200000000202612060002", f"X-{uuid.uuid4().hex[:8]}", "SUCCESS", "136.80")
    short = ",".join(field for index, field in enumerate(good.split(",")) if index != 2)
    errors = await refused_twice(
        client,
        platform,
        "wechat_trade_bill",
        wechat_bill([good, short], "`2,`273.60,`0.00,`0.00,`0.01640,`273.60,`0.00"),
    )
    assert errors == [
        (3, "费率备注", "no value: the row has 26 fields, the header 27 (a field is missing here or before)"),
        (3, "货币种类", "'136.80' is not an ISO 4217 currency code"),
    ]

    # Alipay 业务明细: the header is line 5; line 7 lost its 商品名称, so 完成时间 receives 门店编号's
    # empty value and the last header, 备注, has none
    trade = alipay_row(
        "2026120622001", f"X-{uuid.uuid4().hex[:8]}", "交易", "2026-12-06 10:00:00", "2026-12-06 10:00:05", "20.00"
    )
    other = alipay_row(
        "2026120622002", f"X-{uuid.uuid4().hex[:8]}", "交易", "2026-12-06 11:00:00", "2026-12-06 11:00:05", "20.00"
    )
    errors = await refused_twice(
        client,
        platform,
        "alipay_trade_bill",
        alipay_bill(
            date(2026, 12, 6),
            [trade, ",".join(field for index, field in enumerate(other.split(",")) if index != 3)],
            trades=(2, "40.00"),
        ),
    )
    assert [(row, column) for row, column, _ in errors] == [(7, "备注"), (7, "完成时间")]
    assert errors[1][2] == "'' is not a time yyyy-MM-dd HH:mm:ss"

    # camt.053: the second entry's amount closes with the wrong tag (not well-formed XML), and in a
    # well-formed statement the second entry's booking time is not ISO 8601
    payout = f"PO-{uuid.uuid4().hex[:16]}"
    first = payout_entry("10.00", payout, "PO209912060000000001", "2026-12-06T09:00:00+08:00")
    broken = payout_entry("5.00", f"{payout}-2", "PO209912060000000002", "2026-12-06T10:00:00+08:00")
    errors = await refused_twice(
        client,
        platform,
        "camt053",
        camt053(
            [first, broken.replace("5.00</Amt><CdtDbtInd>", "5.00</Amount><CdtDbtInd>", 1)],
            opening="100.00",
            closing="85.00",
        ),
    )
    assert [(row, column) for row, column, _ in errors] == [(2, "Ntry/Amt")]
    assert "malformed XML" in errors[0][2]
    errors = await refused_twice(
        client,
        platform,
        "camt053",
        camt053(
            [first, broken.replace("<DtTm>2026-12-06T10:00:00+08:00</DtTm>", "<DtTm>06.12.2026 10:00</DtTm>")],
            opening="100.00",
            closing="85.00",  # 100.00 − 10.00 − 5.00
        ),
    )
    assert errors == [(2, "Ntry/BookgDt/DtTm", "'06.12.2026 10:00' is not an ISO 8601 date or date-time")]

    after = await every_item(client, f"{platform.url('recon-svc')}/v1/discrepancies", ops)
    assert len(after) == len(before)  # no import, so no discrepancy either


async def test_only_ops_import_statements(platform: Platform, client: httpx.AsyncClient) -> None:
    bill = wechat_bill(
        [wechat_row("2026-12-06 09:00:00", "4200000000202612060009", f"X-{uuid.uuid4().hex[:8]}", "SUCCESS", "9.00")],
        "`1,`9.00,`0.00,`0.00,`0.05400,`9.00,`0.00",
    )
    for role in ("merchant_a", "auditor", "platform"):
        response = await client.post(
            f"{platform.url('recon-svc')}/v1/statement-imports",
            params={"source": "wechat_trade_bill", "bill_date": "2026-12-06"},
            content=bill,
            headers={**bearer(platform.keys[role]), "content-type": "application/octet-stream"},
        )
        assert response.status_code == 403, (role, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")

    # none of them left an import behind: the first stored import of these bytes is ops'
    imported = await import_file(client, platform, "wechat_trade_bill", bill, bill_date="2026-12-06")
    assert imported.status_code == 201, imported.text
    assert imported.json()["imported_by"] == platform.keys["ops"]["key_id"]
