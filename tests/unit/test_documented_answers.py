"""``answers(Model)`` sends a handler's dict as built; in the test environment
``DocumentedAnswerCheck`` holds it to ``Model`` so that every end-to-end test checks the
documents: a member missing, of another type or not in the model is a 500 problem there, and a
body that matches leaves the service byte for byte as its handler built it."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from order_svc.bootstrap import DEFINITION as ORDERS
from shipsettle_shared.api_document import DocumentedAnswerCheck, answers
from shipsettle_shared.problems import install_problem_handlers
from shipsettle_shared.service import create_app
from shipsettle_shared.settings import ServiceSettings


class Parcel(BaseModel):
    parcel_id: str
    weight_g: int
    note: str | None = None


router = APIRouter()


@router.get("/as-documented", **answers(Parcel))
async def as_documented() -> dict[str, Any]:
    return {"parcel_id": "P1", "weight_g": 1200}


@router.get("/with-an-optional-member", **answers(list[Parcel]))
async def with_an_optional_member() -> list[dict[str, Any]]:
    return [{"parcel_id": "P1", "weight_g": 1200, "note": "易碎"}]


@router.get("/member-missing", **answers(Parcel))
async def member_missing() -> dict[str, Any]:
    return {"parcel_id": "P1"}


@router.get("/member-not-in-the-model", **answers(Parcel))
async def member_not_in_the_model() -> dict[str, Any]:
    return {"parcel_id": "P1", "weight_g": 1200, "carrier": "SF"}


@router.get("/member-of-another-type", **answers(Parcel))
async def member_of_another_type() -> dict[str, Any]:
    return {"parcel_id": "P1", "weight_g": "heavy"}


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(DocumentedAnswerCheck)
    app.include_router(router)
    return app


async def _get(path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://test") as client:
        return await client.get(path)


async def test_an_answer_as_documented_leaves_byte_for_byte() -> None:
    answer = await _get("/as-documented")
    assert answer.status_code == 200
    assert answer.content == b'{"parcel_id":"P1","weight_g":1200}'
    listed = await _get("/with-an-optional-member")
    assert listed.status_code == 200
    assert listed.json() == [{"parcel_id": "P1", "weight_g": 1200, "note": "易碎"}]


async def test_an_answer_that_is_not_what_its_model_says_is_a_500_problem_naming_the_difference() -> None:
    for path, named in (
        ("/member-missing", "weight_g: Field required"),
        ("/member-not-in-the-model", "carrier: not in the model"),
        ("/member-of-another-type", "weight_g: Input should be a valid integer"),
    ):
        answer = await _get(path)
        assert answer.status_code == 500, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].endswith("/undocumented-answer")
        assert named in answer.json()["detail"], answer.json()["detail"]


def _checked(environment: str, check_documented_answers: bool) -> bool:
    settings = ServiceSettings(
        service_name="order-svc",
        database_url="postgresql+asyncpg://x@127.0.0.1/x",
        environment=environment,  # type: ignore[arg-type]
        check_documented_answers=check_documented_answers,
    )
    app = create_app(ORDERS, settings)
    return any(middleware.cls is DocumentedAnswerCheck for middleware in app.user_middleware)


def test_the_check_runs_only_where_the_test_suites_ask_for_it_in_the_test_environment() -> None:
    assert _checked("test", check_documented_answers=True)  # the e2e and security platforms
    assert not _checked("test", check_documented_answers=False)  # surge, chaos, the benches
    assert not _checked("development", check_documented_answers=True)
