"""Must show (refunds): killing refund-svc or the payment provider at each step of executing a
refund never refunds the buyer twice and never loses the refund. The test counts the
provider's own executions.

Each case seeds an order and an approved refund through the service layer (as the HTTP
endpoints would), then runs a real refund-svc process (timers, callbacks) and a real refund
sandbox process, one of them set to die at a chosen step.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from local import SANDBOX_API_SECRET, ServiceProcess, provider_env, sandbox_process, service_process
from sqlalchemy.ext.asyncio import AsyncSession
from support import TEST_KAFKA, engine_for, eventually, fresh_service_database

from refund_svc.adapters.tables import RefundOrderRow, RefundRow
from refund_svc.adapters.unit_of_work import SqlRefundUnitOfWork
from refund_svc.domain.amounts import ReasonCode, RefundKind
from refund_svc.domain.refund_orders import Rules
from refund_svc.domain.workflow import Deadlines
from refund_svc.service_layer import decisions, requests
from refund_svc.service_layer.unit_of_work import Caller
from shipsettle_shared.topology import SERVICES_BY_NAME

pytestmark = pytest.mark.infra

PORT_OFFSET = 18000  # services on 26101...: below the ephemeral ports (32768+), where a bind can find its port taken by an outgoing connection
RULES = Rules(Deadlines(), frozenset())
# one line of 2 units paid 199.99 in all: the two units split 10000 + 9999; refunding one unit
# (the last) gives back 9999
REFUND_MINOR = 9999


async def seed_approved_refund(url: str) -> str:
    now = datetime.now(UTC)
    order_id = f"O-crash-{uuid.uuid4().hex[:8]}"
    async with engine_for(url) as engine, AsyncSession(engine) as session, session.begin():
        session.add(
            RefundOrderRow(
                order_id=order_id,
                merchant_id="m-crash",
                currency="CNY",
                shipping_fee_minor=0,
                payment_channel="wechat_pay",
                payment_transaction_id=f"WX-{uuid.uuid4().hex[:12]}",
                lines={
                    "L1": {
                        "category": "home",
                        "quantity": 2,
                        "paid_minor": 19999,
                        "subsidy_minor": 0,
                        "commission_base_minor": 19999,
                    }
                },
                taken={},
                signed_off_units={},
                placed_at=now,
            )
        )
        await session.flush()
        refund = await requests.request_refund(
            SqlRefundUnitOfWork(session),
            requests.RequestRefund(order_id, RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, "broken", {"L1": 1}, "seed"),
            now=now,
            rules=RULES,
            merchant_scope=None,
        )
        await decisions.approve(SqlRefundUnitOfWork(session), refund.refund_id, Caller("seed", None), now, RULES)
        return refund.refund_id


async def refund_row(url: str, refund_id: str) -> RefundRow | None:
    async with engine_for(url) as engine, AsyncSession(engine) as session:
        return await session.get(RefundRow, refund_id)


@pytest.mark.parametrize(
    ("dies", "failpoint"),
    [
        ("refund-svc", "refund.before_send"),
        ("refund-svc", "refund.after_send"),
        ("provider", "accept.after_commit"),
        ("provider", "settle.after_commit"),
        ("provider", "callback.after_delivery"),
    ],
)
async def test_a_crash_at_any_step_of_a_refund_refunds_exactly_once(dies: str, failpoint: str, tmp_path: Path) -> None:
    suffix = f"_refund_{failpoint.replace('.', '_')}"
    url = await fresh_service_database("refund-svc", suffix)
    refund_id = await seed_approved_refund(url)

    def refund_service(with_failpoint: bool) -> ServiceProcess:
        return service_process(
            SERVICES_BY_NAME["refund-svc"],
            bootstrap=TEST_KAFKA,
            db_suffix=suffix,
            port_offset=PORT_OFFSET,
            environment="test",
            instance=f"crash-{uuid.uuid4().hex[:4]}",
            extra_env={
                **provider_env("refund-svc", PORT_OFFSET),
                "SHIPSETTLE_ROLES": "scheduler",
                "SHIPSETTLE_SCHEDULER_POLL_MS": "50",
                "SHIPSETTLE_FAILPOINTS": failpoint if (with_failpoint and dies == "refund-svc") else "",
            },
        )

    def provider(with_failpoint: bool) -> ServiceProcess:
        extra = ["--fail-rate", "0", "--min-delay-ms", "10", "--max-delay-ms", "50"]
        if with_failpoint and dies == "provider":
            extra.append(f"--failpoints={failpoint}")
        return sandbox_process(
            "refund",
            port_offset=PORT_OFFSET,
            state_dir=tmp_path / "provider",
            extra_args=extra,
            instance=f"crash-{uuid.uuid4().hex[:4]}",
        )

    started: list[ServiceProcess] = []
    try:
        first_provider, first_service = provider(True), refund_service(True)
        for process in (first_provider, first_service):
            started.append(process)
            process.start()
        doomed = first_service if dies == "refund-svc" else first_provider

        async def died() -> int | None:
            assert doomed.process is not None
            return doomed.process.poll()

        assert await eventually(died, timeout_s=60, interval_s=0.1) == 137
        replacement = refund_service(False) if dies == "refund-svc" else provider(False)
        started.append(replacement)
        replacement.start()
        await asyncio.to_thread(replacement.wait_ready)

        async def completed() -> RefundRow | None:
            row = await refund_row(url, refund_id)
            return row if row is not None and row.status == "completed" else None

        final = await eventually(completed, timeout_s=120, interval_s=0.2)
        assert final.refund_minor == REFUND_MINOR
        assert final.attempt == 1
        async with httpx.AsyncClient(timeout=5) as client:
            executions = (
                await client.get(
                    f"http://127.0.0.1:{8202 + PORT_OFFSET}/_sandbox/executions",
                    headers={"Authorization": f"Bearer {SANDBOX_API_SECRET}"},
                )
            ).json()
        assert executions["count"] == 1, executions
        assert executions["executions"][0]["amount_minor"] == REFUND_MINOR
    finally:
        for process in started:
            process.kill()
