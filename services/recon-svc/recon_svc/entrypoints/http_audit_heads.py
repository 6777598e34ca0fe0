"""The audit-chain heads recon keeps (service_layer/audit_heads.py), read by every service's
GET /v1/audit/verify with the caller's key, and by an auditor directly."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from recon_svc.adapters.unit_of_work import SqlReconUnitOfWork
from recon_svc.service_layer import audit_heads
from shipsettle_shared.api_document import answers
from shipsettle_shared.audit_routes import KeptHead
from shipsettle_shared.auth import Overseers
from shipsettle_shared.db import snapshot
from shipsettle_shared.problems import NotFound

router = APIRouter(prefix="/v1/audit/heads", tags=["audit"])

ChainPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$", description="<service>:<database>")]


@router.get(
    "/{chain}",
    operation_id="audit_heads.read",
    summary="The last head recon kept of a service's audit chain (auditor, ops)",
    **answers(KeptHead, 404),
)
async def read_head(chain: ChainPath, request: Request, principal: Overseers) -> dict[str, Any]:
    """404: recon has kept no head of this chain (none published yet, or an unknown chain)."""
    async with snapshot(request.app.state.runtime.sessions) as session:
        head = await audit_heads.last_head(SqlReconUnitOfWork(session), chain)
    if head is None:
        raise NotFound("audit chain head", chain)
    return head
