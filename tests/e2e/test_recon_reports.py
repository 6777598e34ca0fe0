"""recon-svc's tax report and 发出商品 report end to end, on the real platform: orders placed with
order-svc, shipped and signed off through logistics-svc, refunded through refund-svc.

The order is the worked example of tests/unit/order/test_pricing.py (figures by hand there):

  line  SKU      units  rate  sales (less merchant discounts)  VAT (half up, line level)
  L1    TEA-500  2      13%   23040  -> units [11520, 11520]   2651 -> [1326, 1325]
  L2    BOOK-1   1       9%    5310                             438
  L3    SVC-1    3       6%    8999  -> [3000, 3000, 2999]      509 -> [170, 170, 169]

(8999 = 3 x 2999 + 2 and 509 = 3 x 169 + 2: the first units take the odd fen.)
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date, timedelta, timezone
from typing import Any

import httpx
import pytest
from logistics_support import FORM, kuaidi100_form, service_now, sf_number
from openpyxl import load_workbook
from order_support import worked_example_order
from platform_support import Platform, bearer
from support import eventually
from test_refunds import request_body, request_refund, until_status
from test_settlement_refunds import merchant_with_policy, order_sums, place, settlement_of

pytestmark = pytest.mark.infra

KUAIDI100_SALT = secrets.token_hex(16)
CHINA = timezone(timedelta(hours=8))  # report periods are China business days


@pytest.fixture(scope="module", autouse=True)
async def kuaidi100_secret(platform: Platform) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.put(
            f"{platform.url('logistics-svc')}/v1/webhook-sources/kuaidi100/secret",
            json={"secret": KUAIDI100_SALT},
            headers=bearer(platform.keys["ops"]),
        )
        assert response.status_code == 204, response.text


# --- helpers ------------------------------------------------------------------------------------


async def report(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], kind: str, params: dict[str, str]
) -> httpx.Response:
    return await client.get(
        f"{platform.url('recon-svc')}/v1/merchants/{merchant['merchant_id']}/{kind}",
        params=params,
        headers=bearer(merchant),
    )


async def around_today(client: httpx.AsyncClient, platform: Platform) -> dict[str, str]:
    """A period from yesterday to tomorrow on recon's (test-movable) clock, China time."""
    today = (await service_now(client, platform.url("recon-svc"))).astimezone(CHINA).date()
    return {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))}


def shipping_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The shipping information a merchant confirms for ``order``: every line, all its units."""
    return [{"line_id": line["line_id"], "quantity": line["quantity"], "spec": line["spec"]} for line in order["lines"]]


async def confirmed(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], order: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``order`` (the worked example by default) placed and its shipping information confirmed."""
    order = order or worked_example_order(merchant["merchant_id"])
    await place(client, platform, order)

    async def shipping_confirmed() -> bool:
        response = await client.post(
            f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/shipping-info/confirm",
            json={"items": shipping_items(order)},
            headers=bearer(merchant),
        )
        return response.status_code == 200

    await eventually(shipping_confirmed, timeout_s=30)
    return order


async def dispatch(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], order_id: str, lines: dict[str, int]
) -> dict[str, Any]:
    body = {
        "order_id": order_id,
        "carrier_code": "SF",
        "tracking_number": sf_number(),
        "lines": [{"line_id": line_id, "quantity": units} for line_id, units in lines.items()],
    }

    async def dispatched() -> dict[str, Any] | None:
        response = await client.post(
            f"{platform.url('logistics-svc')}/v1/shipments", json=body, headers=bearer(merchant)
        )
        return response.json() if response.status_code == 201 else None  # logistics learns of the order by bus

    return await eventually(dispatched, timeout_s=30)


async def confirm_receipt(client: httpx.AsyncClient, platform: Platform, order_id: str) -> list[dict[str, Any]]:
    response = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{order_id}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert response.status_code == 200, response.text
    return list(response.json())


# --- tax report ---------------------------------------------------------------------------------


async def test_an_order_with_several_vat_rates_signed_off_and_partly_refunded_gives_the_tax_report_by_hand(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-tax")
    order = await confirmed(client, platform, merchant)
    await dispatch(client, platform, merchant, order["order_id"], {"L1": 2, "L2": 1, "L3": 3})
    await confirm_receipt(client, platform, order["order_id"])

    # one unit of L3 refunded (refund-only, damaged): it takes the line's last unit, 2999 / 169
    async def refund_opened() -> dict[str, Any] | None:
        response = await request_refund(client, platform, request_body(order, "refund_only", "damaged", {"L3": 1}))
        return response.json() if response.status_code == 201 else None  # refund-svc learns of the sign-off by bus

    refund = await eventually(refund_opened, timeout_s=30)
    approved = await client.post(
        f"{platform.url('refund-svc')}/v1/refunds/{refund['refund_id']}/approve", headers=bearer(merchant)
    )
    assert approved.status_code == 200, approved.text
    await until_status(client, platform, refund["refund_id"], "completed")

    period = await around_today(client, platform)

    async def complete() -> dict[str, Any] | None:
        found = (await report(client, platform, merchant, "tax-report", period)).json()
        return found if found["total"]["signed_off_units"] == 6 and found["total"]["refunded_units"] == 1 else None

    document = await eventually(complete, timeout_s=30)
    rates = {row["vat_rate_bp"]: row for row in document["rates"]}
    assert list(rates) == [1300, 900, 600, 0]

    def figures(row: dict[str, Any]) -> tuple[int, ...]:
        return (
            row["signed_off_units"],
            row["sales_minor"],
            row["vat_minor"],
            row["refunded_units"],
            row["refunded_sales_minor"],
            row["refunded_vat_minor"],
            row["net_sales_minor"],
            row["net_vat_minor"],
            row["net_excluding_vat_minor"],
        )

    # 13%: 23040 and 2651, nothing refunded; before VAT 23040 - 2651 = 20389
    assert figures(rates[1300]) == (2, 23040, 2651, 0, 0, 0, 23040, 2651, 20389)
    # 9%: 5310 and 438; before VAT 4872
    assert figures(rates[900]) == (1, 5310, 438, 0, 0, 0, 5310, 438, 4872)
    # 6%: 8999 and 509, less the last unit 2999 and 169 -> 6000 and 340; before VAT 5660
    assert figures(rates[600]) == (3, 8999, 509, 1, 2999, 169, 6000, 340, 5660)
    assert figures(rates[0]) == (0,) * 9
    # total: sales 23040 + 5310 + 8999 = 37349, VAT 2651 + 438 + 509 = 3598 (the order's VAT);
    # net 37349 - 2999 = 34350 and 3598 - 169 = 3429; before VAT 34350 - 3429 = 30921
    assert figures(document["total"]) == (6, 37349, 3598, 1, 2999, 169, 34350, 3429, 30921)
    assert document["incomplete_orders"] == []
    assert {(line["line_id"], line["net_sales_minor"]) for line in document["lines"]} == {
        ("L1", 23040),
        ("L2", 5310),
        ("L3", 6000),
    }

    csv_answer = await report(client, platform, merchant, "tax-report", {**period, "format": "csv", "lang": "zh"})
    assert csv_answer.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig"))))
    assert table[5][:7] == ["税率", "签收件数", "含税销售额", "销项税额", "退款件数", "退款销售额", "退款税额"]
    assert ["6%", "3", "89.99", "5.09", "1", "29.99", "1.69", "60.00", "3.40", "56.60"] in table
    assert ["合计", "6", "373.49", "35.98", "1", "29.99", "1.69", "343.50", "34.29", "309.21"] in table
    assert [
        order["order_id"],
        "L3",
        "SVC-1",
        "6%",
        "3",
        "89.99",
        "5.09",
        "1",
        "29.99",
        "1.69",
        "60.00",
        "3.40",
        "56.60",
    ] in table

    xlsx_answer = await report(client, platform, merchant, "tax-report", {**period, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx_answer.content))
    assert workbook.sheetnames == ["Summary", "Orders"]
    assert workbook["Orders"].max_row == 1 + 3  # header and one row per order line

    # the day before: nothing was signed off or refunded yet
    before = str(date.fromisoformat(period["from"]) - timedelta(days=1))
    empty = (await report(client, platform, merchant, "tax-report", {"day": before})).json()
    assert figures(empty["total"]) == (0,) * 9


# --- 发出商品 -------------------------------------------------------------------------------------


def stock(row: dict[str, Any]) -> tuple[int, ...]:
    return (
        row["opening_units"],
        row["opening_minor"],
        row["shipped_units"],
        row["shipped_minor"],
        row["signed_off_units"],
        row["signed_off_minor"],
        row["returned_units"],
        row["returned_minor"],
        row["closing_units"],
        row["closing_minor"],
    )


async def test_an_order_shipped_in_two_parcels_one_signed_off_gives_the_goods_shipped_report_by_hand(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-fcsp")
    order = await confirmed(client, platform, merchant)
    order_id = order["order_id"]
    # parcel 1: the tea, signed off by the buyer; parcel 2: the book and the service, still out
    first = await dispatch(client, platform, merchant, order_id, {"L1": 2})
    [signed] = await confirm_receipt(client, platform, order_id)
    assert signed["shipment_id"] == first["shipment_id"]
    second = await dispatch(client, platform, merchant, order_id, {"L2": 1, "L3": 3})
    period = await around_today(client, platform)

    async def complete() -> dict[str, Any] | None:
        found = (await report(client, platform, merchant, "goods-shipped-report", period)).json()
        total = found["total"]
        return found if (total["shipped_units"], total["signed_off_units"]) == (6, 2) else None

    document = await eventually(complete, timeout_s=30)
    skus = {row["sku"]: stock(row) for row in document["skus"]}
    assert skus == {
        # opening, shipped, signed off, returned, closing: (units, fen) each
        "TEA-500": (0, 0, 2, 23040, 2, 23040, 0, 0, 0, 0),
        "BOOK-1": (0, 0, 1, 5310, 0, 0, 0, 0, 1, 5310),
        "SVC-1": (0, 0, 3, 8999, 0, 0, 0, 0, 3, 8999),
    }
    # closing: 4 units, 5310 + 8999 = 14309
    assert stock(document["total"]) == (0, 0, 6, 37349, 2, 23040, 0, 0, 4, 14309)

    # it agrees with logistics: dispatched - signed off, counted from logistics' own parcels
    parcels = (
        await client.get(f"{platform.url('logistics-svc')}/v1/orders/{order_id}/shipments", headers=bearer(merchant))
    ).json()
    outbound = [p for p in parcels if p["direction"] == "outbound"]
    dispatched_units = sum(sum(p["lines"].values()) for p in outbound)
    signed_units = sum(sum(p["lines"].values()) for p in outbound if p["signed_off_at"] is not None)
    assert (dispatched_units, signed_units) == (6, 2)
    assert document["total"]["closing_units"] == dispatched_units - signed_units

    # and with settlement: it booked the signed-off tea, nothing for the units still out
    settled = await eventually(
        lambda: _settled_lines(client, platform, merchant, order_id, {"L1": 2, "L2": 0, "L3": 0}), timeout_s=30
    )
    out_lines = {line["line_id"]: line["closing_units"] for line in document["lines"] if line["closing_units"]}
    assert out_lines == {"L2": 1, "L3": 3}
    assert all(settled["lines"][line_id]["units_signed_off"] == 0 for line_id in out_lines)
    # released from clearing: the tea's paid amount only (21189, test_pricing), never the
    # book's 4884 or the service's 8276, plus the shipping fee the buyer paid the merchant
    released = -order_sums(settled).get("platform:clearing", 0)
    assert released in (21189, 21189 + 1000), settled

    # the next day opens with what closed today
    tomorrow = {"day": period["to"]}
    next_day = (await report(client, platform, merchant, "goods-shipped-report", tomorrow)).json()
    assert stock(next_day["total"]) == (4, 14309, 0, 0, 0, 0, 0, 0, 4, 14309)

    # the second parcel comes back to the merchant (退签): its 4 units leave 发出商品 unsigned
    now = await service_now(client, platform.url("logistics-svc"))
    form = kuaidi100_form(second["tracking_number"], [("退签", "退回寄件人，已签收", now)], KUAIDI100_SALT, "4")
    pushed = await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    assert pushed.status_code == 200, pushed.text

    async def returned() -> dict[str, Any] | None:
        found = (await report(client, platform, merchant, "goods-shipped-report", period)).json()
        return found if found["total"]["returned_units"] == 4 else None

    document = await eventually(returned, timeout_s=30)
    assert stock(document["total"]) == (0, 0, 6, 37349, 2, 23040, 4, 14309, 0, 0)
    parcels = (
        await client.get(f"{platform.url('logistics-svc')}/v1/orders/{order_id}/shipments", headers=bearer(merchant))
    ).json()
    [back] = [p for p in parcels if p["shipment_id"] == second["shipment_id"]]
    assert back["status"] == "returned_to_sender"

    csv_answer = await report(
        client, platform, merchant, "goods-shipped-report", {**period, "format": "csv", "lang": "zh"}
    )
    table = list(csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig"))))
    assert table[5][:5] == ["SKU", "期初数量", "期初金额", "本期发出数量", "本期发出金额"]
    assert ["SVC-1", "0", "0.00", "3", "89.99", "0", "0.00", "3", "89.99", "0", "0.00"] in table
    assert ["合计", "0", "0.00", "6", "373.49", "2", "230.40", "4", "143.09", "0", "0.00"] in table


async def _settled_lines(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], order_id: str, expected: dict[str, int]
) -> dict[str, Any] | None:
    found = await settlement_of(client, platform, merchant, order_id)
    if found is None or not found["holds"]:
        return None
    signed = {line_id: line["units_signed_off"] for line_id, line in found["lines"].items()}
    return found if signed == expected else None


# --- bad input ----------------------------------------------------------------------------------


async def test_bad_periods_are_refused_with_problems(platform: Platform, client: httpx.AsyncClient) -> None:
    merchant = platform.keys["merchant_a"]
    for kind in ("tax-report", "goods-shipped-report"):
        for params in (
            {},
            {"day": "2026-13-01"},
            {"from": "2026-11-02", "to": "2026-11-01"},
            {"month": "nope"},
            {"from": "2025-01-01", "to": "2026-06-01"},  # longer than 366 days
            {"from": "2026-11-01"},  # no end
        ):
            response = await report(client, platform, merchant, kind, params)
            assert response.status_code == 422, (kind, params, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
        wrong_format = await report(client, platform, merchant, kind, {"day": "2026-11-01", "format": "pdf"})
        assert wrong_format.status_code == 422
        other = await client.get(
            f"{platform.url('recon-svc')}/v1/merchants/{platform.keys['merchant_b']['merchant_id']}/{kind}",
            params={"day": "2026-11-01"},
            headers=bearer(merchant),
        )
        assert other.status_code == 404
