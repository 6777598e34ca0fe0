"""SSRF through the webhook endpoints, on the real settlement-svc with its allow-list empty: every
target of the matrix is refused when a merchant or the platform sets it, and again when a
notification is due for an endpoint that names it (an endpoint stored before this rule, or whose
name resolves elsewhere since): the listeners on those loopback addresses see no connection, and
the merchant is told only "address not allowed". A redirect from an allowed receiver is not
followed. The matrix's counts are printed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from e2e.platform_support import Platform, bearer
from local import ServiceProcess, service_process
from security_support import SECURITY_DB_SUFFIX, SECURITY_PORT_OFFSET
from sqlalchemy import text
from support import TEST_KAFKA, engine_for, eventually, fresh_service_database

from settlement_svc.adapters.tables import WebhookEndpointRow
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.service_layer import notifications
from shipsettle_shared.db import session_factory, unit_of_work
from shipsettle_shared.topology import SERVICES_BY_NAME

pytestmark = pytest.mark.infra

REFUSAL = "address not allowed"


class ConnectionRecorder:
    """Listens on 127.0.0.1 and ::1 on one port and counts every connection made to it; answers
    204, so a request that got through would be a delivered notification."""

    def __init__(self) -> None:
        self.connections: list[str] = []
        self.port = 0
        self._servers: list[asyncio.Server] = []

    async def start(self, hosts: tuple[str, ...] = ("127.0.0.1", "::1")) -> None:
        for _ in range(20):  # a port free on both addresses
            first = await asyncio.start_server(self._handle, hosts[0], 0)
            self.port = first.sockets[0].getsockname()[1]
            try:
                rest = [await asyncio.start_server(self._handle, host, self.port) for host in hosts[1:]]
            except OSError:
                first.close()
                continue
            self._servers = [first, *rest]
            return
        raise RuntimeError("no port free on every listening address")

    async def close(self) -> None:
        for server in self._servers:
            server.close()
            await server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections.append(str(writer.get_extra_info("sockname")[0]))
        writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()


class RedirectingReceiver:
    """An allowed receiver on 127.0.0.2 that answers every notification with a 302 to
    ``/redirect/<host>/<port>`` of its path."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.2", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = (await reader.readline()).decode()
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        path = request_line.split()[1]
        self.paths.append(path)
        _, _, host, port = path.split("/")[:4]
        location = f"http://{host}:{port}/followed"
        writer.write(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode())
        await writer.drain()
        writer.close()


@dataclass
class Matrix:
    tries: int = 0
    refused: int = 0
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def record(self, target: str, how: str, outcome: str) -> None:
        self.tries += 1
        self.refused += outcome == REFUSAL
        self.rows.append((target, how, outcome))


@pytest.fixture
async def recorder() -> AsyncIterator[ConnectionRecorder]:
    recorder = ConnectionRecorder()
    await recorder.start()
    yield recorder
    await recorder.close()


def _targets(port: int) -> dict[str, str]:
    return {
        "127.0.0.1": f"http://127.0.0.1:{port}/hook",
        "::1": f"http://[::1]:{port}/hook",
        "10.0.0.1": f"http://10.0.0.1:{port}/hook",
        "169.254.169.254": "http://169.254.169.254/latest/meta-data/",
        "localhost (a name resolving to loopback)": f"http://localhost:{port}/hook",
        "::ffff:127.0.0.1 (IPv4-mapped)": f"http://[::ffff:127.0.0.1]:{port}/hook",
        "2002:7f00:1::1 (6to4 of 127.0.0.1)": f"http://[2002:7f00:1::1]:{port}/hook",
        "fd00:ec2::254 (metadata over IPv6)": "http://[fd00:ec2::254]/latest/meta-data/",
    }


async def _queue_notification(database_url: str, recipient: str, url: str) -> None:
    """An endpoint as if stored before this rule (or resolving elsewhere since), and a
    notification due for it now: the real scheduler of the service delivers it."""
    now = datetime.now(UTC)
    async with engine_for(database_url) as engine, unit_of_work(session_factory(engine)) as session:
        await session.merge(
            WebhookEndpointRow(merchant_id=recipient, url=url, secret=notifications.new_secret(), updated_at=now)
        )
        await notifications.notify(
            SqlSettlementUnitOfWork(session), recipient, "test.ssrf", {"url": url}, now=now, endpoint_known=True
        )


async def _attempts(database_url: str, recipient: str) -> list[dict[str, Any]]:
    async with engine_for(database_url) as engine, engine.connect() as connection:
        rows = await connection.execute(
            text(
                "select a.status_code, a.error from notification_attempts a join notifications n"
                " using (notification_id) where n.merchant_id = :recipient order by a.id"
            ),
            {"recipient": recipient},
        )
        return [dict(row._mapping) for row in rows]


async def _stored_endpoints(database_url: str, recipient: str) -> int:
    async with engine_for(database_url) as engine, engine.connect() as connection:
        count = await connection.scalar(
            text("select count(*) from merchant_webhook_endpoints where merchant_id = :r"), {"r": recipient}
        )
        return int(count or 0)


async def _wait_until_keys_work(platform: Platform, client: httpx.AsyncClient) -> None:
    settlement = platform.url("settlement-svc")
    for key in platform.keys.values():

        async def accepted(api_key: dict[str, str] = key) -> bool:
            response = await client.get(f"{settlement}/v1/ops/bus-probes/none", headers=bearer(api_key))
            return response.status_code != 401

        await eventually(accepted, timeout_s=60)


async def test_the_ssrf_matrix_is_refused_at_registration_and_at_delivery_without_a_connection(
    security_platform: Platform, recorder: ConnectionRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    settlement = security_platform.url("settlement-svc")
    database_url = security_platform.database_urls["settlement-svc"]
    merchant = security_platform.keys["merchant"]
    matrix = Matrix()
    targets = _targets(recorder.port)
    async with httpx.AsyncClient(timeout=30) as client:
        await _wait_until_keys_work(security_platform, client)
        for target, url in targets.items():
            for how, path, key in (
                ("merchant registration", f"/v1/merchants/{merchant['merchant_id']}/webhook-endpoint", merchant),
                ("platform registration", "/v1/platform/webhook-endpoint", security_platform.keys["platform"]),
            ):
                response = await client.put(f"{settlement}{path}", json={"url": url}, headers=bearer(key))
                assert response.status_code == 422, (target, how, response.text)
                assert response.headers["content-type"] == "application/problem+json"
                problem = response.json()
                assert problem["type"].endswith("/webhook-endpoint-refused")
                # the generic reason, and nothing of a resolver's or a connection's own words
                assert problem["errors"] == [{"field": "body.url", "message": REFUSAL}]
                assert problem["detail"] == f"notifications cannot be sent to this URL: {REFUSAL}"
                matrix.record(target, how, problem["errors"][0]["message"])
        assert await _stored_endpoints(database_url, merchant["merchant_id"]) == 0
        assert await _stored_endpoints(database_url, notifications.PLATFORM_RECIPIENT) == 0

        # Delivery: each target as a stored endpoint with a notification due; the merchant's own
        # (127.0.0.1) is read back through its API, as the merchant sees it.
        run = uuid.uuid4().hex[:6]
        recipients = {target: f"m-ssrf-{run}-{index}" for index, target in enumerate(targets)}
        recipients["127.0.0.1"] = merchant["merchant_id"]
        for target, recipient in recipients.items():
            await _queue_notification(database_url, recipient, targets[target])
        for target, recipient in recipients.items():

            async def attempted(recipient: str = recipient) -> list[dict[str, Any]]:
                return await _attempts(database_url, recipient)

            first = (await eventually(attempted, timeout_s=60))[0]
            assert first == {"status_code": None, "error": REFUSAL}, (target, first)
            matrix.record(target, "delivery", first["error"])
        log = await client.get(
            f"{settlement}/v1/merchants/{merchant['merchant_id']}/notifications", headers=bearer(merchant)
        )
        assert log.status_code == 200, log.text
        [notification] = log.json()["items"]
        assert notification["delivered_at"] is None
        assert {attempt["error"] for attempt in notification["attempts"]} == {REFUSAL}

    # every attempt was refused before a socket was opened: the loopback listeners saw nothing
    assert recorder.connections == []
    with capsys.disabled():  # shown in every run, not only a failing one
        print(
            f"\nSSRF matrix: {len(targets)} targets x (merchant registration, platform registration, delivery) = "
            f"{matrix.tries} tries, {matrix.refused} refused, {len(recorder.connections)} connections to the listeners"
        )
        for row in matrix.rows:
            print("  " + " | ".join(row))
    assert matrix.refused == matrix.tries == 3 * len(targets)


@pytest.fixture
async def redirect_settlement() -> AsyncIterator[ServiceProcess]:
    """settlement-svc whose allow-list holds 127.0.0.2 only (the redirecting receiver), on a
    database of its own; it runs only its timer scheduler (nothing from the bus)."""
    spec = SERVICES_BY_NAME["settlement-svc"]
    suffix = SECURITY_DB_SUFFIX + "_redirect"
    await fresh_service_database(spec.name, suffix)
    process = service_process(
        spec,
        bootstrap=TEST_KAFKA,
        db_suffix=suffix,
        port_offset=SECURITY_PORT_OFFSET + 10,
        environment="test",
        extra_env={
            "SHIPSETTLE_ROLES": "scheduler",
            "SHIPSETTLE_WEBHOOK_ALLOWED_HOSTS": "127.0.0.2",
            "SHIPSETTLE_CONSUMER_GROUP_PREFIX": f"security-redirect-{uuid.uuid4().hex[:8]}.",
        },
        instance="security-redirect",
    )
    process.start()
    try:
        await asyncio.to_thread(process.wait_ready)
        yield process
    finally:
        process.stop()


async def test_a_redirect_from_an_allowed_receiver_is_not_followed(
    redirect_settlement: ServiceProcess, recorder: ConnectionRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    allowed_listener = ConnectionRecorder()  # on 127.0.0.2: allowed, so only not following keeps it quiet
    await allowed_listener.start(("127.0.0.2",))
    receiver = RedirectingReceiver()
    await receiver.start()
    database_url = redirect_settlement.env["SHIPSETTLE_DATABASE_URL"]
    run = uuid.uuid4().hex[:6]
    redirects = {
        f"m-redirect-{run}-loopback": ("127.0.0.1", recorder.port),
        f"m-redirect-{run}-allowed": ("127.0.0.2", allowed_listener.port),
    }
    try:
        for recipient, (host, port) in redirects.items():
            await _queue_notification(
                database_url, recipient, f"http://127.0.0.2:{receiver.port}/redirect/{host}/{port}"
            )
        for recipient in redirects:

            async def attempted(recipient: str = recipient) -> list[dict[str, Any]]:
                return await _attempts(database_url, recipient)

            # the 302 is the answer, recorded (and retried later) like any other non-2xx
            assert (await eventually(attempted, timeout_s=60))[0] == {"status_code": 302, "error": None}
    finally:
        await receiver.close()
        await allowed_listener.close()
    assert set(receiver.paths) == {f"/redirect/{host}/{port}" for host, port in redirects.values()}
    assert recorder.connections == []
    assert allowed_listener.connections == []
    with capsys.disabled():
        print(f"\nSSRF redirects: {len(redirects)} 302s answered by an allowed receiver, 0 followed")
