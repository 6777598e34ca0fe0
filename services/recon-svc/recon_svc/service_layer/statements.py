"""Issuing statements: read recon's copy of the ledger, build, and keep closed periods immutable.

A closed period (its end has passed) is issued once and stored with the SHA-256 of its content.
Asked again, the same content returns the stored version; different content (a ledger entry for
that period arrived late) is stored as the next version, and the earlier one stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recon_svc.adapters.tables import StatementRow
from recon_svc.domain.statements import LedgerEntry, Statement, build_statement, content_hash
from recon_svc.service_layer.unit_of_work import ReconUnitOfWork


@dataclass(frozen=True)
class IssuedStatement:
    statement: Statement
    document: dict[str, Any]
    sha256: str
    closed: bool
    version: int | None
    versions: list[dict[str, Any]]


async def ledger_entries(uow: ReconUnitOfWork, merchant_id: str, before: datetime) -> list[LedgerEntry]:
    rows = await uow.statements.ledger_entries(merchant_id, before)
    return [
        LedgerEntry(
            tx_key=row.tx_key,
            kind=row.kind,
            merchant_id=row.merchant_id,
            order_id=row.order_id,
            posted_at=row.posted_at,
            postings=tuple((p["account_id"], int(p["amount_minor"])) for p in row.postings),
            caused_by_event_id=row.caused_by_event_id,
            description=row.description,
        )
        for row in rows
    ]


async def issue(
    uow: ReconUnitOfWork, merchant_id: str, start: datetime, end: datetime, *, now: datetime
) -> IssuedStatement:
    statement = build_statement(merchant_id, await ledger_entries(uow, merchant_id, end), start, end)
    document = statement.as_document()
    digest = content_hash(document)
    closed = end <= now
    if not closed:
        return IssuedStatement(statement, document, digest, False, None, [])
    stored = await uow.statements.versions(merchant_id, start, end)
    latest = stored[-1] if stored else None
    if latest is None or latest.sha256 != digest:
        latest = StatementRow(
            merchant_id=merchant_id,
            period_start=start,
            period_end=end,
            version=(latest.version + 1) if latest else 1,
            content=document,
            sha256=digest,
            closed=True,
            issued_at=now,
        )
        await uow.statements.add(latest)
        stored.append(latest)
    versions = [
        {"version": row.version, "sha256": row.sha256, "issued_at": row.issued_at.isoformat()} for row in stored
    ]
    return IssuedStatement(statement, latest.content, latest.sha256, True, latest.version, versions)
