"""The 发出商品 report (goods shipped, not yet signed off). Pure: no I/O. Units are valued as
report_units.py says.

Per SKU, opening + shipped - signed off - returned = closing, in units and in
amount (the units' share of the line's sales amount). Per line, in event time, the units out are
valued as the positions right after those signed off: [signed, signed + out). A dispatch adds
the next positions, a sign-off takes the first (the same units the tax report recognises), a
parcel returned to the merchant (退签) takes the last. The closing amount is the running sum of
the movements, so the identity holds to the fen by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from recon_svc.domain.report_units import Kind, LineFacts, Movement, by_line, range_share


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
    for key, found in sorted(by_line(relevant).items()):
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
