"""Composition root of order-svc: what the service consists of, wired in one place."""

from pathlib import Path

from order_svc.adapters.order_watch import start_order_watch
from order_svc.entrypoints.consumers import start_timers, subscriptions, timer_handlers
from order_svc.entrypoints.http_access import router as access_router
from order_svc.entrypoints.http_buyers import router as buyers_router
from order_svc.entrypoints.http_order_watch import router as order_watch_router
from order_svc.entrypoints.http_orders import router as orders_router
from order_svc.entrypoints.http_shipping_info import router as shipping_info_router
from order_svc.service_layer.access import APPLIERS
from shipsettle_shared.four_eyes_routes import approvals_router
from shipsettle_shared.service import ServiceDefinition, ServiceRuntime


async def start(runtime: ServiceRuntime) -> None:
    await start_order_watch(runtime)
    await start_timers(runtime)


DEFINITION = ServiceDefinition(
    name="order-svc",
    title="ShipSettle order-svc",
    description=(
        "Order intake, exact pricing, shipping-information confirmation (核对发货信息), the order "
        "timeline, and API-key issuance."
    ),
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
    routers=(
        access_router,
        orders_router,
        order_watch_router,
        shipping_info_router,
        buyers_router,
        approvals_router(APPLIERS),
    ),
    subscriptions=subscriptions,
    timer_handlers=timer_handlers,
    on_startup=start,
    audit_log=True,
)
