"""HTTP: importing bank and payment-provider statements and the merchant's own records, and the
discrepancy workflow. Files are sent as the request body, exactly as the vendor produced them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlmodel import col

from recon_svc.adapters.tables import DiscrepancyRow, StatementImportRow
from recon_svc.adapters.unit_of_work import SqlReconUnitOfWork
from recon_svc.domain.imports.model import (
    DEFAULT_MAX_BYTES,
    ColumnMapping,
    ImportProblem,
    ImportRefused,
    StatementSource,
)
from recon_svc.entrypoints.http_models import (
    DiscrepancyPublic,
    MerchantRecordsMatched,
    StatementImportCreated,
    StatementImportPublic,
)
from recon_svc.entrypoints.http_statements import period_of
from recon_svc.service_layer import matching as service
from shipsettle_shared import audit
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import MerchantOnly, OpsPrincipal, Overseers, Principal, require_roles
from shipsettle_shared.body_limits import body_limit
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, keyset_after, page_body
from shipsettle_shared.problems import NotFound

router = APIRouter(prefix="/v1", tags=["matching and discrepancies"])

StatementKind = Literal["camt053", "wechat_trade_bill", "alipay_trade_bill", "alipay_account_bill", "sandbox_refunds"]


# A day's file of one account: a WeChat Pay trade bill row with real ids and a product name is
# about 300 bytes (27 columns), an Alipay bill row about the same, a camt.053 entry 1.5-3 KB; so
# 20 MiB holds some 65,000 payments or 7,000 payouts of one day. A larger file is refused with a
# 413 before authentication (shipsettle_shared.body_limits), never read past the limit.
IMPORT_BODY_LIMIT = body_limit(DEFAULT_MAX_BYTES)


async def _body(request: Request) -> bytes:
    content = await request.body()  # at most DEFAULT_MAX_BYTES: the routes declare IMPORT_BODY_LIMIT
    if not content:
        raise ImportRefused([ImportProblem(None, None, "the request body is the file, and it is empty")])
    return content


def import_view(row: StatementImportRow) -> dict[str, Any]:
    return {
        "import_id": row.import_id,
        "source": row.source,
        "sha256": row.sha256,
        "document_id": row.document_id,
        "period_start": row.period_start.isoformat() if row.period_start else None,
        "period_end": row.period_end.isoformat() if row.period_end else None,
        "entries": row.entries,
        "matched": row.matched,
        "report": row.report,
        "imported_by": row.imported_by,
        "imported_at": row.imported_at.isoformat(),
    }


def discrepancy_view(row: DiscrepancyRow) -> dict[str, Any]:
    return {
        "discrepancy_id": row.discrepancy_id,
        "import_id": row.import_id,
        "type": row.type,
        "reference": row.reference,
        "merchant_id": row.merchant_id,
        "ours": row.ours,
        "theirs": row.theirs,
        "status": row.status,
        "resolution": row.resolution,
        "history": row.history,
        "created_at": row.created_at.isoformat(),  # with the id, the list's order (newest first)
    }


@router.post(
    "/statement-imports",
    operation_id="statement_imports.create",
    summary="Import a bank or payment-provider statement",
    openapi_extra=IMPORT_BODY_LIMIT,
    **answers(StatementImportCreated, status_code=201),
)
async def import_statement(
    request: Request,
    principal: OpsPrincipal,
    source: Annotated[StatementKind, Query()],
    bill_date: Annotated[
        str | None,
        Query(
            max_length=10,
            description="the day the file is the bill of (yyyy-MM-dd or yyyyMMdd), for a file that does not "
            "state it inside: the WeChat Pay trade bill (its downloadbill bill_date), the refund sandbox's file",
        ),
    ] = None,
    file_name: Annotated[
        str | None,
        Query(
            max_length=255,
            description="the vendor's file name, which carries the bill's day when the file does not "
            "(e.g. refunds-2026-12-06.csv)",
        ),
    ] = None,
) -> dict[str, Any]:
    """camt.053 (the bank's statement of our payouts), the WeChat Pay trade bill, the Alipay bills,
    or the refund sandbox's refunds file, as the vendor produced it. It is matched against exactly
    the period it declares — Alipay's 起始日期/终止日期, camt.053's FrToDt, else the day in
    ``bill_date`` or ``file_name`` (required for WeChat Pay, whose bill does not state its day) —
    with payments dated by when the buyer paid and refunds by their completion, in Beijing time.
    Matched by reference, then by amount and a 3-day date window; each difference opens a
    discrepancy. A file that cannot be read whole is refused whole (422 ``import-refused``, nothing
    stored), each error naming the row (CSV line, or camt.053 entry) and the column (header name,
    or element path); the same file twice is the same import."""
    content = await _body(request)
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        row = await service.import_statement(
            SqlReconUnitOfWork(session),
            StatementSource(source),
            content,
            by=principal.key_id,
            now=runtime.clock.now(),
            file_name=file_name,
            bill_date=bill_date,
        )
        view = import_view(row)
        discrepancies = (
            await session.execute(select(DiscrepancyRow).where(col(DiscrepancyRow.import_id) == row.import_id))
        ).scalars()
        view["discrepancies"] = [discrepancy_view(d) for d in discrepancies]
        await audit.record(
            session,
            principal,
            "statement_imports.create",
            "statement_import",
            row.import_id,
            at=runtime.clock.now(),
            after={"source": source, "file_name": file_name, "discrepancies": len(view["discrepancies"])},
        )
    return view


@router.post(
    "/merchants/{merchant_id}/records",
    operation_id="merchant_records.import_file",
    summary="Match the merchant's own records for a period",
    openapi_extra=IMPORT_BODY_LIMIT,
    **answers(MerchantRecordsMatched, 404, status_code=201),
)
async def merchant_records(
    merchant_id: IdPath,
    request: Request,
    principal: MerchantOnly,
    order_id_column: Annotated[str, Query(min_length=1, max_length=100)],
    amount_column: Annotated[str, Query(min_length=1, max_length=100)],
    date_column: Annotated[str, Query(min_length=1, max_length=100)],
    status_column: Annotated[str | None, Query(max_length=100)] = None,
    date_format: Annotated[str, Query(max_length=40)] = "%Y-%m-%d",
    encoding: Literal["utf-8", "gbk"] = "utf-8",
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    month: str | None = None,
) -> dict[str, Any]:
    """Your CSV (UTF-8 or GBK), with the columns named by the query. Each difference is reported by
    type — missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate —
    with the figures on both sides. Amounts compare with what the buyer paid for the order."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    period_start, period_end = period_of(None, month, start, end)
    content = await _body(request)
    mapping = ColumnMapping(
        order_id=order_id_column, amount=amount_column, date=date_column, date_format=date_format, status=status_column
    )
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        import_id, found = await service.import_merchant_records(
            SqlReconUnitOfWork(session),
            merchant_id,
            content,
            mapping,
            encoding=encoding,
            start=period_start,
            end=period_end,
            by=principal.key_id,
            now=runtime.clock.now(),
        )
        await audit.record(
            session,
            principal,
            "merchant_records.import_file",
            "merchant_records_import",
            import_id,
            at=runtime.clock.now(),
            after={"merchant_id": merchant_id, "discrepancies": len(found)},
        )
    return {"import_id": import_id, "merchant_id": merchant_id, "discrepancies": found}


@router.get(
    "/statement-imports/{import_id}",
    operation_id="statement_imports.read",
    summary="An import and its matching report",
    **answers(StatementImportPublic, 404),
)
async def get_import(import_id: IdPath, request: Request, principal: Overseers) -> dict[str, Any]:
    async with request.app.state.runtime.sessions() as session:
        row = await session.get(StatementImportRow, import_id)
    if row is None:
        raise NotFound("import", import_id)
    return import_view(row)


@router.get(
    "/discrepancies",
    operation_id="discrepancies.list",
    summary="Discrepancies, newest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[DiscrepancyPublic]),
)
async def list_discrepancies(
    request: Request,
    principal: Annotated[Principal, Depends(require_roles(Role.OPS, Role.AUDITOR, Role.MERCHANT))],
    page: PageQuery,
    status: Literal["open", "investigating", "resolved", "written_off"] | None = None,
    import_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """A merchant key sees only its own; a cursor of another listing: 422."""
    key = (col(DiscrepancyRow.created_at), col(DiscrepancyRow.discrepancy_id))
    query = select(DiscrepancyRow)
    if status:
        query = query.where(col(DiscrepancyRow.status) == status)
    if import_id:
        query = query.where(col(DiscrepancyRow.import_id) == import_id)
    if principal.role is Role.MERCHANT:
        query = query.where(col(DiscrepancyRow.merchant_id) == principal.merchant_id)
    position = keyset_after(key, page.after(datetime, str), descending=True)
    if position is not None:
        query = query.where(position)
    query = query.order_by(*(column.desc() for column in key)).limit(page.limit + 1)
    async with request.app.state.runtime.sessions() as session:
        rows = list((await session.execute(query)).scalars())
    shown, next_cursor = page.page(rows, lambda row: (row.created_at, row.discrepancy_id))
    return page_body([discrepancy_view(row) for row in shown], next_cursor)


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=1000, description="what was found, or why it is written off")
    adjustment_tx_key: str | None = Field(
        default=None, max_length=200, description="resolve: the settlement ledger transaction that settles it"
    )


@router.post(
    "/discrepancies/{discrepancy_id}/{action}",
    operation_id="discrepancies.move",
    summary="investigate, resolve or write off",
    **answers(DiscrepancyPublic, 404, 409),
)
async def move(
    discrepancy_id: IdPath,
    action: Literal["investigate", "resolve", "write-off"],
    body: Move,
    request: Request,
    principal: OpsPrincipal,
) -> dict[str, Any]:
    """open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history."""
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        row = await service.move_discrepancy(
            SqlReconUnitOfWork(session),
            discrepancy_id,
            action.replace("-", "_"),
            note=body.note,
            adjustment_tx_key=body.adjustment_tx_key,
            by=principal.key_id,
            now=runtime.clock.now(),
        )
        view = discrepancy_view(row)
        await audit.record(
            session,
            principal,
            f"discrepancies.{action}",
            "discrepancy",
            discrepancy_id,
            at=runtime.clock.now(),
            after={"status": row.status, "adjustment_tx_key": body.adjustment_tx_key},
            reason=body.note,
        )
    return view
