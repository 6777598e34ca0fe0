"""The tax and 发出商品 reports as tables for CSV and XLSX (amounts in yuan, as on the statement)."""

from __future__ import annotations

from recon_svc.domain.goods_shipped_report import GoodsShippedReport, StockFigures
from recon_svc.domain.statements import yuan
from recon_svc.domain.tax_report import TaxFigures, TaxReport


def percent(rate_bp: int) -> str:
    whole, fraction = divmod(rate_bp, 100)
    return f"{whole}%" if fraction == 0 else f"{whole}.{fraction:02d}%"


TAX_HEADERS_EN = (
    "VAT rate",
    "units signed off",
    "tax-inclusive sales",
    "output VAT",
    "units refunded",
    "refunded sales",
    "refunded VAT",
    "net sales",
    "net output VAT",
    "net sales excluding VAT",
)
TAX_HEADERS_ZH = (
    "税率",
    "签收件数",
    "含税销售额",
    "销项税额",
    "退款件数",
    "退款销售额",
    "退款税额",
    "净含税销售额",
    "净销项税额",
    "不含税销售额",
)
TAX_LINE_HEADERS_EN = ("order_id", "line_id", "SKU", *TAX_HEADERS_EN)
TAX_LINE_HEADERS_ZH = ("订单号", "行号", "SKU", *TAX_HEADERS_ZH)


def _tax_cells(figures: TaxFigures) -> tuple[str, ...]:
    return (
        str(figures.signed_off_units),
        yuan(figures.sales_minor),
        yuan(figures.vat_minor),
        str(figures.refunded_units),
        yuan(figures.refunded_sales_minor),
        yuan(figures.refunded_vat_minor),
        yuan(figures.net_sales_minor),
        yuan(figures.net_vat_minor),
        yuan(figures.net_excluding_vat_minor),
    )


def tax_rate_rows(report: TaxReport, chinese: bool) -> list[tuple[str, ...]]:
    rows = [(percent(rate), *_tax_cells(figures)) for rate, figures in report.by_rate.items()]
    rows.append(("合计" if chinese else "total", *_tax_cells(report.total)))
    return rows


def tax_line_rows(report: TaxReport) -> list[tuple[str, ...]]:
    return [
        (
            item.line.order_id,
            item.line.line_id,
            item.line.sku,
            percent(item.line.vat_rate_bp),
            *_tax_cells(item.figures),
        )
        for item in report.lines
    ]


STOCK_HEADERS_EN = (
    "opening units",
    "opening amount",
    "shipped units",
    "shipped amount",
    "signed-off units",
    "signed-off amount",
    "returned units",
    "returned amount",
    "closing units",
    "closing amount",
)
STOCK_HEADERS_ZH = (
    "期初数量",
    "期初金额",
    "本期发出数量",
    "本期发出金额",
    "本期签收数量",
    "本期签收金额",
    "本期退回数量",
    "本期退回金额",
    "期末数量",
    "期末金额",
)
STOCK_SKU_HEADERS_EN = ("SKU", *STOCK_HEADERS_EN)
STOCK_SKU_HEADERS_ZH = ("SKU", *STOCK_HEADERS_ZH)
STOCK_LINE_HEADERS_EN = ("order_id", "line_id", "SKU", *STOCK_HEADERS_EN)
STOCK_LINE_HEADERS_ZH = ("订单号", "行号", "SKU", *STOCK_HEADERS_ZH)


def _stock_cells(figures: StockFigures) -> tuple[str, ...]:
    return (
        str(figures.opening_units),
        yuan(figures.opening_minor),
        str(figures.shipped_units),
        yuan(figures.shipped_minor),
        str(figures.signed_off_units),
        yuan(figures.signed_off_minor),
        str(figures.returned_units),
        yuan(figures.returned_minor),
        str(figures.closing_units),
        yuan(figures.closing_minor),
    )


def stock_sku_rows(report: GoodsShippedReport, chinese: bool) -> list[tuple[str, ...]]:
    rows = [(sku, *_stock_cells(figures)) for sku, figures in report.by_sku.items()]
    rows.append(("合计" if chinese else "total", *_stock_cells(report.total)))
    return rows


def stock_line_rows(report: GoodsShippedReport) -> list[tuple[str, ...]]:
    return [
        (item.line.order_id, item.line.line_id, item.line.sku, *_stock_cells(item.figures)) for item in report.lines
    ]
