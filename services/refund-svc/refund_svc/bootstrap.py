"""Composition root of refund-svc: what the service consists of, wired in one place."""

from pathlib import Path

from shipsettle_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="refund-svc",
    title="ShipSettle refund-svc",
    description="Cancellations, refunds and returns (退货退款) with deadlines, in agreement with settlement.",
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
)
