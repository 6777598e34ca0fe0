"""The platform backends' client (clients/python) is what the services' OpenAPI documents generate
now: a route changed without `make client` fails the build."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("openapi_client", ROOT / "deploy" / "openapi_client.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["openapi_client"] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_client_is_what_the_services_openapi_generates(capsys: pytest.CaptureFixture[str]) -> None:
    assert _generator().check() == 0, capsys.readouterr().err


def test_a_route_changed_without_regenerating_the_client_fails_the_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generator = _generator()
    real = generator.documents()

    def with_a_new_route() -> dict[str, dict[str, Any]]:
        changed = {name: dict(document) for name, document in real.items()}
        paths = dict(changed["orders"]["paths"])
        paths["/v1/orders/{order_id}/gift-wrap"] = {
            "post": {
                "operationId": "orders.gift_wrap",
                "parameters": [{"name": "order_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "wrapped"}},
            }
        }
        changed["orders"]["paths"] = paths
        return changed

    monkeypatch.setattr(generator, "documents", with_a_new_route)
    assert generator.check() == 1
    drift = capsys.readouterr().err
    assert "differs: orders.json" in drift
    assert "gift" in drift  # the new route's module is named among the differences
