"""Composition root of settlement-svc: what the service consists of, wired in one place."""

from pathlib import Path

from shipsettle_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="settlement-svc",
    title="ShipSettle settlement-svc",
    description="Double-entry ledger, sign-off-gated holds, settlement applications (结算申请) and payouts.",
    migrations_dir=Path(__file__).resolve().parent.parent / "migrations",
)
