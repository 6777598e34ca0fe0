"""The heads of every service's audit chain (shipsettle_shared/audit.py), kept for good.

Recon is the outside witness: each service publishes its chain's head on audit.events, and its
GET /v1/audit/verify compares the chain with the last head kept here. A head continues the one
kept before it when its anchor (the row that head was at) still has the hash recon kept for it;
otherwise the chain was changed under a published head, and the head is kept marked
discontinuous, so every later verify names it. The first head recon sees of a chain is taken
as it comes (nothing to compare it with).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recon_svc.adapters.tables import AuditHeadRow
from recon_svc.service_layer.unit_of_work import ReconUnitOfWork
from shipsettle_shared.contracts import AuditChainHeadPublished

HEADS = AuditHeadRow.__table__


async def keep_head(uow: ReconUnitOfWork, head: AuditChainHeadPublished, *, now: datetime) -> None:
    """One chain's heads arrive in order (its events share a partition, keyed by the chain)."""
    last = await uow.audit_heads.last_link(head.chain)
    continuous = last is None or (head.anchor_seq == last.seq and head.anchor_hash == last.row_hash)
    await uow.audit_heads.add(
        {
            "chain": head.chain,
            "seq": head.seq,
            "service": head.service,
            "row_hash": head.row_hash,
            "anchor_seq": head.anchor_seq,
            "anchor_hash": head.anchor_hash,
            "continuous": continuous,
            "head_at": head.head_at,
            "received_at": now,
        }
    )


async def last_head(uow: ReconUnitOfWork, chain: str) -> dict[str, Any] | None:
    """The last head kept of ``chain`` (``audit_routes.KeptHead``), or None."""
    last = await uow.audit_heads.last(chain)
    if last is None:
        return None
    count, discontinuous_at = await uow.audit_heads.count_and_first_break(chain)
    return {
        "chain": chain,
        "seq": last.seq,
        "row_hash": last.row_hash,
        "head_at": last.head_at.isoformat(),
        "received_at": last.received_at.isoformat(),
        "heads_received": count,
        "discontinuous_at": discontinuous_at,
    }
