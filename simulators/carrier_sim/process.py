"""Start and kill a carrier simulator process from a test or a launcher.

    sim = CarrierSimProcess.create(tmp_path, logistics_url="http://127.0.0.1:8102",
                                   options={"--scan-interval-ms": "50"})
    sim.start()
    await sim.wait_until_ready()      # or sim.wait_ready() from synchronous code
    ...
    sim.kill()  # SIGKILL, like a crashed machine; start() again on the same database resumes

The secrets it signs with are ``kuaidi100_salt``, ``aftership_secret`` and ``native_secret``
(fresh random ones unless given); the receiver must be configured with the same.
"""

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
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def new_native_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class CarrierSimProcess:
    port: int
    logistics_url: str
    db_path: Path
    log_path: Path
    kuaidi100_salt: str
    aftership_secret: str
    native_secret: str
    options: dict[str, str] = field(default_factory=dict)  # more CLI options, e.g. {"--seed": "7"}
    env: dict[str, str] = field(default_factory=dict)
    python: str = sys.executable
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def create(
        cls,
        directory: Path,
        *,
        logistics_url: str,
        port: int | None = None,
        options: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
        kuaidi100_salt: str | None = None,
        aftership_secret: str | None = None,
        native_secret: str | None = None,
    ) -> CarrierSimProcess:
        """A simulator on ``port`` (default: a free 127.0.0.1 port) with its database and log in
        ``directory``."""
        return cls(
            port=port if port is not None else free_port(),
            logistics_url=logistics_url,
            db_path=directory / "carrier-sim.sqlite3",
            log_path=directory / "carrier-sim.log",
            kuaidi100_salt=kuaidi100_salt or secrets.token_urlsafe(16),
            aftership_secret=aftership_secret or secrets.token_urlsafe(24),
            native_secret=native_secret or new_native_secret(),
            options=dict(options or {}),
            env=dict(env or {}),
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        # ``--name=value``: a secret may begin with "-", which argparse would take for an option.
        options = {
            "--port": str(self.port),
            "--logistics-url": self.logistics_url,
            "--db": str(self.db_path),
            "--kuaidi100-salt": self.kuaidi100_salt,
            "--aftership-secret": self.aftership_secret,
            "--native-secret": self.native_secret,
            **self.options,
        }
        return [self.python, "-m", "simulators.carrier_sim", *(f"{name}={value}" for name, value in options.items())]

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
        return RuntimeError(f"the carrier simulator exited; log {self.log_path}:\n{tail}")

    async def wait_until_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
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
        raise TimeoutError(f"the carrier simulator was not ready within {timeout_s}s; log {self.log_path}")

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
        raise TimeoutError(f"the carrier simulator was not ready within {timeout_s}s; log {self.log_path}")
