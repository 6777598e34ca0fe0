"""The services' calls out (``service.outbound_http_client``, over aiohttp) fail one way whatever the
other side does wrong: a provider that is down, hangs up, hangs, or answers something that is not
HTTP is ``ProviderUnavailable`` (the payout or refund is sent again later; the provider
deduplicates), never an exception of the transport's own that a caller does not expect.

Each provider here is a real TCP server on 127.0.0.1 misbehaving in one way.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from shipsettle_shared.provider_client import ProviderClient, ProviderUnavailable
from shipsettle_shared.service import outbound_http_client

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

PAYOUT = {"request_id": "po-1", "amount_minor": 12_345, "currency": "CNY"}


@asynccontextmanager
async def provider(behaviour: Behaviour) -> AsyncIterator[str]:
    """A provider on a free loopback port that treats each connection with ``behaviour``."""
    connections: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        connections.add(task)
        try:
            await behaviour(reader, writer)
        finally:
            writer.close()
            connections.discard(task)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for task in list(connections):
            task.cancel()
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    await reader.readexactly(length)


async def answers_accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    body = json.dumps({"request_id": "po-1", "status": "accepted", "provider_reference": "bank-7"}).encode()
    writer.write(b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body))
    writer.write(body)
    await writer.drain()


async def hangs_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)  # then closes without a word


async def answers_garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"this is not HTTP at all\r\n\r\n")
    await writer.drain()


async def cuts_the_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"request_')
    await writer.drain()


async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    await asyncio.sleep(30)


async def sends_once(base_url: str, timeout_ms: int = 10_000) -> object:
    http = outbound_http_client()
    try:
        return await ProviderClient(http, base_url, "key", "payouts", timeout_ms=timeout_ms).send(PAYOUT)
    finally:
        await http.aclose()


async def test_an_answer_through_the_outbound_client_is_read_as_the_providers_status() -> None:
    async with provider(answers_accepted) as url:
        status = await sends_once(url)
    assert (status.request_id, status.status, status.provider_reference) == ("po-1", "accepted", "bank-7")  # type: ignore[attr-defined]


@pytest.mark.parametrize("behaviour", [hangs_up, answers_garbage, cuts_the_body], ids=lambda b: b.__name__)
async def test_a_provider_that_misbehaves_is_unavailable_and_nothing_else(behaviour: Behaviour) -> None:
    async with provider(behaviour) as url:
        with pytest.raises(ProviderUnavailable):
            await sends_once(url)


async def test_a_provider_that_never_answers_is_unavailable_after_the_calls_timeout() -> None:
    async with provider(never_answers) as url:
        with pytest.raises(ProviderUnavailable):
            await sends_once(url, timeout_ms=300)


async def test_a_provider_with_nothing_listening_is_unavailable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, closed again
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ProviderUnavailable):
        await sends_once(f"http://127.0.0.1:{port}")
