"""The tax report and the 发出商品 report (goods shipped, not yet signed off). Pure: no I/O.

Both value units of an order line the way settlement and refund-svc do: a line's figure (its
tax-inclusive sales amount, its output VAT) is split over its units by the largest-remainder
method, the first units taking the odd fen; sign-offs take a line's units from the first,
refunds from the last. So every fen of a line is counted once, whichever way it is cut.

Tax report — revenue is recognised at sign-off (签收 / 确认收货), not at payment or dispatch:
until then the goods are 发出商品 and no sale is booked (the accounting-correct choice, and the
one settlement makes: it books nothing before sign-off). Per line, in event time:

- a sign-off of n units recognises the sales and VAT of units [signed, signed + n), except units
  already refunded (the line's last ones): the buyer has those back, nothing is sold;
- a completed refund of n units takes units [q - refunded - n, q - refunded) and reverses the
  sales and VAT of those of them that were recognised; units refunded before they were signed
  off (a cancellation, a refund before sign-off) were never sales and reduce nothing.

发出商品 report — per SKU, opening + shipped - signed off - returned = closing, in units and in
amount (the units' share of the line's sales amount). Per line, in event time, the units out are
valued as the positions right after those signed off: [signed, signed + out). A dispatch adds
the next positions, a sign-off takes the first (the same units the tax report recognises), a
parcel returned to the merchant (退签) takes the last. The closing amount is the running sum of
the movements, so the identity holds to the fen by construction.

Facts arrive in any order: a movement of a line whose OrderPlaced is not known yet cannot be
valued (no SKU, no figures); it is left out of the figures and its order listed as incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from recon_svc.domain.statements import yuan
from shipsettle_shared.money import allocate_largest_remainder

STANDARD_RATES_BP = (1300, 900, 600, 0)  # SPEC section 3: 13%, 9%, 6%, 0%


def unit_parts(total_minor: int, quantity: int) -> list[int]:
    """A line's figure split over its units; the first units take the odd fen."""
    return allocate_largest_remainder(total_minor, [1] * quantity) if quantity > 0 else []


def range_share(total_minor: int, quantity: int, start: int, end: int) -> int:
    """The share of units ``start``..``end`` (exclusive, clamped to the line) of a figure."""
    start, end = max(start, 0), min(end, quantity)
    return sum(unit_parts(total_minor, quantity)[start:end]) if end > start else 0


@dataclass(frozen=True)
class LineFacts:
    """One order line as order-svc priced it (OrderPlaced)."""

    order_id: str
    line_id: str
    sku: str
    quantity: int
    sales_minor: int  # tax-inclusive: line amount less merchant-funded discounts
    vat_minor: int  # round_half_up(sales * rate / (1 + rate)), computed by order-svc
    vat_rate_bp: int


class Kind(IntEnum):
    """What moved; the value orders movements of the same instant (a parcel is dispatched
    before it is signed off, signed off or returned before a refund of it completes)."""

    DISPATCH = 0
    SIGN_OFF = 1
    RETURN = 2
    REFUND = 3


@dataclass(frozen=True)
class Movement:
    """Units of one order line that moved at ``at``; ``reference`` is the shipment or refund."""

    order_id: str
    line_id: str
    kind: Kind
    units: int
    at: datetime
    reference: str


def _by_line(movements: Iterable[Movement]) -> dict[tuple[str, str], list[Movement]]:
    grouped: dict[tuple[str, str], list[Movement]] = {}
    for movement in movements:
        grouped.setdefault((movement.order_id, movement.line_id), []).append(movement)
    for found in grouped.values():
        found.sort(key=lambda m: (m.at, m.kind, m.reference))
    return grouped


# --- tax report -----------------------------------------------------------------------------------


@dataclass
class TaxFigures:
    """Units, sales and VAT recognised at sign-off, and the part refunds reversed (positive)."""

    signed_off_units: int = 0
    sales_minor: int = 0
    vat_minor: int = 0
    refunded_units: int = 0
    refunded_sales_minor: int = 0
    refunded_vat_minor: int = 0

    @property
    def net_sales_minor(self) -> int:
        return self.sales_minor - self.refunded_sales_minor

    @property
    def net_vat_minor(self) -> int:
        return self.vat_minor - self.refunded_vat_minor

    @property
    def net_excluding_vat_minor(self) -> int:
        return self.net_sales_minor - self.net_vat_minor

    def add(self, other: TaxFigures) -> None:
        self.signed_off_units += other.signed_off_units
        self.sales_minor += other.sales_minor
        self.vat_minor += other.vat_minor
        self.refunded_units += other.refunded_units
        self.refunded_sales_minor += other.refunded_sales_minor
        self.refunded_vat_minor += other.refunded_vat_minor

    def as_document(self) -> dict[str, int]:
        return {
            "signed_off_units": self.signed_off_units,
            "sales_minor": self.sales_minor,
            "vat_minor": self.vat_minor,
            "refunded_units": self.refunded_units,
            "refunded_sales_minor": self.refunded_sales_minor,
            "refunded_vat_minor": self.refunded_vat_minor,
            "net_sales_minor": self.net_sales_minor,
            "net_vat_minor": self.net_vat_minor,
            "net_excluding_vat_minor": self.net_excluding_vat_minor,
        }


@dataclass(frozen=True)
class TaxLine:
    line: LineFacts
    figures: TaxFigures


@dataclass
class TaxReport:
    merchant_id: str
    period_start: datetime
    period_end: datetime
    by_rate: dict[int, TaxFigures]
    total: TaxFigures
    lines: list[TaxLine] = field(default_factory=list)
    incomplete_orders: list[str] = field(default_factory=list)

    def as_document(self) -> dict[str, Any]:
        return {
            "merchant_id": self.merchant_id,
            "currency": "CNY",
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "recognition": "sales and output VAT are recognised at sign-off; refunds reverse recognised units",
            "rates": [{"vat_rate_bp": rate, **figures.as_document()} for rate, figures in self.by_rate.items()],
            "total": self.total.as_document(),
            "lines": [
                {
                    "order_id": item.line.order_id,
                    "line_id": item.line.line_id,
                    "sku": item.line.sku,
                    "vat_rate_bp": item.line.vat_rate_bp,
                    **item.figures.as_document(),
                }
                for item in self.lines
            ],
            "incomplete_orders": list(self.incomplete_orders),
        }


def _line_tax(line: LineFacts, movements: Sequence[Movement], start: datetime, end: datetime) -> TaxFigures:
    figures = TaxFigures()
    signed = refunded = 0  # units signed off from the first, refunded from the last
    for movement in movements:
        in_period = start <= movement.at < end
        if movement.kind is Kind.SIGN_OFF:
            first, last = signed, min(signed + movement.units, line.quantity - refunded)
            signed = min(signed + movement.units, line.quantity)
            if in_period and last > first:
                figures.signed_off_units += last - first
                figures.sales_minor += range_share(line.sales_minor, line.quantity, first, last)
                figures.vat_minor += range_share(line.vat_minor, line.quantity, first, last)
        elif movement.kind is Kind.REFUND:
            last = line.quantity - refunded
            first = max(last - movement.units, 0)
            refunded = line.quantity - first
            recognised_end = min(last, signed)  # only units already sold can be unsold
            if in_period and recognised_end > first:
                figures.refunded_units += recognised_end - first
                figures.refunded_sales_minor += range_share(line.sales_minor, line.quantity, first, recognised_end)
                figures.refunded_vat_minor += range_share(line.vat_minor, line.quantity, first, recognised_end)
    return figures


def build_tax_report(
    merchant_id: str,
    lines: Mapping[tuple[str, str], LineFacts],
    movements: Iterable[Movement],
    period_start: datetime,
    period_end: datetime,
) -> TaxReport:
    """``movements``: every sign-off and completed refund of the merchant's lines before
    ``period_end`` (earlier ones fix which units the period's movements take). The period is
    [start, end)."""
    by_rate: dict[int, TaxFigures] = {rate: TaxFigures() for rate in STANDARD_RATES_BP}
    total = TaxFigures()
    report_lines: list[TaxLine] = []
    incomplete: set[str] = set()
    for key, found in sorted(_by_line(m for m in movements if m.kind in (Kind.SIGN_OFF, Kind.REFUND)).items()):
        line = lines.get(key)
        if line is None:
            incomplete.add(key[0])
            continue
        figures = _line_tax(line, found, period_start, period_end)
        if figures == TaxFigures():
            continue  # nothing of this line in the period
        by_rate.setdefault(line.vat_rate_bp, TaxFigures()).add(figures)
        total.add(figures)
        report_lines.append(TaxLine(line, figures))
    return TaxReport(
        merchant_id=merchant_id,
        period_start=period_start,
        period_end=period_end,
        by_rate=dict(sorted(by_rate.items(), key=lambda item: -item[0])),
        total=total,
        lines=report_lines,
        incomplete_orders=sorted(incomplete),
    )


# --- 发出商品 report --------------------------------------------------------------------------------


@dataclass
class StockFigures:
    """opening + shipped - signed off - returned = closing, in units and in fen."""

    opening_units: int = 0
    opening_minor: int = 0
    shipped_units: int = 0
    shipped_minor: int = 0
    signed_off_units: int = 0
    signed_off_minor: int = 0
    returned_units: int = 0
    returned_minor: int = 0

    @property
    def closing_units(self) -> int:
        return self.opening_units + self.shipped_units - self.signed_off_units - self.returned_units

    @property
    def closing_minor(self) -> int:
        return self.opening_minor + self.shipped_minor - self.signed_off_minor - self.returned_minor

    def add(self, other: StockFigures) -> None:
        self.opening_units += other.opening_units
        self.opening_minor += other.opening_minor
        self.shipped_units += other.shipped_units
        self.shipped_minor += other.shipped_minor
        self.signed_off_units += other.signed_off_units
        self.signed_off_minor += other.signed_off_minor
        self.returned_units += other.returned_units
        self.returned_minor += other.returned_minor

    def as_document(self) -> dict[str, int]:
        return {
            "opening_units": self.opening_units,
            "opening_minor": self.opening_minor,
            "shipped_units": self.shipped_units,
            "shipped_minor": self.shipped_minor,
            "signed_off_units": self.signed_off_units,
            "signed_off_minor": self.signed_off_minor,
            "returned_units": self.returned_units,
            "returned_minor": self.returned_minor,
            "closing_units": self.closing_units,
            "closing_minor": self.closing_minor,
        }


@dataclass(frozen=True)
class StockLine:
    line: LineFacts
    figures: StockFigures


@dataclass
class GoodsShippedReport:
    merchant_id: str
    period_start: datetime
    period_end: datetime
    by_sku: dict[str, StockFigures]
    total: StockFigures
    lines: list[StockLine] = field(default_factory=list)
    incomplete_orders: list[str] = field(default_factory=list)

    def as_document(self) -> dict[str, Any]:
        return {
            "merchant_id": self.merchant_id,
            "currency": "CNY",
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "skus": [{"sku": sku, **figures.as_document()} for sku, figures in self.by_sku.items()],
            "total": self.total.as_document(),
            "lines": [
                {
                    "order_id": item.line.order_id,
                    "line_id": item.line.line_id,
                    "sku": item.line.sku,
                    **item.figures.as_document(),
                }
                for item in self.lines
            ],
            "incomplete_orders": list(self.incomplete_orders),
        }


def _line_stock(line: LineFacts, movements: Sequence[Movement], start: datetime, end: datetime) -> StockFigures:
    figures = StockFigures()
    signed = out = 0  # units out are positions [signed, signed + out)
    for movement in movements:
        n = movement.units
        if movement.kind is Kind.DISPATCH:
            units, amount = n, range_share(line.sales_minor, line.quantity, signed + out, signed + out + n)
            out += n
        elif movement.kind is Kind.SIGN_OFF:
            units, amount = n, range_share(line.sales_minor, line.quantity, signed, signed + n)
            signed, out = signed + n, out - n
        elif movement.kind is Kind.RETURN:
            units, amount = n, range_share(line.sales_minor, line.quantity, signed + out - n, signed + out)
            out -= n
        else:
            continue
        if movement.at < start:
            sign = -1 if movement.kind in (Kind.SIGN_OFF, Kind.RETURN) else 1
            figures.opening_units += sign * units
            figures.opening_minor += sign * amount
        elif movement.at < end:
            if movement.kind is Kind.DISPATCH:
                figures.shipped_units += units
                figures.shipped_minor += amount
            elif movement.kind is Kind.SIGN_OFF:
                figures.signed_off_units += units
                figures.signed_off_minor += amount
            else:
                figures.returned_units += units
                figures.returned_minor += amount
    return figures


def returned_movements(
    returns: Iterable[tuple[str, datetime]],
    dispatched: Iterable[Movement],
    signed_off: Iterable[Movement],
) -> list[Movement]:
    """A parcel returned to sender (shipment id, when) brings back its dispatched units not
    signed off. A return whose dispatch is not known yet brings back nothing for now. The
    carrier's scan time is dated to the second, on the carrier's clock: a return is never
    earlier than its parcel's dispatch (or it would take units that are not out yet)."""
    signed: dict[tuple[str, str], int] = {}
    for movement in signed_off:
        key = (movement.reference, movement.line_id)
        signed[key] = signed.get(key, 0) + movement.units
    by_shipment: dict[str, list[Movement]] = {}
    for movement in dispatched:
        by_shipment.setdefault(movement.reference, []).append(movement)
    found: list[Movement] = []
    for shipment_id, at in returns:
        for movement in by_shipment.get(shipment_id, []):
            units = movement.units - signed.get((shipment_id, movement.line_id), 0)
            if units > 0:
                when = max(at, movement.at)
                found.append(Movement(movement.order_id, movement.line_id, Kind.RETURN, units, when, shipment_id))
    return found


def build_goods_shipped_report(
    merchant_id: str,
    lines: Mapping[tuple[str, str], LineFacts],
    movements: Iterable[Movement],
    period_start: datetime,
    period_end: datetime,
) -> GoodsShippedReport:
    """``movements``: every dispatch, sign-off and return of the merchant's lines before
    ``period_end``; those before ``period_start`` make the opening balance. The period is
    [start, end)."""
    by_sku: dict[str, StockFigures] = {}
    total = StockFigures()
    report_lines: list[StockLine] = []
    incomplete: set[str] = set()
    relevant = (m for m in movements if m.kind in (Kind.DISPATCH, Kind.SIGN_OFF, Kind.RETURN) and m.at < period_end)
    for key, found in sorted(_by_line(relevant).items()):
        line = lines.get(key)
        if line is None:
            incomplete.add(key[0])
            continue
        figures = _line_stock(line, found, period_start, period_end)
        if figures == StockFigures():
            continue  # out and signed off (or returned) before the period: nothing to show
        by_sku.setdefault(line.sku, StockFigures()).add(figures)
        total.add(figures)
        report_lines.append(StockLine(line, figures))
    return GoodsShippedReport(
        merchant_id=merchant_id,
        period_start=period_start,
        period_end=period_end,
        by_sku=dict(sorted(by_sku.items())),
        total=total,
        lines=report_lines,
        incomplete_orders=sorted(incomplete),
    )


# --- tables for CSV and XLSX (amounts in yuan, as on the statement) ----------------------------


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
