"""Composition root of logistics-svc: what the service consists of, wired in one place."""

from pathlib import Path

from logistics_svc.adapters.carrier_registry import CarrierRegistry
from logistics_svc.entrypoints.consumers import subscriptions, timer_handlers
from logistics_svc.entrypoints.http_carriers import router as carriers_router
from logistics_svc.entrypoints.http_shipments import router as shipments_router
from logistics_svc.entrypoints.http_webhooks import router as webhooks_router
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.service import ServiceDefinition, ServiceRuntime


async def seed_carriers(runtime: ServiceRuntime) -> None:
    async with unit_of_work(runtime.sessions) as session:
        await CarrierRegistry(session).seed(now=runtime.clock.now())


DEFINITION = ServiceDefinition(
    name="logistics-svc",
    title="ShipSettle logistics-svc",
    description=(
        "Carriers, dispatch with tracking numbers (物流单号), signed carrier webhooks (native, Kuaidi100 "
        "快递100 push, AfterShip), and sign-off (签收 / 确认收货)."
    ),
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
    # Webhooks first: routes are matched in order, and the carriers' acknowledgement is the hot path.
    routers=(webhooks_router, carriers_router, shipments_router),
    subscriptions=subscriptions,
    timer_handlers=timer_handlers,
    on_startup=seed_carriers,
    audit_log=True,
)
