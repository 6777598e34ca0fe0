"""The loopback fault proxy: it forwards, holds traffic back in a blackhole and lets it through
again, cuts connections with a reset, and delays every chunk with latency — against a real echo
server on 127.0.0.1, bounded in time."""

from __future__ import annotations

import asyncio
import socket

import pytest

from chaos.tcp_proxy import Fault, FaultProxy

pytestmark = pytest.mark.infra


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(1024):
        writer.write(data)
        await writer.drain()
    writer.close()


@pytest.fixture
async def proxy():  # type: ignore[no-untyped-def]
    target = free_port()
    server = await asyncio.start_server(echo, "127.0.0.1", target)
    proxy = FaultProxy(listen_port=free_port(), target_port=target)
    await proxy.start()
    yield proxy
    await proxy.stop()
    server.close()
    await server.wait_closed()


async def roundtrip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, text: bytes) -> bytes:
    writer.write(text)
    await writer.drain()
    return await reader.readexactly(len(text))


async def test_it_forwards_and_a_blackhole_holds_traffic_until_it_is_lifted(proxy: FaultProxy) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
    assert await roundtrip(reader, writer, b"hello") == b"hello"
    proxy.set(Fault.BLACKHOLE)
    writer.write(b"lost?")
    await writer.drain()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.readexactly(5), timeout=0.5)
    proxy.set(Fault.NONE)  # nothing was dropped: it was only held
    assert await asyncio.wait_for(reader.readexactly(5), timeout=5) == b"lost?"
    writer.close()


async def test_a_reset_cuts_open_connections_and_refuses_new_ones(proxy: FaultProxy) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
    assert await roundtrip(reader, writer, b"ping") == b"ping"
    proxy.set(Fault.RESET)
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await asyncio.wait_for(roundtrip(reader, writer, b"ping"), timeout=5)
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await asyncio.wait_for(roundtrip(reader, writer, b"ping"), timeout=5)
    assert proxy.resets_sent >= 2
    proxy.set(Fault.NONE)
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
    assert await asyncio.wait_for(roundtrip(reader, writer, b"back"), timeout=5) == b"back"
    writer.close()


async def test_latency_delays_but_delivers_everything_in_order(proxy: FaultProxy) -> None:
    proxy.set(Fault.LATENCY, latency_ms=50)
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
    received = b"".join(
        [await asyncio.wait_for(roundtrip(reader, writer, bytes([65 + i])), timeout=5) for i in range(5)]
    )
    assert received == b"ABCDE"
    writer.close()
