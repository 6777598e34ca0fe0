"""Every state-changing operation an ops or merchant key may call writes an audit row (audit.py),
or is exempt here with its reason. Walks each service's OpenAPI document (its operations and
their ``x-roles``) and reads the handler of each such operation for its ``audit.record`` call: a
new ops or merchant route without one fails here until it records or is exempted with a reason.
That the call writes its row with the actor, role and correlation id is shown end to end
(tests/e2e/test_audit_log.py); that it is in the change's transaction, by its place inside the
route's unit of work."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts

from logistics_svc.bootstrap import DEFINITION as LOGISTICS
from order_svc.bootstrap import DEFINITION as ORDERS
from recon_svc.bootstrap import DEFINITION as RECON
from refund_svc.bootstrap import DEFINITION as REFUNDS
from settlement_svc.bootstrap import DEFINITION as SETTLEMENT
from shipsettle_shared.auth import ROLES_KEY
from shipsettle_shared.service import ServiceDefinition, create_app
from shipsettle_shared.settings import ServiceSettings

SETTINGS = {"database_url": "postgresql+asyncpg://x@127.0.0.1/x"}
STATE_CHANGING = ("post", "put", "patch", "delete")
# How a handler records: audit.record itself, or refund-svc's ``moved`` (http_views.py), which
# records every move in the move's transaction and cannot be called without its action.
RECORDING_CALLS = ("audit.record(", "moved(")
PEOPLE = {"ops", "merchant"}

# (service, operation id): why it writes no audit row
EXEMPT: dict[tuple[str, str], str] = {
    **{
        (service, "bus_probes.send"): "a diagnostics canary through the bus: changes no state, and its arrival "
        "is recorded by every receiving service (bus_probe_receipts)"
        for service in ("order-svc", "logistics-svc", "settlement-svc", "recon-svc")
    },
    ("logistics-svc", "carriers.recommend"): "a computation over the carrier registry: changes nothing",
    # The order's own lifecycle, called by the merchant on every order: recorded with the acting
    # key where they happen (shipping history's `by`, the shipment), and kept off the one chain per
    # database so as not to serialise the lifecycle's hot path on its lock (issue 20's follow-up).
    ("order-svc", "shipping_info.confirm"): "every order's lifecycle step; the shipping history records the key",
    ("order-svc", "shipping_info.correct"): "a single autocommitted statement on the connection lane, not a "
    "transaction an audit row can join; the shipping history records the key, the reason and the time",
    ("logistics-svc", "shipments.dispatch"): "every order's lifecycle step; the shipment records it",
    ("refund-svc", "bus_probes.send"): "a diagnostics canary through the bus: changes no state",
    ("refund-svc", "refunds.quote"): "a computation over the order's refundable units: changes nothing",
}


def _operations(definition: ServiceDefinition) -> list[tuple[str, list[str], Any]]:
    """(operation id, roles, handler) of every state-changing operation an ops or merchant key may call."""
    app = create_app(definition, ServiceSettings(service_name=definition.name, **SETTINGS))  # type: ignore[arg-type]
    paths = app.openapi()["paths"]
    handlers = {
        getattr(route.original_route, "operation_id", None): route.endpoint
        for route in iter_route_contexts(app.router.routes)
    }
    found = []
    for operations in paths.values():
        for method, operation in operations.items():
            roles = operation.get(ROLES_KEY, [])
            if method in STATE_CHANGING and PEOPLE & set(roles):
                found.append((operation["operationId"], roles, handlers[operation["operationId"]]))
    return found


DEFINITIONS = (ORDERS, LOGISTICS, SETTLEMENT, RECON, REFUNDS)


def _records(handler: Any) -> bool:
    source = inspect.getsource(handler)
    return any(call in source for call in RECORDING_CALLS)


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[definition.name for definition in DEFINITIONS])
def test_every_state_changing_ops_or_merchant_operation_records_an_audit_row_or_says_why_not(
    definition: ServiceDefinition,
) -> None:
    silent = [
        operation_id
        for operation_id, _, handler in _operations(definition)
        if (definition.name, operation_id) not in EXEMPT
        # a service without an audit log records nothing, whatever its handlers' source says
        and (not definition.audit_log or not _records(handler))
    ]
    assert silent == [], f"{definition.name}: record these with audit.record, or exempt them with a reason"


def test_every_exemption_names_an_operation_that_exists_and_writes_no_row() -> None:
    operations = {
        (definition.name, operation_id): (definition, handler)
        for definition in DEFINITIONS
        for operation_id, _, handler in _operations(definition)
    }
    stale = [
        key
        for key in EXEMPT
        if key not in operations or (operations[key][0].audit_log and _records(operations[key][1]))
    ]
    assert stale == []


def test_the_audit_endpoints_are_for_the_auditor_and_ops_in_every_service_that_keeps_a_log() -> None:
    for definition in (ORDERS, LOGISTICS, SETTLEMENT, RECON):
        app = create_app(definition, ServiceSettings(service_name=definition.name, **SETTINGS))  # type: ignore[arg-type]
        paths = app.openapi()["paths"]
        assert paths["/v1/audit"]["get"][ROLES_KEY] == ["auditor", "ops"]
        assert paths["/v1/audit/verify"]["get"][ROLES_KEY] == ["auditor", "ops"]
    assert (
        "/v1/audit/heads/{chain}"
        in create_app(
            RECON,
            ServiceSettings(service_name=RECON.name, **SETTINGS),  # type: ignore[arg-type]
        ).openapi()["paths"]
    )
