"""The one repository logistics had before it was split by concern (adapters/repositories/, carried
by adapters/unit_of_work.py), under its old name for the callers that still read and write through
it: tests/integration/test_logistics_statements.py, whose statement counts stay as they are while
the service is tuned. New code takes the repository of its concern."""

from __future__ import annotations

from logistics_svc.adapters.repositories.settings import SettingRepository
from logistics_svc.adapters.repositories.shipments import ShipmentRepository


class LogisticsRepository(ShipmentRepository, SettingRepository):
    """Shipments as read by ShipmentRepository, and the settings written by SettingRepository."""
