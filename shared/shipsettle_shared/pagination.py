"""One way to page every list: a keyset cursor, a bounded page size, ``next_cursor`` in the answer.

A list route takes ``page: PageQuery`` (``?cursor=`` and ``?limit=``, 1..``MAX_PAGE_SIZE``,
default ``DEFAULT_PAGE_SIZE``), declares ``openapi_extra=PAGINATED``, reads ``page.limit + 1``
rows ordered by a stable unique key after ``page.after(...)`` (``keyset_after`` builds the WHERE
clause) and answers ``page_body(items, page.next_cursor(rows, key))``:
``{"items": [...], "next_cursor": "…" | null}``. Never OFFSET: a keyset page costs the same at
any depth and neither skips nor repeats a row when rows are added meanwhile.

The cursor is opaque to clients but holds only a position (the last row's key) and a digest of
the listing it came from: the route, its path parameters and every query parameter but
``cursor`` and ``limit``. A cursor altered, cut, or brought to another route, another merchant's
path or other filters is a 422 problem (``query.cursor``). It is not secret: a caller could
forge a position in a listing it may read, and learn nothing by it, because the route's own
scoped WHERE clause (the caller's merchant) still filters every row.

A list that is bounded by nature (one order's parcels, the carrier registry) declares
``openapi_extra=bounded_list("why")`` instead; tests/unit/test_route_pages.py fails any GET
whose answer is a list and is neither.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, literal, tuple_

from shipsettle_shared.problems import validation_problem

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_CURSOR_LENGTH = 512

# OpenAPI extensions: a paginated list, or a list bounded by nature (with the reason).
PAGINATED_KEY = "x-paginated"
BOUNDED_KEY = "x-bounded-list"
PAGINATED: dict[str, Any] = {PAGINATED_KEY: True}

KeyValue = datetime | str | int
Row = TypeVar("Row")
Item = TypeVar("Item")

_CURSOR_VERSION = 1
_SCOPE_DIGEST_CHARS = 16
_CHECK_CHARS = 12


def bounded_list(reason: str) -> dict[str, Any]:
    """``openapi_extra`` of a list route left unpaginated because its size has a natural bound."""
    return {BOUNDED_KEY: reason}


class InvalidCursor(ValueError):
    """Not a cursor this listing returned (malformed, altered, or from another listing)."""


def listing_scope(route_path: str, path_params: dict[str, Any], query: Sequence[tuple[str, str]]) -> str:
    """The digest a cursor is bound to: the route template, its path parameters and its filters."""
    filters = sorted((name, value) for name, value in query if name not in ("cursor", "limit"))
    material = json.dumps([route_path, sorted(path_params.items()), filters], separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()[:_SCOPE_DIGEST_CHARS]


def _check(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:_CHECK_CHARS]


def _key_json(value: KeyValue) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(scope: str, key: Sequence[KeyValue]) -> str:
    """``<base64url of [version, scope, key]>.<check>``; datetimes as ISO 8601 with their offset."""
    raw = json.dumps([_CURSOR_VERSION, scope, [_key_json(value) for value in key]], separators=(",", ":"))
    body = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return f"{body}.{_check(body)}"


def decode_cursor(cursor: str, scope: str, kinds: Sequence[type[KeyValue]]) -> tuple[KeyValue, ...]:
    """The key position in ``cursor``, each value of the kind given; ``InvalidCursor`` unless the
    cursor is whole, unaltered, of this listing and of this key's shape."""
    body, dot, check = cursor.partition(".")
    if not dot or _check(body) != check:
        raise InvalidCursor("altered or cut")
    try:
        version, cursor_scope, values = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, TypeError) as error:
        raise InvalidCursor("not a cursor") from error
    if version != _CURSOR_VERSION or cursor_scope != scope:
        raise InvalidCursor("from another listing")
    if not isinstance(values, list) or len(values) != len(kinds):
        raise InvalidCursor("another key")
    return tuple(_key_value(value, kind) for value, kind in zip(values, kinds, strict=True))


def _key_value(value: Any, kind: type[KeyValue]) -> KeyValue:
    if kind is datetime:
        if not isinstance(value, str):
            raise InvalidCursor("not a time")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise InvalidCursor("not a time") from error
        if moment.tzinfo is None:
            raise InvalidCursor("a time without its offset")
        return moment
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidCursor("not an integer")
        return value
    if not isinstance(value, str):
        raise InvalidCursor("not text")
    return value


@dataclass(frozen=True)
class PageRequest:
    """A client's ``cursor`` and ``limit`` for one listing (``scope``: see ``listing_scope``)."""

    limit: int
    cursor: str | None
    scope: str

    def after(self, *kinds: type[KeyValue]) -> tuple[KeyValue, ...] | None:
        """The key position to continue after (None on the first page); a cursor that is not
        this listing's is a 422 problem naming ``query.cursor``."""
        if self.cursor is None:
            return None
        try:
            return decode_cursor(self.cursor, self.scope, kinds)
        except InvalidCursor as error:
            raise validation_problem(
                [("query.cursor", f"not a cursor this listing returned ({error})")],
                title="Invalid cursor",
            ) from error

    def page(self, rows: Sequence[Row], key: Callable[[Row], Sequence[KeyValue]]) -> tuple[list[Row], str | None]:
        """The first ``limit`` of ``rows`` (read ``limit + 1``) and the cursor after the last one,
        or None when no row follows."""
        if len(rows) <= self.limit:
            return list(rows), None
        kept = list(rows[: self.limit])
        return kept, encode_cursor(self.scope, key(kept[-1]))


def page_request(
    request: Request,
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_LENGTH,
            description="next_cursor of the previous page; only valid for the same route and filters",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="items per page")] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    route = request.scope.get("route")
    route_path = getattr(route, "path_format", None) or request.url.path
    scope = listing_scope(route_path, dict(request.path_params), request.query_params.multi_items())
    return PageRequest(limit=limit, cursor=cursor, scope=scope)


PageQuery = Annotated[PageRequest, Depends(page_request)]


def keyset_after(
    columns: Sequence[Any], after: Sequence[KeyValue] | None, *, descending: bool
) -> ColumnElement[bool] | None:
    """``columns``: SQLAlchemy columns (or SQLModel's ``col(...)``).
    ``(c1, c2) < (v1, v2)`` (newest first) or ``>`` (oldest first): the rows after the cursor's
    position in ``ORDER BY c1, c2`` with the same direction; None on the first page."""
    if after is None:
        return None
    left = tuple_(*columns)
    # typed as the columns, so an aware datetime meets a timestamptz column as one
    right = tuple_(*(literal(value, column.type) for column, value in zip(columns, after, strict=True)))
    return left < right if descending else left > right


class Page(BaseModel, Generic[Item]):
    """The documented answer of a paginated list (``page_body``): ``answers(Page[OrderPublic])``; a
    list with fields of its own subclasses it."""

    items: list[Item]
    next_cursor: str | None = Field(description="send it as ?cursor= for the next page; null on the last page")


def page_body(items: list[Any], next_cursor: str | None, **fields: Any) -> dict[str, Any]:
    """The answer of every paginated list: its other fields, ``items`` and ``next_cursor``."""
    return {**fields, "items": items, "next_cursor": next_cursor}
