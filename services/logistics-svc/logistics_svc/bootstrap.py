"""Composition root of logistics-svc: what the service consists of, wired in one place."""

from pathlib import Path

from shipsettle_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="logistics-svc",
    title="ShipSettle logistics-svc",
    description="Carriers, dispatch with tracking numbers (物流单号), signed carrier webhooks, and sign-off (签收 / 确认收货).",
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
)
