"""Each operation's allowed roles are published into its OpenAPI operation as ``x-roles``, read
from the ``require_roles`` gate it depends on (``shipsettle_shared.auth.publish_roles``): the one
source the access matrix (tests/security/test_access_matrix.py) is generated from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends

from logistics_svc.bootstrap import DEFINITION as LOGISTICS
from order_svc.bootstrap import DEFINITION as ORDERS
from recon_svc.bootstrap import DEFINITION as RECON
from refund_svc.bootstrap import DEFINITION as REFUNDS
from settlement_svc.bootstrap import DEFINITION as SETTLEMENT
from shipsettle_shared.auth import ROLES_KEY, OpsPrincipal, Principal, require_roles
from shipsettle_shared.body_limits import BODY_LIMIT_KEY, CALLBACK_BODY_LIMIT_BYTES
from shipsettle_shared.contracts import Role
from shipsettle_shared.service import ServiceDefinition, create_app
from shipsettle_shared.settings import ServiceSettings

SETTINGS = {"database_url": "postgresql+asyncpg://x@127.0.0.1/x"}


def _document(definition: ServiceDefinition) -> dict[str, Any]:
    app = create_app(definition, ServiceSettings(service_name=definition.name, **SETTINGS))  # type: ignore[arg-type]
    document: dict[str, Any] = app.openapi()
    return document


router = APIRouter(prefix="/v1")


@router.get("/ops-only")
async def ops_only(principal: OpsPrincipal) -> None:
    return None


@router.get("/two-gates", dependencies=[Depends(require_roles(Role.OPS, Role.AUDITOR, Role.MERCHANT))])
async def two_gates(principal: Annotated[Principal, Depends(require_roles(Role.MERCHANT, Role.OPS))]) -> None:
    return None


@router.post("/ungated")
async def ungated() -> None:
    return None


def test_an_operation_shows_the_roles_of_its_gate_and_all_of_its_gates_must_pass() -> None:
    definition = ServiceDefinition(
        name="roles-svc", title="t", description="d", migrations_dir=Path("."), routers=(router,)
    )
    paths = _document(definition)["paths"]
    assert paths["/v1/ops-only"]["get"][ROLES_KEY] == ["ops"]
    assert paths["/v1/two-gates"]["get"][ROLES_KEY] == ["merchant", "ops"]  # both gates: ops and merchant pass
    assert ROLES_KEY not in paths["/v1/ungated"]["post"]
    assert paths["/v1/consumers"]["get"][ROLES_KEY] == ["ops"]  # the assembly's own routes too


@pytest.mark.parametrize("definition", [ORDERS, LOGISTICS, SETTLEMENT, REFUNDS, RECON], ids=lambda d: d.name)
def test_every_operation_declares_its_roles_but_the_probes_and_the_signed_callbacks(
    definition: ServiceDefinition,
) -> None:
    for path, operations in _document(definition)["paths"].items():
        for method, operation in operations.items():
            if path in ("/healthz", "/readyz", "/metrics"):
                assert ROLES_KEY not in operation
            elif ROLES_KEY not in operation:
                # a carrier's or provider's signature, not an API key, opens it
                assert operation[BODY_LIMIT_KEY] == CALLBACK_BODY_LIMIT_BYTES, (method, path)
            else:
                assert operation[ROLES_KEY]
                assert set(operation[ROLES_KEY]) <= {role.value for role in Role}
