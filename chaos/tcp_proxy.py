"""A small TCP proxy on 127.0.0.1 that injects network faults between a service and Kafka or
PostgreSQL: added latency, a blackhole (connections stay open, nothing gets through), or resets
(every connection is cut with RST). No network namespaces, no routes: a client is pointed at the
proxy's port instead of the real one, and the proxy forwards to the real one on loopback.

    proxy = FaultProxy(listen_port=16432, target_port=5432)
    await proxy.start()
    proxy.set(Fault.LATENCY, latency_ms=200)   # or Fault.BLACKHOLE, Fault.RESET, Fault.NONE
    ...
    await proxy.stop()

Run on its own: ``python -m chaos.tcp_proxy --listen 16432 --target 5432`` (faults then come from
a chaos runner in the same process; the CLI forwards only, for trying a topology by hand).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import socket
import struct
from dataclasses import dataclass, field
from enum import StrEnum

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
CHUNK = 64 * 1024


class Fault(StrEnum):
    NONE = "none"
    LATENCY = "latency"  # each chunk waits latency_ms before it is forwarded
    BLACKHOLE = "blackhole"  # new and open connections stay up, nothing is forwarded
    RESET = "reset"  # open connections are cut with RST; new ones are accepted and cut at once


@dataclass
class FaultProxy:
    listen_port: int
    target_port: int
    fault: Fault = Fault.NONE
    latency_ms: int = 0
    connections_seen: int = 0
    resets_sent: int = 0
    _server: asyncio.base_events.Server | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    _flowing: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        self._flowing.set()
        self._server = await asyncio.start_server(self._accept, LOOPBACK, self.listen_port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for writer in list(self._writers):
            _reset(writer)

    def set(self, fault: Fault, *, latency_ms: int = 0) -> None:
        """Change the fault now; it applies to open connections as well as new ones."""
        self.fault, self.latency_ms = fault, latency_ms
        if fault is Fault.BLACKHOLE:
            self._flowing.clear()
        else:
            self._flowing.set()
        if fault is Fault.RESET:
            for writer in list(self._writers):
                self._cut(writer)
        logger.info("fault on :%d -> :%d is now %s", self.listen_port, self.target_port, fault.value)

    def _cut(self, writer: asyncio.StreamWriter) -> None:
        self.resets_sent += 1
        _reset(writer)
        self._writers.discard(writer)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections_seen += 1
        if self.fault is Fault.RESET:
            self._cut(client_writer)
            return
        try:
            target_reader, target_writer = await asyncio.open_connection(LOOPBACK, self.target_port)
        except OSError:
            self._cut(client_writer)
            return
        self._writers.update((client_writer, target_writer))
        await asyncio.gather(
            self._pipe(client_reader, target_writer, client_writer),
            self._pipe(target_reader, client_writer, target_writer),
        )

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, other: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                await self._flowing.wait()  # a blackhole holds everything back, silently
                if self.fault is Fault.LATENCY and self.latency_ms:
                    await asyncio.sleep(self.latency_ms / 1000)
                if writer.is_closing():
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            self._writers.discard(writer)
            self._writers.discard(other)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST rather than FIN: SO_LINGER on, timeout 0."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(Exception):
        writer.transport.abort()


async def _serve(listen: int, target: int) -> None:
    proxy = FaultProxy(listen, target)
    await proxy.start()
    logger.info("forwarding 127.0.0.1:%d -> 127.0.0.1:%d", listen, target)
    try:
        await asyncio.Event().wait()
    finally:
        await proxy.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--target", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.listen, args.target))


if __name__ == "__main__":
    main()
