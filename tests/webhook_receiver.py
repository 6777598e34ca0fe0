"""A stand-in for whoever receives ShipSettle's (or a provider's) webhooks in tests: a tiny
HTTP server on 127.0.0.1 that records every request and can refuse the first attempts."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReceivedCallback:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.body)
        return payload

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.answered < 300


class CallbackReceiver:
    """ShipSettle's side of the callbacks, reduced to recording them. ``/flaky/N/...`` answers
    500 to the first N attempts of each ``webhook-id``, then 204; any other path answers 204."""

    def __init__(self) -> None:
        self.received: list[ReceivedCallback] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def acknowledged(self) -> list[ReceivedCallback]:
        return [callback for callback in self.received if callback.acknowledged]

    def final_statuses(self) -> dict[str, str]:
        """Each request's last acknowledged status, deduplicated on ``webhook-id`` as a receiver must."""
        seen: dict[str, ReceivedCallback] = {}
        for callback in self.acknowledged():
            seen.setdefault(callback.webhook_id, callback)
        statuses: dict[str, str] = {}
        for callback in seen.values():
            payload = callback.payload
            if payload["request_id"] not in statuses or payload["status"] == "returned":
                statuses[payload["request_id"]] = payload["status"]
        return statuses

    def _answer(self, path: str, webhook_id: str) -> int:
        parts = path.strip("/").split("/")
        if parts[0] == "flaky":
            refusals = int(parts[1])
            earlier = [c for c in self.received if c.path == path and c.headers.get("webhook-id") == webhook_id]
            return 500 if len(earlier) < refusals else 204
        return 204

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await reader.readline()).decode()
            if not request_line:
                return
            _, path, _ = request_line.split(" ", 2)
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            answered = self._answer(path, headers.get("webhook-id", ""))
            self.received.append(ReceivedCallback(path, headers, body, answered))
            reason = "No Content" if answered == 204 else "Internal Server Error"
            writer.write(f"HTTP/1.1 {answered} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode())
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
