"""RFC 9457 problem details for every error a ShipSettle API returns.

A rejected request says what was wrong, which field, and what would be accepted, as
``application/problem+json``. Handlers raise ``Problem`` (or a subclass); validation errors
from FastAPI become 422 problems that name each field.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shipsettle_shared.logs import correlation_id_var

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


class NotFound(Problem):
    def __init__(self, what: str, identifier: str) -> None:
        super().__init__(404, "Not found", f"{what} {identifier!r} does not exist", type_slug="not-found")


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


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(error, request)

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

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        problem = Problem(
            500,
            "Internal error",
            "The request failed inside ShipSettle; its transaction was rolled back. Quote the correlation id to support.",
            type_slug="internal-error",
        )
        return problem_response(problem, request)
