"""A domain's refusal becomes problem details in one place (problems.install_problem_handlers)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from shipsettle_shared.domain_errors import DomainError, Refusal
from shipsettle_shared.problems import NotFound, install_problem_handlers


class SomeRuleViolation(DomainError):
    """A service's own subclass, as each service declares one."""


def _answer(error: DomainError) -> tuple[int, dict[str, object], str]:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/refuse")
    async def refuse() -> None:
        raise error

    response = TestClient(app).post("/refuse")
    return response.status_code, response.json(), response.headers["content-type"]


def test_a_rule_refusal_is_a_422_naming_its_rule_and_the_field_to_change() -> None:
    status, body, content_type = _answer(
        SomeRuleViolation(Refusal.RULE, "amount-above-balance", "the amount is above the balance", field="amount_minor")
    )
    assert (status, content_type) == (422, "application/problem+json")
    assert body["type"] == "https://shipsettle.dev/problems/amount-above-balance"
    assert body["title"] == "Refused"
    assert body["detail"] == "the amount is above the balance"
    assert body["errors"] == [{"field": "body.amount_minor", "message": "the amount is above the balance"}]


def test_a_rule_refusal_without_a_field_names_the_whole_request() -> None:
    _, body, _ = _answer(SomeRuleViolation(Refusal.RULE, "no-money", "nothing is available"))
    assert body["errors"] == [{"field": "body.request", "message": "nothing is available"}]


def test_a_field_already_placed_in_the_request_is_kept() -> None:
    _, body, _ = _answer(SomeRuleViolation(Refusal.RULE, "bad-cursor", "unknown cursor", field="query.cursor"))
    assert body["errors"] == [{"field": "query.cursor", "message": "unknown cursor"}]


def test_each_refusal_answers_its_own_status_and_carries_its_extensions() -> None:
    answers = {
        refusal: _answer(DomainError(refusal, f"{refusal.value}-code", "refused", extensions={"order_id": "O-1"}))
        for refusal in Refusal
    }
    assert {refusal: status for refusal, (status, _, _) in answers.items()} == {
        Refusal.NOT_FOUND: 404,
        Refusal.CONFLICT: 409,
        Refusal.RULE: 422,
        Refusal.FORBIDDEN: 403,
    }
    for refusal, (_, body, _) in answers.items():
        assert body["type"].endswith(f"/{refusal.value}-code")
        assert body["order_id"] == "O-1"
    # only a rule's refusal (or one naming a field) lists fields
    assert "errors" not in answers[Refusal.CONFLICT][1]


def test_several_places_at_fault_are_each_named_fields_placed_in_the_body_rows_as_given() -> None:
    _, body, _ = _answer(
        SomeRuleViolation(
            Refusal.RULE,
            "shipping-info-invalid",
            "the shipping information does not check out",
            errors=[
                {"field": "consignee.mobile", "message": "11 digits"},
                {"field": "query.until", "message": "a stage"},
                {"row": 3, "column": "金额", "message": "not an amount"},
            ],
        )
    )
    assert body["errors"] == [
        {"field": "body.consignee.mobile", "message": "11 digits"},
        {"field": "query.until", "message": "a stage"},
        {"row": 3, "column": "金额", "message": "not an amount"},
    ]
    assert body["detail"] == "the shipping information does not check out"


def test_a_thing_that_does_not_exist_is_worded_as_every_404_of_the_platform() -> None:
    error = SomeRuleViolation.not_found("application", "SA-1")
    assert isinstance(error, SomeRuleViolation)
    status, body, _ = _answer(error)
    assert status == 404
    assert {key: body[key] for key in ("type", "title", "detail")} == {
        "type": "https://shipsettle.dev/problems/not-found",
        "title": "Not found",
        "detail": NotFound("application", "SA-1").detail,
    }
    assert body["detail"] == "application 'SA-1' does not exist"
    assert "errors" not in body
