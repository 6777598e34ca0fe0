"""Composition root of recon-svc: what the service consists of, wired in one place."""

from pathlib import Path

from recon_svc.entrypoints.consumers import subscriptions, timer_handlers
from recon_svc.entrypoints.http_audit_heads import router as audit_heads_router
from recon_svc.entrypoints.http_matching import router as matching_router
from recon_svc.entrypoints.http_reports import router as reports_router
from recon_svc.entrypoints.http_statements import router as statements_router
from shipsettle_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="recon-svc",
    title="ShipSettle recon-svc",
    description="Statements (对账单), matching, tax and 发出商品 reports, live invariants.",
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
    routers=(statements_router, matching_router, reports_router, audit_heads_router),
    subscriptions=subscriptions,
    timer_handlers=timer_handlers,
    audit_log=True,
)
