"""HTTP: the tax report and the 发出商品 report (goods shipped, not yet signed off), as JSON, CSV
or XLSX, per merchant and period (China business days, as statements)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from recon_svc.adapters.unit_of_work import SqlReconUnitOfWork
from recon_svc.domain.report_tables import (
    STOCK_LINE_HEADERS_EN,
    STOCK_LINE_HEADERS_ZH,
    STOCK_SKU_HEADERS_EN,
    STOCK_SKU_HEADERS_ZH,
    TAX_HEADERS_EN,
    TAX_HEADERS_ZH,
    TAX_LINE_HEADERS_EN,
    TAX_LINE_HEADERS_ZH,
    stock_line_rows,
    stock_sku_rows,
    tax_line_rows,
    tax_rate_rows,
)
from recon_svc.entrypoints.downloads import Rows, csv_bytes, document_or_file, file_response, xlsx_bytes
from recon_svc.entrypoints.http_models import GoodsShippedReportPublic, TaxReportPublic
from recon_svc.entrypoints.http_statements import period_of
from recon_svc.service_layer import reports as service
from shipsettle_shared.auth import Readers
from shipsettle_shared.db import snapshot
from shipsettle_shared.identifiers import IdPath

router = APIRouter(prefix="/v1", tags=["tax and 发出商品 reports"])

Day = Annotated[str | None, Query(description="YYYY-MM-DD (China time)")]
Month = Annotated[str | None, Query(description="YYYY-MM")]
From = Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")]
To = Annotated[str | None, Query(alias="to", description="last day, YYYY-MM-DD (inclusive)")]
Format = Literal["json", "csv", "xlsx"]
Lang = Literal["en", "zh"]

TAX_RULE = (
    "Tax-inclusive sales and output VAT are recognised when units are signed off (签收 / 确认收货); "
    "until then the goods are 发出商品. A line's sales amount (less merchant-funded discounts) and "
    "its VAT (round half up at line level, per SPEC section 3) are split over its units by the "
    "largest-remainder method, the first units taking the odd fen; sign-offs take a line's first "
    "units, refunds its last. A refund completed in the period reduces sales and VAT by the share "
    "of its units that had been recognised; units refunded before sign-off were never sales."
)
STOCK_RULE = (
    "Per SKU: opening + shipped - signed off - returned = closing, in units and in fen (the units' "
    "share of the line's tax-inclusive sales amount). Shipped: dispatched parcels; signed off: "
    "OrderSignedOff; returned: outbound parcels returned to sender (退签), never signed off. "
    "Opening is the closing of the day before the period."
)


def _preamble(document: dict[str, Any], title: str, chinese: bool) -> list[list[str]]:
    return [
        [title],
        ["商户" if chinese else "merchant", document["merchant_id"]],
        ["期间" if chinese else "period", document["period_start"], document["period_end"]],
        ["币种" if chinese else "currency", document["currency"]],
    ]


def _name(kind: str, merchant_id: str, start: datetime, end: datetime) -> str:
    return f"{kind}-{merchant_id}-{start.date()}-{(end - timedelta(days=1)).date()}"


def _respond(
    format: Format, name: str, document: dict[str, Any], summary: Rows, detail: Rows, sheets: tuple[str, str]
) -> Any:
    if format == "csv":
        return file_response(csv_bytes([summary, detail]), format, name)
    if format == "xlsx":
        return file_response(xlsx_bytes([(sheets[0], summary), (sheets[1], detail)]), format, name)
    return document


@router.get(
    "/merchants/{merchant_id}/tax-report",
    operation_id="tax_reports.read",
    summary="Tax-inclusive sales and output VAT by rate for a period (增值税销项)",
    description=TAX_RULE,
    **document_or_file(TaxReportPublic, 404),
)
async def tax_report(
    merchant_id: IdPath,
    request: Request,
    principal: Readers,
    day: Day = None,
    month: Month = None,
    start: From = None,
    end: To = None,
    format: Format = "json",
    lang: Lang = "en",
) -> Any:
    """Rows per VAT rate (13%, 9%, 6%, 0% always, any other rate found) and a total; one row
    per order line in the files. Amounts are integers in fen in JSON, yuan in the files."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    period_start, period_end = period_of(day, month, start, end)
    async with snapshot(request.app.state.runtime.sessions) as session:
        report = await service.tax_report(SqlReconUnitOfWork(session), merchant_id, period_start, period_end)
    document = report.as_document()
    chinese = lang == "zh"
    summary: list[Sequence[str]] = [
        *_preamble(document, "增值税销项报表" if chinese else "VAT output report", chinese),
        [],
        TAX_HEADERS_ZH if chinese else TAX_HEADERS_EN,
        *tax_rate_rows(report, chinese),
    ]
    detail = [TAX_LINE_HEADERS_ZH if chinese else TAX_LINE_HEADERS_EN, *tax_line_rows(report)]
    sheets = ("汇总", "订单明细") if chinese else ("Summary", "Orders")
    return _respond(
        format, _name("tax-report", merchant_id, period_start, period_end), document, summary, detail, sheets
    )


@router.get(
    "/merchants/{merchant_id}/goods-shipped-report",
    operation_id="goods_shipped_reports.read",
    summary="发出商品: goods shipped and not yet signed off, per SKU, for a period",
    description=STOCK_RULE,
    **document_or_file(GoodsShippedReportPublic, 404),
)
async def goods_shipped_report(
    merchant_id: IdPath,
    request: Request,
    principal: Readers,
    day: Day = None,
    month: Month = None,
    start: From = None,
    end: To = None,
    format: Format = "json",
    lang: Lang = "en",
) -> Any:
    """The balance at any date is the closing of a period ending that day. Amounts are integers
    in fen in JSON, yuan in the files."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    period_start, period_end = period_of(day, month, start, end)
    async with snapshot(request.app.state.runtime.sessions) as session:
        report = await service.goods_shipped_report(SqlReconUnitOfWork(session), merchant_id, period_start, period_end)
    document = report.as_document()
    chinese = lang == "zh"
    summary: list[Sequence[str]] = [
        *_preamble(document, "发出商品明细表" if chinese else "Goods shipped, not yet signed off", chinese),
        [],
        STOCK_SKU_HEADERS_ZH if chinese else STOCK_SKU_HEADERS_EN,
        *stock_sku_rows(report, chinese),
    ]
    detail = [STOCK_LINE_HEADERS_ZH if chinese else STOCK_LINE_HEADERS_EN, *stock_line_rows(report)]
    sheets = ("汇总", "订单明细") if chinese else ("Summary", "Orders")
    name = _name("goods-shipped-report", merchant_id, period_start, period_end)
    return _respond(format, name, document, summary, detail, sheets)
