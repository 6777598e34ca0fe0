"""httpx's API over aiohttp (shipsettle_shared/http_client.py), against real sockets on loopback:
requests and answers pass unchanged, and every network failure the load generator, the carrier
and the sandboxes retry on reaches them as one of httpx's transport errors."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from shipsettle_shared.http_client import aiohttp_backed_client

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in head[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return head[0], headers, body


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    servers: list[asyncio.Server] = []

    async def start(handler: Handler) -> str:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def test_a_request_and_its_answer_pass_unchanged(serve: Callable[[Handler], Awaitable[str]]) -> None:
    seen: list[tuple[str, dict[str, str], bytes]] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(2):  # two requests on one keep-alive connection
            request = await _read_request(reader)
            seen.append(request)
            body = json.dumps({"got": json.loads(request[2])}).encode()
            writer.write(
                b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nx-trace: t-1\r\n"
                + f"content-length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        writer.close()

    url = await serve(echo)
    async with aiohttp_backed_client(timeout=5, headers={"user-agent": "probe/1"}) as client:
        first = await client.post(
            f"{url}/v1/things?x=1", json={"amount_minor": 1999}, headers={"Idempotency-Key": "k-1"}
        )
        second = await client.post(f"{url}/v1/things", json={"amount_minor": 1})

    assert (first.status_code, first.json(), first.headers["x-trace"]) == (201, {"got": {"amount_minor": 1999}}, "t-1")
    assert second.json() == {"got": {"amount_minor": 1}}
    request_line, headers, _ = seen[0]
    assert request_line == "POST /v1/things?x=1 HTTP/1.1"
    assert headers["idempotency-key"] == "k-1"
    assert headers["user-agent"] == "probe/1"
    assert headers["content-type"] == "application/json"


async def test_a_refused_connection_is_an_httpx_transport_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with aiohttp_backed_client(timeout=5) as client:
        with pytest.raises(httpx.TransportError):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_a_server_that_dies_mid_answer_is_an_httpx_transport_error(
    serve: Callable[[Handler], Awaitable[str]],
) -> None:
    async def dies(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial')
        await writer.drain()
        writer.transport.abort()

    url = await serve(dies)
    async with aiohttp_backed_client(timeout=5) as client:
        with pytest.raises(httpx.TransportError):
            await client.post(f"{url}/v1/payouts", json={})


async def test_a_server_that_never_answers_is_an_httpx_timeout(serve: Callable[[Handler], Awaitable[str]]) -> None:
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await release.wait()
        writer.close()

    url = await serve(silent)
    try:
        async with aiohttp_backed_client(timeout=0.2) as client:
            with pytest.raises(httpx.TimeoutException):
                await client.get(f"{url}/v1/orders/o-1")
    finally:
        release.set()
