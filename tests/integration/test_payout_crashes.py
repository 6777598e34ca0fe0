"""Must show (settlement): killing settlement-svc or the sandbox bank at each step of a payout
never pays twice and never loses the payout. The test counts the bank's own executions.

Each case seeds a merchant with available funds and an approved application (through the
service layer, as the HTTP endpoints would), then runs a real settlement-svc process (timers
and callbacks) and a real sandbox bank process, one of them set to die at a chosen step.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from local import SANDBOX_API_SECRET, ServiceProcess, provider_env, sandbox_process, service_process
from sqlalchemy.ext.asyncio import AsyncSession
from support import (
    TEST_KAFKA,
    development_blind_index,
    development_vault,
    engine_for,
    eventually,
    fresh_service_database,
)

from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.domain.ledger import transaction
from settlement_svc.domain.payouts import AccountType, ReviewRules
from settlement_svc.service_layer import applications, payouts
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.topology import SERVICES_BY_NAME

pytestmark = pytest.mark.infra

PORT_OFFSET = 17000  # services on 25101...: below the ephemeral ports (32768+)
AMOUNT = 45818
CARD = "6222021234567890128"


async def seed_approved_application(url: str, merchant_id: str) -> str:
    now = datetime.now(UTC)
    lane = ConnectionLane(asyncpg_dsn(url), 1)  # the account's data key is created on it
    try:
        async with engine_for(url) as engine, AsyncSession(engine) as session, session.begin():
            uow = SqlSettlementUnitOfWork(session)
            await uow.ledger.post(
                transaction(
                    f"seed:{merchant_id}",
                    "seed",
                    merchant_id,
                    [("platform:clearing", -AMOUNT), (f"merchant:{merchant_id}:available", AMOUNT)],
                ),
                now=now,
            )
            account = await payouts.register_bank_account(
                uow,
                merchant_id,
                holder_name="测试商户",
                bank_name="中国银行",
                account_type=AccountType.CARD,
                account_number=CARD,
                now=now,
                vault=development_vault(lane),
                blind_index=development_blind_index(),
            )
            await payouts.verify_bank_account(uow, account.bank_account_id, by="ops", now=now)
            application = await applications.apply_for_settlement(
                uow,
                applications.Apply(merchant_id, account.bank_account_id, None, []),
                now=now,
                rules=ReviewRules(),
            )
            if application.status == "in_review":
                await applications.decide(
                    uow, application.application_id, approve=True, reason="seeded", by="ops", now=now
                )
            return application.application_id
    finally:
        await lane.close()


async def balances(url: str, merchant_id: str) -> dict[str, int]:
    async with engine_for(url) as engine, AsyncSession(engine) as session:
        return await SqlSettlementUnitOfWork(session).ledger.merchant_balances(merchant_id)


@pytest.mark.parametrize(
    ("dies", "failpoint"),
    [
        ("settlement", "payout.before_send"),
        ("settlement", "payout.after_send"),
        ("bank", "accept.after_commit"),
        ("bank", "settle.after_commit"),
        ("bank", "callback.after_delivery"),
    ],
)
async def test_a_crash_at_any_step_of_a_payout_pays_exactly_once(dies: str, failpoint: str, tmp_path) -> None:
    suffix = f"_payout_{failpoint.replace('.', '_')}"
    url = await fresh_service_database("settlement-svc", suffix)
    merchant_id = f"m-crash-{uuid.uuid4().hex[:6]}"
    await seed_approved_application(url, merchant_id)

    def settlement(with_failpoint: bool) -> ServiceProcess:
        return service_process(
            SERVICES_BY_NAME["settlement-svc"],
            bootstrap=TEST_KAFKA,
            db_suffix=suffix,
            port_offset=PORT_OFFSET,
            environment="test",
            instance=f"crash-{uuid.uuid4().hex[:4]}",
            extra_env={
                **provider_env("settlement-svc", PORT_OFFSET),
                "SHIPSETTLE_ROLES": "scheduler",
                "SHIPSETTLE_PAYOUT_BATCH_INTERVAL_S": "1",
                "SHIPSETTLE_SCHEDULER_POLL_MS": "50",
                "SHIPSETTLE_FAILPOINTS": failpoint if (with_failpoint and dies == "settlement") else "",
            },
        )

    def bank(with_failpoint: bool) -> ServiceProcess:
        extra = ["--fail-rate", "0", "--return-rate", "0", "--min-delay-ms", "10", "--max-delay-ms", "50"]
        if with_failpoint and dies == "bank":
            extra.append(f"--failpoints={failpoint}")
        return sandbox_process(
            "payout",
            port_offset=PORT_OFFSET,
            state_dir=tmp_path / "bank",
            extra_args=extra,
            instance=f"crash-{uuid.uuid4().hex[:4]}",
        )

    started: list[ServiceProcess] = []
    try:
        first_bank, first_settlement = bank(True), settlement(True)
        for process in (first_bank, first_settlement):
            started.append(process)
            process.start()
        doomed = first_settlement if dies == "settlement" else first_bank

        async def died() -> int | None:
            assert doomed.process is not None
            return doomed.process.poll()

        assert await eventually(died, timeout_s=60, interval_s=0.1) == 137
        # bring back whichever died, without its failpoint
        replacement = settlement(False) if dies == "settlement" else bank(False)
        started.append(replacement)
        replacement.start()
        await asyncio.to_thread(replacement.wait_ready)

        async def paid() -> dict[str, int] | None:
            found = await balances(url, merchant_id)
            return found if found["paid_out"] == AMOUNT else None

        final = await eventually(paid, timeout_s=90, interval_s=0.2)
        assert final["in_payout"] == 0
        assert final["available"] == 0
        async with httpx.AsyncClient(timeout=5) as client:
            executions = (
                await client.get(
                    f"http://127.0.0.1:{8201 + PORT_OFFSET}/_sandbox/executions",
                    headers={"Authorization": f"Bearer {SANDBOX_API_SECRET}"},
                )
            ).json()
        assert executions["count"] == 1, executions
        assert executions["executions"][0]["amount_minor"] == AMOUNT
    finally:
        for process in started:
            process.kill()
