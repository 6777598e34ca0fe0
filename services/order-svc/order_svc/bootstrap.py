"""Composition root of order-svc: what the service consists of, wired in one place."""

from pathlib import Path

from order_svc.adapters.order_watch import start_order_watch
from order_svc.entrypoints.consumers import subscriptions
from order_svc.entrypoints.http_access import router as access_router
from order_svc.entrypoints.http_orders import router as orders_router
from order_svc.service_layer.access import APPLIERS
from shipsettle_shared.four_eyes_routes import approvals_router
from shipsettle_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="order-svc",
    title="ShipSettle order-svc",
    description=(
        "Order intake, exact pricing, shipping-information confirmation (核对发货信息), the order "
        "timeline, and API-key issuance."
    ),
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
    routers=(access_router, orders_router, approvals_router(APPLIERS)),
    subscriptions=subscriptions,
    on_startup=start_order_watch,
    audit_log=True,
)
