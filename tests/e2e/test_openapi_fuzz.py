"""Issue 16: a property-based fuzz of every service's OpenAPI (schemathesis) against the five
services running as processes. For every operation, a bounded number of generated requests —
valid by the schema and invalid by it — is sent with a platform key, with a merchant key (on the
merchant's own resources where the path names a merchant, so the request gets past the scope
check), and with an ops key; no response may be 5xx, and every error must be problem+json.

Reproducible: Hypothesis runs derandomised (a fixed seed per operation, no example database) and
schemathesis learns nothing from the responses, so the same code sends the same requests. Raise
``SHIPSETTLE_FUZZ_EXAMPLES`` for a deeper run by hand; the suite keeps it small.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from platform_support import Platform, new_merchant
from schemathesis import Case, GenerationMode

from shipsettle_shared.topology import SERVICES

pytestmark = pytest.mark.infra

EXAMPLES_PER_MODE = int(os.environ.get("SHIPSETTLE_FUZZ_EXAMPLES", "5"))
PROBLEM_JSON = "application/problem+json"

# Ops operations that reconfigure the whole platform for every other test of the session (the
# carrier registry, carriers' and aggregators' webhook secrets, the tracking settings): ops are
# trusted with them and they are fuzzed with the platform and merchant keys only, which are
# refused before anything changes.
PLATFORM_WIDE = {
    ("PUT", "/v1/carriers/{code}"),
    ("POST", "/v1/carriers/{code}/webhook-secret"),
    ("PUT", "/v1/webhook-sources/{source}/secret"),
    ("PUT", "/v1/settings/tracking"),
}
# What the schema's generators seldom produce, and what reached PostgreSQL as a 500 (issue 16):
# each valid generated request is sent again with one of these inside one of its text inputs.
LONE_SURROGATE = "\ud800"
UNSTORABLE = ["\x00", "\x1b", LONE_SURROGATE]
# Where settlement would send a merchant's notifications: generated URLs stay on this machine.
LOOPBACK_URL = "http://127.0.0.1:9/fuzz"

SCHEMATHESIS_CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"deterministic": True, "database": "none"},
        # Belt and braces (the strategies below are drawn without a runner's feedback): learning
        # from responses (ids seen, 4xx messages) would make the next request depend on this
        # session's state, and the run would not repeat.
        "phases": {"fuzzing": {"extra-data-sources": {"responses": False}, "error-feedback": {"enabled": False}}},
    }
)


@dataclass(frozen=True)
class Caller:
    role: str
    api_key: str
    merchant_id: str | None = None


@dataclass(frozen=True)
class Failure:
    operation: str
    caller: str
    status: int
    content_type: str
    body: str
    request: str

    def __str__(self) -> str:
        return (
            f"{self.operation} as {self.caller} -> {self.status} {self.content_type}: {self.body}\n    {self.request}"
        )


def _pin_to_loopback(case: Case) -> None:
    if isinstance(case.body, dict) and isinstance(case.body.get("url"), str):
        case.body["url"] = LOOPBACK_URL


def _requests_for(case: Case, callers: list[Caller]) -> Iterator[tuple[Caller, Case]]:
    """The case as each caller sends it; a merchant last, on its own merchant's path when the path
    names one (the case is changed in place, so after the others)."""
    key = (case.operation.method.upper(), case.operation.path)
    for caller in sorted(callers, key=lambda caller: caller.merchant_id is not None):
        if caller.role == "ops" and key in PLATFORM_WIDE:
            continue
        if caller.merchant_id is not None and "merchant_id" in (case.path_parameters or {}):
            case.path_parameters["merchant_id"] = caller.merchant_id
        yield caller, case


def _string_slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) holding a string in a generated JSON-like value."""
    slots: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            slots.extend([(value, key)] if isinstance(item, str) else _string_slots(item))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            slots.extend([(value, index)] if isinstance(item, str) else _string_slots(item))
    return slots


def _inject(case: Case, character: str, choice: int) -> bool:
    """Put ``character`` into one of the case's text inputs (path, query or JSON body), as a
    client would that sends what PostgreSQL cannot store. A lone surrogate can only travel in
    JSON (an URL or a header carries UTF-8 bytes, and it has none). False: no text input."""
    slots = [] if character == LONE_SURROGATE else _string_slots(case.path_parameters) + _string_slots(case.query)
    if isinstance(case.body, dict | list) and (case.media_type or "").endswith("json"):
        slots += _string_slots(case.body)
    if not slots:
        return False
    container, key = slots[choice % len(slots)]
    text = container[key]
    container[key] = text[: len(text) // 2] + character + text[len(text) // 2 :]
    return True


def _check(case: Case, caller: Caller, base_url: str, session: requests.Session) -> Failure | None:
    _pin_to_loopback(case)
    response = case.call(
        base_url=base_url, session=session, headers={"Authorization": f"Bearer {caller.api_key}"}, timeout=15
    )
    content_type = response.headers.get("content-type", [""])[0] if response.headers else ""
    key = (case.operation.method.upper(), case.operation.path)
    server_error = response.status_code >= 500
    # every refusal is problem+json, Kuaidi100's too (its reply fields ride as extension members)
    not_a_problem = response.status_code >= 400 and not content_type.startswith(PROBLEM_JSON)
    if not (server_error or not_a_problem):
        return None
    return Failure(
        f"{key[0]} {key[1]}",
        caller.role,
        response.status_code,
        content_type,
        response.content[:300].decode(errors="replace"),
        case.as_curl_command(headers={"Authorization": f"Bearer <{caller.role} key>"}, base_url=base_url),
    )


def _fuzz_operation(run_one: Callable[[Case], None], strategy: Any, *, inject: bool) -> None:
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # every failure is collected; nothing to shrink
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, character=st.sampled_from(UNSTORABLE), choice=st.integers(0, 63))
    def run(case: Case, character: str, choice: int) -> None:
        run_one(case)
        if inject and _inject(case, character, choice):
            run_one(case)

    run()


@pytest.fixture(scope="module")
async def fuzz_merchant(platform: Platform) -> Caller:
    """A merchant of the fuzz's own: what it creates for itself touches no other test's merchant."""
    key = await new_merchant(platform, f"fuzz-{uuid.uuid4().hex[:4]}")
    return Caller("merchant", key["api_key"], key["merchant_id"])


@pytest.mark.parametrize("service", [spec.name for spec in SERVICES])
def test_no_generated_request_makes_a_service_answer_5xx_and_every_error_is_a_problem(
    platform: Platform, fuzz_merchant: Caller, service: str
) -> None:
    base_url = platform.url(service)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=SCHEMATHESIS_CONFIG)
    callers = [
        Caller("platform", platform.keys["platform"]["api_key"]),
        fuzz_merchant,
        Caller("ops", platform.keys["ops"]["api_key"]),
    ]
    failures: list[Failure] = []
    sent = 0
    operations = 0
    with requests.Session() as session:  # one keep-alive connection: a dropped one would show

        def run_one(case: Case) -> None:
            nonlocal sent
            for caller, request in _requests_for(case, callers):
                sent += 1
                failure = _check(request, caller, base_url, session)
                if failure is not None:
                    failures.append(failure)

        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            _fuzz_operation(run_one, operation.as_strategy(generation_mode=GenerationMode.POSITIVE), inject=True)
            with contextlib.suppress(Unsatisfiable):  # nothing in it can be made invalid: GET /healthz
                negative = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
                _fuzz_operation(run_one, negative, inject=False)

    assert operations > 0
    assert sent >= operations
    unique = {(failure.operation, failure.caller, failure.status): failure for failure in failures}
    report = "\n".join(str(failure) for failure in unique.values())
    assert not failures, f"{len(failures)} of {sent} requests failed ({len(unique)} distinct):\n{report}"
