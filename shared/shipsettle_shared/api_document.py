"""What each operation answers, as every service's OpenAPI document declares it (issue 19).

Platform backends generate their clients from these documents, so each operation states:

- its success body: ``response_model=`` where the handler returns a model, or ``answers(Model)``
  where it returns a dict (tests/contract/test_openapi_shape.py fails an untyped one);
- its errors, each ``application/problem+json`` with the one ``Problem`` schema
  (``problems.ProblemDetails``): the route declares those its handler raises
  (``problem_responses(404, 409)``, or ``answers(Model, 404, 409)``); the assembly declares those
  it gives itself on every route where they can happen (``declare_assembly_problems``):
  401 and 429 (``Retry-After``) behind an API key, 403 where the gate does not let every role in,
  400 and 409 where an ``Idempotency-Key`` is taken, 413 where a body is read, 422 everywhere
  (the storable-text rule reads every query and header), 503 (``Retry-After``) on the webhook
  intake. FastAPI's own ``HTTPValidationError`` never appears: its 422 is a problem too.

Operation ids are the route's own, ``operation_id="orders.place"`` (``resource.verb``), next to
its path in the decorator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from shipsettle_shared.auth import declared_roles
from shipsettle_shared.body_limits import BODY_LIMIT_KEY
from shipsettle_shared.contracts import Role
from shipsettle_shared.intake_bulkhead import INTAKE_PATH_PREFIX
from shipsettle_shared.problems import PROBLEM_CONTENT_TYPE, ProblemDetails

PROBLEM_SCHEMA = "Problem"
_PROBLEM_CONTENT = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}}}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "whole seconds to wait before sending the request again (at least 1)",
        "schema": {"type": "integer", "minimum": 1},
    }
}
_MEANINGS = {
    400: "a required header is missing or malformed (Idempotency-Key), or the request is refused as it stands",
    401: "no API key, or one that is malformed, unknown or revoked (WWW-Authenticate)",
    403: "the key's role may not call this operation, or this key may not take this step",
    404: "the resource does not exist, or belongs to another merchant (never told apart)",
    409: "the resource's state forbids it, or an Idempotency-Key was used with another body",
    413: "the request body is larger than this operation reads (the connection is closed)",
    422: "the request is not valid: each offending field is named in errors",
    429: "this API key is over its rate limit; nothing was done",
    503: "busy or not ready; send it again after Retry-After",
}
_WITH_RETRY_AFTER = (429, 503)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: each status answered as an ``application/problem+json`` problem."""
    declared: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        response: dict[str, Any] = {"description": _MEANINGS.get(status, "a problem"), "content": _PROBLEM_CONTENT}
        if status in _WITH_RETRY_AFTER:
            response["headers"] = _RETRY_AFTER
        declared[status] = response
    return declared


def answers(
    model: Any,
    *errors: int,
    status_code: int = 200,
    other_answers: Mapping[int | str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Decorator keywords of a route whose handler returns a dict: ``model`` documents that dict
    (the success body, at ``status_code``), ``errors`` the problems the handler raises.

    The dict is sent as the handler built it (``response_model=None``): not validated against
    ``model`` again nor re-serialised, so the bodies clients read stay byte for byte what they
    were (timestamps keep their ``+00:00``) and the hot paths pay nothing for the declaration.
    ``model`` must therefore say exactly what the handler builds."""
    return {
        "status_code": status_code,
        "response_model": None,
        "responses": {
            status_code: {"model": model},
            **(other_answers or {}),
            **problem_responses(*errors),
        },
    }


def _takes_idempotency_key(dependant: Dependant) -> bool:
    if any((param.alias or param.name).lower() == "idempotency-key" for param in dependant.header_params):
        return True
    return any(_takes_idempotency_key(sub) for sub in dependant.dependencies)


def _assembly_problems(route: Any) -> list[int]:
    """The problems the assembly answers on ``route`` (an included route's context)."""
    statuses = [422]  # refuse_unstorable_text reads every route's path, query and headers
    roles = declared_roles(route)
    if roles is not None:
        statuses += [401, 429]
        if roles != frozenset(Role):
            statuses.append(403)
    if _takes_idempotency_key(route.dependant):
        statuses += [400, 409]  # the key missing or too long; used before with another body
    if route.body_field is not None or BODY_LIMIT_KEY in (route.openapi_extra or {}):
        statuses.append(413)
    if route.path_format.startswith(INTAKE_PATH_PREFIX):
        statuses.append(503)
    return statuses


def declare_assembly_problems(app: FastAPI) -> None:
    """Adds to each operation of ``app``'s document the problems the assembly gives on it (see
    the module), in place of FastAPI's ``HTTPValidationError``, and the ``Problem`` schema."""
    build = app.openapi

    def openapi_with_problems() -> dict[str, Any]:
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        if PROBLEM_SCHEMA in schemas:
            return document  # built once, then served as it is
        for route in iter_route_contexts(app.router.routes):
            if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
                continue
            operations = document.get("paths", {}).get(route.path_format, {})
            assembly = {str(status): answer for status, answer in problem_responses(*_assembly_problems(route)).items()}
            for method in route.methods or ():
                responses = operations.get(method.lower(), {}).get("responses")
                if responses is None:
                    continue
                if "HTTPValidationError" in str(responses.get("422")):
                    del responses["422"]
                for status, answer in assembly.items():
                    responses.setdefault(status, answer)
                operations[method.lower()]["responses"] = dict(sorted(responses.items()))
        for fastapi_own in ("HTTPValidationError", "ValidationError"):
            schemas.pop(fastapi_own, None)
        problem = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas[PROBLEM_SCHEMA] = {**problem, "title": PROBLEM_SCHEMA}
        return document

    app.openapi = openapi_with_problems  # type: ignore[method-assign]
