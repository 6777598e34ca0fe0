"""Composition root of refund-svc: what the service consists of, wired in one place."""

from pathlib import Path

from refund_svc.entrypoints.consumers import subscriptions, timer_handlers
from refund_svc.entrypoints.http_balance_credits import router as balance_credits_router
from refund_svc.entrypoints.http_moves import router as moves_router
from refund_svc.entrypoints.http_provider_callbacks import router as provider_callbacks_router
from refund_svc.entrypoints.http_refunds import router as refunds_router
from shipsettle_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="refund-svc",
    title="ShipSettle refund-svc",
    description=(
        "Cancellations, refunds (仅退款) and returns (退货退款) with deadlines, executed through the refund "
        "provider, or for orders paid from the platform balance (余额) as a balance credit the platform applies "
        "and acknowledges; failed refunds settled by ops another way; always in agreement with settlement."
    ),
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
    routers=(refunds_router, moves_router, balance_credits_router, provider_callbacks_router),
    subscriptions=subscriptions,
    timer_handlers=timer_handlers,
    audit_log=True,
)
