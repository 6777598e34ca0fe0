"""The tax and 发出商品 reports: read recon's copy of the facts, hand them to the domain.

Everything is computed at query time from whatever facts are present, so an event that arrived
late (a dispatch after its sign-off, an OrderPlaced after both) is counted as soon as it lands.
Movements before the period are read too: they decide the opening balance and which units of a
line the period's movements take.
"""

from __future__ import annotations

from datetime import datetime

from recon_svc.domain.goods_shipped_report import GoodsShippedReport, build_goods_shipped_report, returned_movements
from recon_svc.domain.report_units import Kind, LineFacts, Movement
from recon_svc.domain.tax_report import TaxReport, build_tax_report
from recon_svc.service_layer.unit_of_work import ReconUnitOfWork


async def _lines_of(uow: ReconUnitOfWork, order_ids: set[str]) -> dict[tuple[str, str], LineFacts]:
    if not order_ids:
        return {}
    rows = await uow.report_facts.orders(order_ids)
    return {
        (row.order_id, line_id): LineFacts(
            order_id=row.order_id,
            line_id=line_id,
            sku=str(line["sku"]),
            quantity=int(line["quantity"]),
            sales_minor=int(line["sales_minor"]),
            vat_minor=int(line["vat_minor"]),
            vat_rate_bp=int(line["vat_rate_bp"]),
        )
        for row in rows
        if row.placed_at is not None  # known from OrderPlaced, not only from later facts
        for line_id, line in row.lines.items()
    }


async def _sign_offs(uow: ReconUnitOfWork, merchant_id: str, before: datetime) -> list[Movement]:
    rows = await uow.report_facts.sign_off_lines(merchant_id, before)
    return [Movement(r.order_id, r.line_id, Kind.SIGN_OFF, r.quantity, r.signed_off_at, r.shipment_id) for r in rows]


async def tax_report(uow: ReconUnitOfWork, merchant_id: str, start: datetime, end: datetime) -> TaxReport:
    movements = await _sign_offs(uow, merchant_id, end)
    refunds = await uow.report_facts.refunds(merchant_id, end)
    for refund in refunds:
        movements += [
            Movement(
                refund.order_id,
                str(line["line_id"]),
                Kind.REFUND,
                int(line["units"]),
                refund.completed_at,
                refund.refund_id,
            )
            for line in refund.lines
            if int(line["units"]) > 0
        ]
    lines = await _lines_of(uow, {m.order_id for m in movements})
    return build_tax_report(merchant_id, lines, movements, start, end)


async def goods_shipped_report(
    uow: ReconUnitOfWork, merchant_id: str, start: datetime, end: datetime
) -> GoodsShippedReport:
    dispatch_rows = await uow.report_facts.dispatch_lines(merchant_id, end)
    dispatched = [
        Movement(r.order_id, r.line_id, Kind.DISPATCH, r.quantity, r.dispatched_at, r.shipment_id)
        for r in dispatch_rows
    ]
    signed_off = await _sign_offs(uow, merchant_id, end)
    return_rows = await uow.report_facts.returns(merchant_id, end)
    returned = returned_movements([(r.shipment_id, r.returned_at) for r in return_rows], dispatched, signed_off)
    movements = dispatched + signed_off + returned
    lines = await _lines_of(uow, {m.order_id for m in movements})
    return build_goods_shipped_report(merchant_id, lines, movements, start, end)
