"""Reports as files: CSV (UTF-8 with a BOM, so spreadsheet programs read Chinese headers) and
XLSX, one sheet per table. Shared by statements and the tax and 发出商品 reports.

Every cell goes through ``spreadsheet_cell``: text that a spreadsheet would run as a formula (it
begins with ``= + - @``, TAB or CR; a merchant's SKU ``=HYPERLINK(...)`` once did) gets a leading
single quote, as OWASP's CSV-injection advice says. A plain decimal number is not text to a
spreadsheet, so money (``-2.50``) and units are written as they are and stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any, Literal

from fastapi import Response
from openpyxl import Workbook

from shipsettle_shared.api_document import answers

Rows = Sequence[Sequence[str]]
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def spreadsheet_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never runs it: a leading ``'`` when it would
    begin a formula, unless it is a plain number (money such as ``-2.50``)."""
    if value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_bytes(sections: Sequence[Rows]) -> bytes:
    """The sections one after another, a blank row between them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, rows in enumerate(sections):
        if index:
            writer.writerow([])
        writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    # BOM: spreadsheet programs then read the Chinese headers as UTF-8
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Rows]]) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    for index, (title, rows) in enumerate(sheets):
        sheet = first if index == 0 else workbook.create_sheet(title)
        sheet.title = title
        for row in rows:
            sheet.append([spreadsheet_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def document_or_file(model: Any, *errors: int) -> dict[str, Any]:
    """Decorator keywords of a route that answers its document as JSON (``model``) or, with
    ``format=csv`` or ``xlsx``, as a file (``file_response``); ``errors`` as for ``answers``."""
    documented = answers(model, *errors)
    documented["responses"][200]["content"] = {
        "text/csv": {"schema": {"type": "string"}},
        XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
    }
    return documented


def file_response(
    content: bytes, format: Literal["csv", "xlsx"], name: str, headers: dict[str, str] | None = None
) -> Response:
    media_type = "text/csv; charset=utf-8" if format == "csv" else XLSX_MEDIA_TYPE
    return Response(
        content,
        media_type=media_type,
        headers={**(headers or {}), "Content-Disposition": f'attachment; filename="{name}.{format}"'},
    )
