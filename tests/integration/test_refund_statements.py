"""Must show (refunds, issues #17 and #19): what each refund request, event and timer costs in SQL
statements, now that a use case reads what it needs and writes everything it changed in one
statement (adapters/unit_of_work.py).

refund-svc runs in-process on a real database: its HTTP routes through its ASGI app, its consumer
by ``ConsumerLoop.apply`` (as for each poll), its timers by their handlers in a transaction of
their own (as the scheduler fires them); the refund provider is the sandbox, a real process. Only
the statements of the service's sessions are counted (API keys are read on the runtime's
connection lane, and cached), BEGIN and COMMIT aside.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fact_events import (
    SIGNED_AT,
    T0,
    SteppedClock,
    consumer_without_kafka,
    dispatched,
    envelope_of,
    placed,
    runtime_without_kafka,
    signed_off,
    statements_sent,
    status_changed,
)
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook
from support import engine_for, eventually, fresh_service_database

from refund_svc.bootstrap import DEFINITION
from refund_svc.config import RefundSettings
from refund_svc.entrypoints.consumers import subscriptions, timer_handlers
from shipsettle_shared import contracts
from shipsettle_shared.auth import generate_key
from shipsettle_shared.db import api_keys_table, timers_table
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.service import create_app
from shipsettle_shared.timers import CallsOut, DueTimer
from simulators.provider_sandbox.process import SandboxProcess

pytestmark = pytest.mark.infra

NOW = SIGNED_AT + timedelta(days=1)
# Statements of each step, and before the unit of work staged the writes (issue #19): a use case
# is its reads and one write now (a closing refund also locks its order to give its units back).
# Every move through an HTTP route also appends its audit row (issue #20): one statement more.
COSTS = {
    "consumer: 4 placed, dispatched, signed off": 3,  # was 3
    "http: quote": 1,  # was 1
    "http: request": 4,  # was 9 (the Idempotency-Key's claim and answer are 2 of them)
    "http: approve (provider)": 3,  # was 6; +1: its audit row
    "timer: send (accepted)": 2,  # was 4
    "timer: status check (paid)": 2,  # was 5
    "http: reject": 3,  # was 5; +1: its audit row
    "http: escalate": 3,  # was 3; +1: its audit row
    "http: decision (closed)": 4,  # was 6; +1: its audit row
    "http: approve (return)": 3,  # was 5; +1: its audit row
    "http: return shipment": 4,  # was 5; +1: its audit row
    "consumer: return delivered": 3,  # was 5
    "http: inspection passed": 3,  # was 5; +1: its audit row
    "http: callback failed": 2,  # was 3
    "http: retry": 3,  # was 5; +1: its audit row
    "timer: status check (failed)": 2,  # was 3
    "http: resolution offline": 3,  # was 4; +1: its audit row
    "http: approve (balance)": 3,  # was 9; +1: its audit row
    "http: balance credit credited": 3,  # was 4; +1: its audit row
    "timer: balance credit overdue": 2,  # was 4
    "http: balance credit cancelled": 3,  # was 4; +1: its audit row
    "http: resolution closed": 4,  # was 8; +1: its audit row
    "timer: merchant deadline": 2,  # was 6
    "http: withdraw": 4,  # was 6; +1: its audit row
    "consumer: order cancelled": 3,  # was 10
    "http: read": 2,  # was 2
    "http: list": 1,  # was 1
    "http: sla": 2,  # was 2
}


def paid_from_balance(envelope: EventEnvelope) -> EventEnvelope:
    event = contracts.OrderPlaced.model_validate(envelope.payload)
    payment = event.payment.model_copy(update={"channel": "balance"})
    return envelope_of(event.model_copy(update={"payment": payment}), T0)


def request(order_id: str, kind: str, reason_code: str, lines: dict[str, int]) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "kind": kind,
        "reason_code": reason_code,
        "reason": "理由",
        "lines": [{"line_id": line_id, "units": units} for line_id, units in lines.items()],
    }


class RefundService:
    def __init__(self, engine: AsyncEngine, sandbox: SandboxProcess) -> None:
        self.engine = engine
        self.sandbox = sandbox
        self.settings = RefundSettings(
            service_name="refund-svc",
            database_url=engine.url.render_as_string(hide_password=False),
            refund_provider_url=sandbox.base_url,
            refund_provider_api_key=sandbox.api_secret,
            refund_callback_secret=sandbox.callback_secret,
        )
        self.clock = SteppedClock(NOW)
        self.runtime = runtime_without_kafka(self.settings, engine, self.clock)
        (subscription,) = subscriptions(self.runtime)
        self.consumer = consumer_without_kafka(self.settings, self.runtime.sessions, subscription)
        self.timers = timer_handlers(self.runtime)
        app = create_app(DEFINITION, self.settings)
        app.state.runtime = self.runtime
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://refund-svc")
        self.keys: dict[str, str] = {}
        self.costs: dict[str, int] = {}

    async def issue_keys(self) -> None:
        async with self.engine.begin() as connection:
            for role, merchant in (("platform", None), ("merchant", "m-1"), ("ops", None)):
                issued = generate_key(self.settings.api_key_pepper)
                await connection.execute(
                    insert(api_keys_table).values(
                        key_id=issued.key_id,
                        secret_hash=issued.secret_hash,
                        role=role,
                        merchant_id=merchant,
                        label=role,
                    )
                )
                self.keys[role] = issued.api_key

    async def measure(self, step: str, work: Callable[[], Awaitable[Any]]) -> Any:
        result: list[Any] = []

        async def run() -> None:
            result.append(await work())

        self.costs[step] = len(await statements_sent(self.engine, run))
        return result[0]

    async def call(self, method: str, path: str, role: str, body: Any = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.keys[role]}", "Idempotency-Key": str(uuid.uuid4())}
        response = await self.http.request(method, f"/v1{path}", json=body, headers=headers)
        assert response.status_code < 300, response.text
        return dict(response.json())

    async def callback(self, request_id: str, status: str) -> None:
        """The provider's outcome callback, signed with the callback secret."""
        body = json.dumps({"request_id": request_id, "status": status, "provider_reference": f"P-{request_id}"})
        msg_id, at = f"msg-{uuid.uuid4().hex}", datetime.now(UTC)  # a signature's age is judged on the real clock
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(self.settings.refund_callback_secret).sign(msg_id, at, body),
        }
        response = await self.http.post("/v1/refund-callbacks", content=body.encode(), headers=headers)
        assert response.status_code == 200, response.text

    async def fire(self, step: str, kind: str, key_prefix: str) -> None:
        """The one pending timer of ``kind`` whose key starts with ``key_prefix``, marked fired
        and handled as the scheduler does (counted: the handler's statements)."""
        async with self.runtime.sessions() as session, session.begin():
            row = (
                await session.execute(
                    select(timers_table).where(
                        timers_table.c.timer_kind == kind,
                        timers_table.c.timer_key.startswith(key_prefix),
                        timers_table.c.fired_at.is_(None),
                    )
                )
            ).one()
            await session.execute(
                timers_table.update().where(timers_table.c.id == row.id).values(fired_at=self.clock.now())
            )
        handler = self.timers[kind]
        handler = handler.handler if isinstance(handler, CallsOut) else handler
        timer = DueTimer(row.timer_kind, row.timer_key, row.due_at, dict(row.payload or {}))

        async def handle() -> None:
            async with self.runtime.sessions() as session, session.begin():
                await handler(session, timer)

        await self.measure(step, handle)

    async def provider(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            response = await client.request(
                method, self.sandbox.base_url + path, json=body, headers=self.sandbox.headers
            )
        assert response.status_code < 300, response.text
        return dict(response.json())

    async def settled_by_provider(self, request_id: str) -> None:
        async def settled() -> bool:
            return (await self.provider("GET", f"/v1/refunds/{request_id}"))["status"] != "accepted"

        await eventually(settled, timeout_s=30, interval_s=0.05)


@pytest.fixture
async def refunds(tmp_path: Path) -> AsyncIterator[RefundService]:
    url = await fresh_service_database("refund-svc", "_refund_statements")
    options = {"--fail-rate": "0", "--return-rate": "0", "--min-delay-ms": "10", "--max-delay-ms": "50"}
    sandbox = SandboxProcess.create("refund", tmp_path / "sandbox", options=options)
    sandbox.start()
    try:
        await sandbox.wait_until_ready()
        async with engine_for(url) as engine:
            service = RefundService(engine, sandbox)
            await service.issue_keys()
            # the callbacks are the test's to send (nothing listens at the service's public address)
            await service.provider("POST", "/_sandbox/controls", {"callbacks_paused": True})
            yield service
            await service.http.aclose()
            await service.runtime.http.aclose()
    finally:
        sandbox.kill()


async def test_each_refund_step_costs_its_reads_and_one_write(refunds: RefundService) -> None:
    lines = [("L1", "tea", 3, 30000, 0), ("L2", "books", 2, 5000, 0)]
    orders = [placed(f"O-{n}", lines, 1000, at=T0) for n in "ACE"]
    orders.append(paid_from_balance(placed("O-B", lines, 1000, at=T0)))
    shipped = [dispatched("O-A", "SH-A", {"L1": 3, "L2": 2}), signed_off("O-A", "SH-A", {"L1": 3, "L2": 2})]
    await refunds.measure(
        "consumer: 4 placed, dispatched, signed off", lambda: refunds.consumer.apply(orders + shipped)
    )

    # a refund through the provider: sent, paid, found paid by the status check
    body = request("O-A", "refund_only", "damaged", {"L1": 1})
    await refunds.measure("http: quote", lambda: refunds.call("POST", "/refunds/quote", "merchant", body))
    r1 = await refunds.measure("http: request", lambda: refunds.call("POST", "/refunds", "platform", body))
    base = f"/refunds/{r1['refund_id']}"
    await refunds.measure("http: approve (provider)", lambda: refunds.call("POST", f"{base}/approve", "merchant"))
    await refunds.fire("timer: send (accepted)", "refund_send", f"{r1['refund_id']}-1")
    await refunds.settled_by_provider(f"{r1['refund_id']}-1")
    refunds.clock.at += timedelta(minutes=11)
    await refunds.fire("timer: status check (paid)", "refund_status_check", f"{r1['refund_id']}-1")
    assert (await refunds.call("GET", base, "ops"))["status"] == "completed"

    # rejected, escalated, the rejection upheld: closed, its units free again
    r2 = await refunds.call("POST", "/refunds", "platform", request("O-A", "refund_only", "quality", {"L2": 1}))
    base = f"/refunds/{r2['refund_id']}"
    await refunds.measure("http: reject", lambda: refunds.call("POST", f"{base}/reject", "merchant", {"reason": "no"}))
    await refunds.measure(
        "http: escalate", lambda: refunds.call("POST", f"{base}/escalate", "platform", {"reason": "yes"})
    )
    await refunds.measure(
        "http: decision (closed)",
        lambda: refunds.call("POST", f"{base}/decision", "ops", {"approve": False, "reason": "upheld"}),
    )

    # a return: shipped back, delivered, inspected; the provider fails it twice, ops refund offline
    r3 = await refunds.call("POST", "/refunds", "platform", request("O-A", "return_and_refund", "quality", {"L1": 1}))
    base = f"/refunds/{r3['refund_id']}"
    parcel = {"carrier_code": "SF", "tracking_number": "SF123456789"}
    delivered = status_changed("O-A", f"RS-{r3['refund_id']}", "delivered", direction="return")
    await refunds.measure("http: approve (return)", lambda: refunds.call("POST", f"{base}/approve", "merchant"))
    await refunds.measure(
        "http: return shipment", lambda: refunds.call("POST", f"{base}/return-shipment", "platform", parcel)
    )
    await refunds.measure("consumer: return delivered", lambda: refunds.consumer.apply([delivered]))
    await refunds.measure(
        "http: inspection passed",
        lambda: refunds.call("POST", f"{base}/inspection", "merchant", {"passed": True, "reason": "ok"}),
    )
    for attempt in (1, 2):
        request_id = f"{r3['refund_id']}-{attempt}"
        await refunds.provider("POST", "/_sandbox/outcomes", {"request_id": request_id, "outcome": "failed"})
        await refunds.fire(f"timer: send {attempt}", "refund_send", request_id)
        await refunds.settled_by_provider(request_id)
        if attempt == 1:
            await refunds.measure("http: callback failed", lambda r=request_id: refunds.callback(r, "failed"))
            # the outcome called off the attempt's status check, in the callback's one write
            async with refunds.engine.connect() as connection:
                check = (
                    await connection.execute(
                        select(timers_table.c.fired_at, timers_table.c.cancelled_at).where(
                            timers_table.c.timer_kind == "refund_status_check",
                            timers_table.c.timer_key == request_id,
                        )
                    )
                ).one()
            assert (check.fired_at, check.cancelled_at is not None) == (None, True)
            await refunds.measure("http: retry", lambda: refunds.call("POST", f"{base}/retry", "ops"))
        else:
            refunds.clock.at += timedelta(minutes=11)
            await refunds.fire("timer: status check (failed)", "refund_status_check", request_id)
    offline = {"how": "refunded_offline", "reason": "paid by transfer", "reference": "TR-1"}
    await refunds.measure(
        "http: resolution offline", lambda: refunds.call("POST", f"{base}/resolution", "ops", offline)
    )
    assert (await refunds.call("GET", base, "ops"))["refunded_via"] == "offline"

    # refunds to the platform balance: one credited, one overdue, cancelled and closed by ops
    r4 = await refunds.call("POST", "/refunds", "platform", request("O-B", "refund_only", "damaged", {"L1": 1}))
    r4 = await refunds.measure(
        "http: approve (balance)", lambda: refunds.call("POST", f"/refunds/{r4['refund_id']}/approve", "merchant")
    )
    credit = r4["balance_credit"]
    answer = {key: credit[key] for key in ("credit_id", "buyer_ref", "amount_minor")} | {"credit_reference": "BAL-1"}
    await refunds.measure(
        "http: balance credit credited",
        lambda: refunds.call("POST", f"/refunds/{r4['refund_id']}/balance-credit", "platform", answer),
    )
    r5 = await refunds.call("POST", "/refunds", "platform", request("O-B", "refund_only", "damaged", {"L1": 1}))
    base = f"/refunds/{r5['refund_id']}"
    r5 = await refunds.call("POST", f"{base}/approve", "merchant")
    refunds.clock.at += timedelta(hours=25)
    await refunds.fire("timer: balance credit overdue", "refund_deadline", f"{r5['refund_id']}@refunding@")
    cancel = {"credit_id": r5["balance_credit"]["credit_id"], "reason": "late"}
    await refunds.measure(
        "http: balance credit cancelled",
        lambda: refunds.call("POST", f"{base}/balance-credit/cancel", "ops", cancel),
    )
    closed = {"how": "closed", "reason": "the merchant refunded the buyer"}
    await refunds.measure("http: resolution closed", lambda: refunds.call("POST", f"{base}/resolution", "ops", closed))

    # the merchant's silence approves; the buyer withdraws; a cancellation refunds what is left
    r6 = await refunds.call("POST", "/refunds", "platform", request("O-C", "refund_only", "damaged", {"L1": 1}))
    refunds.clock.at += timedelta(hours=49)
    await refunds.fire("timer: merchant deadline", "refund_deadline", f"{r6['refund_id']}@requested@")
    r7 = await refunds.call("POST", "/refunds", "platform", request("O-C", "refund_only", "damaged", {"L2": 1}))
    await refunds.measure(
        "http: withdraw",
        lambda: refunds.call("POST", f"/refunds/{r7['refund_id']}/withdraw", "platform", {"reason": "no"}),
    )
    cancelled = contracts.OrderCancelled(
        order_id="O-E",
        merchant_id="m-1",
        currency="CNY",
        refund_minor=36000,
        reason="buyer",
        cancelled_by="buyer",
        cancelled_at=refunds.clock.now(),
    )
    await refunds.measure(
        "consumer: order cancelled", lambda: refunds.consumer.apply([envelope_of(cancelled, refunds.clock.now())])
    )
    await refunds.measure("http: read", lambda: refunds.call("GET", f"/refunds/{r3['refund_id']}", "ops"))
    await refunds.measure("http: list", lambda: refunds.call("GET", "/refunds?order_id=O-A", "ops"))
    await refunds.measure("http: sla", lambda: refunds.call("GET", "/refund-sla", "ops"))

    sends = {step: refunds.costs.pop(step) for step in ("timer: send 1", "timer: send 2")}
    assert sends == {"timer: send 1": COSTS["timer: send (accepted)"], "timer: send 2": COSTS["timer: send (accepted)"]}
    assert refunds.costs == COSTS
    async with refunds.engine.connect() as connection:
        statuses = dict((await connection.execute(text("select refund_id, status from refunds"))).all())
    assert statuses == {
        r1["refund_id"]: "completed",
        r2["refund_id"]: "closed",
        r3["refund_id"]: "completed",
        r4["refund_id"]: "completed",
        r5["refund_id"]: "closed",
        r6["refund_id"]: "refunding",  # approved by the merchant's silence: sent to the provider
        r7["refund_id"]: "closed",
        "RF-cancel-O-E": "refunding",
    }
