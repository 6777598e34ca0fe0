"""Must show: the provider sandbox, a real process on 127.0.0.1, behaves like a bank for payouts
and a payment provider for refunds: it refuses callers without its secret, is idempotent on our
request id, answers by signed callbacks that are retried until acknowledged, sometimes fails or
returns a payment, writes statements recon can import, and, killed at any step, never pays
twice and never loses a request. Assertions count the sandbox's own executions, never log lines.

Callbacks go to a small HTTP server in the test process that records every attempt and can
refuse the first N attempts of each callback (``/flaky/N/...``).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError
from support import eventually
from webhook_receiver import CallbackReceiver, ReceivedCallback

from simulators.provider_sandbox.domain import PAYOUT_FAILURES
from simulators.provider_sandbox.process import SandboxProcess
from simulators.provider_sandbox.statement import CAMT053_NAMESPACE, REFUND_CSV_COLUMNS

pytestmark = pytest.mark.infra

CAMT = {"c": CAMT053_NAMESPACE}
StartSandbox = Callable[..., Awaitable[SandboxProcess]]


@pytest.fixture
async def receiver() -> AsyncIterator[CallbackReceiver]:
    server = CallbackReceiver()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


@pytest.fixture
async def start_sandbox(tmp_path: Path) -> AsyncIterator[StartSandbox]:
    """Start a sandbox process (fast delays, no random failures unless asked); every process is
    killed at the end, whatever the test did."""
    started: list[SandboxProcess] = []

    async def start(kind: str = "payout", **options: str) -> SandboxProcess:
        defaults = {
            "seed": "7",
            "fail_rate": "0",
            "return_rate": "0",
            "min_delay_ms": "20",
            "max_delay_ms": "100",
            "callback_initial_backoff_ms": "50",
            "callback_max_backoff_ms": "500",
        }
        cli = {f"--{name.replace('_', '-')}": value for name, value in {**defaults, **options}.items()}
        sandbox = SandboxProcess.create(kind, tmp_path / f"{kind}-{len(started)}", options=cli)
        started.append(sandbox)
        sandbox.start()
        await sandbox.wait_until_ready()
        return sandbox

    yield start
    for sandbox in started:
        sandbox.kill()


def payout(request_id: str, callback_url: str, amount_minor: int = 12_345) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "amount_minor": amount_minor,
        "currency": "CNY",
        "beneficiary": {
            "account_holder_name": "杭州小店贸易有限公司",
            "bank_name": "中国工商银行杭州分行",
            "account_number": "6222021202000012345",
        },
        "reference": f"ShipSettle payout {request_id}",
        "callback_url": callback_url,
    }


def refund(request_id: str, callback_url: str, amount_minor: int = 1_999) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "amount_minor": amount_minor,
        "currency": "CNY",
        "beneficiary": {"original_channel": "alipay", "original_transaction_id": f"2026112722001400{request_id}"},
        "reference": f"ShipSettle refund {request_id}",
        "callback_url": callback_url,
    }


async def sandbox_get(client: httpx.AsyncClient, sandbox: SandboxProcess, path: str) -> Any:
    response = await client.get(sandbox.base_url + path, headers=sandbox.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def sandbox_post(client: httpx.AsyncClient, sandbox: SandboxProcess, path: str, body: Any) -> httpx.Response:
    return await client.post(sandbox.base_url + path, json=body, headers=sandbox.headers)


async def settled(client: httpx.AsyncClient, sandbox: SandboxProcess) -> dict[str, int] | None:
    """The stats once nothing awaits an outcome or a return and every callback is acknowledged."""
    stats = await sandbox_get(client, sandbox, "/_sandbox/stats")
    quiet = stats["awaiting_outcome"] == stats["returns_scheduled"] == stats["callbacks_pending"] == 0
    return stats if quiet else None


def verified(sandbox: SandboxProcess, callback: ReceivedCallback) -> dict[str, Any]:
    payload: dict[str, Any] = Webhook(sandbox.callback_secret).verify(callback.body, callback.headers)
    return payload


@dataclass(frozen=True)
class StatementEntryRead:
    direction: str
    amount: Decimal
    account_servicer_reference: str
    end_to_end_id: str


def signed(amount: Decimal, direction: str) -> Decimal:
    return amount if direction == "CRDT" else -amount


def read_camt053(path: Path) -> tuple[dict[str, Decimal], list[StatementEntryRead]]:
    """A statement's signed balances by type and its entries, as recon would import them."""
    stmt = ET.parse(path).getroot().find("c:BkToCstmrStmt/c:Stmt", CAMT)  # noqa: S314 - the sandbox's own file
    assert stmt is not None
    balances = {
        balance.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=CAMT) or "": signed(
            Decimal(balance.findtext("c:Amt", namespaces=CAMT) or ""),
            balance.findtext("c:CdtDbtInd", namespaces=CAMT) or "",
        )
        for balance in stmt.findall("c:Bal", CAMT)
    }
    entries = [
        StatementEntryRead(
            entry.findtext("c:CdtDbtInd", namespaces=CAMT) or "",
            Decimal(entry.findtext("c:Amt", namespaces=CAMT) or ""),
            entry.findtext("c:AcctSvcrRef", namespaces=CAMT) or "",
            entry.findtext("c:NtryDtls/c:TxDtls/c:Refs/c:EndToEndId", namespaces=CAMT) or "",
        )
        for entry in stmt.findall("c:Ntry", CAMT)
    ]
    movement = sum((signed(entry.amount, entry.direction) for entry in entries), Decimal(0))
    assert balances["OPBD"] + movement == balances["CLBD"], f"{path} does not reconcile"
    return balances, entries


def debited_payout_ids(sandbox: SandboxProcess) -> list[str]:
    """Our payout ids on every statement the sandbox has written, one per debit entry."""
    return sorted(
        entry.end_to_end_id
        for path in sandbox.statement_dir.glob("camt053-*.xml")
        for entry in read_camt053(path)[1]
        if entry.direction == "DBIT"
    )


def requests_awaiting_outcome(sandbox: SandboxProcess) -> int:
    """Read from the dead sandbox's database file: requests it accepted and had not settled."""
    with contextlib.closing(sqlite3.connect(sandbox.db_path)) as books:
        return int(books.execute("SELECT COUNT(*) FROM requests WHERE status = 'accepted'").fetchone()[0])


async def assert_each_request_settled_exactly_once(
    client: httpx.AsyncClient, sandbox: SandboxProcess, receiver: CallbackReceiver, request_ids: list[str]
) -> None:
    stats = await eventually(lambda: settled(client, sandbox), timeout_s=60)
    statuses = {
        request_id: (await sandbox_get(client, sandbox, f"/v1/payouts/{request_id}"))["status"]
        for request_id in request_ids
    }
    executions = (await sandbox_get(client, sandbox, "/_sandbox/executions"))["executions"]
    executed_ids = [execution["request_id"] for execution in executions]
    paid_ids = sorted(request_id for request_id, status in statuses.items() if status in ("paid", "returned"))

    assert stats["accepted"] == len(request_ids)
    assert set(statuses.values()) <= {"paid", "failed", "returned"}
    assert len(executed_ids) == len(set(executed_ids)), "a request was executed twice"
    assert sorted(executed_ids) == paid_ids
    assert stats["executed"] == len(paid_ids)
    # Every request's outcome reached the receiver, and a callback delivered twice is the same callback.
    assert receiver.final_statuses() == statuses
    bodies_by_id: dict[str, set[bytes]] = {}
    for callback in receiver.acknowledged():
        bodies_by_id.setdefault(callback.webhook_id, set()).add(callback.body)
    assert all(len(bodies) == 1 for bodies in bodies_by_id.values())

    # The bank statement shows each payment once, and every statement reconciles.
    async def statement_ids() -> list[str] | None:
        ids = await asyncio.to_thread(debited_payout_ids, sandbox)
        return ids if ids == paid_ids else None

    await eventually(statement_ids)


async def test_requests_without_the_api_secret_are_refused_with_a_problem(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    sandbox = await start_sandbox()
    body = payout("po-unauthorised", receiver.url("/ok"))

    missing = await client.post(f"{sandbox.base_url}/v1/payouts", json=body)
    wrong = await client.post(
        f"{sandbox.base_url}/v1/payouts", json=body, headers={"Authorization": "Bearer not-the-secret"}
    )
    stats = await client.get(f"{sandbox.base_url}/_sandbox/stats")

    for response in (missing, wrong, stats):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await sandbox_get(client, sandbox, "/_sandbox/stats"))["accepted"] == 0


async def test_a_payout_sent_twice_is_paid_once_and_its_id_with_another_body_is_refused(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    sandbox = await start_sandbox()
    body = payout("po-twice", receiver.url("/ok"))

    first = await sandbox_post(client, sandbox, "/v1/payouts", body)
    again = await sandbox_post(client, sandbox, "/v1/payouts", body)
    await eventually(lambda: settled(client, sandbox))
    after_payment = await sandbox_post(client, sandbox, "/v1/payouts", body)
    changed = await sandbox_post(client, sandbox, "/v1/payouts", {**body, "amount_minor": 12_346})

    assert first.status_code == 202
    assert first.json()["status"] == "accepted"
    assert again.status_code == 200
    assert again.json()["provider_reference"] == first.json()["provider_reference"]
    assert after_payment.status_code == 200
    assert after_payment.json()["status"] == "paid"
    assert changed.status_code == 409
    assert changed.headers["content-type"] == "application/problem+json"
    assert changed.json()["differing_fields"] == ["amount_minor"]
    executions = await sandbox_get(client, sandbox, "/_sandbox/executions")
    assert [execution["request_id"] for execution in executions["executions"]] == ["po-twice"]
    assert executions["executions"][0]["amount_minor"] == 12_345
    assert len(receiver.final_statuses()) == 1


async def test_paid_and_failed_outcomes_arrive_later_as_signed_callbacks(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    sandbox = await start_sandbox()
    accepted = await sandbox_post(client, sandbox, "/v1/payouts", payout("po-paid", receiver.url("/ok")))
    await sandbox_post(client, sandbox, "/_sandbox/controls", {"fail_rate": 1.0})
    rejected = await sandbox_post(client, sandbox, "/v1/payouts", payout("po-failed", receiver.url("/ok")))

    await eventually(lambda: settled(client, sandbox))

    assert (accepted.status_code, rejected.status_code) == (202, 202)
    callbacks = {callback.payload["request_id"]: callback for callback in receiver.acknowledged()}
    paid, failed = verified(sandbox, callbacks["po-paid"]), verified(sandbox, callbacks["po-failed"])
    assert paid["status"] == "paid"
    assert paid["reason"] is None
    assert paid["provider_reference"] == accepted.json()["provider_reference"]
    assert (paid["amount_minor"], paid["currency"]) == (12_345, "CNY")
    assert failed["status"] == "failed"
    assert failed["reason"] in {reason.text for reason in PAYOUT_FAILURES}
    assert callbacks["po-paid"].webhook_id == f"msg_{paid['provider_reference']}_paid"
    tampered = callbacks["po-paid"].body.replace(b"12345", b"99999")
    with pytest.raises(WebhookVerificationError):
        Webhook(sandbox.callback_secret).verify(tampered, callbacks["po-paid"].headers)
    status = await sandbox_get(client, sandbox, "/v1/payouts/po-failed")
    assert (status["status"], status["reason"]) == ("failed", failed["reason"])
    executions = await sandbox_get(client, sandbox, "/_sandbox/executions")
    assert [execution["request_id"] for execution in executions["executions"]] == ["po-paid"]
    unknown = await client.get(f"{sandbox.base_url}/v1/payouts/po-never-sent", headers=sandbox.headers)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_a_paid_payout_that_comes_back_is_returned_with_its_reason_and_booked_out_and_in(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    sandbox = await start_sandbox(return_rate="1")
    accepted = (await sandbox_post(client, sandbox, "/v1/payouts", payout("po-bounced", receiver.url("/ok")))).json()

    stats = await eventually(lambda: settled(client, sandbox))

    assert (stats["executed"], stats["returned"], stats["callbacks_delivered"]) == (1, 1, 2)
    paid, returned = (verified(sandbox, callback) for callback in receiver.acknowledged())
    assert (paid["status"], returned["status"]) == ("paid", "returned")
    assert returned["reason"] == "beneficiary account closed"
    assert returned["reason_code"] == "AC04"
    assert receiver.acknowledged()[1].webhook_id != receiver.acknowledged()[0].webhook_id

    closed = await sandbox_post(client, sandbox, "/_sandbox/statements/close", None)
    assert closed.status_code == 200
    summary = closed.json()
    balances, entries = await asyncio.to_thread(read_camt053, Path(summary["path"]))
    reference = accepted["provider_reference"]
    assert entries == [
        StatementEntryRead("DBIT", Decimal("123.45"), reference, "po-bounced"),
        StatementEntryRead("CRDT", Decimal("123.45"), f"{reference}-RTN", "po-bounced"),
    ]
    # Opening 100,000,000.00 (the sandbox default), out 123.45 and back in 123.45.
    assert balances == {"OPBD": Decimal("100000000.00"), "CLBD": Decimal("100000000.00")}
    assert summary["opening_balance_minor"] == summary["closing_balance_minor"] == 10_000_000_000


async def test_a_callback_is_retried_until_the_receiver_acknowledges_it(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    sandbox = await start_sandbox()
    await sandbox_post(client, sandbox, "/v1/payouts", payout("po-retried", receiver.url("/flaky/2/callbacks")))

    await eventually(lambda: settled(client, sandbox))

    assert [callback.answered for callback in receiver.received] == [500, 500, 204]
    assert len({callback.webhook_id for callback in receiver.received}) == 1
    assert len({callback.body for callback in receiver.received}) == 1
    assert verified(sandbox, receiver.received[-1])["status"] == "paid"
    [delivery] = (await sandbox_get(client, sandbox, "/_sandbox/callbacks?request_id=po-retried"))["callbacks"]
    assert (delivery["state"], delivery["attempts"]) == ("delivered", 3)
    assert [attempt["http_status"] for attempt in delivery["attempt_log"]] == [500, 500, 204]


async def test_a_sandbox_killed_right_after_accepting_a_batch_settles_each_request_exactly_once_after_restart(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    sandbox = await start_sandbox(fail_rate="0.3", min_delay_ms="300", max_delay_ms="1500")
    request_ids = [f"po-batch-{n:02d}" for n in range(30)]
    bodies = [payout(request_id, receiver.url("/ok"), 10_000 + n) for n, request_id in enumerate(request_ids)]

    answers = await asyncio.gather(*(sandbox_post(client, sandbox, "/v1/payouts", body) for body in bodies))
    sandbox.kill()

    assert [answer.status_code for answer in answers] == [202] * len(bodies)
    assert await asyncio.to_thread(requests_awaiting_outcome, sandbox) > 0  # the kill interrupted real work
    sandbox.start()
    await sandbox.wait_until_ready()
    # ShipSettle, unsure what the bank got, sends everything again: nothing is paid twice.
    resent = await asyncio.gather(*(sandbox_post(client, sandbox, "/v1/payouts", body) for body in bodies))
    assert {answer.status_code for answer in resent} == {200}
    await assert_each_request_settled_exactly_once(client, sandbox, receiver, request_ids)


@pytest.mark.parametrize(
    "failpoint",
    ["accept.after_commit@3", "settle.after_commit@3", "callback.after_delivery@3"],
)
async def test_a_sandbox_that_dies_at_a_step_of_a_payment_neither_pays_twice_nor_loses_a_payment(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver, failpoint: str
) -> None:
    sandbox = await start_sandbox(fail_rate="0.2", failpoints=failpoint)
    request_ids = [f"po-step-{n:02d}" for n in range(8)]
    bodies = [payout(request_id, receiver.url("/ok"), 20_000 + n) for n, request_id in enumerate(request_ids)]

    for body in bodies:
        # When the sandbox dies mid-request the send is ambiguous; it is resolved below by sending again.
        with contextlib.suppress(httpx.TransportError):
            await sandbox_post(client, sandbox, "/v1/payouts", body)

    async def died() -> bool:
        return not sandbox.alive()

    await eventually(died, timeout_s=30)
    assert sandbox.process is not None
    assert sandbox.process.returncode == 137  # the failpoint's exit, not some other death
    sandbox.options.pop("--failpoints")
    sandbox.start()
    await sandbox.wait_until_ready()
    for body in bodies:
        assert (await sandbox_post(client, sandbox, "/v1/payouts", body)).status_code in (200, 202)

    await assert_each_request_settled_exactly_once(client, sandbox, receiver, request_ids)
    if failpoint.startswith("callback."):
        # The receiver acknowledged a callback the sandbox died before recording: sent again, same id.
        ids = [callback.webhook_id for callback in receiver.acknowledged()]
        assert len(ids) > len(set(ids))


async def test_a_refund_sandbox_refunds_once_by_callback_and_lists_outcomes_in_its_csv(
    start_sandbox: StartSandbox, client: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    sandbox = await start_sandbox("refund")
    scripted = await sandbox_post(
        client, sandbox, "/_sandbox/outcomes", {"request_id": "rf-refused", "outcome": "failed"}
    )
    paid = await sandbox_post(client, sandbox, "/v1/refunds", refund("rf-paid", receiver.url("/ok")))
    refused = await sandbox_post(client, sandbox, "/v1/refunds", refund("rf-refused", receiver.url("/ok")))
    again = await sandbox_post(client, sandbox, "/v1/refunds", refund("rf-paid", receiver.url("/ok")))
    wrong_kind = await sandbox_post(client, sandbox, "/v1/payouts", payout("po-1", receiver.url("/ok")))

    await eventually(lambda: settled(client, sandbox))

    assert scripted.json()["result"] == "scheduled"
    assert (paid.status_code, refused.status_code, again.status_code, wrong_kind.status_code) == (202, 202, 200, 404)
    outcomes = {payload["request_id"]: payload for payload in (verified(sandbox, c) for c in receiver.acknowledged())}
    assert outcomes["rf-paid"]["status"] == "paid"
    assert outcomes["rf-paid"]["kind"] == "refund"
    assert outcomes["rf-refused"]["status"] == "failed"
    assert outcomes["rf-refused"]["reason"] == "original transaction not refundable"
    executions = await sandbox_get(client, sandbox, "/_sandbox/executions")
    assert [execution["request_id"] for execution in executions["executions"]] == ["rf-paid"]

    statement = Path((await sandbox_post(client, sandbox, "/_sandbox/statements/close", None)).json()["path"])
    lines = (await asyncio.to_thread(statement.read_text)).splitlines()
    assert lines[0] == ",".join(REFUND_CSV_COLUMNS)
    rows = sorted(line.split(",")[:5] for line in lines[1:])
    assert rows == [
        ["rf-paid", paid.json()["provider_reference"], "paid", "1999", "CNY"],
        ["rf-refused", refused.json()["provider_reference"], "failed", "1999", "CNY"],
    ]
