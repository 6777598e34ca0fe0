"""Running a simulator as a child process from a test or a launcher: start, wait until ready,
stop (SIGTERM) or kill (SIGKILL, like a crashed machine). Shared by the provider sandbox and the
carrier simulator, whose process classes only say how they are started."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class SimulatorChild:
    """Subclasses (dataclasses) provide ``port``, ``log_path``, ``env``, ``python`` (default
    ``sys.executable``), ``process`` and ``command()``, and name themselves in ``describe``."""

    port: int
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None
    python: str = sys.executable
    describe = "the simulator"

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, env: Mapping[str, str] | None = None) -> None:
        """Start the process; ``env`` adds to ``self.env`` for this start only."""
        assert not self.alive(), "already running"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env={**os.environ, **self.env, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup at all."""
        if self.process is not None and self.alive():
            self.process.kill()
        if self.process is not None:
            self.process.wait()

    def stop(self, timeout_s: float = 10) -> None:
        """SIGTERM, then SIGKILL after ``timeout_s``."""
        if self.process is None or not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def _not_running(self) -> RuntimeError:
        tail = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
        return RuntimeError(f"{self.describe} exited; log {self.log_path}:\n{tail}")

    def _not_ready(self, timeout_s: float) -> TimeoutError:
        return TimeoutError(f"{self.describe} was not ready within {timeout_s}s; log {self.log_path}")

    async def wait_until_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        # trust_env=False: no proxy from the environment; traffic stays on 127.0.0.1
        async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
            while time.monotonic() < deadline:
                if not self.alive():
                    raise self._not_running()
                try:
                    if (await client.get(f"{self.base_url}/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.05)
        raise self._not_ready(timeout_s)

    def wait_ready(self, timeout_s: float = 30) -> None:
        """``wait_until_ready`` for synchronous launchers."""
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2, trust_env=False) as client:
            while time.monotonic() < deadline:
                if not self.alive():
                    raise self._not_running()
                try:
                    if client.get(f"{self.base_url}/readyz").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        raise self._not_ready(timeout_s)
