"""RFC 9457 problem details for the simulators' own HTTP APIs (the provider sandbox and the
carrier simulator). They are outside ShipSettle and import none of its code; they share this."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class SimulatorProblem(Exception):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        type_slug: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.type_slug = type_slug
        self.errors = errors or []
        self.headers = headers or {}
        self.extensions = extensions or {}


def invalid(field: str, message: str) -> SimulatorProblem:
    return SimulatorProblem(
        422,
        "Request validation failed",
        f"The request is not valid: {field}",
        type_slug="validation-error",
        errors=[{"field": field, "message": message}],
    )


def field_path(location: tuple[Any, ...] | list[Any]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def install_problem_handlers(app: FastAPI, type_base: str, what: str) -> None:
    """Every error answers as problem details under ``type_base``; ``what`` names the process in
    the 500 answer."""

    def respond(problem: SimulatorProblem, request: Request) -> JSONResponse:
        body: dict[str, Any] = {
            "type": type_base + problem.type_slug,
            "title": problem.title,
            "status": problem.status,
            "detail": problem.detail,
            "instance": request.url.path,
            **({"errors": problem.errors} if problem.errors else {}),
            **problem.extensions,
        }
        return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_CONTENT_TYPE, headers=problem.headers)

    @app.exception_handler(SimulatorProblem)
    async def _problem(request: Request, error: SimulatorProblem) -> JSONResponse:
        return respond(error, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": field_path(item.get("loc", ())), "message": item.get("msg", "invalid"), "type": item.get("type")}
            for item in error.errors()
        ]
        fields = ", ".join(str(entry["field"]) for entry in errors)
        problem = SimulatorProblem(
            422,
            "Request validation failed",
            f"The request is not valid: {fields}",
            type_slug="validation-error",
            errors=errors,
        )
        return respond(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed"}
        problem = SimulatorProblem(
            error.status_code,
            titles.get(error.status_code, "HTTP error"),
            str(error.detail),
            type_slug=f"http-{error.status_code}",
        )
        return respond(problem, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        problem = SimulatorProblem(
            500,
            "Internal error",
            f"The {what} failed to handle the request; nothing was committed for it.",
            type_slug="internal-error",
        )
        return respond(problem, request)
