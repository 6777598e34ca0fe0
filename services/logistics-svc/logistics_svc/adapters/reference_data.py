"""Logistics' platform settings and carrier registry, read through a short-lived cache.

Every dispatch, every applied webhook, every timer and every view read the tracking settings
(auto-confirm days, stale hours, scan clock tolerance), and dispatch and aggregator scans read
the carrier registry: one or two round trips each time for rows that ops change a few times a
year. They are kept in memory for ``REFERENCE_TTL_S`` by each running service: an instance sees
a change it made itself at once (the PUT handlers forget the entry after their commit), the
others within ``REFERENCE_TTL_S``. A setting applies to timers set from then on anyway
(PUT /v1/settings/tracking), and a carrier ops deactivate may take one more dispatch on
another instance within that bound. Nothing else is cached here: shipments, refund holds and
known orders are read in the transaction that decides on them.

Loaded with one autocommitted statement on the runtime's connection lane (no pool checkout, no
BEGIN/ROLLBACK).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from logistics_svc.adapters.ttl_cache import TtlCache
from logistics_svc.domain.carriers import Carrier, carrier_for_vendor_code
from logistics_svc.domain.shipments import DEFAULT_SCAN_CLOCK_TOLERANCE
from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.service import ServiceRuntime

REFERENCE_TTL_S = 5.0

DEFAULT_SETTINGS: dict[str, int] = {
    "auto_confirm_days": 7,
    "stale_after_hours": 72,
    # A scan dated more than this before its shipment's dispatch never moves it (domain/shipments.py).
    "scan_clock_tolerance_minutes": int(DEFAULT_SCAN_CLOCK_TOLERANCE.total_seconds() // 60),
}

_SETTINGS = "settings"
_CARRIERS = "carriers"


def settings_from_rows(rows: list[tuple[str, Any]]) -> dict[str, int]:
    """The defaults, overridden by the stored (name, {"value": n}) rows."""
    values = dict(DEFAULT_SETTINGS)
    for name, stored in rows:
        stored = json.loads(stored) if isinstance(stored, str) else stored
        values[name] = int(stored["value"])
    return values


@dataclass(frozen=True)
class CarrierRegistrySnapshot:
    """Every carrier of the registry, by our code."""

    by_code: Mapping[str, Carrier]

    def get(self, code: str) -> Carrier | None:
        return self.by_code.get(code.upper())  # as CarrierRegistry.get looks it up

    def for_vendor_code(self, source: str, vendor_code: str | None) -> str | None:
        """Our code of the carrier an aggregator's code names, or None (see carrier_for_vendor_code)."""
        return carrier_for_vendor_code(self.by_code.values(), source, vendor_code)


class ReferenceData:
    def __init__(
        self,
        lane: ConnectionLane,
        ttl_s: float = REFERENCE_TTL_S,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lane = lane
        self._settings: TtlCache[dict[str, int]] = TtlCache(ttl_s, monotonic=monotonic)
        self._carriers: TtlCache[CarrierRegistrySnapshot] = TtlCache(ttl_s, monotonic=monotonic)

    async def tracking_settings(self) -> dict[str, int]:
        settings = await self._settings.get(_SETTINGS, self._load_settings)
        assert settings is not None  # the defaults at least
        return dict(settings)

    async def carriers(self) -> CarrierRegistrySnapshot:
        registry = await self._carriers.get(_CARRIERS, self._load_carriers)
        assert registry is not None
        return registry

    def forget_settings(self) -> None:
        """After a committed change of the settings."""
        self._settings.forget(_SETTINGS)

    def forget_carriers(self) -> None:
        """After a committed change of a carrier's definition."""
        self._carriers.forget(_CARRIERS)

    async def _load_settings(self) -> dict[str, int]:
        async with self.lane.connection() as connection:
            rows = await connection.fetch("select name, value::text from platform_settings")
        return settings_from_rows([(row[0], row[1]) for row in rows])

    async def _load_carriers(self) -> CarrierRegistrySnapshot:
        async with self.lane.connection() as connection:
            rows = await connection.fetch("select definition::text from carriers")
        carriers = [Carrier.from_definition(json.loads(row[0])) for row in rows]
        return CarrierRegistrySnapshot({carrier.code: carrier for carrier in carriers})


# One cache per running service (its lane): tests run several services, some on one database, in
# one process. A lane's id may be reused once it is gone, so the entry's own lane is compared too.
_BY_LANE: dict[int, ReferenceData] = {}


def reference_data(runtime: ServiceRuntime) -> ReferenceData:
    """The running service's cache of tracking settings and carriers."""
    found = _BY_LANE.get(id(runtime.lane))
    if found is None or found.lane is not runtime.lane:
        found = _BY_LANE[id(runtime.lane)] = ReferenceData(runtime.lane)
    return found
