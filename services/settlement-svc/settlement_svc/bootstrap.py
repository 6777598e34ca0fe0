"""Composition root of settlement-svc: what the service consists of, wired in one place."""

from pathlib import Path

from settlement_svc.entrypoints.consumers import start_payout_batches, subscriptions, timer_handlers
from settlement_svc.entrypoints.http_applications import router as applications_router
from settlement_svc.entrypoints.http_approvals import router as approvals_router
from settlement_svc.entrypoints.http_notifications import router as notifications_router
from settlement_svc.entrypoints.http_payouts import router as payouts_router
from settlement_svc.entrypoints.http_settlement import router as settlement_router
from settlement_svc.entrypoints.http_vouchers import router as vouchers_router
from shipsettle_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="settlement-svc",
    title="ShipSettle settlement-svc",
    description=(
        "Double-entry ledger, sign-off-gated holds, settlement applications (结算申请) and payouts. "
        "Nothing is posted for an order before its sign-off (签收 / 确认收货)."
    ),
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
    routers=(
        settlement_router,
        payouts_router,
        vouchers_router,
        applications_router,
        notifications_router,
        approvals_router,
    ),
    subscriptions=subscriptions,
    timer_handlers=timer_handlers,
    on_startup=start_payout_batches,
    audit_log=True,
)
