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

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import TypeAdapter, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipsettle_shared.auth import declared_roles
from shipsettle_shared.body_limits import BODY_LIMIT_KEY
from shipsettle_shared.contracts import Role
from shipsettle_shared.intake_bulkhead import INTAKE_PATH_PREFIX
from shipsettle_shared.problems import PROBLEM_CONTENT_TYPE, Problem, ProblemDetails, problem_response

logger = logging.getLogger(__name__)

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


class DocumentedAnswerCheck:
    """The test suites only (``service.create_app``, test environment with
    ``check_documented_answers``, set by tests/e2e/platform_support.py): every JSON success body of a route
    documented with ``answers(Model)`` is held to ``Model`` as it leaves the service, so each
    end-to-end test checks the documents too. ``answers`` sends the handler's dict unvalidated
    (bodies stay byte for byte; the hot paths pay nothing), so without this a model could drift
    from what its handler builds and nothing would notice. A body that is not what its model says
    (a member missing or of another type, or one the model does not name) is answered with a 500
    problem ``undocumented-answer`` naming the differences, and logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._adapters: dict[Any, TypeAdapter[Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def held_to_its_model(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            differences = self._differences(scope, start, body)
            if differences:
                logger.error(
                    "answer differs from its documented model",
                    extra={"fields": {"path": scope["path"], "differences": differences}},
                )
                problem = Problem(
                    500,
                    "Undocumented answer",
                    "the answer is not what the operation's documented model says: " + "; ".join(differences),
                    type_slug="undocumented-answer",
                )
                await problem_response(problem, Request(scope))(scope, receive, send)
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, held_to_its_model)

    def _differences(self, scope: Scope, start: Message, body: bytes) -> list[str]:
        route = scope.get("route")
        status = start["status"]
        if not isinstance(route, APIRoute) or route.response_field is not None or not 200 <= status < 300:
            return []  # a response_model is validated by FastAPI itself
        model = (route.responses.get(status) or {}).get("model")
        headers = dict(start.get("headers") or [])
        if model is None or not headers.get(b"content-type", b"").startswith(b"application/json"):
            return []
        adapter = self._adapters.get(model)
        if adapter is None:
            adapter = self._adapters[model] = TypeAdapter(model)
        answered = json.loads(body)
        try:
            documented = adapter.dump_python(adapter.validate_python(answered), mode="json", exclude_unset=True)
        except ValidationError as error:
            return [f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors()]
        return _undocumented_members(answered, documented, "")


def _undocumented_members(answered: Any, documented: Any, where: str) -> list[str]:
    """Members of ``answered`` that its model (``documented``, the model's own reading of it) has not."""
    if isinstance(answered, dict) and isinstance(documented, dict):
        found = []
        for name, value in answered.items():
            if name not in documented:
                found.append(f"{where}.{name}: not in the model" if where else f"{name}: not in the model")
            else:
                found += _undocumented_members(value, documented[name], f"{where}.{name}" if where else name)
        return found
    if isinstance(answered, list) and isinstance(documented, list):
        return [
            found
            for index, (item, read) in enumerate(zip(answered, documented, strict=False))
            for found in _undocumented_members(item, read, f"{where}[{index}]")
        ]
    return []
