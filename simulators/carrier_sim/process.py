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

import secrets
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simulators.child_process import SimulatorChild, free_port, new_webhook_secret

new_native_secret = new_webhook_secret


@dataclass
class CarrierSimProcess(SimulatorChild):
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

    describe = "the carrier simulator"

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
