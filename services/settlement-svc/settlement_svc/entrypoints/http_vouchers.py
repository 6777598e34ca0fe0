"""HTTP: vouchers (invoices, logistics documents) a merchant uploads to back its settlement
applications."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile

from settlement_svc.adapters.tables import (
    VoucherRow,
)
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.domain.payouts import MAX_VOUCHER_BYTES
from settlement_svc.entrypoints.http_common import merchant_page, own
from settlement_svc.entrypoints.http_models import (
    VoucherPublic,
)
from settlement_svc.service_layer import vouchers
from shipsettle_shared import audit
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import MerchantOnly, Readers
from shipsettle_shared.body_limits import MULTIPART_ENVELOPE_BYTES, body_limit
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body

router = APIRouter(prefix="/v1", tags=["applications and payouts"])


@router.post(
    "/merchants/{merchant_id}/vouchers",
    operation_id="vouchers.upload",
    summary="Upload a voucher (PDF, PNG or JPEG, at most 5 MiB)",
    openapi_extra=body_limit(MAX_VOUCHER_BYTES + MULTIPART_ENVELOPE_BYTES),
    **answers(VoucherPublic, 404, status_code=201),
)
async def upload_voucher(
    merchant_id: IdPath,
    request: Request,
    principal: MerchantOnly,
    kind: Annotated[Literal["invoice", "logistics_document"], Form()],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    own(principal, merchant_id)
    runtime = request.app.state.runtime
    # The body limit (above) cut a larger upload before authentication; one byte past the file's
    # own limit is enough to refuse one that fits in the envelope.
    content = await file.read(MAX_VOUCHER_BYTES + 1)
    async with unit_of_work(runtime.sessions) as session:
        row = await vouchers.store_voucher(
            SqlSettlementUnitOfWork(session),
            merchant_id,
            kind=kind,
            declared_type=file.content_type or "",
            content=content,
            now=runtime.clock.now(),
        )
        await audit.record(
            session,
            principal,
            "vouchers.upload",
            "voucher",
            row.voucher_id,
            at=runtime.clock.now(),
            after={"merchant_id": merchant_id, "kind": kind, "size_bytes": row.size_bytes, "sha256": row.sha256},
        )
    return _voucher_view(row)


@router.get(
    "/merchants/{merchant_id}/vouchers",
    operation_id="vouchers.list",
    summary="A merchant's vouchers (without their content), oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[VoucherPublic], 404),
)
async def merchant_vouchers(
    merchant_id: IdPath, request: Request, principal: Readers, page: PageQuery
) -> dict[str, Any]:
    """Another merchant's: 404; a cursor of another listing: 422."""
    own(principal, merchant_id)
    rows, next_cursor = await merchant_page(request, page, VoucherRow, merchant_id, "uploaded_at", "voucher_id")
    return page_body([_voucher_view(row) for row in rows], next_cursor)


def _voucher_view(row: VoucherRow) -> dict[str, Any]:
    return {
        "voucher_id": row.voucher_id,
        "kind": row.kind,
        "content_type": row.content_type,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at.isoformat(),
    }
