"""CSV and XLSX cells: text that would begin a formula is quoted (OWASP CSV injection), numbers
are not."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from recon_svc.entrypoints.downloads import csv_bytes, spreadsheet_cell, xlsx_bytes

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "-",
    "=",
    "-1e9",
    "-12.",
    "- 12",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_text_that_would_begin_a_formula_gets_a_leading_quote(value: str) -> None:
    assert spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-2.50", "-12", "0.00", "230.40", "13%", "TEA-500", "茶", "", "a=b", "'=x"])
def test_numbers_and_ordinary_text_are_written_as_they_are(value: str) -> None:
    assert spreadsheet_cell(value) == value


def test_a_csv_read_back_holds_no_formula_and_keeps_money_numbers() -> None:
    content = csv_bytes([[["SKU", "amount"], ['=HYPERLINK("http://x","y")', "-2.50"], ["\r=1+1", "10.00"]]])
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert table == [["SKU", "amount"], ['\'=HYPERLINK("http://x","y")', "-2.50"], ["'\r=1+1", "10.00"]]


def test_an_xlsx_read_back_holds_no_formula_and_keeps_money_numbers() -> None:
    content = xlsx_bytes([("Orders", [["SKU", "amount"], ['=HYPERLINK("http://x","y")', "-2.50"], ["@A1", "1"]])])
    sheet = load_workbook(io.BytesIO(content))["Orders"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert [cell.value for cell in cells] == ["SKU", "amount", '\'=HYPERLINK("http://x","y")', "-2.50", "'@A1", "1"]
