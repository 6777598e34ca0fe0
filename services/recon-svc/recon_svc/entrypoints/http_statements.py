"""HTTP: statements (对账单) as JSON, CSV or XLSX; the live invariant checker's findings; an
order's money as recon sees it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select
from sqlmodel import col

from recon_svc.adapters.tables import ReconOrderRow, ViolationRow
from recon_svc.adapters.unit_of_work import SqlReconUnitOfWork
from recon_svc.domain.invariants import figures_of
from recon_svc.domain.statements import HEADERS_EN, HEADERS_ZH, order_rows, summary_rows
from recon_svc.entrypoints.downloads import csv_bytes, document_or_file, file_response, xlsx_bytes
from recon_svc.entrypoints.http_models import OrderMoney, StatementPublic, ViolationsPage
from recon_svc.service_layer import statements as service
from recon_svc.service_layer.invariant_checks import money_of
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import Overseers, Principal, Readers
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import snapshot, unit_of_work
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, PageQuery, keyset_after, page_body
from shipsettle_shared.problems import NotFound, validation_problem

router = APIRouter(prefix="/v1", tags=["statements and checks"])


# Periods are business days in China (UTC+8), as merchants read them.
CHINA = timezone(timedelta(hours=8))
MAX_PERIOD_DAYS = 366


def period_of(day: str | None, month: str | None, start: str | None, end: str | None) -> tuple[datetime, datetime]:
    try:
        if day is not None:
            first = date.fromisoformat(day)
            last = first
        elif month is not None:
            first = date.fromisoformat(f"{month}-01")
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        elif start is not None and end is not None:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        else:
            raise validation_problem(
                [("query", "give day=YYYY-MM-DD, month=YYYY-MM, or from=YYYY-MM-DD&to=YYYY-MM-DD")]
            )
    except ValueError as error:
        raise validation_problem([("query", f"not a date: {error}")]) from error
    if last < first or (last - first).days >= MAX_PERIOD_DAYS:
        raise validation_problem([("query.to", f"the period runs forwards and spans at most {MAX_PERIOD_DAYS} days")])
    return datetime.combine(first, time(), CHINA), datetime.combine(last + timedelta(days=1), time(), CHINA)


@router.get(
    "/merchants/{merchant_id}/statements",
    operation_id="statements.read",
    summary="A merchant's statement (对账单) for a period",
    **document_or_file(StatementPublic, 404),
)
async def statement(
    merchant_id: IdPath,
    request: Request,
    principal: Readers,
    day: Annotated[str | None, Query(description="YYYY-MM-DD (China time)")] = None,
    month: Annotated[str | None, Query(description="YYYY-MM")] = None,
    start: Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, Query(alias="to", description="last day, YYYY-MM-DD (inclusive)")] = None,
    format: Literal["json", "csv", "xlsx"] = "json",
    lang: Literal["en", "zh"] = "en",
) -> Any:
    """Opening balance, signed-off orders, subsidies, commissions, refunds and claw-backs,
    payouts, returned payouts, adjustments, closing balance — equal to settlement's ledger to the
    fen — with one row per order. A closed period is issued once and kept: a later correction is
    a new version, and every version carries the SHA-256 of its content."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    period_start, period_end = period_of(day, month, start, end)
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        issued = await service.issue(
            SqlReconUnitOfWork(session), merchant_id, period_start, period_end, now=runtime.clock.now()
        )
    headers = {"X-Content-SHA256": issued.sha256}
    if issued.version is not None:
        headers["X-Statement-Version"] = str(issued.version)
    name = f"statement-{merchant_id}-{period_start.date()}-{(period_end - timedelta(days=1)).date()}"
    if format == "csv":
        return file_response(_csv(issued, lang == "zh"), format, name, headers)
    if format == "xlsx":
        return file_response(_xlsx(issued, lang == "zh"), format, name, headers)
    return {
        **issued.document,
        "closed": issued.closed,
        "version": issued.version,
        "sha256": issued.sha256,
        "versions": issued.versions,
    }


def _preamble(issued: service.IssuedStatement, chinese: bool) -> list[list[str]]:
    document = issued.document
    return [
        ["商户" if chinese else "merchant", document["merchant_id"]],
        ["期间" if chinese else "period", document["period_start"], document["period_end"]],
        ["SHA-256", issued.sha256],
        *[[label, amount] for label, amount in summary_rows(issued.statement, chinese)],
    ]


def _orders(issued: service.IssuedStatement, chinese: bool) -> list[Sequence[str]]:
    return [HEADERS_ZH if chinese else HEADERS_EN, *order_rows(issued.statement)]


def _csv(issued: service.IssuedStatement, chinese: bool) -> bytes:
    return csv_bytes([_preamble(issued, chinese), _orders(issued, chinese)])


def _xlsx(issued: service.IssuedStatement, chinese: bool) -> bytes:
    return xlsx_bytes(
        [
            ("汇总" if chinese else "Summary", _preamble(issued, chinese)),
            ("订单" if chinese else "Orders", _orders(issued, chinese)),
        ]
    )


@router.get(
    "/invariants/violations",
    operation_id="invariant_violations.list",
    summary="What the live invariant checker found, newest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(ViolationsPage),
)
async def violations(
    request: Request,
    principal: Overseers,
    page: PageQuery,
    include_resolved: bool = False,
    order_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Each violation names the order, the check (conservation, settled_without_sign_off,
    not_settled_in_window) and the figures. A conservation finding that a late event later
    explains is marked resolved, not deleted. ``count``: how many match, on every page. A cursor
    of another listing: 422."""
    matching = select(ViolationRow)
    if not include_resolved:
        matching = matching.where(col(ViolationRow.resolved_at).is_(None))
    if order_id:
        matching = matching.where(col(ViolationRow.order_id) == order_id)
    position = keyset_after((col(ViolationRow.id),), page.after(int), descending=True)
    listed = matching.where(position) if position is not None else matching
    async with snapshot(request.app.state.runtime.sessions) as session:
        count = await session.scalar(select(func.count()).select_from(matching.subquery()))
        rows = list(
            (await session.execute(listed.order_by(col(ViolationRow.id).desc()).limit(page.limit + 1))).scalars()
        )
    shown, next_cursor = page.page(rows, lambda row: (row.id or 0,))
    return page_body(
        [
            {
                "id": row.id,
                "check": row.check_name,
                "order_id": row.order_id,
                "merchant_id": row.merchant_id,
                "message": row.message,
                "figures": row.figures,
                "detected_at": row.detected_at.isoformat(),
                "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
            }
            for row in shown
        ],
        next_cursor,
        count=count or 0,
    )


def _may_read_order(principal: Principal, merchant_id: str | None) -> bool:
    """A merchant reads only its own orders. An order whose merchant recon has not learned yet (a
    later stage's event folded before its OrderPlaced) is no merchant's: only the roles that see
    every merchant read it, never a merchant key (it may be another merchant's)."""
    if merchant_id is None:
        return principal.role is not Role.MERCHANT
    return principal.can_access_merchant(merchant_id)


@router.get(
    "/orders/{order_id}/money",
    operation_id="order_money.read",
    summary="An order's money as recon sees it, from every service",
    **answers(OrderMoney, 404),
)
async def order_money(order_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    """404 (``NotFound``) for an order recon does not know, and for a merchant key, for any order
    recon does not know to be that merchant's own: one whose merchant recon has not learnt yet (a
    ledger or refund fact came before the order) is not shown to any merchant."""
    async with request.app.state.runtime.sessions() as session:
        row = await session.get(ReconOrderRow, order_id)
    if row is None or not _may_read_order(principal, row.merchant_id):
        raise NotFound("order", order_id)
    return {"order_id": order_id, "merchant_id": row.merchant_id, **figures_of(money_of(row)), "holds": row.holds}
