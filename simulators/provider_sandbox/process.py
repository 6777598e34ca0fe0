"""Start and kill a sandbox process from a test or a launcher.

    sandbox = SandboxProcess.create("payout", tmp_path, options={"--fail-rate": "0"})
    sandbox.start()
    await sandbox.wait_until_ready()
    ...
    sandbox.kill()  # SIGKILL, like a crashed machine; start() again on the same database

``headers`` is what every request to it needs (the bearer token).
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


def new_callback_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class SandboxProcess:
    kind: str
    port: int
    db_path: Path
    statement_dir: Path
    log_path: Path
    api_secret: str
    callback_secret: str
    options: dict[str, str] = field(default_factory=dict)  # more CLI options, e.g. {"--fail-rate": "0"}
    env: dict[str, str] = field(default_factory=dict)
    python: str = sys.executable
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def create(
        cls,
        kind: str,
        directory: Path,
        *,
        options: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> SandboxProcess:
        """A sandbox on a free 127.0.0.1 port with its database, statements and log in ``directory``."""
        return cls(
            kind=kind,
            port=free_port(),
            db_path=directory / f"{kind}-sandbox.sqlite3",
            statement_dir=directory / "statements",
            log_path=directory / f"{kind}-sandbox.log",
            api_secret=secrets.token_urlsafe(24),
            callback_secret=new_callback_secret(),
            options=dict(options or {}),
            env=dict(env or {}),
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_secret}"}

    def command(self) -> list[str]:
        # ``--name=value``: a secret may begin with "-", which argparse would take for an option.
        options = {
            "--kind": self.kind,
            "--host": "127.0.0.1",
            "--port": str(self.port),
            "--db": str(self.db_path),
            "--statement-dir": str(self.statement_dir),
            "--api-secret": self.api_secret,
            "--callback-secret": self.callback_secret,
            **self.options,
        }
        return [
            self.python,
            "-m",
            "simulators.provider_sandbox",
            *(f"{name}={value}" for name, value in options.items()),
        ]

    def start(self, *, env: Mapping[str, str] | None = None) -> None:
        """Start the process; ``env`` adds to ``self.env`` for this start only (e.g. a failpoint)."""
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
        if self.process is None or not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def _not_running(self) -> RuntimeError:
        tail = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
        return RuntimeError(f"the {self.kind} sandbox exited; log {self.log_path}:\n{tail}")

    async def wait_until_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                if not self.alive():
                    raise self._not_running()
                try:
                    if (await client.get(f"{self.base_url}/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"the {self.kind} sandbox was not ready within {timeout_s}s; log {self.log_path}")

    def wait_ready(self, timeout_s: float = 30) -> None:
        """``wait_until_ready`` for synchronous launchers."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                raise self._not_running()
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"the {self.kind} sandbox was not ready within {timeout_s}s; log {self.log_path}")
