"""Request bodies are limited per route before authentication, on the real services: an oversized
body, declared or streamed, is a 413 problem (not a 401) to a caller without any key, nothing is
stored, and the server's memory stays bounded while a client streams far more than the limit."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e.platform_support import Platform
from raw_http import RawAnswer, chunked_body, declared_length_without_body, stream_until_cut
from sqlalchemy import text
from support import engine_for

from shipsettle_shared.body_limits import CALLBACK_BODY_LIMIT_BYTES, DEFAULT_BODY_LIMIT_BYTES, MIB

pytestmark = pytest.mark.infra

VOUCHER_LIMIT_BYTES = 5 * MIB + 64 * 1024  # the voucher's 5 MiB and the multipart envelope's 64 KiB
IMPORT_LIMIT_BYTES = 20 * MIB  # recon's stated limit for a day's statement file


@dataclass(frozen=True)
class LimitedRoute:
    name: str
    service: str
    path: str
    content_type: str
    limit_bytes: int
    stored_in: str  # the table a request of this route writes (or keeps a refusal in)


ROUTES = (
    # Kuaidi100's push keeps an unreadable body in rejected_webhooks: a webhook that stores first
    LimitedRoute(
        "webhook",
        "logistics-svc",
        "/v1/webhooks/kuaidi100",
        "application/x-www-form-urlencoded",
        CALLBACK_BODY_LIMIT_BYTES,
        "rejected_webhooks",
    ),
    LimitedRoute(
        "voucher upload",
        "settlement-svc",
        "/v1/merchants/m-anyone/vouchers",
        "multipart/form-data; boundary=limit",
        VOUCHER_LIMIT_BYTES,
        "vouchers",
    ),
    LimitedRoute(
        "statement import",
        "recon-svc",
        "/v1/statement-imports?source=camt053",
        "application/xml",
        IMPORT_LIMIT_BYTES,
        "statement_imports",
    ),
    LimitedRoute("ordinary JSON", "order-svc", "/v1/orders", "application/json", DEFAULT_BODY_LIMIT_BYTES, "orders"),
)


def _port(platform: Platform, service: str) -> int:
    return platform.processes[service].port


async def _rows(platform: Platform, route: LimitedRoute) -> int:
    async with engine_for(platform.database_urls[route.service]) as engine, engine.connect() as connection:
        return int(await connection.scalar(text(f"select count(*) from {route.stored_in}")))  # noqa: S608 - our names


def _assert_refused_as_too_large(answer: RawAnswer, route: LimitedRoute) -> None:
    assert answer.status == 413, (route.name, answer.status, answer.body[:300])
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"].endswith("/body-too-large")
    assert problem["limit_bytes"] == route.limit_bytes
    assert answer.headers.get("connection") == "close"


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
async def test_a_declared_length_over_the_limit_is_refused_at_once_without_a_key(
    security_platform: Platform, route: LimitedRoute
) -> None:
    before = await _rows(security_platform, route)
    # one byte over; the body is never sent, so only an answer given without reading comes back
    answer = await declared_length_without_body(
        _port(security_platform, route.service), route.path, route.limit_bytes + 1, {"Content-Type": route.content_type}
    )
    _assert_refused_as_too_large(answer, route)
    assert await _rows(security_platform, route) == before


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
async def test_a_chunked_body_is_cut_one_byte_past_the_limit_without_a_key(
    security_platform: Platform, route: LimitedRoute
) -> None:
    before = await _rows(security_platform, route)
    # limit + 1 bytes and no end of the body: answered once the byte past the limit is read
    answer = await chunked_body(
        _port(security_platform, route.service), route.path, route.limit_bytes + 1, {"Content-Type": route.content_type}
    )
    _assert_refused_as_too_large(answer, route)
    assert await _rows(security_platform, route) == before


async def test_a_body_of_exactly_the_limit_is_handed_on_to_authentication(security_platform: Platform) -> None:
    """The limit refuses only what is over it: a chunked body of exactly the limit is read whole
    and handed on, and the route's own checks answer it (no key, or a body that is no JSON or
    multipart form: 401, 400 or 422 — never the limit's 413)."""
    for route in ROUTES:
        answer = await chunked_body(
            _port(security_platform, route.service),
            route.path,
            route.limit_bytes,
            {"Content-Type": route.content_type},
            finish=True,
        )
        assert answer.status in (400, 401, 422), (route.name, answer.status, answer.body[:300])


def _memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (the most resident since start) of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


async def test_the_server_memory_stays_bounded_while_clients_stream_far_more_than_the_limit(
    security_platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    route = ROUTES[-1]  # 1 MiB: an ordinary JSON route, no key
    process = security_platform.processes[route.service].process
    assert process is not None
    before = _memory_kib(process.pid)
    clients, attempted_bytes = 4, 48 * MIB
    # four at once, each trying to send 48 MiB: without a limit 192 MiB would be held at once
    sent = await asyncio.gather(
        *(
            stream_until_cut(
                _port(security_platform, route.service),
                route.path,
                attempted_bytes,
                {"Content-Type": route.content_type},
            )
            for _ in range(clients)
        )
    )
    after = _memory_kib(process.pid)
    rss_growth_mib = (after["VmRSS"] - before["VmRSS"]) / 1024
    peak_growth_mib = (after["VmHWM"] - max(before["VmHWM"], before["VmRSS"])) / 1024
    with capsys.disabled():  # shown in every run, not only a failing one
        print(
            f"\nbody limit under streaming: {clients} clients tried {attempted_bytes // MIB} MiB each to a "
            f"{route.limit_bytes // MIB} MiB route, sent {[s // MIB for s in sent]} MiB before the cut; "
            f"server RSS {before['VmRSS'] // 1024} -> {after['VmRSS'] // 1024} MiB, peak grew {peak_growth_mib:.1f} MiB"
        )
    # Each request holds at most its limit plus one read buffer: 4 x (1 MiB + 64 KiB) and slack.
    assert rss_growth_mib < 24
    assert peak_growth_mib < 24
    assert all(s < attempted_bytes for s in sent)  # every stream was cut, none read to its end
