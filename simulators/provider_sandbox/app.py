"""The sandbox's HTTP API (FastAPI app factory).

ShipSettle's side, with ``Authorization: Bearer <api-secret>``:

* ``POST /v1/payouts`` (kind payout) or ``POST /v1/refunds`` (kind refund): submit a request.
  ``202`` the first time, ``200`` with the current status for the same body again, ``409`` for
  the same ``request_id`` with another body, ``422`` for a body the bank refuses.
* ``GET /v1/payouts/{request_id}`` / ``GET /v1/refunds/{request_id}``: the current status
  (``404`` when the bank never received it).

The test side, same bearer token: ``/_sandbox/stats``, ``/_sandbox/executions``,
``/_sandbox/callbacks``, ``/_sandbox/controls``, ``/_sandbox/outcomes``,
``/_sandbox/statements/close``. ``/healthz`` and ``/readyz`` need no token.

Errors are RFC 9457 problem details (``application/problem+json``).
"""

# No ``from __future__ import annotations``: FastAPI reads the route functions' annotations at
# runtime, and some routes are defined inside factories.
import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shipsettle_shared.http_client import aiohttp_backed_client
from simulators.http_problems import SimulatorProblem, install_problem_handlers, invalid
from simulators.provider_sandbox.callbacks import USER_AGENT, CallbackDispatcher, CallbackSigner
from simulators.provider_sandbox.config import SandboxConfig
from simulators.provider_sandbox.domain import (
    BANK_TIMEZONE,
    SCRIPTED_REASON_CODE,
    ControlPanel,
    Controls,
    Kind,
    Reason,
    Status,
    default_reason,
    plan_outcome,
)
from simulators.provider_sandbox.failpoints import Failpoints
from simulators.provider_sandbox.store import (
    IdempotencyConflict,
    NewRequest,
    OutcomeAlreadyFinal,
    Store,
    StoreRunner,
)
from simulators.provider_sandbox.worker import OutcomeWorker, StatementWriter

logger = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://provider-sandbox.shipsettle.dev/problems/"
MAX_AMOUNT_MINOR = 10**15
# A payout id becomes the EndToEndId of the bank statement: ISO 20022 Max35Text. A UUID fits as
# its 32 hex digits, not in its 36-character hyphenated form.
MAX_PAYOUT_ID_CHARS = 35
MAX_REFUND_ID_CHARS = 64
_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


def _printable_id(value: str, max_chars: int) -> str:
    if not 1 <= len(value) <= max_chars or not all("!" <= char <= "~" for char in value):
        raise ValueError(f"must be 1 to {max_chars} printable ASCII characters without spaces")
    return value


# --- request bodies ------------------------------------------------------------------------


class PayoutBeneficiary(BaseModel):
    """The merchant's bank account (收款账户)."""

    model_config = _STRICT

    account_holder_name: Annotated[str, Field(min_length=1, max_length=140)]  # 户名
    bank_name: Annotated[str, Field(min_length=1, max_length=140)]  # 开户行
    account_number: Annotated[str, Field(min_length=6, max_length=34, pattern=r"^[0-9A-Za-z]+$")]  # 账号


class RefundBeneficiary(BaseModel):
    """Where the buyer paid, so the refund goes back the same way (原路退回)."""

    model_config = _STRICT

    original_channel: Literal["alipay", "wechat", "unionpay", "bank_card"]
    original_transaction_id: Annotated[str, Field(min_length=1, max_length=64)]


class _RequestBody(BaseModel):
    model_config = _STRICT

    amount_minor: Annotated[int, Field(gt=0, le=MAX_AMOUNT_MINOR)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    reference: Annotated[str, Field(min_length=1, max_length=140)]
    callback_url: Annotated[str, Field(max_length=2048, pattern=r"^https?://\S+$")]


class PayoutRequest(_RequestBody):
    request_id: str  # our payout id: the idempotency key and the statement's EndToEndId
    beneficiary: PayoutBeneficiary

    @field_validator("request_id")
    @classmethod
    def _request_id(cls, value: str) -> str:
        return _printable_id(value, MAX_PAYOUT_ID_CHARS)


class RefundRequest(_RequestBody):
    request_id: str  # our refund id: the idempotency key
    beneficiary: RefundBeneficiary

    @field_validator("request_id")
    @classmethod
    def _request_id(cls, value: str) -> str:
        return _printable_id(value, MAX_REFUND_ID_CHARS)


class ControlsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fail_rate: Annotated[float | None, Field(ge=0, le=1)] = None
    return_rate: Annotated[float | None, Field(ge=0, le=1)] = None
    min_delay_ms: Annotated[int | None, Field(ge=0)] = None
    max_delay_ms: Annotated[int | None, Field(ge=0)] = None
    callbacks_paused: bool | None = None
    settlement_paused: bool | None = None
    callback_max_attempts: Annotated[int | None, Field(ge=1)] = None
    callback_initial_backoff_ms: Annotated[int | None, Field(gt=0)] = None
    callback_max_backoff_ms: Annotated[int | None, Field(gt=0)] = None


class ScriptedOutcomeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: Annotated[str, Field(min_length=1, max_length=MAX_REFUND_ID_CHARS)]
    outcome: Literal["paid", "failed", "returned"]
    reason_code: Annotated[str | None, Field(min_length=1, max_length=35)] = None
    reason: Annotated[str | None, Field(min_length=1, max_length=105)] = None


# --- the running sandbox -------------------------------------------------------------------


@dataclass
class Sandbox:
    config: SandboxConfig
    runner: StoreRunner
    controls: ControlPanel
    failpoints: Failpoints
    statements: StatementWriter
    worker: OutcomeWorker
    dispatcher: CallbackDispatcher

    @property
    def store(self) -> Store:
        return self.runner.store


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(_sandbox)]


async def require_api_secret(sandbox: SandboxDep, authorization: Annotated[str | None, Header()] = None) -> None:
    scheme, _, token = (authorization or "").partition(" ")
    expected = sandbox.config.api_secret.encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise SimulatorProblem(
            401,
            "Unauthorized",
            "Send the sandbox's API secret as 'Authorization: Bearer <secret>'.",
            type_slug="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="provider-sandbox"'},
        )


async def _submit(sandbox: Sandbox, body: PayoutRequest | RefundRequest, path: str) -> JSONResponse:
    config = sandbox.config
    if body.currency != config.currency:
        raise invalid("body.currency", f"this account holds {config.currency}; only {config.currency} is accepted")
    new = NewRequest(
        request_id=body.request_id,
        body=body.model_dump(mode="json"),
        amount_minor=body.amount_minor,
        currency=body.currency,
        callback_url=body.callback_url,
    )
    plan = plan_outcome(config.kind, sandbox.controls.current, config.seed, body.request_id)
    try:
        view, created = await sandbox.runner.call(sandbox.store.accept, new, plan, datetime.now(BANK_TIMEZONE))
    except IdempotencyConflict as conflict:
        raise SimulatorProblem(
            409,
            "Conflict",
            f"request_id {conflict.request_id!r} was already used with a different body; a retry must repeat "
            "the first body exactly, a new request needs a new request_id",
            type_slug="idempotency-key-reused",
            extensions={"differing_fields": conflict.differing_fields},
        ) from conflict
    if created:
        sandbox.failpoints.reach("accept.after_commit")
        sandbox.worker.wake()
    return JSONResponse(
        view.as_json(), status_code=202 if created else 200, headers={"Location": f"{path}/{view.request_id}"}
    )


async def _status(sandbox: Sandbox, request_id: str, what: str) -> dict[str, Any]:
    view = await sandbox.runner.call(sandbox.store.get, request_id)
    if view is None:
        raise SimulatorProblem(404, "Not found", f"{what} {request_id!r} was never received", type_slug="not-found")
    return view.as_json()


def _payout_router() -> APIRouter:
    router = APIRouter(prefix="/v1/payouts", tags=["payouts"], dependencies=[Depends(require_api_secret)])

    @router.post("", status_code=202)
    async def submit_payout(body: PayoutRequest, sandbox: SandboxDep) -> JSONResponse:
        """Pay a merchant (结算打款). Idempotent on ``request_id``."""
        return await _submit(sandbox, body, "/v1/payouts")

    @router.get("/{request_id}")
    async def get_payout(request_id: str, sandbox: SandboxDep) -> dict[str, Any]:
        return await _status(sandbox, request_id, "payout")

    return router


def _refund_router() -> APIRouter:
    router = APIRouter(prefix="/v1/refunds", tags=["refunds"], dependencies=[Depends(require_api_secret)])

    @router.post("", status_code=202)
    async def submit_refund(body: RefundRequest, sandbox: SandboxDep) -> JSONResponse:
        """Refund a buyer to the original channel (原路退款). Idempotent on ``request_id``."""
        return await _submit(sandbox, body, "/v1/refunds")

    @router.get("/{request_id}")
    async def get_refund(request_id: str, sandbox: SandboxDep) -> dict[str, Any]:
        return await _status(sandbox, request_id, "refund")

    return router


def _test_router() -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox"], dependencies=[Depends(require_api_secret)])

    @router.get("/stats")
    async def stats(sandbox: SandboxDep) -> dict[str, int]:
        """``accepted`` counts every request ever accepted; ``executed`` the payments that moved
        money (one per paid request at most; a returned payout stays executed)."""
        return await sandbox.runner.call(sandbox.store.stats)

    @router.get("/executions")
    async def executions(sandbox: SandboxDep) -> dict[str, Any]:
        rows = await sandbox.runner.call(sandbox.store.executions)
        return {"count": len(rows), "executions": rows}

    @router.get("/callbacks")
    async def callbacks(sandbox: SandboxDep, request_id: str | None = None) -> dict[str, Any]:
        return {"callbacks": await sandbox.runner.call(sandbox.store.callbacks, request_id)}

    @router.get("/controls")
    async def get_controls(sandbox: SandboxDep) -> dict[str, Any]:
        return _controls_json(sandbox.controls.current)

    @router.post("/controls")
    async def set_controls(body: ControlsUpdate, sandbox: SandboxDep) -> dict[str, Any]:
        """Change outcome odds, delays, callback retries; pause or resume callbacks and
        settlement. In memory only: a restarted sandbox starts from its command line."""
        try:
            sandbox.controls.current = sandbox.controls.current.updated(**body.model_dump(exclude_none=True))
        except ValueError as exc:
            raise invalid("body", str(exc)) from exc
        sandbox.worker.wake()
        sandbox.dispatcher.wake()
        return _controls_json(sandbox.controls.current)

    @router.post("/outcomes")
    async def script_outcome(body: ScriptedOutcomeBody, sandbox: SandboxDep) -> dict[str, Any]:
        """Decide one request's outcome: before it arrives, while it awaits its outcome, or
        (``returned``) for a payout already paid."""
        kind = sandbox.config.kind
        outcome = Status(body.outcome)
        if outcome is Status.RETURNED and kind is not Kind.PAYOUT:
            raise invalid("body.outcome", "only payouts can be returned")
        default = default_reason(kind, outcome) or Reason("", "")
        reason = Reason(
            body.reason_code or (SCRIPTED_REASON_CODE if body.reason else default.code), body.reason or default.text
        )
        try:
            result = await sandbox.runner.call(
                sandbox.store.script_outcome, body.request_id, outcome, reason, datetime.now(BANK_TIMEZONE)
            )
        except OutcomeAlreadyFinal as final:
            raise SimulatorProblem(
                409,
                "Conflict",
                f"{final.request_id!r} is already {final.status.value}; it cannot become {outcome.value}",
                type_slug="outcome-already-booked",
            ) from final
        sandbox.worker.wake()
        return {"request_id": body.request_id, "outcome": outcome.value, "result": result}

    @router.post("/statements/close")
    async def close_statement(
        sandbox: SandboxDep, statement_date: Annotated[date | None, Query(alias="date")] = None
    ) -> dict[str, Any]:
        """Write the statement of ``date`` (default: today, bank time) now, even with no entries.
        Entries booked later that day rewrite it."""
        written = await sandbox.statements.write(statement_date or datetime.now(BANK_TIMEZONE).date())
        return written.as_json()

    return router


def _controls_json(controls: Controls) -> dict[str, Any]:
    return {
        "fail_rate": controls.fail_rate,
        "return_rate": controls.return_rate,
        "min_delay_ms": controls.min_delay_ms,
        "max_delay_ms": controls.max_delay_ms,
        "callbacks_paused": controls.callbacks_paused,
        "settlement_paused": controls.settlement_paused,
        "callback_max_attempts": controls.callback_max_attempts,
        "callback_initial_backoff_ms": controls.callback_initial_backoff_ms,
        "callback_max_backoff_ms": controls.callback_max_backoff_ms,
    }


def create_app(config: SandboxConfig) -> FastAPI:
    """The sandbox as an ASGI app. Opens its database, rewrites statements and starts its
    background work in the lifespan; nothing happens at import time."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store.open(
            config.db_path,
            kind=config.kind,
            currency=config.currency,
            opening_balance_minor=config.opening_balance_minor,
        )
        runner = StoreRunner(store)
        client = aiohttp_backed_client(timeout=config.callback_timeout_s, headers={"user-agent": USER_AGENT})
        failpoints = Failpoints(config.failpoints)
        statements = StatementWriter(runner, config)
        controls = ControlPanel(config.initial_controls)
        dispatcher = CallbackDispatcher(
            runner, CallbackSigner(config.callback_key), client, controls, failpoints, config.callback_concurrency
        )
        worker = OutcomeWorker(runner, statements, controls, failpoints, dispatcher.wake)
        sandbox = Sandbox(config, runner, controls, failpoints, statements, worker, dispatcher)
        app.state.sandbox = sandbox
        await statements.write_all_booked()
        tasks = [
            asyncio.create_task(worker.run(), name="outcome-worker"),
            asyncio.create_task(dispatcher.run(), name="callback-dispatcher"),
        ]
        logger.info("%s sandbox ready on %s:%d (db %s)", config.kind.value, config.host, config.port, config.db_path)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await dispatcher.close()
            await client.aclose()
            runner.close()

    app = FastAPI(
        title=f"ShipSettle provider sandbox ({config.kind.value})",
        description="A simulated bank (payouts) or payment provider (refunds): idempotent, asynchronous, fallible.",
        lifespan=lifespan,
    )
    install_problem_handlers(app, PROBLEM_TYPE_BASE, "sandbox")
    app.include_router(_payout_router() if config.kind is Kind.PAYOUT else _refund_router())
    app.include_router(_test_router())

    @app.get("/healthz", include_in_schema=False)
    @app.get("/readyz", include_in_schema=False)
    async def ready() -> dict[str, str]:
        return {"status": "ok", "kind": config.kind.value}

    return app
