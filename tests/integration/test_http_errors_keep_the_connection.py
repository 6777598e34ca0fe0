"""Keep-alive connections a service must not cut. Issue 16: a 500 used to cut the client's
connection (Starlette's handler for ``Exception`` answers and then re-raises for the server to
log; uvicorn, seeing an exception after the response started, closed the connection). And a
connection idle as long as a client's pool keeps one (5 s) was closed by the server at the same
moment, so a client's request on it now and then failed without reaching the service. Here a real
uvicorn, configured as ``serve`` configures it, serves an assembled service on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import APIRouter

from shipsettle_shared.http_client import SERVER_KEEP_ALIVE_S
from shipsettle_shared.service import ServiceDefinition, create_app, server_config
from shipsettle_shared.settings import ServiceSettings

router = APIRouter()


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("an error nobody expected")


@router.get("/echo/{value}")
async def echo(value: str) -> dict[str, str]:
    return {"value": value}


@pytest.fixture
async def server_port() -> AsyncIterator[int]:
    settings = ServiceSettings(service_name="keepalive-svc", database_url="postgresql+asyncpg://x@127.0.0.1/x")
    definition = ServiceDefinition(
        name="keepalive-svc", title="t", description="d", migrations_dir=Path("."), routers=(router,)
    )
    # No lifespan: this service needs neither database nor broker for these routes.
    config = server_config(create_app(definition, settings), "127.0.0.1", 0)
    config.lifespan = "off"
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: str) -> tuple[int, bytes]:
    writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    status = int(head.split(b" ", 2)[1])
    headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:] if line)
    assert headers.get(b"connection") != b"close"
    body = await asyncio.wait_for(reader.readexactly(int(headers[b"content-length"])), timeout=10)
    return status, body


async def test_a_500_a_422_and_a_200_travel_on_one_keep_alive_connection(server_port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server_port)
    try:
        status, body = await _exchange(reader, writer, "/boom")
        assert status == 500
        assert b"internal-error" in body

        status, body = await _exchange(reader, writer, "/echo/A%00B")  # the shared text rule
        assert status == 422
        assert b"unstorable-text" in body

        status, body = await _exchange(reader, writer, "/echo/fine")
        assert (status, body) == (200, b'{"value":"fine"}')
    finally:
        writer.close()


# httpx's and aiohttp's pools keep an idle connection 5 s; the server must keep it longer.
CLIENT_KEEP_ALIVE_S = 5.0


async def test_a_connection_idle_as_long_as_a_client_keeps_one_still_carries_a_request(server_port: int) -> None:
    assert SERVER_KEEP_ALIVE_S > CLIENT_KEEP_ALIVE_S
    reader, writer = await asyncio.open_connection("127.0.0.1", server_port)
    try:
        assert (await _exchange(reader, writer, "/echo/first"))[0] == 200
        await asyncio.sleep(CLIENT_KEEP_ALIVE_S + 1)  # the idle time itself is what is tested
        status, body = await _exchange(reader, writer, "/echo/later")
        assert (status, body) == (200, b'{"value":"later"}')
    finally:
        writer.close()
