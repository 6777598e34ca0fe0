"""Every list is bounded: each service's OpenAPI is walked, and every GET whose 200 answer is a
list (or that declares ``x-paginated``) must take ``cursor`` and a ``limit`` with a maximum, or
declare why its list is bounded by nature (``x-bounded-list``). A new unbounded list fails here."""

from __future__ import annotations

from typing import Any

import pytest

from logistics_svc.bootstrap import DEFINITION as LOGISTICS
from order_svc.bootstrap import DEFINITION as ORDERS
from recon_svc.bootstrap import DEFINITION as RECON
from refund_svc.bootstrap import DEFINITION as REFUNDS
from settlement_svc.bootstrap import DEFINITION as SETTLEMENT
from shipsettle_shared.pagination import BOUNDED_KEY, MAX_PAGE_SIZE, PAGINATED_KEY
from shipsettle_shared.service import ServiceDefinition, create_app
from shipsettle_shared.settings import ServiceSettings

SETTINGS = {"database_url": "postgresql+asyncpg://x@127.0.0.1/x"}


def _document(definition: ServiceDefinition) -> dict[str, Any]:
    app = create_app(definition, ServiceSettings(service_name=definition.name, **SETTINGS))  # type: ignore[arg-type]
    document: dict[str, Any] = app.openapi()
    return document


def _answers_a_list(operation: dict[str, Any]) -> bool:
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    return any(media.get("schema", {}).get("type") == "array" for media in content.values())


def _query_parameter(operation: dict[str, Any], name: str) -> dict[str, Any] | None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter["name"] == name:
            schema: dict[str, Any] = parameter["schema"]
            return schema
    return None


def lists_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        path: operations["get"]
        for path, operations in document["paths"].items()
        if "get" in operations and (_answers_a_list(operations["get"]) or operations["get"].get(PAGINATED_KEY))
    }


@pytest.mark.parametrize("definition", [ORDERS, LOGISTICS, SETTLEMENT, REFUNDS, RECON], ids=lambda d: d.name)
def test_every_list_takes_a_cursor_and_a_bounded_limit_or_says_why_it_is_bounded(
    definition: ServiceDefinition,
) -> None:
    unbounded = []
    for path, operation in lists_of(_document(definition)).items():
        if operation.get(BOUNDED_KEY):
            continue
        limit = _query_parameter(operation, "limit")
        cursor = _query_parameter(operation, "cursor")
        if not (operation.get(PAGINATED_KEY) and limit and cursor and 1 <= limit.get("maximum", 0) <= MAX_PAGE_SIZE):
            unbounded.append(path)
    assert unbounded == []


def test_the_lists_of_each_service_are_found() -> None:
    """The control: the walk sees the paginated lists (so an empty result above means something)."""
    assert {"/v1/orders", "/v1/merchants/{merchant_id}/api-keys", "/v1/orders/{order_id}/timeline"} <= set(
        lists_of(_document(ORDERS))
    )
    assert {"/v1/carriers", "/v1/shipments-flagged", "/v1/scans-parked"} <= set(lists_of(_document(LOGISTICS)))
    assert {
        "/v1/merchants/{merchant_id}/ledger",
        "/v1/merchants/{merchant_id}/payouts",
        "/v1/settlement-applications/review-queue",
        "/v1/platform/notifications",
    } <= set(lists_of(_document(SETTLEMENT)))
    assert {"/v1/refunds", "/v1/refund-sla"} <= set(lists_of(_document(REFUNDS)))
    assert {"/v1/discrepancies", "/v1/invariants/violations"} <= set(lists_of(_document(RECON)))
