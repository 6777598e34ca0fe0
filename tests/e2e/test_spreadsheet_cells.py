"""Statements and reports downloaded as CSV and XLSX never carry a live formula: a merchant's SKU
such as ``=HYPERLINK("http://x","y")`` (and its ``+ - @`` TAB and CR variants) is written as text
with a leading single quote (OWASP CSV injection), while money stays a plain number.

Two orders of the worked example (tests/unit/order/test_pricing.py, figures by hand in
test_recon_reports.py), their SKUs replaced by formulas, shipped and signed off:
  L1 2 units 13%: sales 23040, VAT 2651, before VAT 20389
  L2 1 unit   9%: sales  5310, VAT  438, before VAT  4872
  L3 3 units  6%: sales  8999, VAT  509, before VAT  8490
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from order_support import worked_example_order
from platform_support import Platform
from support import eventually
from test_recon import statement
from test_recon_reports import around_today, confirm_receipt, confirmed, dispatch, report
from test_settlement_refunds import merchant_with_policy

from recon_svc.entrypoints.downloads import FORMULA_TRIGGERS

pytestmark = pytest.mark.infra

FORMULA_SKUS = [
    ('=HYPERLINK("http://x","y")', '+HYPERLINK("http://x","y")', "-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"),
]
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def with_skus(merchant_id: str, skus: tuple[str, str, str]) -> dict[str, Any]:
    order = worked_example_order(merchant_id)
    for line, sku in zip(order["lines"], skus, strict=True):
        line["sku"] = sku
    return order


def csv_cells(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_cells(response: httpx.Response) -> list[Any]:
    """Every cell of every sheet, as openpyxl reads it back."""
    assert response.status_code == 200, response.text
    workbook = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula_in_csv(table: list[list[str]]) -> None:
    for row in table:
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS) or PLAIN_NUMBER.fullmatch(cell), (cell, row)


def assert_no_formula_in_xlsx(cells: list[Any]) -> None:
    for cell in cells:
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_TRIGGERS) or PLAIN_NUMBER.fullmatch(cell.value), cell.value


async def test_formula_skus_are_written_as_text_and_money_stays_numbers_in_every_download(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(platform, client, "recon-cells")
    orders = [with_skus(merchant["merchant_id"], skus) for skus in FORMULA_SKUS]
    for order in orders:
        await confirmed(client, platform, merchant, order)
        await dispatch(client, platform, merchant, order["order_id"], {"L1": 2, "L2": 1, "L3": 3})
        await confirm_receipt(client, platform, order["order_id"])
    period = await around_today(client, platform)

    async def reported() -> bool:
        tax = (await report(client, platform, merchant, "tax-report", period)).json()
        shipped = (await report(client, platform, merchant, "goods-shipped-report", period)).json()
        booked = (await statement(client, platform, merchant, period)).json()
        return (
            tax["total"]["signed_off_units"] == 12
            and shipped["total"]["shipped_units"] == 12
            and len(booked["orders"]) == 2
        )

    await eventually(reported, timeout_s=60)

    tax_table = csv_cells(await report(client, platform, merchant, "tax-report", {**period, "format": "csv"}))
    assert_no_formula_in_csv(tax_table)
    first, second = (order["order_id"] for order in orders)
    # the SKU as text behind a quote; the money as it was: 230.40 sales, 26.51 VAT, 203.89 before VAT
    assert [first, "L1", "'" + FORMULA_SKUS[0][0], "13%", "2", "230.40", "26.51"] == tax_table_row(
        tax_table, first, "L1"
    )[:7]
    assert tax_table_row(tax_table, first, "L2")[2] == "'" + FORMULA_SKUS[0][1]
    assert tax_table_row(tax_table, first, "L3")[2] == "'" + FORMULA_SKUS[0][2]
    assert tax_table_row(tax_table, second, "L1")[2] == "'" + FORMULA_SKUS[1][0]
    assert tax_table_row(tax_table, second, "L2")[2] == "'" + FORMULA_SKUS[1][1]
    assert tax_table_row(tax_table, second, "L3")[2] == "'" + FORMULA_SKUS[1][2]
    assert tax_table_row(tax_table, second, "L3")[3:] == [
        "6%",
        "3",
        "89.99",
        "5.09",
        "0",
        "0.00",
        "0.00",
        "89.99",
        "5.09",
        "84.90",
    ]

    stock_table = csv_cells(
        await report(client, platform, merchant, "goods-shipped-report", {**period, "format": "csv", "lang": "zh"})
    )
    assert_no_formula_in_csv(stock_table)
    skus = {row[0] for row in stock_table if row}
    assert {"'" + sku for pair in FORMULA_SKUS for sku in pair} <= skus

    statement_table = csv_cells(await statement(client, platform, merchant, {**period, "format": "csv"}))
    assert_no_formula_in_csv(statement_table)
    booked = (await statement(client, platform, merchant, period)).json()
    commissions = {row["order_id"]: row["commissions_minor"] for row in booked["orders"]}
    for row in statement_table:
        if row and row[0] in commissions:
            # a negative amount is a number, not a formula: written as it is
            assert commissions[row[0]] < 0
            assert row[3] == f"-{-commissions[row[0]] // 100}.{-commissions[row[0]] % 100:02d}"

    for kind, params in (
        ("tax-report", {}),
        ("goods-shipped-report", {}),
        ("goods-shipped-report", {"lang": "zh"}),
    ):
        cells = xlsx_cells(await report(client, platform, merchant, kind, {**period, **params, "format": "xlsx"}))
        assert_no_formula_in_xlsx(cells)
        texts = {cell.value for cell in cells}
        # XML reads a CR in text back as LF (end-of-line normalisation): the quote is there either way
        assert {"'" + sku.replace("\r", "\n") for pair in FORMULA_SKUS for sku in pair} <= texts, kind
        assert "230.40" in texts  # money as written, never quoted
    assert_no_formula_in_xlsx(xlsx_cells(await statement(client, platform, merchant, {**period, "format": "xlsx"})))


def tax_table_row(table: list[list[str]], order_id: str, line_id: str) -> list[str]:
    [row] = [row for row in table if row[:2] == [order_id, line_id]]
    return row
