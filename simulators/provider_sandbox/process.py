"""Start and kill a sandbox process from a test or a launcher.

    sandbox = SandboxProcess.create("payout", tmp_path, options={"--fail-rate": "0"})
    sandbox.start()
    await sandbox.wait_until_ready()
    ...
    sandbox.kill()  # SIGKILL, like a crashed machine; start() again on the same database

``headers`` is what every request to it needs (the bearer token).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simulators.child_process import SimulatorChild, free_port, new_webhook_secret

new_callback_secret = new_webhook_secret


@dataclass
class SandboxProcess(SimulatorChild):
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

    @property
    def describe(self) -> str:  # type: ignore[override]
        return f"the {self.kind} sandbox"

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
