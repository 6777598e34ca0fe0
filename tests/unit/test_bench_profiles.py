"""The summary bench-lifecycle writes of a py-spy profile: where the CPU is, and which of our functions."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import profiles

ENTRY = "<module> (/r/services/order-svc/order_svc/__main__.py:8);serve (/r/shared/shipsettle_shared/service.py:396)"
PLACE = "place_order (/r/services/order-svc/order_svc/entrypoints/http_orders.py:{line})"
RAW = "\n".join(
    [
        f"{ENTRY};{PLACE.format(line=391)};execute (/v/lib/site-packages/sqlalchemy/engine/base.py:10) 3",
        f"{ENTRY};{PLACE.format(line=392)};_get_statement (/v/lib/site-packages/asyncpg/connection.py:5) 1",
        "run (/usr/lib/python3.11/asyncio/events.py:80) 1",
        "",
    ]
)


def test_a_profile_is_summarised_by_layer_and_by_our_functions_whatever_line_they_were_on() -> None:
    summary = profiles.summarise("order-svc", RAW)
    # 3 + 1 + 1 = 5 samples: SQLAlchemy innermost in 3, asyncpg in 1, asyncio in 1.
    assert summary.samples == 5
    assert summary.share(summary.by_layer["SQLAlchemy"]) == 3 / 5
    assert summary.share(summary.by_layer["asyncpg (the PostgreSQL protocol)"]) == 1 / 5
    assert summary.share(summary.by_layer["asyncio and uvloop"]) == 1 / 5
    # place_order is on the stack of 3 + 1 samples (lines 391 and 392 are one row); the entry
    # point, on every stack, is not a row.
    assert summary.own_inclusive == {"place_order (order_svc/entrypoints/http_orders.py)": 4}
    table = profiles.render({"order-svc": summary})
    assert "| SQLAlchemy | 60% |" in table
    assert "| 80% | `place_order (order_svc/entrypoints/http_orders.py)` |" in table
