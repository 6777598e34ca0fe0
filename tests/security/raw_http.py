"""HTTP/1.1 by hand, for requests no well-behaved client sends: a Content-Length whose body never
comes, a chunked body that does not stop. Each answer is read until the server closes."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

ANSWER_TIMEOUT_S = 30  # a bound on waiting, not a timed assertion: a server that reads on hangs


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _head(method: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _read_answer(reader: asyncio.StreamReader) -> RawAnswer:
    raw = await asyncio.wait_for(reader.read(), timeout=ANSWER_TIMEOUT_S)  # until the server closes
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return RawAnswer(int(status_line.split()[1]), headers, body)


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return out


async def declared_length_without_body(port: int, path: str, declared: int, headers: dict[str, str]) -> RawAnswer:
    """Declares ``declared`` bytes and sends none of them: only a server that answers without
    reading the body answers at all."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(_head("POST", port, path, {**headers, "Content-Length": str(declared), "Connection": "close"}))
        await writer.drain()
        return await _read_answer(reader)
    finally:
        writer.close()


async def chunked_body(
    port: int, path: str, total: int, headers: dict[str, str], *, finish: bool = False, chunk: int = 64 * 1024
) -> RawAnswer:
    """Sends ``total`` bytes as chunks, then waits for the answer. Unless ``finish``, the last
    (empty) chunk is never sent: a server that cuts at the limit answers, one that waits for the
    end of the body hangs."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(_head("POST", port, path, {**headers, "Transfer-Encoding": "chunked", "Connection": "close"}))
        sent = 0
        while sent < total:
            size = min(chunk, total - sent)
            writer.write(b"%x\r\n" % size + b"x" * size + b"\r\n")
            await writer.drain()
            sent += size
        if finish:
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        return await _read_answer(reader)
    finally:
        writer.close()


async def stream_until_cut(port: int, path: str, total: int, headers: dict[str, str], chunk: int = 64 * 1024) -> int:
    """Tries to stream ``total`` chunked bytes, as an attacker would, whatever the server answers;
    returns how many it could send before the server closed the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    try:
        writer.write(_head("POST", port, path, {**headers, "Transfer-Encoding": "chunked"}))
        payload = b"%x\r\n" % chunk + b"x" * chunk + b"\r\n"
        while sent < total:
            writer.write(payload)
            await asyncio.wait_for(writer.drain(), timeout=ANSWER_TIMEOUT_S)
            sent += chunk
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        await asyncio.wait_for(reader.read(), timeout=ANSWER_TIMEOUT_S)
    except (ConnectionResetError, BrokenPipeError):
        pass  # the server closed the connection: the point
    finally:
        writer.close()
    return sent


async def unfinished_chunked_request(
    port: int, path: str, headers: dict[str, str]
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A request whose chunked body has begun and does not end: the server holds it in flight until
    the caller closes the writer (or finishes the body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_head("POST", port, path, {**headers, "Transfer-Encoding": "chunked", "Connection": "close"}))
    writer.write(b"1\r\n{\r\n")
    await writer.drain()
    return reader, writer
