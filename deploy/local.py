"""The whole platform on this machine: Kafka, PostgreSQL and the five services as processes.

    python deploy/local.py run            # make run: start everything, print keys and URLs,
                                          # stop what it started on Ctrl-C
    python deploy/local.py infra [--kafka-port 19092] [--db-suffix _test]

The test suite uses the same functions (tests/conftest.py) with its own broker port and its
own databases, so tests never disturb a `make run` on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "shared"))

from shipsettle_shared.kafka_access import grant_consumer_groups_blocking  # noqa: E402
from shipsettle_shared.migrations import upgrade_service_database  # noqa: E402
from shipsettle_shared.settings import DEVELOPMENT_CALLBACK_SECRET, DEVELOPMENT_PROVIDER_API_KEY  # noqa: E402
from shipsettle_shared.topology import (  # noqa: E402
    SERVICES,
    SERVICES_BY_NAME,
    ServiceDatabaseUrls,
    ServiceSpec,
    service_database_urls,
)

PYTHON = str(ROOT / ".venv" / "bin" / "python")
LOG_DIR = ROOT / "var" / "log"
# The local administrator role (deploy/postgres/postgres.sh): creates and drops databases, and is
# a member of every service's migration owner. The services never connect as it.
ADMIN_DSN = "postgresql://shipsettle:shipsettle@127.0.0.1:5432/postgres"


def _run(command: Sequence[str], env: Mapping[str, str] | None = None) -> None:
    subprocess.run(list(command), check=True, cwd=ROOT, env={**os.environ, **(env or {})})


def kafka_running(port: int) -> bool:
    status = subprocess.run(
        ["bash", "deploy/kafka/kafka.sh", "status"],
        cwd=ROOT,
        env={**os.environ, "KAFKA_PORT": str(port)},
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


def postgres_running() -> bool:
    status = subprocess.run(
        ["bash", "deploy/postgres/postgres.sh", "status"], cwd=ROOT, capture_output=True, check=False
    )
    return status.returncode == 0


def start_kafka(port: int) -> str:
    _run(["bash", "deploy/kafka/kafka.sh", "start"], {"KAFKA_PORT": str(port)})
    bootstrap = f"127.0.0.1:{port}"
    _run([PYTHON, "-m", "shipsettle_shared.topics", "ensure", "--bootstrap", bootstrap])
    return bootstrap


def stop_kafka(port: int) -> None:
    _run(["bash", "deploy/kafka/kafka.sh", "stop"], {"KAFKA_PORT": str(port)})


def start_postgres(db_suffix: str = "") -> None:
    _run(["bash", "deploy/postgres/postgres.sh", "start"])
    _run(["bash", "deploy/postgres/postgres.sh", "create-databases", db_suffix])


async def recreate_service_database(spec: ServiceSpec, db_suffix: str) -> ServiceDatabaseUrls:
    """A new, empty database for ``spec`` (dropped first if it exists) owned by the service's
    migration owner, with its migrations applied as that owner and its runtime role's privileges
    granted: what a service started by ``service_process`` finds. The roles come from
    ``deploy/postgres/postgres.sh start``."""
    name = spec.database + db_suffix
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        owner_ready = await connection.fetchval(
            "select exists(select from pg_roles r where r.rolname = $1 and pg_has_role(current_user, r.oid, 'member'))",
            spec.owner_role,
        )
        if not owner_ready:
            raise RuntimeError(
                f"the role {spec.owner_role} does not exist or shipsettle is not its member: "
                "run `bash deploy/postgres/postgres.sh start` (it creates the service roles)"
            )
        await connection.execute(f'drop database if exists "{name}" with (force)')
        await connection.execute(f'create database "{name}" owner "{spec.owner_role}"')
    finally:
        await connection.close()
    urls = service_database_urls(spec, db_suffix)
    await asyncio.to_thread(
        upgrade_service_database,
        ROOT / spec.directory / "migrations",
        database_url=urls.runtime,
        migration_database_url=urls.owner,
    )
    return urls


@dataclass
class ServiceProcess:
    spec: ServiceSpec
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    instance: str = "1"
    restarts: int = field(default=0)
    args: tuple[str, ...] = ()
    # CPU priority (nice): a worker that does the work behind an acknowledgement can yield to the
    # instance that acknowledges when CPUs are saturated, and catch up after the burst.
    niceness: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        group_prefix = self.env.get("SHIPSETTLE_CONSUMER_GROUP_PREFIX", "")
        if group_prefix:
            # The broker lets a service into its own consumer groups only: those under a prefix
            # (a test run or driver sharing the broker) are granted first (kafka_access.py).
            grant_consumer_groups_blocking(self.env["SHIPSETTLE_KAFKA_BOOTSTRAP_SERVERS"], group_prefix)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it for its lifetime
        nice = ["nice", "-n", str(self.niceness)] if self.niceness else []
        self.process = subprocess.Popen(
            [*nice, PYTHON, "-m", self.spec.package, *self.args],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no offset commit, like a crashed machine."""
        if self.process is not None and self.alive():
            self.process.kill()
            self.process.wait()

    def stop(self, timeout_s: float = 15) -> None:
        stop_all([self], timeout_s)

    def wait_ready(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        last_error = "not started"
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.spec.name} exited; see {self.log_path}")
            try:
                response = httpx.get(f"{self.base_url}/readyz", timeout=2)
                if response.status_code == 200:
                    return
                last_error = response.text
            except httpx.HTTPError as error:
                last_error = repr(error)
            time.sleep(0.25)
        raise TimeoutError(f"{self.spec.name} not ready after {timeout_s}s: {last_error}")


def stop_all(processes: Sequence[ServiceProcess], timeout_s: float = 15) -> None:
    """SIGTERM to every process at once, then SIGKILL to whatever has not exited within
    ``timeout_s`` (together, not each: one by one, seven processes could take seven times as long)."""
    running = [process for process in processes if process.process is not None and process.alive()]
    for process in running:
        assert process.process is not None
        process.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for process in running:
        assert process.process is not None
        try:
            process.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def service_process(
    spec: ServiceSpec,
    *,
    bootstrap: str,
    db_suffix: str = "",
    port_offset: int = 0,
    environment: str,
    extra_env: Mapping[str, str] | None = None,
    instance: str = "1",
    log_dir: Path = LOG_DIR,
    niceness: int = 0,
) -> ServiceProcess:
    port = spec.http_port + port_offset
    database = service_database_urls(spec, db_suffix)
    env = {
        "SHIPSETTLE_ENVIRONMENT": environment,
        # serves as its runtime role; migrates at start as its database's owner
        "SHIPSETTLE_DATABASE_URL": database.runtime,
        "SHIPSETTLE_MIGRATION_DATABASE_URL": database.owner,
        "SHIPSETTLE_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SHIPSETTLE_HTTP_PORT": str(port),
        # where GET /v1/audit/verify asks for the audit head recon kept (audit_routes.py)
        "SHIPSETTLE_RECON_URL": f"http://127.0.0.1:{SERVICES_BY_NAME['recon-svc'].http_port + port_offset}",
        **(extra_env or {}),
    }
    log_path = log_dir / f"{spec.name}-{instance}.log"
    return ServiceProcess(spec=spec, port=port, env=env, log_path=log_path, instance=instance, niceness=niceness)


# The payout bank and the refund provider are outside ShipSettle: sandbox processes play them,
# with the placeholder secrets the services accept only in development and test.
SANDBOX_API_SECRET = DEVELOPMENT_PROVIDER_API_KEY
SANDBOX_CALLBACK_SECRET = DEVELOPMENT_CALLBACK_SECRET
SANDBOX_PORTS = {"payout": 8201, "refund": 8202}


def sandbox_process(
    kind: str,
    *,
    port_offset: int = 0,
    state_dir: Path,
    extra_args: Sequence[str] = (),
    instance: str = "1",
    log_dir: Path = LOG_DIR,
) -> ServiceProcess:
    port = SANDBOX_PORTS[kind] + port_offset
    spec = ServiceSpec(f"{kind}-sandbox", "simulators.provider_sandbox", port, "")
    state_dir.mkdir(parents=True, exist_ok=True)
    args = (
        "--kind",
        kind,
        "--port",
        str(port),
        "--db",
        str(state_dir / "sandbox.sqlite3"),
        "--statement-dir",
        str(state_dir / "statements"),
        "--api-secret",
        SANDBOX_API_SECRET,
        "--callback-secret",
        SANDBOX_CALLBACK_SECRET,
        *extra_args,
    )
    return ServiceProcess(
        spec=spec, port=port, env={}, log_path=log_dir / f"{kind}-sandbox-{instance}.log", instance=instance, args=args
    )


# The load drivers' per-key rate limits (surge, chaos, bench-lifecycle, the end-to-end suite and its
# OpenAPI fuzz): they drive a whole marketplace, or hundreds of generated requests a second,
# through one key of each role, so each class gets 100 times the shipped default. The limits
# themselves are tested with small ones of their own (tests/security/test_rate_limits.py).
DRIVER_RATE_LIMITS_ENV = {
    "SHIPSETTLE_RATE_LIMIT_MERCHANT_PER_S": "10000",
    "SHIPSETTLE_RATE_LIMIT_MERCHANT_BURST": "20000",
    "SHIPSETTLE_RATE_LIMIT_PLATFORM_PER_S": "100000",
    "SHIPSETTLE_RATE_LIMIT_PLATFORM_BURST": "200000",
    "SHIPSETTLE_RATE_LIMIT_STAFF_PER_S": "5000",
    "SHIPSETTLE_RATE_LIMIT_STAFF_BURST": "20000",
    "SHIPSETTLE_RATE_LIMIT_CARRIER_PER_S": "5000",
    "SHIPSETTLE_RATE_LIMIT_CARRIER_BURST": "10000",
}


def provider_env(service_name: str, port_offset: int = 0) -> dict[str, str]:
    """How settlement-svc reaches the payout sandbox and refund-svc the refund sandbox, and how
    each sandbox calls its service back; nothing for the other services."""
    kind = {"settlement-svc": "payout", "refund-svc": "refund"}.get(service_name)
    if kind is None:
        return {}
    prefix = f"SHIPSETTLE_{kind.upper()}"
    service_port = {"payout": 8103, "refund": 8104}[kind] + port_offset
    return {
        f"{prefix}_PROVIDER_URL": f"http://127.0.0.1:{SANDBOX_PORTS[kind] + port_offset}",
        f"{prefix}_PROVIDER_API_KEY": SANDBOX_API_SECRET,
        f"{prefix}_CALLBACK_SECRET": SANDBOX_CALLBACK_SECRET,
        "SHIPSETTLE_PUBLIC_BASE_URL": f"http://127.0.0.1:{service_port}",
    }


def issue_key(env: Mapping[str, str], *arguments: str) -> dict[str, str]:
    output = subprocess.run(
        [PYTHON, "-m", "order_svc.entrypoints.cli", "issue-key", *arguments],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_platform() -> int:
    started_at = time.monotonic()
    kafka_port = int(os.environ.get("KAFKA_PORT", "9092"))
    # Stop on exit only what this run started: a broker or database already running stays.
    started_kafka = not kafka_running(kafka_port)
    started_postgres = not postgres_running()
    bootstrap = start_kafka(kafka_port)
    start_postgres()
    # development: the sandboxes' placeholder secrets are accepted, no test controls are mounted
    processes = [
        service_process(spec, bootstrap=bootstrap, environment="development", extra_env=provider_env(spec.name))
        for spec in SERVICES
    ]
    processes += [sandbox_process(kind, state_dir=ROOT / "var" / "provider-sandbox" / kind) for kind in SANDBOX_PORTS]
    # Ctrl-C stops everything, even when this was started with SIGINT ignored (as a shell without
    # job control starts its background commands, and Python then keeps it ignored: a CI run's
    # make run never heard its Ctrl-C); SIGTERM (a supervisor, or a test cleaning up) does the
    # same, since the services run in their own sessions and nothing else would stop them
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_ready()
        ready_s = time.monotonic() - started_at
        order = next(process for process in processes if process.spec.name == "order-svc")
        keys = {
            "ops": issue_key(order.env, "--role", "ops", "--label", "demo ops"),
            # four eyes: what one ops key proposes (an ops key, a bank account, an adjustment, a
            # large payout) the other approves
            "ops (2nd)": issue_key(order.env, "--role", "ops", "--label", "demo ops, second pair of eyes"),
            "platform": issue_key(order.env, "--role", "platform", "--label", "demo marketplace backend"),
            "merchant": issue_key(
                order.env, "--role", "merchant", "--merchant-id", "demo-merchant", "--label", "demo merchant"
            ),
        }
        print(f"\nShipSettle is running (all five services ready {ready_s:.1f} s after start).\n")
        for process in processes:
            print(
                f"  {process.spec.name:15} {process.base_url}   docs {process.base_url}/docs   log {process.log_path}"
            )
        print(f"  {'kafka':15} {bootstrap}")
        print("  postgres        127.0.0.1:5432 (each service as <database>_app, migrations as <database>_owner)\n")
        for role, key in keys.items():
            scope = f" (merchant {key['merchant_id']})" if key.get("merchant_id") else ""
            print(f"  {role:9} API key{scope}: {key['api_key']}")
        print("\nKeys reach every service through access.events within a second. Ctrl-C stops everything.")
        sys.stdout.flush()
        while all(process.alive() for process in processes):
            time.sleep(1)
        dead = [process.spec.name for process in processes if not process.alive()]
        print(f"stopping: {', '.join(dead)} exited", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ShipSettle...")
        return 0
    finally:
        stop_all(processes)
        if started_kafka:
            stop_kafka(kafka_port)
        if started_postgres:
            _run(["bash", "deploy/postgres/postgres.sh", "stop"])
        print("ShipSettle stopped.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "infra"])
    parser.add_argument("--kafka-port", type=int, default=9092)
    parser.add_argument("--db-suffix", default="")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_platform()
    start_kafka(args.kafka_port)
    start_postgres(args.db_suffix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
