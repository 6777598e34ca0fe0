"""Issue 19, a typed API: every service's OpenAPI document, built in-process, walked operation by
operation. Platform backends generate their clients from these documents, so each must say what
every answer is:

- every 2xx answer has a typed body (a schema with properties, a typed list, or a declared text
  or file download); a 204 has none;
- every 4xx and 5xx is ``application/problem+json`` with the shared ``Problem`` schema, FastAPI's
  ``HTTPValidationError`` appears nowhere (a 422 is a problem too), and the answers the assembly
  itself gives are declared where they can happen: 401 and 429 (with ``Retry-After``) on every
  operation behind an API key, 413 on every operation that takes a body, 503 (``Retry-After``) on
  the webhook intake;
- every operation id reads ``resource.verb`` (``orders.place``) and is unique in its document;
- every operation behind an API key (decided from its ``require_roles`` gate, not from the
  document) carries the ``HTTPBearer`` security scheme, and no other operation does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from logistics_svc.bootstrap import DEFINITION as LOGISTICS
from order_svc.bootstrap import DEFINITION as ORDERS
from recon_svc.bootstrap import DEFINITION as RECON
from refund_svc.bootstrap import DEFINITION as REFUNDS
from settlement_svc.bootstrap import DEFINITION as SETTLEMENT
from shipsettle_shared.auth import declared_roles
from shipsettle_shared.intake_bulkhead import INTAKE_PATH_PREFIX
from shipsettle_shared.service import ServiceDefinition, create_app
from shipsettle_shared.settings import ServiceSettings

SETTINGS = {"database_url": "postgresql+asyncpg://x@127.0.0.1/x"}
DEFINITIONS = [ORDERS, LOGISTICS, SETTLEMENT, REFUNDS, RECON]
PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
OPERATION_ID = re.compile(r"^[a-z_]+\.[a-z_]+$")
BEARER = [{"HTTPBearer": []}]
# Answers that are not JSON: the Prometheus scrape, statements and reports as CSV or XLSX
TEXT_OR_FILE = ("text/", "application/vnd.openxmlformats")

Operation = tuple[str, str, dict[str, Any]]  # method, path, operation


def _app(definition: ServiceDefinition) -> FastAPI:
    return create_app(definition, ServiceSettings(service_name=definition.name, **SETTINGS))  # type: ignore[arg-type]


def _operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _gated(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every operation behind an API key, read from the routes' gates."""
    return {
        (method, route.path_format)
        for route in iter_route_contexts(app.router.routes)
        if getattr(route, "include_in_schema", False) and declared_roles(route) is not None
        for method in route.methods or ()
    }


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _typed(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    """A schema a client can generate a type from: no bare ``{}`` and no object of anything."""
    schema = _resolve(schema, components)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return all(_typed(option, components) for option in schema[combinator])
    kind = schema.get("type")
    if kind == "array":
        return _typed(schema.get("items", {}), components)
    if kind == "object" or (kind is None and "properties" in schema):
        if schema.get("properties"):
            return True
        values = schema.get("additionalProperties")
        return isinstance(values, dict) and _typed(values, components)
    return kind in ("string", "integer", "number", "boolean", "null") or "enum" in schema or "const" in schema


def _untyped_successes(document: dict[str, Any]) -> list[str]:
    components = document.get("components", {}).get("schemas", {})
    offenders = []
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            content = response.get("content", {})
            if status == "204":
                if content:
                    offenders.append(f"{method} {path} 204 with a body")
                continue
            typed = bool(content) and all(
                media_type.startswith(TEXT_OR_FILE) or _typed(media.get("schema", {}), components)
                for media_type, media in content.items()
            )
            if not typed:
                offenders.append(f"{method} {path} {status}")
    return offenders


def _undeclared_problems(app: FastAPI, document: dict[str, Any]) -> list[str]:
    gated = _gated(app)
    offenders = []
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        for status, response in responses.items():
            if status[0] in "45" and response.get("content") != {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}:
                offenders.append(f"{method} {path} {status}: {sorted(response.get('content', {}))}")
        expected = {"422"}
        if (method, path) in gated:
            expected |= {"401", "429"}
        if "requestBody" in operation:
            expected.add("413")
        if path.startswith(INTAKE_PATH_PREFIX):
            expected.add("503")
        offenders += [f"{method} {path} {status} undeclared" for status in sorted(expected - set(responses))]
        for status in ("429", "503"):
            if status in expected and "Retry-After" not in responses.get(status, {}).get("headers", {}):
                offenders.append(f"{method} {path} {status} without Retry-After")
    return offenders


def _documents() -> list[tuple[str, FastAPI, dict[str, Any]]]:
    built = []
    for definition in DEFINITIONS:
        app = _app(definition)
        built.append((definition.name, app, app.openapi()))
    return built


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, FastAPI, dict[str, Any]]]:
    return _documents()


def test_every_success_answer_has_a_typed_body(documents: list[tuple[str, FastAPI, dict[str, Any]]]) -> None:
    offenders = [f"{name}: {offender}" for name, _, document in documents for offender in _untyped_successes(document)]
    total = sum(1 for _, _, document in documents for _ in _operations(document))
    assert offenders == [], f"{len(offenders)} untyped success answers in {total} operations"


def test_every_error_answer_is_a_problem_and_the_assembly_errors_are_declared(
    documents: list[tuple[str, FastAPI, dict[str, Any]]],
) -> None:
    offenders = [
        f"{name}: {offender}" for name, app, document in documents for offender in _undeclared_problems(app, document)
    ]
    leftovers = [
        f"{name}: {schema}"
        for name, _, document in documents
        for schema in document.get("components", {}).get("schemas", {})
        if schema in ("HTTPValidationError", "ValidationError")
    ]
    assert offenders == [], f"{len(offenders)} error answers not declared as problems"
    assert leftovers == []


def test_every_operation_id_reads_resource_dot_verb_and_is_unique(
    documents: list[tuple[str, FastAPI, dict[str, Any]]],
) -> None:
    offenders = []
    for name, _, document in documents:
        seen: dict[str, str] = {}
        for method, path, operation in _operations(document):
            operation_id = operation.get("operationId", "")
            if not OPERATION_ID.match(operation_id):
                offenders.append(f"{name}: {method} {path}: {operation_id!r}")
            elif operation_id in seen:
                offenders.append(f"{name}: {method} {path}: {operation_id!r} also names {seen[operation_id]}")
            seen[operation_id] = f"{method} {path}"
    assert offenders == [], f"{len(offenders)} operation ids out of style or repeated"


def test_every_operation_behind_an_api_key_declares_the_bearer_scheme_and_no_other_does(
    documents: list[tuple[str, FastAPI, dict[str, Any]]],
) -> None:
    offenders = []
    gated_total = 0
    for name, app, document in documents:
        gated = _gated(app)
        gated_total += len(gated)
        for method, path, operation in _operations(document):
            if (method, path) in gated and operation.get("security") != BEARER:
                offenders.append(f"{name}: {method} {path} is behind a key but declares {operation.get('security')}")
            if (method, path) not in gated and operation.get("security"):
                offenders.append(f"{name}: {method} {path} takes no key but declares {operation['security']}")
        if gated:
            assert document["components"].get("securitySchemes", {}).get("HTTPBearer", {}).get("scheme") == "bearer"
    assert gated_total > 90  # the gates are found at all
    assert offenders == [], f"{len(offenders)} of {gated_total} gated operations without the scheme"


def test_no_operation_takes_the_api_key_as_a_plain_header_parameter(
    documents: list[tuple[str, FastAPI, dict[str, Any]]],
) -> None:
    offenders = [
        f"{name}: {method} {path}"
        for name, _, document in documents
        for method, path, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header" and parameter["name"].lower() == "authorization"
    ]
    assert offenders == []
