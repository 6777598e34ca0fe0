"""RFC 9457 problem details for every error a ShipSettle API returns.

A rejected request says what was wrong, which field, and what would be accepted, as
``application/problem+json``. Handlers raise ``Problem`` (or a subclass); validation errors
from FastAPI become 422 problems that name each field, and so does text that cannot be stored
(``refuse_unstorable_text``, the rule of ``storable_text`` applied to every request). An error
nobody expected is a 500 problem that leaves the connection open (``UnexpectedErrorMiddleware``).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipsettle_shared.domain_errors import DomainError, Refusal, not_found_message
from shipsettle_shared.logs import correlation_id_var
from shipsettle_shared.storable_text import (
    UnstorableField,
    may_hold_unstorable,
    unstorable_fields,
    unstorable_parameters,
)

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://shipsettle.dev/problems/"


class Problem(Exception):
    """An error to answer with problem details. ``type_slug`` names the kind of problem."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        type_slug: str,
        errors: list[dict[str, Any]] | None = None,
        extensions: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.type_slug = type_slug
        self.errors = errors or []
        self.extensions = extensions or {}
        self.headers = headers or {}

    def body(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.type_slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.errors:
            body["errors"] = self.errors
        correlation_id = correlation_id_var.get()
        if correlation_id:
            body["correlation_id"] = correlation_id
        body.update(self.extensions)
        return body


class ProblemFieldError(BaseModel):
    """One offending field of a refused request (of an imported file: its ``row`` and ``column``)."""

    model_config = ConfigDict(extra="allow")

    field: str = Field(
        default="", description="where: body.lines[0].sku, query.cursor, path.order_id, header.idempotency-key, …"
    )
    message: str = Field(description="what is wrong, and what would be accepted")


class ProblemDetails(BaseModel):
    """The body of every error of every service (RFC 9457 problem details, served as
    ``application/problem+json``): the members every problem has, and the extension members a
    kind of problem adds (``retry_after_s`` of a 429 or 503, ``limit_bytes`` of a 413, a payment
    mismatch's figures, ...). Documented as the ``Problem`` schema (``api_document``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description=f"{PROBLEM_TYPE_BASE}<kind>, e.g. {PROBLEM_TYPE_BASE}not-found")
    title: str
    status: int
    detail: str
    instance: str = Field(description="the request's path")
    errors: list[ProblemFieldError] = Field(
        default_factory=list, description="each offending field (validation problems); absent when none"
    )
    correlation_id: str = Field(default="", description="the request's X-Correlation-Id; quote it to support")


class NotFound(Problem):
    def __init__(self, what: str, identifier: str) -> None:
        super().__init__(404, "Not found", not_found_message(what, identifier), type_slug="not-found")


class Unauthorized(Problem):
    def __init__(self, detail: str) -> None:
        super().__init__(
            401,
            "Unauthorized",
            detail,
            type_slug="unauthorized",
            headers={"WWW-Authenticate": 'ApiKey realm="shipsettle"'},
        )


class Forbidden(Problem):
    def __init__(self, detail: str) -> None:
        super().__init__(403, "Forbidden", detail, type_slug="forbidden")


class Conflict(Problem):
    def __init__(self, detail: str, *, type_slug: str = "conflict", **extensions: Any) -> None:
        super().__init__(409, "Conflict", detail, type_slug=type_slug, extensions=extensions)


def validation_problem(errors: list[tuple[str, str]], *, title: str = "Request validation failed") -> Problem:
    """A 422 naming each offending field (``body.lines[0].quantity``) with what is accepted."""
    fields = ", ".join(field for field, _ in errors)
    return Problem(
        422,
        title,
        f"The request is not valid: {fields}",
        type_slug="validation-error",
        errors=[{"field": field, "message": message} for field, message in errors],
    )


def unstorable_text_problem(found: list[UnstorableField]) -> Problem:
    """A 422 naming each field (and where it was: body, query, path, header, file) whose text
    holds a character the platform cannot store; see ``storable_text`` for the rule and why."""
    fields = ", ".join(item.field for item in found)
    return Problem(
        422,
        "Text that cannot be stored",
        f"The request is not valid: {fields} holds a character that is not accepted "
        "(NUL, a lone surrogate, or a control character other than TAB, LF and CR)",
        type_slug="unstorable-text",
        errors=[item.as_error() for item in found],
    )


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _unstorable_in_body(request: Request) -> list[UnstorableField]:
    """The declared body as FastAPI read it (both reads below are cached by the request): JSON
    members, or form fields (an uploaded file's content is bytes, stored as bytes, and not text).
    A route that declares no body reads it raw and applies the rule to what it decodes."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in _FORM_TYPES:
        form = await request.form()
        return unstorable_parameters(
            [(name, value) for name, value in form.multi_items() if isinstance(value, str)], "body"
        )
    if media_type == "application/json" or media_type.endswith("+json"):
        # every request with a JSON body comes here: walk it only when an escape could be a
        # refused character (a raw one makes the JSON unreadable, and FastAPI refuses that)
        if not may_hold_unstorable(await request.body()):
            return []
        try:
            return list(unstorable_fields(await request.json(), "body"))
        except ValueError:  # not JSON after all: FastAPI's own validation refuses it
            return []
    return []


async def refuse_unstorable_text(request: Request) -> None:
    """The app-wide dependency of every route (``service.create_app``): path parameters, the
    query string, headers and the declared body are checked against ``storable_text`` before the
    route's own dependencies (authentication included) and its handler run.

    Raises the ``unstorable-text`` 422 problem naming every offending field."""
    found = [
        *unstorable_parameters([(name, str(value)) for name, value in request.path_params.items()], "path"),
        *unstorable_parameters(request.query_params.multi_items(), "query"),
        *unstorable_parameters(request.headers.items(), "header"),
    ]
    if getattr(request.scope.get("route"), "body_field", None) is not None:
        found.extend(await _unstorable_in_body(request))
    if found:
        raise unstorable_text_problem(found)


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_CONTENT_TYPE,
        headers=problem.headers,
    )


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


# The one mapping from a domain's refusals to HTTP (domain_errors.py): status and title.
_REFUSAL_ANSWERS: dict[Refusal, tuple[int, str]] = {
    Refusal.NOT_FOUND: (404, "Not found"),
    Refusal.CONFLICT: (409, "Conflict"),
    Refusal.RULE: (422, "Refused"),
    Refusal.FORBIDDEN: (403, "Forbidden"),
}
_REQUEST_PARTS = ("body.", "query.", "path.", "header.")


def _placed(field: str) -> str:
    return field if field.startswith(_REQUEST_PARTS) else f"body.{field}"


def domain_problem(error: DomainError) -> Problem:
    """The problem details of a domain's refusal: its code is the type, its message the detail;
    a rule's refusal names the field to change (the whole request when no one field is at fault),
    or every place at fault when the error lists them (``DomainError.errors``)."""
    status, title = _REFUSAL_ANSWERS[error.refusal]
    errors: list[dict[str, Any]] = []
    if error.errors:
        errors = [{**entry, "field": _placed(entry["field"])} if "field" in entry else entry for entry in error.errors]
    elif error.refusal is Refusal.RULE or error.field:
        errors = [{"field": _placed(error.field or "request"), "message": error.message}]
    return Problem(status, title, error.message, type_slug=error.code, errors=errors, extensions=error.extensions)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(error, request)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        return problem_response(domain_problem(error), request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": _field_path(item.get("loc", ())),
                "message": item.get("msg", "invalid"),
                "type": item.get("type", "value_error"),
                **({"accepted": item["ctx"]["expected"]} if "expected" in (item.get("ctx") or {}) else {}),
            }
            for item in error.errors()
        ]
        fields = ", ".join(entry["field"] for entry in errors)
        problem = Problem(
            422,
            "Request validation failed",
            f"The request is not valid: {fields}",
            type_slug="validation-error",
            errors=errors,
        )
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed"}
        problem = Problem(
            error.status_code,
            titles.get(error.status_code, "HTTP error"),
            str(error.detail),
            type_slug=f"http-{error.status_code}",
        )
        return problem_response(problem, request)

    app.add_middleware(UnexpectedErrorMiddleware)


class UnexpectedErrorMiddleware:
    """An exception nobody handled becomes a 500 problem, and the connection stays open.

    Not ``app.exception_handler(Exception)``: Starlette runs that handler in its outermost
    ServerErrorMiddleware, which answers and then re-raises so that the server can log; uvicorn
    then sees an exception after the response started and closes the connection, so every 500
    also cut the client's keep-alive connection (and any request pipelined on it). Here the error
    is logged and answered, and the server never sees it. Only an error after the response has
    started is passed on: half a response cannot be mended, and closing is then right."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception:
            logger.exception("unhandled error")
            if response_started:
                raise
            problem = Problem(
                500,
                "Internal error",
                "The request failed inside ShipSettle; its transaction was rolled back. "
                "Quote the correlation id to support.",
                type_slug="internal-error",
            )
            await problem_response(problem, Request(scope))(scope, receive, send)
