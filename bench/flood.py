"""bench-flood: does a flood of carrier webhooks starve the merchant API? (issue 18)

    python bench/flood.py [--reads-per-s 20] [--normal-webhooks-per-s 12] [--flood-factor 10]
                          [--intake-per-s 40] [--seconds 20] [--kafka-port 29195]
                          [--port-offset 15200] [--db-suffix _bench_flood]
                          [--default-only] [--trace]                                # make bench-flood

Target: p99 of merchant reads under a 10× webhook flood ≤ 2× their quiet p99.

Its own platform, all on loopback: a freshly wiped broker on ``--kafka-port``, fresh databases
``order_svc<suffix>`` and ``logistics_svc<suffix>`` migrated with the real migrations, and
order-svc and logistics-svc as real processes (deploy/local.py ``service_process``, environment
test, every background role: one logistics-svc process answers merchants and carriers both, as
``make run``, docker-compose and the README deploy it). A merchant's order is placed, confirmed
and dispatched through the API.

- Merchant reads: a separate process, 4 closed-loop workers paced to ``--reads-per-s`` in all,
  alternating ``GET /v1/orders/{id}`` (order-svc) and ``GET /v1/orders/{id}/shipments``
  (logistics-svc) with the merchant's key; latency send → answer, nearest-rank percentiles.
- Flood: a separate process, open loop at ``--flood-factor`` × ``--normal-webhooks-per-s`` signed
  AfterShip ``tracking_update``s (bench/webhooks.py's, each a new event and tracking number) to
  logistics-svc, at most 64 in flight. Normal = bench-lifecycle's sustained rate (11.3
  lifecycles/s on 2026-12-07, one carrier "delivered" webhook each), rounded up to 12/s.
  Webhooks refused by the intake's bulkhead (503 + Retry-After) are sent again after the flood,
  as a carrier retries, until each is acknowledged: the bench checks that every webhook sent was
  stored once.

Phases of ``--seconds`` each (after a 3 s warm-up): quiet (reads only), then the flood in the
default configuration, the one that must meet the target: logistics-svc as started, with no setting
of the intake's, so its adaptive bound (``shipsettle_shared/intake_bulkhead.py``) is on. Then, as
comparisons, logistics-svc restarted each time: the flood with the adaptive bound off
(``SHIPSETTLE_WEBHOOK_INTAKE_ADAPTIVE=false``: no bound, the defaults before it); with a fixed rate
bound instead (``SHIPSETTLE_WEBHOOK_INTAKE_PER_S`` = ``--intake-per-s``); the same with the
webhooks sent to their own logistics-svc instance at nice 10 (relay, consumers, scheduler there
too) while the merchant's logistics-svc serves HTTP only. ``--default-only`` stops after the
default's flood and leaves docs/benchmarks.md alone; ``--trace`` scrapes the adaptive bound's
share, the loop's busy share and the refusals twice a second into the run's directory. Figures go
to stdout and the "## bench-flood" section of docs/benchmarks.md. Everything is bounded by
``--timeout``; the processes and the broker are stopped at the end whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import asyncpg
import httpx
import uvloop

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from bus import ForeignCpu, _write_json, machine, percentile  # noqa: E402
from local import ServiceProcess, issue_key, recreate_service_database, service_process  # noqa: E402
from webhooks import SECRET, CpuByPart, _aftership_request, _asyncpg_dsn, _broker_pids_at, write_section  # noqa: E402

from shipsettle_shared.intake_bulkhead import TICK_S  # noqa: E402
from shipsettle_shared.settings import ServiceSettings  # noqa: E402
from shipsettle_shared.topics import ensure_topics  # noqa: E402
from shipsettle_shared.topology import SERVICES_BY_NAME  # noqa: E402

ORDER, LOGISTICS = SERVICES_BY_NAME["order-svc"], SERVICES_BY_NAME["logistics-svc"]
DOC_PATH = ROOT / "docs" / "benchmarks.md"
SECTION = "## bench-flood"
TARGET_RATIO = 2.0
# the adaptive bound as the default configuration runs it, stated in the report from the setting itself
DEFAULT_BUSY_SHARE = ServiceSettings.model_fields["webhook_intake_busy_share"].default
WARMUP_S = 3.0
READ_WORKERS = 4
FLOOD_MAX_IN_FLIGHT = 64
INTAKE = "logistics-svc intake"
INTAKE_PORT_STEP = 50  # the intake instance's port above logistics-svc's
INTAKE_NICENESS = 10
DEFAULT_PHASE = "flood, default (adaptive bound)"
SHARED_MACHINE = 0.05  # of the CPUs used by other work: the run says it was not alone
NO_ADAPTIVE = {"SHIPSETTLE_WEBHOOK_INTAKE_ADAPTIVE": "false"}
ITEMS = [
    {"line_id": "L1", "quantity": 2, "spec": "500g/罐"},
    {"line_id": "L2", "quantity": 1, "spec": "精装"},
    {"line_id": "L3", "quantity": 3, "spec": "标准"},
]


# --- worker processes ------------------------------------------------------------------------


async def reads_worker(args: argparse.Namespace) -> None:
    """Merchant reads, paced: worker i sends at start + (k × workers + i) / rate."""
    headers = {"Authorization": f"Bearer {args.api_key}"}
    urls = [f"{args.order_url}/v1/orders/{args.order_id}", f"{args.logistics_url}/v1/orders/{args.order_id}/shipments"]
    start = time.monotonic()
    measure_from, measure_to = start + args.warmup, start + args.warmup + args.seconds
    latencies_ms: list[float] = []
    statuses: dict[str, int] = {}
    interval_s = READ_WORKERS / args.rate

    async def worker(index: int) -> None:
        async with httpx.AsyncClient(timeout=30.0) as client:
            slot = start + index / args.rate
            turn = index
            while slot < measure_to:
                await asyncio.sleep(max(0.0, slot - time.monotonic()))
                sent = time.monotonic()
                try:
                    status = str((await client.get(urls[turn % 2], headers=headers)).status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                done = time.monotonic()
                statuses[status] = statuses.get(status, 0) + 1
                if measure_from <= sent and done <= measure_to and status == "200":
                    latencies_ms.append((done - sent) * 1000)
                slot += interval_s
                turn += 1

    await asyncio.gather(*(worker(index) for index in range(READ_WORKERS)))
    _write_json(args.result_file, {"latencies_ms": latencies_ms, "statuses": statuses})


async def flood_worker(args: argparse.Namespace) -> None:
    """Signed webhooks at ``rate`` a second for ``seconds`` (open loop, bounded in flight); the
    refused ones are sent again afterwards, honouring Retry-After, until acknowledged."""
    url = f"{args.logistics_url}/v1/webhooks/aftership"
    clients = [httpx.AsyncClient(timeout=30.0) for _ in range(FLOOD_MAX_IN_FLIGHT)]
    free = list(clients)
    statuses: dict[str, int] = {}
    refused: list[tuple[bytes, dict[str, str], float]] = []
    acknowledged = unsent = 0
    tasks: set[asyncio.Task[None]] = set()

    async def send(client: httpx.AsyncClient, body: bytes, headers: dict[str, str]) -> None:
        nonlocal acknowledged
        try:
            response = await client.post(url, content=body, headers=headers)
            status, retry_after = str(response.status_code), float(response.headers.get("retry-after", "1"))
        except httpx.HTTPError as error:
            status, retry_after = type(error).__name__, 1.0
        finally:
            free.append(client)
        statuses[status] = statuses.get(status, 0) + 1
        if status == "200":
            acknowledged += 1
        else:
            refused.append((body, headers, retry_after))

    start = time.monotonic()
    sent = 0
    while (now := time.monotonic()) < start + args.seconds:
        due = int((now - start) * args.rate) + 1
        while sent < due:
            sent += 1
            body, headers = _aftership_request()
            if not free:
                unsent += 1  # the generator's own bound: counted, not queued
                continue
            task = asyncio.create_task(send(free.pop(), body, headers))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.sleep(max(0.0, start + sent / args.rate - time.monotonic()))
    await asyncio.gather(*tasks)
    first_answers = dict(statuses)
    # A carrier sends a refused push again later: here after the flood, Retry-After honoured
    retries = 0
    deadline = time.monotonic() + args.retry_for_s
    while refused and time.monotonic() < deadline:
        body, headers, _ = refused.pop(0)
        before = len(refused)
        retries += 1
        await send(free.pop(), body, headers)
        if len(refused) > before:  # refused again: wait as the answer says
            await asyncio.sleep(refused[-1][2])
    for client in clients:
        await client.aclose()
    _write_json(
        args.result_file,
        {
            "sent": sent - unsent,
            "unsent": unsent,
            "first_answers": first_answers,
            "acknowledged": acknowledged,
            "retries": retries,
            "never_acknowledged": len(refused),
        },
    )


# --- orchestration ---------------------------------------------------------------------------


class BenchAborted(Exception):
    pass


@dataclass
class Phase:
    name: str
    reads_ms: list[float]
    read_statuses: dict[str, int]
    flood: dict[str, Any] | None
    cpu_s: dict[str, float]


class Orchestrator:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline = time.monotonic() + float(args.timeout)
        self.run_dir = ROOT / "var" / "bench" / "flood" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.children: list[subprocess.Popen[bytes]] = []
        self.services: dict[str, ServiceProcess] = {}
        self.bootstrap = f"127.0.0.1:{args.kafka_port}"
        self.group_prefix = f"flood-{uuid.uuid4().hex[:8]}."
        self.api_key = ""
        self.order_id = ""

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 1.0)

    def own_pids(self) -> set[int]:
        pids = {os.getpid(), *(child.pid for child in self.children), *_broker_pids_at(self.args.kafka_port)}
        pids |= {process.process.pid for process in self.services.values() if process.process is not None}
        return pids

    def kafka(self, verb: str) -> None:
        env = {**os.environ, "KAFKA_PORT": str(self.args.kafka_port)}
        subprocess.run(["bash", "deploy/kafka/kafka.sh", verb], cwd=ROOT, env=env, check=True, timeout=120)

    def database(self, service: str) -> str:
        return f"{SERVICES_BY_NAME[service].database}{self.args.db_suffix}"

    def service(
        self,
        spec: Any,
        *,
        env: dict[str, str] | None = None,
        port_step: int = 0,
        niceness: int = 0,
        instance: str = "flood",
    ) -> ServiceProcess:
        return service_process(
            spec,
            bootstrap=self.bootstrap,
            db_suffix=self.args.db_suffix,
            port_offset=self.args.port_offset + port_step,
            environment="test",
            niceness=niceness,
            extra_env={
                "SHIPSETTLE_LOG_LEVEL": "WARNING",
                "SHIPSETTLE_CONSUMER_GROUP_PREFIX": self.group_prefix,
                **(env or {}),
            },
            log_dir=self.run_dir,
            instance=instance,
        )

    def prepare(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["bash", "deploy/postgres/postgres.sh", "start"], cwd=ROOT, check=True, timeout=120)
        self.kafka("stop")
        shutil.rmtree(ROOT / "var" / "kafka" / str(self.args.kafka_port), ignore_errors=True)
        self.kafka("start")
        for spec in (ORDER, LOGISTICS):  # owned by the migration owner and migrated, as the processes expect
            asyncio.run(recreate_service_database(spec, self.args.db_suffix))
        asyncio.run(self._secret_and_topics())
        self.services = {"order-svc": self.service(ORDER), "logistics-svc": self.service(LOGISTICS)}
        for process in self.services.values():
            process.start()
        for process in self.services.values():
            process.wait_ready(timeout_s=min(90, self.remaining()))
        asyncio.run(self._merchant_order())

    async def _secret_and_topics(self) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(self.database("logistics-svc")))
        try:
            await connection.execute(
                "insert into aggregator_secrets (source, secret, updated_at) values ('aftership', $1, now())",
                SECRET,
            )
        finally:
            await connection.close()
        await ensure_topics(self.bootstrap)

    async def _merchant_order(self) -> None:
        """A merchant with one dispatched order: what its reads read."""
        from order_support import worked_example_order

        env = self.services["order-svc"].env
        platform = issue_key(env, "--role", "platform", "--label", "flood marketplace")
        merchant_id = f"m-flood-{uuid.uuid4().hex[:6]}"
        merchant = issue_key(env, "--role", "merchant", "--merchant-id", merchant_id, "--label", "flood shop")
        self.api_key = merchant["api_key"]
        order = worked_example_order(merchant_id)
        self.order_id = order["order_id"]
        order_url, logistics_url = (self.services[name].base_url for name in ("order-svc", "logistics-svc"))
        as_platform = {"Authorization": f"Bearer {platform['api_key']}"}
        as_merchant = {"Authorization": f"Bearer {self.api_key}"}
        async with httpx.AsyncClient(timeout=10) as client:
            placed = await client.post(
                f"{order_url}/v1/orders", json=order, headers={**as_platform, "Idempotency-Key": self.order_id}
            )
            _expect(placed, 201)
            confirmed = await client.post(
                f"{order_url}/v1/orders/{self.order_id}/shipping-info/confirm",
                json={"items": ITEMS},
                headers=as_merchant,
            )
            _expect(confirmed, 200)
            dispatch = {
                "order_id": self.order_id,
                "carrier_code": "SF",
                "tracking_number": "SF" + uuid.uuid4().int.__str__()[:13],
                "lines": [{"line_id": item["line_id"], "quantity": item["quantity"]} for item in ITEMS],
            }
            deadline = time.monotonic() + 60  # the key and the confirmation reach logistics by the bus
            while True:
                answer = await client.post(f"{logistics_url}/v1/shipments", json=dispatch, headers=as_merchant)
                if answer.status_code == 201 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)
            _expect(answer, 201)

    def spawn(self, name: str, *arguments: str) -> subprocess.Popen[bytes]:
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - the child owns it
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *arguments], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.children.append(child)
        return child

    def phase(self, name: str, flood_per_s: float) -> Phase:
        a = self.args
        order_url, logistics_url = (self.services[name].base_url for name in ("order-svc", "logistics-svc"))
        intake_url = self.services.get(INTAKE, self.services["logistics-svc"]).base_url
        reads_file, flood_file = self.run_dir / f"reads-{name}.json", self.run_dir / f"flood-{name}.json"
        flood = None
        if flood_per_s:
            flood = self.spawn(
                f"flood-{name}",
                *["flood", "--logistics-url", intake_url, "--rate", str(flood_per_s)],
                *["--seconds", str(WARMUP_S + a.seconds + 1), "--retry-for-s", "120", "--result-file", str(flood_file)],
            )
        reads = self.spawn(
            f"reads-{name}",
            *["reads", "--order-url", order_url, "--logistics-url", logistics_url, "--order-id", self.order_id],
            *["--api-key", self.api_key, "--rate", str(a.reads_per_s), "--warmup", str(WARMUP_S)],
            *["--seconds", str(a.seconds), "--result-file", str(reads_file)],
        )
        cpu = CpuByPart(
            {
                "order-svc": lambda: _pid_of(self.services["order-svc"]),
                "logistics-svc": lambda: _pid_of(self.services["logistics-svc"]) | _pid_of(self.services.get(INTAKE)),
                "reads generator": lambda: {reads.pid},
                "flood generator": lambda: {flood.pid} if flood is not None else set(),
            }
        )
        cpu_s: dict[str, float] = {}

        def sample_window() -> None:
            time.sleep(WARMUP_S)
            before = cpu.snapshot()
            time.sleep(a.seconds)
            cpu_s.update(cpu.between(before, cpu.snapshot()))

        sampler = threading.Thread(target=sample_window, daemon=True)
        sampler.start()
        tracer = None
        if a.trace and flood is not None:
            tracer = threading.Thread(target=self.trace, args=(name, logistics_url, flood), daemon=True)
            tracer.start()
        for child, file in ((reads, reads_file), (flood, flood_file)):
            if child is None:
                continue
            try:
                code = child.wait(timeout=min(self.remaining(), WARMUP_S + a.seconds + 180))
            except subprocess.TimeoutExpired as error:
                raise BenchAborted(f"{name}: a load process did not finish") from error
            self.children.remove(child)
            if code != 0 or not file.exists():
                raise BenchAborted(f"{name}: a load process exited with {code}; see {self.run_dir}")
        sampler.join(timeout=5)
        read = json.loads(reads_file.read_text())
        return Phase(
            name,
            read["latencies_ms"],
            read["statuses"],
            json.loads(flood_file.read_text()) if flood_per_s else None,
            cpu_s,
        )

    def trace(self, name: str, url: str, flood: subprocess.Popen[bytes]) -> None:
        """--trace: the adaptive bound's share and the refusals, scraped twice a second while the
        flood runs, into the run's directory (a scrape is work for the process: off by default)."""
        start = time.monotonic()
        with open(self.run_dir / f"trace-{name}.tsv", "w") as out, httpx.Client(timeout=5) as client:
            while flood.poll() is None:
                try:
                    text = client.get(f"{url}/metrics").text
                except httpx.HTTPError:
                    break
                wanted = [
                    line
                    for line in text.splitlines()
                    if line.startswith(("shipsettle_webhook_intake_", "process_cpu_seconds_total"))
                    and not line.startswith("shipsettle_webhook_intake_refused_created")
                ]
                out.write(f"{time.monotonic() - start:.1f}\t" + "\t".join(wanted) + "\n")
                out.flush()
                time.sleep(0.5)

    def restart_logistics(self, **extra_env: str) -> None:
        self.services["logistics-svc"].stop()
        self.services["logistics-svc"] = self.service(LOGISTICS, env=extra_env)
        self.services["logistics-svc"].start()
        self.services["logistics-svc"].wait_ready(timeout_s=min(90, self.remaining()))

    def split_logistics(self, **intake_env: str) -> None:
        """Priority by process: merchants' logistics-svc serves HTTP only (nice 0); carriers' webhooks
        go to an intake instance that also runs the relay, consumers and scheduler, at nice 10, with
        the bulkhead; the CPUs go to merchants' reads first."""
        self.services["logistics-svc"].stop()
        self.services["logistics-svc"] = self.service(LOGISTICS, env={"SHIPSETTLE_ROLES": ""})
        self.services[INTAKE] = self.service(
            LOGISTICS, env=intake_env, port_step=INTAKE_PORT_STEP, niceness=INTAKE_NICENESS, instance="flood-intake"
        )
        for process in (self.services["logistics-svc"], self.services[INTAKE]):
            process.start()
            process.wait_ready(timeout_s=min(90, self.remaining()))

    async def stored_deliveries(self) -> int:
        connection = await asyncpg.connect(_asyncpg_dsn(self.database("logistics-svc")))
        try:
            return int(await connection.fetchval("select count(*) from webhook_deliveries"))
        finally:
            await connection.close()

    def cleanup(self) -> None:
        for child in list(self.children):
            if child.poll() is None:
                child.kill()
                child.wait()
        for process in self.services.values():
            process.stop()
        self.kafka("stop")


def _expect(answer: httpx.Response, status: int) -> None:
    if answer.status_code != status:
        raise BenchAborted(f"{answer.request.method} {answer.request.url}: {answer.status_code} {answer.text[:300]}")


def _pid_of(process: ServiceProcess | None) -> set[int]:
    return {process.process.pid} if process is not None and process.process is not None else set()


# --- report ----------------------------------------------------------------------------------


def _p(values: list[float], p: float) -> str:
    return f"{percentile(values, p):,.1f} ms"


def render(phases: list[Phase], stored: int, foreign: float, loadavg_before: str, args: argparse.Namespace) -> str:
    host = machine()
    quiet = phases[0]
    quiet_p99 = percentile(quiet.reads_ms, 99)
    flood_per_s = args.normal_webhooks_per_s * args.flood_factor

    def ratio(phase: Phase) -> str:
        value = percentile(phase.reads_ms, 99) / quiet_p99
        verdict = "met" if value <= TARGET_RATIO else "**missed**"
        return f"{value:.2f}× ({verdict})"

    default = next(phase for phase in phases if phase.name == DEFAULT_PHASE)
    shared_note = (
        ": **a shared machine**, the figures are noisier than on a quiet one" if foreign >= SHARED_MACHINE else ""
    )

    def flood_cell(phase: Phase, key: str) -> str:
        return "–" if phase.flood is None else f"{phase.flood[key]}"

    rows = [
        "| | " + " | ".join(phase.name for phase in phases) + " |",
        "|---|" + "---:|" * len(phases),
        "| merchant reads measured | " + " | ".join(f"{len(p.reads_ms):,}" for p in phases) + " |",
        "| read p50 | " + " | ".join(_p(p.reads_ms, 50) for p in phases) + " |",
        "| read p99 | " + " | ".join(f"**{_p(p.reads_ms, 99)}**" for p in phases) + " |",
        "| read max | " + " | ".join(f"{max(p.reads_ms, default=float('nan')):,.1f} ms" for p in phases) + " |",
        f"| p99 / quiet p99 (target ≤ {TARGET_RATIO:g}×) | – | " + " | ".join(ratio(p) for p in phases[1:]) + " |",
        "| read answers | " + " | ".join(str(p.read_statuses) for p in phases) + " |",
        "| webhooks sent (open loop) | " + " | ".join(flood_cell(p, "sent") for p in phases) + " |",
        "| first answers to them | " + " | ".join(flood_cell(p, "first_answers") for p in phases) + " |",
        "| not sent (64 in flight already) | " + " | ".join(flood_cell(p, "unsent") for p in phases) + " |",
        "| sent again after the flood | " + " | ".join(flood_cell(p, "retries") for p in phases) + " |",
        "| never acknowledged | " + " | ".join(flood_cell(p, "never_acknowledged") for p in phases) + " |",
    ]
    parts = ("order-svc", "logistics-svc", "reads generator", "flood generator")
    cpus = int(host["cpus"])
    cpu_rows = [
        "| CPU share of the 2 CPUs | " + " | ".join(p.name for p in phases) + " |",
        "|---|" + "---:|" * len(phases),
    ]
    cpu_rows += [
        f"| {part} | " + " | ".join(f"{p.cpu_s.get(part, 0.0) / args.seconds / cpus:.0%}" for p in phases) + " |"
        for part in parts
    ]
    acknowledged = sum(p.flood["acknowledged"] for p in phases if p.flood)
    return f"""{SECTION}

`make bench-flood` (bench/flood.py), run {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")} with
`--kafka-port {args.kafka_port} --port-offset {args.port_offset} --db-suffix {args.db_suffix}`.

**Target (issue 18): p99 of merchant reads under a {args.flood_factor:g}× webhook flood ≤ {TARGET_RATIO:g}× their quiet p99, in
the default configuration: {ratio(default)}**, {_p(default.reads_ms, 99)} against {_p(quiet.reads_ms, 99)}.

Other work on the machine used {foreign:.0%} of its {host["cpus"]} CPUs during the run (load average
{loadavg_before} at the start, {host["loadavg"]} at the end){shared_note}.

Machine: {host["cpus"]} CPUs ({host["cpu_model"]}), {host["ram_gib"]} GiB RAM, Linux {host["kernel"]};
Python {host["python"]}; PostgreSQL and Kafka {host["kafka"]} on the same CPUs, everything on 127.0.0.1.

Merchant reads at {args.reads_per_s:g}/s ({READ_WORKERS} paced workers, `GET /v1/orders/{{id}}` on order-svc and
`GET /v1/orders/{{id}}/shipments` on logistics-svc alternately, one merchant key), {args.seconds:.0f} s measured
per phase after {WARMUP_S:.0f} s. Flood: {flood_per_s:g} signed AfterShip webhooks/s = {args.flood_factor:g} × the normal
{args.normal_webhooks_per_s:g}/s (bench-lifecycle's sustained 11.3 lifecycles/s, one "delivered" webhook each), open
loop, to the same logistics-svc process that serves the merchant's shipments.

The phase that must meet the target is the second: **the default configuration**, what `make run`,
docker-compose and the README deploy (one logistics-svc process serving merchants and carriers,
every background role, no setting of the intake's): its adaptive bound (`intake_bulkhead.py`)
takes every webhook while nothing competes, and while the merchant's reads are in flight among the
webhooks, logistics-svc's event loop is on a CPU more than {DEFAULT_BUSY_SHARE:g} of the time and webhooks are most of
its requests, halves the share of webhooks it takes, widening it again a step every {TICK_S * 1000:.0f} ms otherwise.
Webhooks past it get a fast 503 `intake-busy` with `Retry-After` and are sent again after the
flood, as a carrier retries. The others are comparisons, logistics-svc restarted for each:
the adaptive bound off (`SHIPSETTLE_WEBHOOK_INTAKE_ADAPTIVE=false`, the defaults before it); a
fixed rate bound instead, `SHIPSETTLE_WEBHOOK_INTAKE_PER_S={args.intake_per_s:g}` (burst {args.intake_per_s:g}), a
machine-dependent number; the same rate bound with priority by process: merchants' logistics-svc
serves HTTP only (nice 0) and the webhooks go to an intake instance of logistics-svc that also
runs the relay, consumers and scheduler at nice {INTAKE_NICENESS}, as ops deploy it for a surge.
Quiet and the default's flood run on the same processes.

{chr(10).join(rows)}

{chr(10).join(cpu_rows)}

Nothing lost: {acknowledged:,} webhooks acknowledged over the flood phases (first answers and
retries), and `webhook_deliveries` holds {stored:,} rows.

How it was measured: see the module docstring of bench/flood.py. One run, not an average; nearest-rank
percentiles; the load generators are Python processes on the same CPUs (the flood generator's own
CPU is in the table: on a real deployment the carriers' share is not on the server).
"""


def orchestrate(args: argparse.Namespace) -> int:
    orchestrator = Orchestrator(args)

    def abort(signum: int, frame: FrameType | None) -> None:
        raise BenchAborted(f"stopped by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGALRM, abort)
    signal.alarm(int(args.timeout))
    foreign = ForeignCpu(orchestrator.own_pids)
    stop_sampling = threading.Event()

    def sample() -> None:
        while not stop_sampling.wait(1.0):
            foreign._sample()

    sampler = threading.Thread(target=sample, daemon=True)
    loadavg_before = " ".join(f"{load:.2f}" for load in os.getloadavg())

    def finish(phases: list[Phase]) -> int:
        stored = asyncio.run(orchestrator.stored_deliveries())
        stop_sampling.set()
        section = render(phases, stored, foreign.share(), loadavg_before, args)
        if not args.default_only:  # without the comparisons it is not the bench's section
            write_section(section, title=SECTION)
        print(section)
        lost = sum(p.flood["never_acknowledged"] for p in phases if p.flood)
        return 1 if lost else 0

    try:
        orchestrator.prepare()
        foreign._sample()
        sampler.start()
        flood_per_s = args.normal_webhooks_per_s * args.flood_factor
        print(f"[1/5] quiet: merchant reads at {args.reads_per_s:g}/s (the default configuration)", flush=True)
        phases = [orchestrator.phase("quiet", 0)]
        print(f"[2/5] flood of {flood_per_s:g} webhooks/s, the default configuration (adaptive bound)", flush=True)
        phases.append(orchestrator.phase(DEFAULT_PHASE, flood_per_s))
        if args.default_only:
            return finish(phases)
        print(f"[3/5] flood of {flood_per_s:g} webhooks/s, no bound (adaptive off)", flush=True)
        orchestrator.restart_logistics(**NO_ADAPTIVE)
        phases.append(orchestrator.phase("flood, no bound", flood_per_s))
        print(f"[4/5] flood of {flood_per_s:g} webhooks/s, a fixed rate bound of {args.intake_per_s:g}/s", flush=True)
        bound = {
            **NO_ADAPTIVE,
            "SHIPSETTLE_WEBHOOK_INTAKE_PER_S": str(args.intake_per_s),
            "SHIPSETTLE_WEBHOOK_INTAKE_BURST": str(int(args.intake_per_s)),
        }
        orchestrator.restart_logistics(**bound)
        phases.append(orchestrator.phase("flood, rate bound", flood_per_s))
        print("[5/5] the same, webhooks to their own logistics-svc instance at nice 10", flush=True)
        orchestrator.split_logistics(**bound)
        phases.append(orchestrator.phase("flood, rate bound + own intake instance", flood_per_s))
        return finish(phases)
    except (BenchAborted, subprocess.SubprocessError, RuntimeError, TimeoutError) as error:
        print(f"bench-flood failed: {error}; logs in {orchestrator.run_dir}", file=sys.stderr)
        return 1
    finally:
        stop_sampling.set()
        signal.alarm(0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        orchestrator.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads-per-s", type=float, default=20.0)
    parser.add_argument("--normal-webhooks-per-s", type=float, default=12.0)
    parser.add_argument("--flood-factor", type=float, default=10.0)
    parser.add_argument("--intake-per-s", type=float, default=40.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--kafka-port", type=int, default=29195)  # bench-webhooks 29192, lifecycle 29292
    parser.add_argument("--port-offset", type=int, default=15200)
    parser.add_argument("--db-suffix", default="_bench_flood")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--trace", action="store_true", help="scrape the adaptive bound's share during floods")
    parser.add_argument(
        "--default-only", action="store_true", help="quiet and the default's flood only; docs/benchmarks.md untouched"
    )
    commands = parser.add_subparsers(dest="command")
    reads = commands.add_parser("reads")
    for name in ("--order-url", "--logistics-url", "--order-id", "--api-key", "--result-file"):
        reads.add_argument(name, required=True)
    for name in ("--rate", "--warmup", "--seconds"):
        reads.add_argument(name, type=float, required=True)
    flood = commands.add_parser("flood")
    for name in ("--logistics-url", "--result-file"):
        flood.add_argument(name, required=True)
    for name in ("--rate", "--seconds", "--retry-for-s"):
        flood.add_argument(name, type=float, required=True)
    args = parser.parse_args(argv)
    if args.command == "reads":
        uvloop.run(reads_worker(args))
    elif args.command == "flood":
        uvloop.run(flood_worker(args))
    else:
        return orchestrate(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
