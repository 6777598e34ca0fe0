"""The shipment use cases over a caller's session, under their old module name, for the callers
that still hand the service layer a session: tests/integration/test_logistics_statements.py, whose
statement counts stay as they are while the service is tuned. Each builds the SQL unit of work over
the session and runs the use case (service_layer/dispatching.py, sign_off.py); the entrypoints
build the unit of work themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from logistics_svc.adapters.repositories.rows import LoadedShipments
from logistics_svc.adapters.unit_of_work import SqlLogisticsUnitOfWork
from logistics_svc.domain.shipments import Shipment
from logistics_svc.service_layer import dispatching, sign_off
from logistics_svc.service_layer.dispatching import Dispatch
from shipsettle_shared.timers import DueTimer

__all__ = ["Dispatch", "confirm_receipt", "dispatch", "fire_auto_confirm"]


async def dispatch(session: AsyncSession, command: Dispatch, **options: Any) -> LoadedShipments:
    """dispatching.dispatch over the session (its keyword arguments as they are)."""
    return await dispatching.dispatch(SqlLogisticsUnitOfWork(session), command, **options)


async def confirm_receipt(session: AsyncSession, order_id: str, *, now: datetime) -> list[Shipment]:
    """sign_off.confirm_receipt over the session."""
    return await sign_off.confirm_receipt(SqlLogisticsUnitOfWork(session), order_id, now=now)


async def fire_auto_confirm(session: AsyncSession, timer: DueTimer, *, now: datetime) -> None:
    """sign_off.fire_auto_confirm over the session."""
    await sign_off.fire_auto_confirm(SqlLogisticsUnitOfWork(session), timer, now=now)
