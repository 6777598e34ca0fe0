"""recon-svc end to end: a statement that equals settlement's ledger, with figures worked by
hand; statements as CSV and XLSX; the live invariant checker catching a bad event within seconds.

Merchant policy: hold 7 days, commission 5%, no coupons, no shipping fee.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx
import pytest
from logistics_support import service_now
from openpyxl import load_workbook
from order_support import simple_order
from platform_support import Platform, approve_as_second_ops, bearer, every_item, verify_bank_account
from support import eventually
from test_refunds import known_to_refunds, request_body, request_refund, until_status
from test_settlement_refunds import (
    CARD,
    advance_and_wait,
    full_balances,
    merchant_with_policy,
    place,
    publish,
    sign_off,
    wait_for_balances,
    wait_for_settlement,
)

from shipsettle_shared.contracts import LedgerPostingLine, LedgerTransactionPosted

pytestmark = pytest.mark.infra

CHINA = timezone(timedelta(hours=8))  # statement periods are China business days


async def statement(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], params: dict[str, str]
) -> httpx.Response:
    return await client.get(
        f"{platform.url('recon-svc')}/v1/merchants/{merchant['merchant_id']}/statements",
        params=params,
        headers=bearer(merchant),
    )


async def test_a_statement_with_refunds_after_payout_and_a_returned_payout_equals_the_ledger(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-stmt")
    mid = merchant["merchant_id"]
    settlement = f"{platform.url('settlement-svc')}/v1"
    first_day = (await service_now(client, platform.url("recon-svc"))).astimezone().date()

    # order 1: 2 x 50.00 = 10000; commission 5% = 500; net 9500
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
        json={"holder_name": "杭州对账店", "bank_name": "中国银行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    account_id = account.json()["bank_account_id"]
    await verify_bank_account(client, platform, account_id)

    async def apply() -> dict[str, Any]:
        applied = await client.post(
            f"{settlement}/merchants/{mid}/settlement-applications",
            json={"bank_account_id": account_id},
            headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert applied.status_code == 201, applied.text
        return dict(applied.json())

    application = await apply()
    await client.post(
        f"{settlement}/settlement-applications/{application['application_id']}/approve",
        json={"reason": "first payout to this account checked"},
        headers=bearer(platform.keys["ops"]),
    )
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["paid_out"] == 9500, 60)

    # after the payout, one unit is refunded (5000): commission 250 returned, 4750 clawed back
    refund = (await request_refund(client, platform, request_body(first, "refund_only", "damaged", {"L1": 1}))).json()
    await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}/approve", headers=bearer(merchant)
    )
    await until_status(client, platform, refund["refund_id"], "completed")
    await wait_for_balances(client, platform, merchant, lambda b: b["owed_minor"] == 4750)

    # order 2: 1 x 120.00; commission 600; net 11400; the next payout deducts 4750 -> 6650
    second = simple_order(mid, unit_price="120.00", quantity=1)
    await place(client, platform, second)
    await wait_for_settlement(client, platform, merchant, second["order_id"], lambda s: True)
    await sign_off(client, platform, merchant, second["order_id"], 1)
    await wait_for_settlement(client, platform, merchant, second["order_id"], lambda s: bool(s["holds"]))
    await advance_and_wait(platform, lambda: available(11400))
    application = await apply()
    assert application["net_minor"] == 6650
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["paid_out"] == 16150, 60)
    payouts = (await client.get(f"{settlement}/merchants/{mid}/payouts", headers=bearer(merchant))).json()["items"]
    second_payout = next(p for p in payouts if p["application_id"] == application["application_id"])

    # the bank returns the second payout (account closed): 6650 back to available
    sandbox = platform.processes["payout-sandbox"]
    from local import SANDBOX_API_SECRET

    returned = await client.post(
        f"{sandbox.base_url}/_sandbox/outcomes",
        json={"request_id": second_payout["payout_id"], "outcome": "returned", "reason_code": "AC04"},
        headers={"Authorization": f"Bearer {SANDBOX_API_SECRET}"},
    )
    assert returned.status_code == 200, returned.text
    ledger = await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] == 6650, 60)

    last_day = (await service_now(client, platform.url("recon-svc"))).astimezone().date() + timedelta(days=1)
    period = {"from": str(first_day - timedelta(days=1)), "to": str(last_day)}

    async def complete() -> dict[str, Any] | None:
        found = (await statement(client, platform, merchant, period)).json()
        return found if found["lines_minor"]["returned_payouts"] == 6650 else None

    document = await eventually(complete, timeout_s=30)
    assert document["opening_balance_minor"] == 0
    assert document["lines_minor"] == {
        "orders": 22000,  # 10000 + 12000 released to the merchant on sign-off
        "subsidies": 0,
        "commissions": -850,  # -500 + 250 returned with the refund - 600
        "refunds": -5000,
        "payouts": -16150,  # 9500 + 6650
        "returned_payouts": 6650,
        "adjustments": 0,
    }
    # 22000 - 850 - 5000 - 16150 + 6650 = 6650: the returned payout, available again
    assert document["closing_balance_minor"] == 6650
    assert document["memo_minor"]["clawback_booked"] == 4750
    assert document["memo_minor"]["clawback_recovered"] == 4750
    assert document["paid_out_to_date_minor"] == 9500  # 16150 sent, 6650 came back
    # equal to settlement's own ledger to the fen: every account except paid out
    balances = ledger["balances_minor"]
    assert document["closing_balance_minor"] == sum(v for k, v in balances.items() if k != "paid_out") + ledger.get(
        "frozen_minor", 0
    )
    assert document["accounts_at_close_minor"]["available"] == balances["available"] == 6650
    rows = {row["order_id"]: row for row in document["orders"]}
    assert (rows[first["order_id"]]["commissions_minor"], rows[first["order_id"]]["net_minor"]) == (-250, 4750)
    assert rows[second["order_id"]]["net_minor"] == 11400
    assert document["closed"] is False  # the period runs until tomorrow

    # the same money month by month (the run's clock may cross a month end): each month opens on
    # the previous one's closing, and the months' lines add up to the period's
    months = sorted({(first_day - timedelta(days=1)).strftime("%Y-%m"), (last_day).strftime("%Y-%m")})
    opening, summed = 0, dict.fromkeys(document["lines_minor"], 0)
    for month in months:
        monthly = (await statement(client, platform, merchant, {"month": month})).json()
        assert monthly["opening_balance_minor"] == opening
        opening = monthly["closing_balance_minor"]
        for line, amount in monthly["lines_minor"].items():
            summed[line] += amount
    assert opening == 6650
    assert summed == document["lines_minor"]

    csv_answer = await statement(client, platform, merchant, {**period, "format": "csv", "lang": "zh"})
    assert csv_answer.headers["content-type"].startswith("text/csv")
    text = csv_answer.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert ["期末余额", "66.50"] in table
    assert ["订单号", "订单货款", "平台补贴", "佣金", "退款", "调整", "净额"] in table
    assert [first["order_id"], "100.00", "0.00", "-2.50", "-50.00", "0.00", "47.50"] in table
    assert csv_answer.headers["x-content-sha256"] == document["sha256"]

    xlsx_answer = await statement(client, platform, merchant, {**period, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx_answer.content))
    assert workbook.sheetnames == ["Summary", "Orders"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["closing balance"] == "66.50"
    assert workbook["Orders"].max_row == 1 + 2  # header and one row per order


async def test_a_closed_period_is_kept_and_a_correction_is_a_new_version(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-closed")
    now = await service_now(client, platform.url("recon-svc"))
    closed_day = now.astimezone(CHINA).date() - timedelta(days=3)
    yesterday = str(closed_day)
    first = (await statement(client, platform, merchant, {"day": yesterday})).json()
    assert (first["closed"], first["version"], first["closing_balance_minor"]) == (True, 1, 0)
    again = (await statement(client, platform, merchant, {"day": yesterday})).json()
    assert (again["version"], again["sha256"]) == (1, first["sha256"])

    # a ledger entry dated in that closed day arrives late (as after a replication lag)
    await publish(
        LedgerTransactionPosted(
            tx_key=f"adjustment:{uuid.uuid4().hex[:8]}",
            kind="adjustment",
            merchant_id=merchant["merchant_id"],
            description="late correction",
            posted_at=datetime.combine(closed_day, time(12), CHINA),
            postings=[
                LedgerPostingLine(account_id="platform:adjustments", amount_minor=-1234),
                LedgerPostingLine(account_id=f"merchant:{merchant['merchant_id']}:available", amount_minor=1234),
            ],
        ),
        "settlement-svc",
    )

    async def corrected() -> dict[str, Any] | None:
        found = (await statement(client, platform, merchant, {"day": yesterday})).json()
        return found if found["version"] == 2 else None

    second = await eventually(corrected, timeout_s=30)
    assert second["lines_minor"]["adjustments"] == 1234
    assert second["closing_balance_minor"] == 1234
    assert second["sha256"] != first["sha256"]
    assert [v["version"] for v in second["versions"]] == [1, 2]
    assert second["versions"][0]["sha256"] == first["sha256"]


async def test_bad_periods_are_refused(platform: Platform, client: httpx.AsyncClient) -> None:
    merchant = platform.keys["merchant_a"]
    for params in ({}, {"day": "2026-13-01"}, {"from": "2026-11-02", "to": "2026-11-01"}, {"month": "nope"}):
        response = await statement(client, platform, merchant, params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    other = await client.get(
        f"{platform.url('recon-svc')}/v1/merchants/{platform.keys['merchant_b']['merchant_id']}/statements",
        params={"day": "2026-11-01"},
        headers=bearer(merchant),
    )
    assert other.status_code == 404


# --- live invariants ---------------------------------------------------------------------------------


async def violations_of(client: httpx.AsyncClient, platform: Platform, order_id: str) -> list[dict[str, Any]]:
    response = await client.get(
        f"{platform.url('recon-svc')}/v1/invariants/violations",
        params={"order_id": order_id},
        headers=bearer(platform.keys["auditor"]),
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_breaking_conservation_on_purpose_is_detected_within_seconds(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-inv")
    order = simple_order(merchant["merchant_id"], unit_price="50.00", quantity=2)
    await place(client, platform, order)
    await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: True)
    await sign_off(client, platform, merchant, order["order_id"], 2)
    await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: bool(s["holds"]))

    async def judged_sound() -> dict[str, Any] | None:
        response = await client.get(
            f"{platform.url('recon-svc')}/v1/orders/{order['order_id']}/money", headers=bearer(platform.keys["auditor"])
        )
        money = response.json() if response.status_code == 200 else None
        # paid 10000 = commission 500 + merchant 9500: nothing left in escrow
        return money if money and money["merchant_net_minor"] == 9500 and money["escrow_minor"] == 0 else None

    await eventually(judged_sound, timeout_s=30)
    assert await violations_of(client, platform, order["order_id"]) == []

    # a bad event: 1000 fen more booked to the merchant than the buyer ever paid
    await publish(
        LedgerTransactionPosted(
            tx_key=f"bogus:{uuid.uuid4().hex[:8]}",
            kind="sign_off",
            merchant_id=merchant["merchant_id"],
            order_id=order["order_id"],
            description="injected by the test",
            posted_at=await service_now(client, platform.url("recon-svc")),
            postings=[
                LedgerPostingLine(account_id="platform:clearing", amount_minor=-1000),
                LedgerPostingLine(account_id=f"merchant:{merchant['merchant_id']}:pending", amount_minor=1000),
            ],
        ),
        "settlement-svc",
    )

    async def detected() -> list[dict[str, Any]] | None:
        found = await violations_of(client, platform, order["order_id"])
        return found or None

    [violation] = await eventually(detected, timeout_s=20)
    assert violation["check"] == "conservation"
    # 10000 paid + 0 subsidy - 0 refunded - 500 commission - 10500 merchant = -1000
    assert violation["figures"]["escrow_minor"] == -1000
    assert violation["figures"]["merchant_net_minor"] == 10500
    metrics = (await client.get(f"{platform.url('recon-svc')}/metrics")).text
    assert 'shipsettle_invariant_violations_total{check="conservation"}' in metrics


async def test_money_booked_without_a_sign_off_is_detected(platform: Platform, client: httpx.AsyncClient) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-nosign")
    order = simple_order(merchant["merchant_id"], unit_price="30.00", quantity=1)
    await place(client, platform, order)
    await publish(
        LedgerTransactionPosted(
            tx_key=f"bogus:{uuid.uuid4().hex[:8]}",
            kind="sign_off",
            merchant_id=merchant["merchant_id"],
            order_id=order["order_id"],
            description="booked without a sign-off, injected by the test",
            posted_at=await service_now(client, platform.url("recon-svc")),
            postings=[
                LedgerPostingLine(account_id="platform:clearing", amount_minor=-3000),
                LedgerPostingLine(account_id="platform:commission", amount_minor=150),
                LedgerPostingLine(account_id=f"merchant:{merchant['merchant_id']}:pending", amount_minor=2850),
            ],
        ),
        "settlement-svc",
    )

    async def detected() -> list[dict[str, Any]] | None:
        found = await violations_of(client, platform, order["order_id"])
        return found or None

    found = await eventually(detected, timeout_s=20)
    assert [v["check"] for v in found] == ["settled_without_sign_off"]


# --- matching statements -------------------------------------------------------------------------------


async def import_file(
    client: httpx.AsyncClient, platform: Platform, source: str, content: bytes, **declared: str
) -> httpx.Response:
    """Import a statement as ops; ``declared`` is ``bill_date`` or ``file_name`` for a file that
    does not state its period inside (a WeChat Pay bill)."""
    return await client.post(
        f"{platform.url('recon-svc')}/v1/statement-imports",
        params={"source": source, **declared},
        content=content,
        headers={**bearer(platform.keys["ops"]), "content-type": "application/octet-stream"},
    )


async def test_a_camt053_and_a_wechat_bill_built_from_the_documented_formats_match_and_an_altered_amount_is_reported(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    from recon_support import camt053, payout_entry, wechat_bill, wechat_row

    merchant = await merchant_with_policy(platform, client, "recon-match")
    mid = merchant["merchant_id"]
    settlement = f"{platform.url('settlement-svc')}/v1"
    # two orders paid through WeChat Pay: 2 x 43.21 = 8642 (commission 432.1 -> 432, net 8210) and
    # 1 x 19.99 = 1999 (commission 99.95 -> 100, net 1899)
    orders = [simple_order(mid, unit_price="43.21", quantity=2), simple_order(mid, unit_price="19.99", quantity=1)]
    for order, units in zip(orders, (2, 1), strict=True):
        order["payment"]["channel"] = "wechat_pay"
        await place(client, platform, order)
        await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: True)
        await sign_off(client, platform, merchant, order["order_id"], units)
        await wait_for_settlement(client, platform, merchant, order["order_id"], lambda s: bool(s["holds"]))

    async def available() -> Any:
        found = await full_balances(client, platform, merchant)
        return found if found["balances_minor"]["available"] == 8210 + 1899 else None

    await advance_and_wait(platform, available)
    account = await client.post(
        f"{settlement}/merchants/{mid}/bank-accounts",
        json={"holder_name": "杭州对账二店", "bank_name": "中国银行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    account_id = account.json()["bank_account_id"]
    await verify_bank_account(client, platform, account_id)
    applied = await client.post(
        f"{settlement}/merchants/{mid}/settlement-applications",
        json={"bank_account_id": account_id},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    await client.post(
        f"{settlement}/settlement-applications/{applied.json()['application_id']}/approve",
        json={"reason": "checked"},
        headers=bearer(platform.keys["ops"]),
    )
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["paid_out"] == 10109, 60)
    [payout] = (await client.get(f"{settlement}/merchants/{mid}/payouts", headers=bearer(merchant))).json()["items"]

    async def recon_knows_payout() -> bool:
        response = await client.get(
            f"{platform.url('recon-svc')}/v1/orders/{orders[0]['order_id']}/money",
            headers=bearer(platform.keys["auditor"]),
        )
        return response.status_code == 200 and response.json()["merchant_net_minor"] == 8210

    await eventually(recon_knows_payout, timeout_s=30)

    # the bank's statement of the day: opening 1,000,000.00, our payout of 101.09 out
    booked = "2026-11-27T15:00:00+08:00"
    entry = payout_entry("101.09", payout["payout_id"], payout["provider_reference"], booked)

    async def bank_statement_matches() -> dict[str, Any] | None:
        document = camt053([entry], opening="1000000.00", closing="999898.91", statement_id=f"STMT-{mid}")
        response = await import_file(client, platform, "camt053", document)
        assert response.status_code == 201, response.text
        found = response.json()
        return found if found["matched"] == 1 else None

    imported = await eventually(bank_statement_matches, timeout_s=30)
    assert imported["report"]["matched"][0]["ours"]["reference"] == payout["payout_id"]
    assert [d["type"] for d in imported["discrepancies"] if d["reference"] == payout["payout_id"]] == []

    # the same statement with the payout's amount altered by 0.10 (and its closing balance, so
    # the file still adds up): an amount difference with both figures
    altered = camt053(
        [payout_entry("101.19", payout["payout_id"], payout["provider_reference"], booked)],
        opening="1000000.00",
        closing="999898.81",
        statement_id=f"STMT-{mid}-B",
    )
    response = await import_file(client, platform, "camt053", altered)
    assert response.status_code == 201, response.text
    [difference] = [d for d in response.json()["discrepancies"] if d["reference"] == payout["payout_id"]]
    assert difference["type"] == "amount_differs"
    assert (difference["ours"]["amount_minor"], difference["theirs"]["amount_minor"]) == (10109, 10119)
    assert difference["status"] == "open"

    # the WeChat Pay trade bill of the two payments; the second altered from 19.99 to 19.90
    bill = wechat_bill(
        [
            wechat_row("2026-11-27 10:00:00", "4200000001202611270001", orders[0]["order_id"], "SUCCESS", "86.42"),
            wechat_row("2026-11-27 10:05:00", "4200000001202611270002", orders[1]["order_id"], "SUCCESS", "19.90"),
        ],
        "`2,`106.32,`0.00,`0.00,`0.63800,`106.32,`0.00",
    )
    response = await import_file(client, platform, "wechat_trade_bill", bill, bill_date="2026-11-27")
    assert response.status_code == 201, response.text
    wechat = response.json()
    matched = {m["ours"]["reference"] for m in wechat["report"]["matched"]}
    assert orders[0]["order_id"] in matched
    [payment_difference] = [d for d in wechat["discrepancies"] if d["reference"] == orders[1]["order_id"]]
    assert payment_difference["type"] == "amount_differs"
    assert (payment_difference["ours"]["amount_minor"], payment_difference["theirs"]["amount_minor"]) == (1999, 1990)
    again = await import_file(client, platform, "wechat_trade_bill", bill, bill_date="2026-11-27")
    assert again.json()["import_id"] == wechat["import_id"]  # the same file is the same import

    # the discrepancy workflow: investigate, a resolution must link a real ledger transaction,
    # then written off with a reason; who and when are kept
    base = f"{platform.url('recon-svc')}/v1/discrepancies/{payment_difference['discrepancy_id']}"
    ops = bearer(platform.keys["ops"])
    assert (await client.post(f"{base}/investigate", json={"note": "asked WeChat Pay"}, headers=ops)).status_code == 200
    unlinked = await client.post(
        f"{base}/resolve", json={"note": "adjusted", "adjustment_tx_key": "no-such-tx"}, headers=ops
    )
    assert unlinked.status_code == 422
    assert unlinked.headers["content-type"] == "application/problem+json"
    assert unlinked.json()["type"] == "https://shipsettle.dev/problems/no-such-adjustment"
    assert unlinked.json()["errors"] == [
        {"field": "body.adjustment_tx_key", "message": "no ledger transaction 'no-such-tx' is known to recon"}
    ]
    written_off = await client.post(f"{base}/write-off", json={"note": "coupon rounding on WeChat's side"}, headers=ops)
    assert written_off.status_code == 200, written_off.text
    assert written_off.json()["status"] == "written_off"
    assert [h["action"] for h in written_off.json()["history"]] == ["opened", "investigate", "write_off"]
    assert written_off.json()["history"][-1]["by"] == platform.keys["ops"]["key_id"]
    too_late = await client.post(f"{base}/investigate", json={"note": "again"}, headers=ops)
    assert too_late.status_code == 409
    assert {key: too_late.json()[key] for key in ("type", "title", "detail")} == {
        "type": "https://shipsettle.dev/problems/wrong-status",
        "title": "Conflict",
        "detail": "cannot investigate a discrepancy that is written_off",
    }


async def test_a_bill_that_cannot_be_read_whole_is_refused_naming_row_and_column_and_nothing_is_imported(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    from recon_support import wechat_bill, wechat_row

    order_id = f"X-{uuid.uuid4().hex[:8]}"
    bill = wechat_bill(
        [
            wechat_row("2026-11-27 10:00:00", "4200000001202611270009", order_id, "SUCCESS", "10.00"),
            wechat_row("2026-11-27 10:05:00", "4200000001202611270010", f"{order_id}-2", "SUCCESS", "1O.00"),
        ],
        "`2,`20.00,`0.00,`0.00,`0.07200,`20.00,`0.00",
    )
    before = await every_item(client, f"{platform.url('recon-svc')}/v1/discrepancies", bearer(platform.keys["ops"]))
    response = await import_file(client, platform, "wechat_trade_bill", bill)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {"row": 3, "column": "应结订单金额"}.items() <= problem["errors"][0].items()
    after = await every_item(client, f"{platform.url('recon-svc')}/v1/discrepancies", bearer(platform.keys["ops"]))
    assert len(after) == len(before)
    empty = await import_file(client, platform, "camt053", b"")
    assert empty.status_code == 422


async def import_merchant_records(
    client: httpx.AsyncClient,
    platform: Platform,
    merchant: dict[str, str],
    records: list[tuple[str, str]],
    today: date,
) -> httpx.Response:
    """The merchant's own CSV (订单号, 金额, 日期: each record's order id and amount, dated
    ``today``) matched for the days around ``today``."""
    content = "\n".join(["订单号,金额,日期", *(f"{order_id},{amount},{today}" for order_id, amount in records)])
    return await client.post(
        f"{platform.url('recon-svc')}/v1/merchants/{merchant['merchant_id']}/records",
        params={
            "order_id_column": "订单号",
            "amount_column": "金额",
            "date_column": "日期",
            "from": str(today - timedelta(days=1)),
            "to": str(today + timedelta(days=1)),
        },
        content=content.encode("utf-8"),
        headers={**bearer(merchant), "content-type": "text/csv"},
    )


async def test_the_merchants_own_records_are_matched_by_order_id_and_amount(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-records")
    mid = merchant["merchant_id"]
    orders = [simple_order(mid, unit_price=price, quantity=1) for price in ("10.00", "20.00", "30.00")]
    for order in orders:
        await place(client, platform, order)

    async def recon_knows_orders() -> bool:
        for order in orders:
            response = await client.get(
                f"{platform.url('recon-svc')}/v1/orders/{order['order_id']}/money", headers=bearer(merchant)
            )
            if response.status_code != 200 or response.json()["buyer_paid_minor"] is None:
                return False
        return True

    await eventually(recon_knows_orders, timeout_s=30)
    today = (await service_now(client, platform.url("recon-svc"))).astimezone(CHINA).date()
    # the merchant's spreadsheet: order 1 right, order 2 booked at 2.00 too little, order 3 not
    # there, and an order ShipSettle never saw
    response = await import_merchant_records(
        client,
        platform,
        merchant,
        [
            (orders[0]["order_id"], "10.00"),
            (orders[1]["order_id"], "18.00"),
            (f"NOT-OURS-{uuid.uuid4().hex[:6]}", "5.00"),
        ],
        today,
    )
    assert response.status_code == 201, response.text
    found = {(d["type"], d["order_id"]) for d in response.json()["discrepancies"]}
    assert ("amount_differs", orders[1]["order_id"]) in found
    assert ("missing_on_their_side", orders[2]["order_id"]) in found
    assert any(kind == "missing_on_our_side" and order_id.startswith("NOT-OURS-") for kind, order_id in found)
    assert all(order_id != orders[0]["order_id"] for _, order_id in found)
    differs = next(d for d in response.json()["discrepancies"] if d["type"] == "amount_differs")
    # ours 2000 (what the buyer paid), theirs 1800
    assert differs["ours"]["figures"][0]["amount_minor"] == 2000
    assert differs["theirs"]["records"][0]["amount_minor"] == 1800

    listed = await client.get(f"{platform.url('recon-svc')}/v1/discrepancies", headers=bearer(merchant))
    assert {d["merchant_id"] for d in listed.json()["items"]} == {mid}

    bad = await client.post(
        f"{platform.url('recon-svc')}/v1/merchants/{mid}/records",
        params={"order_id_column": "订单号", "amount_column": "金额", "date_column": "日期", "month": str(today)[:7]},
        content=f"订单号,金额,日期\n{orders[0]['order_id']},ten,{today}\n".encode(),
        headers={**bearer(merchant), "content-type": "text/csv"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["row"] == 2
    assert bad.json()["errors"][0]["column"] == "金额"


async def test_a_discrepancy_is_resolved_by_an_adjustment_settlement_books(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    from recon_support import camt053, payout_entry

    merchant = await merchant_with_policy(platform, client, "recon-adjust")
    mid = merchant["merchant_id"]
    ops = bearer(platform.keys["ops"])
    # the bank shows a 12.34 debit nobody at ShipSettle booked
    stray = f"PO-{uuid.uuid4().hex[:16]}"
    document = camt053(
        [payout_entry("12.34", stray, "PO209901010000000099", "2026-11-27T09:00:00+08:00")],
        opening="1000.00",
        closing="987.66",
        statement_id=f"STMT-{stray}",
    )
    imported = (await import_file(client, platform, "camt053", document)).json()
    [discrepancy] = [d for d in imported["discrepancies"] if d["reference"] == stray]
    assert discrepancy["type"] == "missing_on_our_side"

    settlement = f"{platform.url('settlement-svc')}/v1/merchants/{mid}/adjustments"
    body = {
        "amount_minor": 1234,
        "reason": "bank debit 12.34 refunded to the merchant",
        "reference": discrepancy["discrepancy_id"],
    }
    zero = await client.post(
        settlement, json={**body, "amount_minor": 0}, headers={**ops, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert zero.status_code == 422
    assert zero.headers["content-type"] == "application/problem+json"
    assert zero.json()["errors"][0]["field"] == "body.amount_minor"
    assert (await full_balances(client, platform, merchant))["balances_minor"]["available"] == 0  # nothing booked
    key = str(uuid.uuid4())
    proposed = await client.post(settlement, json=body, headers={**ops, "Idempotency-Key": key})
    again = await client.post(settlement, json=body, headers={**ops, "Idempotency-Key": key})
    assert again.json()["approval_id"] == proposed.json()["approval_id"]  # proposed once
    # four eyes: a second ops key books it; the approval's result is the booking
    booked = (await approve_as_second_ops(client, platform, "settlement-svc", proposed))["result"]
    assert {p["account_id"]: p["amount_minor"] for p in booked["postings"]} == {
        "platform:adjustments": -1234,
        f"merchant:{mid}:available": 1234,
    }
    merchant_refused = await client.post(settlement, json=body, headers={**bearer(merchant), "Idempotency-Key": key})
    assert merchant_refused.status_code == 403

    # a debit beyond what is available: 1234 from available, 766 owed
    debit_proposed = await client.post(
        settlement,
        json={"amount_minor": -2000, "reason": "duplicate subsidy paid in error"},
        headers={**ops, "Idempotency-Key": str(uuid.uuid4())},
    )
    debit = (await approve_as_second_ops(client, platform, "settlement-svc", debit_proposed))["result"]
    assert {p["account_id"]: p["amount_minor"] for p in debit["postings"]} == {
        "platform:adjustments": 2000,
        f"merchant:{mid}:available": -1234,
        f"merchant:{mid}:negative_balance": -766,
    }
    balances = await full_balances(client, platform, merchant)
    assert (balances["balances_minor"]["available"], balances["balances_minor"]["negative_balance"]) == (0, -766)
    explanation = await client.get(
        f"{platform.url('settlement-svc')}/v1/merchants/{mid}/balance-explanation", headers=bearer(merchant)
    )
    assert explanation.json()["reconciles"] is True

    async def resolved() -> dict[str, Any] | None:
        response = await client.post(
            f"{platform.url('recon-svc')}/v1/discrepancies/{discrepancy['discrepancy_id']}/resolve",
            json={"note": "refunded by adjustment", "adjustment_tx_key": booked["tx_key"]},
            headers=ops,
        )
        return response.json() if response.status_code == 200 else None

    done = await eventually(resolved, timeout_s=30)  # once recon has the adjustment's ledger entry
    assert done["status"] == "resolved"
    assert done["resolution"]["adjustment_tx_key"] == booked["tx_key"]
    today = (await service_now(client, platform.url("recon-svc"))).astimezone(CHINA).date()
    period = {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))}
    stated = (await statement(client, platform, merchant, period)).json()
    # +1234 - 2000 = -766: the merchant owes it, and the statement closes on it
    assert stated["lines_minor"]["adjustments"] == -766
    assert stated["closing_balance_minor"] == -766


async def test_a_hold_not_released_by_its_policy_date_is_reported_until_a_release_in_time_arrives(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    from shipsettle_shared.contracts import FundsReleased, SettlementPending

    merchant = await merchant_with_policy(platform, client, "recon-window")
    order = simple_order(merchant["merchant_id"], unit_price="40.00", quantity=1)
    await place(client, platform, order)
    now = await service_now(client, platform.url("recon-svc"))

    def pending(hold_id: str, release_at: datetime) -> SettlementPending:
        return SettlementPending(
            order_id=order["order_id"],
            merchant_id=merchant["merchant_id"],
            shipment_id="SH-never",
            hold_id=hold_id,
            currency="CNY",
            paid_minor=4000,
            shipping_minor=0,
            subsidy_minor=0,
            commission_minor=200,
            net_minor=3800,
            release_at=release_at,
            policy_version=1,
        )

    # a hold that settlement announced for release now, and then never released (injected: no
    # such hold exists in settlement, so nothing will release it)
    await publish(pending(f"H-never-{uuid.uuid4().hex[:8]}", now), "settlement-svc")

    async def recorded_hold() -> bool:
        response = await client.get(
            f"{platform.url('recon-svc')}/v1/orders/{order['order_id']}/money", headers=bearer(platform.keys["auditor"])
        )
        return response.status_code == 200 and bool(response.json()["holds"])

    await eventually(recorded_hold, timeout_s=30)
    assert await violations_of(client, platform, order["order_id"]) == []
    await platform.advance_clock(3600 + 120)  # past the release date and the hour of slack

    async def reported() -> list[dict[str, Any]] | None:
        found = [
            v for v in await violations_of(client, platform, order["order_id"]) if v["check"] == "not_settled_in_window"
        ]
        return found or None

    [violation] = await eventually(reported, timeout_s=30)
    assert violation["figures"]["hold_id"].startswith("H-never-")

    def released(hold_id: str, released_at: datetime) -> FundsReleased:
        return FundsReleased(
            order_id=order["order_id"],
            merchant_id=merchant["merchant_id"],
            hold_id=hold_id,
            currency="CNY",
            released_minor=3800,
            available_minor=3800,
            reserved_minor=0,
            released_at=released_at,
        )

    # a second hold, released two hours after its date: past the hour of slack, a late release
    late_hold = f"H-late-{uuid.uuid4().hex[:8]}"
    due = await service_now(client, platform.url("recon-svc"))
    await publish(pending(late_hold, due), "settlement-svc")
    await platform.advance_clock(3600 + 120)

    async def both_reported() -> dict[str, dict[str, Any]] | None:
        found = {
            v["figures"]["hold_id"]: v
            for v in await violations_of(client, platform, order["order_id"])
            if v["check"] == "not_settled_in_window"
        }
        return found if len(found) == 2 else None

    await eventually(both_reported, timeout_s=30)
    # the releases reach recon after its checks: the first hold's was 30 minutes after its date
    # (inside the hour), the second's two hours after
    await publish(released(violation["figures"]["hold_id"], now + timedelta(minutes=30)), "settlement-svc")
    await publish(released(late_hold, due + timedelta(hours=2)), "settlement-svc")

    async def only_the_late_one() -> list[dict[str, Any]] | None:
        found = [
            v for v in await violations_of(client, platform, order["order_id"]) if v["check"] == "not_settled_in_window"
        ]
        return found if [v["figures"]["hold_id"] for v in found] == [late_hold] else None

    await eventually(only_the_late_one, timeout_s=30)
    every = (
        await client.get(
            f"{platform.url('recon-svc')}/v1/invariants/violations",
            params={"order_id": order["order_id"], "include_resolved": "true"},
            headers=bearer(platform.keys["auditor"]),
        )
    ).json()["items"]
    resolved = [v for v in every if v["figures"].get("hold_id") == violation["figures"]["hold_id"]]
    assert len(resolved) == 1
    assert resolved[0]["resolved_at"] is not None
