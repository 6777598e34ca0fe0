"""Issue 16: text PostgreSQL cannot store (NUL, lone surrogates) and control characters our
exports cannot carry are refused by one shared rule, applied by the service assembly to every
route: a 422 problem naming the field and where it was (body pointer, query, path, header), and
the handler never runs. The assembly is exercised in process (no lifespan, no I/O)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, File, Form, Header, Request, UploadFile
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from standardwebhooks import Webhook

from shipsettle_shared.problems import Problem
from shipsettle_shared.provider_client import verified_callback
from shipsettle_shared.service import ServiceDefinition, create_app
from shipsettle_shared.settings import ServiceSettings
from shipsettle_shared.storable_text import (
    first_unstorable,
    shown,
    unstorable_fields,
    unstorable_in_json,
    unstorable_parameters,
)

PROBLEM_JSON = "application/problem+json"

# --- the rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("ZT\x00O", 2),  # PostgreSQL text cannot hold NUL
        ("A\ud800B", 1),  # a lone surrogate cannot be encoded as UTF-8
        ("\udfff", 0),
        ("order\x1b[31m", 5),  # ESC: stored, but no XLSX statement could be written with it
        ("a\x01", 1),
        ("a\x0bb", 1),  # vertical tab
        ("a\x0cb", 1),  # form feed
        ("a\x1f", 1),
    ],
)
def test_nul_lone_surrogates_and_control_characters_are_refused_at_their_position(text: str, index: int) -> None:
    assert first_unstorable(text) == index


@pytest.mark.parametrize(
    "text",
    ["", "龙井茶 500g/罐", "line one\nline two\r\n\tindented", "emoji 😀", "DEL \x7f", "C1 \x85\x9f", "\ufffd"],
)
def test_text_with_tab_newlines_chinese_emoji_del_and_c1_is_accepted(text: str) -> None:
    assert first_unstorable(text) is None


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc"])))
def test_any_utf8_text_without_control_characters_is_accepted(text: str) -> None:
    assert first_unstorable(text) is None


def test_a_json_value_names_every_refused_string_by_field_and_pointer_keys_included() -> None:
    body = {"carrier_code": "ZT\x00O", "lines": [{"sku": "ok"}, {"sku": "bad\x1b"}], "a/b\x00": "x"}

    found = [(item.field, item.pointer) for item in unstorable_fields(body)]

    assert found == [
        ("body.carrier_code", "/carrier_code"),
        ("body.lines[1].sku", "/lines/1/sku"),
        ("body.a/b\\u0000", "/a~1b\\u0000"),  # the member's name itself; echoed escaped
    ]


def test_parameters_are_named_by_location_and_shown_escaped() -> None:
    found = unstorable_parameters([("order_id", "A\x00B"), ("ok", "fine"), ("x\ud800", "v")], "query")

    assert [item.field for item in found] == ["query.order_id", "query.x\\ud800"]
    assert shown("A\ud800\x00B") == "A\\ud800\\u0000B"


def test_raw_json_is_searched_only_for_the_escapes_that_decode_to_refused_characters() -> None:
    assert unstorable_in_json(b'{"n": "\\u676d\\ud83d\\ude00 \\\\u0000"}') == []  # 杭, a pair, an escaped backslash
    assert [item.pointer for item in unstorable_in_json(b'{"n": ["\\u0000", "\\uD800"]}')] == ["/n/0", "/n/1"]
    assert unstorable_in_json(b"not json \\u0000") == []


# --- the rule on every route of an assembled service ----------------------------------------------


class Parcel(BaseModel):
    carrier_code: str
    lines: list[dict[str, str]] = []


reached: list[str] = []
router = APIRouter()


@router.post("/parcels/{parcel_id}")
async def create_parcel(
    parcel_id: str,
    body: Parcel,
    note: str | None = None,
    reference: Annotated[str | None, Header(alias="X-Reference")] = None,
) -> dict[str, Any]:
    reached.append(parcel_id)
    return {"carrier_code": body.carrier_code, "note": note, "reference": reference}


@router.post("/vouchers")
async def upload(kind: Annotated[str, Form()], file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    reached.append(kind)
    return {"kind": kind, "size": len(await file.read())}


@router.post("/imports")
async def raw_import(request: Request) -> dict[str, Any]:
    """Declares no body: reads it raw, as recon's imports and the webhooks do."""
    reached.append("import")
    return {"size": len(await request.body())}


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("an error nobody expected")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = ServiceSettings(service_name="text-rule-svc", database_url="postgresql+asyncpg://x@127.0.0.1/x")
    definition = ServiceDefinition(
        name="text-rule-svc", title="t", description="d", migrations_dir=Path("."), routers=(router,)
    )
    app = create_app(definition, settings)
    reached.clear()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        yield client


def _refused(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == "https://shipsettle.dev/problems/unstorable-text"
    assert reached == []  # the handler never ran
    return list(problem["errors"])


async def test_a_nul_in_a_json_body_is_a_422_naming_the_field_and_its_pointer(client: httpx.AsyncClient) -> None:
    response = await client.post("/parcels/P1", json={"carrier_code": "ZT\x00O"})

    [error] = _refused(response)
    assert error["field"] == "body.carrier_code"
    assert error["pointer"] == "/carrier_code"
    assert error["location"] == "body"
    assert "U+0000 (NUL) at position 3" in error["message"]


async def test_a_lone_surrogate_escaped_in_json_is_refused_and_the_answer_still_encodes(
    client: httpx.AsyncClient,
) -> None:
    content = b'{"carrier_code": "SF", "lines": [{"sku": "x\\ud800"}]}'
    response = await client.post("/parcels/P1", content=content, headers={"content-type": "application/json"})

    [error] = _refused(response)
    assert (error["field"], error["pointer"]) == ("body.lines[0].sku", "/lines/0/sku")
    assert "U+D800 (lone surrogate)" in error["message"]


async def test_query_path_and_header_text_is_refused_naming_each(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/parcels/A%00B?note=x%1B",
        json={"carrier_code": "SF"},
        headers={"X-Reference": "ref\x01"},
    )

    errors = _refused(response)
    assert {(error["field"], error["location"]) for error in errors} == {
        ("path.parcel_id", "path"),
        ("query.note", "query"),
        ("header.x-reference", "header"),
    }


async def test_a_form_field_is_refused_but_an_uploaded_files_bytes_are_not_text(client: httpx.AsyncClient) -> None:
    refused = await client.post("/vouchers", data={"kind": "invoice\x00"}, files={"file": ("v.pdf", b"%PDF\x00\x01")})
    [error] = _refused(refused)
    assert error["field"] == "body.kind"

    accepted = await client.post("/vouchers", data={"kind": "invoice"}, files={"file": ("v.pdf", b"%PDF\x00\x01")})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"kind": "invoice", "size": 6}


async def test_text_with_tabs_newlines_and_chinese_passes_untouched(client: httpx.AsyncClient) -> None:
    body = {"carrier_code": "SF", "lines": [{"name": "龙井茶\t500g", "note": "第一行\r\n第二行 😀 \x7f"}]}

    response = await client.post("/parcels/P1?note=杭州", json=body)

    assert response.status_code == 200, response.text
    assert reached == ["P1"]


async def test_a_route_that_reads_its_body_raw_still_gets_it_whatever_its_content_type(
    client: httpx.AsyncClient,
) -> None:
    """The rule reads only a body the route declares: curl's default form content type on a file
    import must not be parsed (and consumed) as a form before the route reads the file."""
    response = await client.post(
        "/imports", content=b"a,b\n1,2\x00\n", headers={"content-type": "application/x-www-form-urlencoded"}
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"size": 9}


async def test_an_unexpected_error_is_a_500_problem_with_the_correlation_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom", headers={"X-Correlation-ID": "corr-16"})

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == "https://shipsettle.dev/problems/internal-error"
    assert problem["correlation_id"] == "corr-16"
    assert response.headers["x-correlation-id"] == "corr-16"


# --- a body a shared helper reads itself: the providers' signed callbacks --------------------------


def test_a_signed_provider_callback_with_a_nul_is_a_422_naming_the_field() -> None:
    secret = "whsec_" + base64.b64encode(b"a-callback-secret-of-32-bytes!!!").decode()
    body = '{"request_id": "P-1", "status": "paid", "reason": "ok\\u0000"}'
    now = datetime.now(UTC).replace(microsecond=0)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_1", now, body),
    }

    with pytest.raises(Problem) as refused:
        verified_callback(body.encode(), headers, secret, "payout")

    assert refused.value.status == 422
    assert refused.value.type_slug == "unstorable-text"
    assert [error["field"] for error in refused.value.errors] == ["body.reason"]
    clean = body.replace("\\u0000", "")
    headers["webhook-signature"] = Webhook(secret).sign("msg_1", now, clean)
    assert verified_callback(clean.encode(), headers, secret, "payout").reason == "ok"
