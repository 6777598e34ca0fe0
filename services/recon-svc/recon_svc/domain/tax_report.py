"""The tax report. Pure: no I/O. Units are valued as report_units.py says.

Revenue is recognised at sign-off (签收 / 确认收货), not at payment or dispatch:
until then the goods are 发出商品 and no sale is booked (the accounting-correct choice, and the
one settlement makes: it books nothing before sign-off). Per line, in event time:

- a sign-off of n units recognises the sales and VAT of units [signed, signed + n), except units
  already refunded (the line's last ones): the buyer has those back, nothing is sold;
- a completed refund of n units takes units [q - refunded - n, q - refunded) and reverses the
  sales and VAT of those of them that were recognised; units refunded before they were signed
  off (a cancellation, a refund before sign-off) were never sales and reduce nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from recon_svc.domain.report_units import Kind, LineFacts, Movement, by_line, range_share

STANDARD_RATES_BP = (1300, 900, 600, 0)  # SPEC section 3: 13%, 9%, 6%, 0%


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
    for key, found in sorted(by_line(m for m in movements if m.kind in (Kind.SIGN_OFF, Kind.REFUND)).items()):
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
