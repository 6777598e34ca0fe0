"""Found by the OpenAPI fuzz (issue 16): /metrics answered 500 while PostgreSQL was down. The
scrape refreshes the outbox backlog from the database first; now it serves every other metric
(and the backlog's last value) whatever the database does."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import httpx

from shipsettle_shared.clock import SystemClock
from shipsettle_shared.db import create_engine
from shipsettle_shared.messaging.relay import OutboxRelay
from shipsettle_shared.service import ServiceDefinition, create_app
from shipsettle_shared.settings import ServiceSettings


async def test_metrics_are_served_while_the_database_is_unreachable() -> None:
    # Nothing listens on port 1: every connection is refused, as during a PostgreSQL restart.
    settings = ServiceSettings(service_name="metrics-svc", database_url="postgresql+asyncpg://x@127.0.0.1:1/x")
    app = create_app(
        ServiceDefinition(name="metrics-svc", title="t", description="d", migrations_dir=Path(".")), settings
    )
    engine = create_engine(settings)
    relay = OutboxRelay(settings, engine, producer=None, clock=SystemClock())  # type: ignore[arg-type]
    app.state.runtime = SimpleNamespace(relay=relay)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
            response = await client.get("/metrics")
    finally:
        await engine.dispose()

    assert response.status_code == 200
    assert "shipsettle_outbox_backlog_rows" in response.text
