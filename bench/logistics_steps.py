"""Database round trips and CPU of logistics-svc per lifecycle step, on an end-to-end platform.

    TEST_KAFKA_PORT=... SHIPSETTLE_E2E_PORT_OFFSET=... SHIPSETTLE_E2E_DB_SUFFIX=... \\
      .venv/bin/python bench/logistics_steps.py [--orders 60] [--profile var/prof-logistics.txt]

Starts the five services the way tests/e2e does (tests/e2e/platform_support.py: its broker must be
running on TEST_KAFKA_PORT, as deploy/test.sh starts it), then takes ``--orders`` orders through
each step of a paid lifecycle one step at a time, all orders of a step before the next:
the order events logistics projects (placed, shipping confirmed), dispatch, the carrier's webhook
(bench-lifecycle's DirectCarrier: a pickup and a delivery scan; Kuaidi100, AfterShip and native in
turn) and its scans applied behind the acknowledgement, the platform's polls of the order's
shipments, the buyer's confirmation of receipt, and the auto-confirm timer for a share of the
orders (the clock moved eight days).

For each step: statements logistics' database ran (``pg_stat_statements`` calls, each one a
round trip: BEGIN and COMMIT included) and CPU of the logistics process, per order, beyond what
the platform does when idle (an idle window is measured first, per statement). Only this run's
database is read; no statistics are reset. A measurement, not a test: it fails only when a step
does not complete.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "deploy", ROOT / "tests", ROOT / "tests" / "e2e"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# Idle polling slowed down so the windows measure the steps (commits wake the relay at once; the
# scheduler's poll only delays the auto-confirm step).
os.environ.setdefault("SHIPSETTLE_SCHEDULER_POLL_MS", "1000")
os.environ.setdefault("SHIPSETTLE_OUTBOX_IDLE_POLL_MS", "1000")

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from logistics_support import ITEMS, set_aggregator_secrets  # noqa: E402
from order_support import worked_example_order  # noqa: E402
from platform_support import Platform, bearer, start_platform  # noqa: E402

from shipsettle_shared.topology import SERVICES  # noqa: E402
from surge.carrier import DirectCarrier  # noqa: E402

KUAIDI100_SALT = "steps-kuaidi100-salt-0123456789"
AFTERSHIP_SECRET = "steps-aftership-secret-0123456789"  # noqa: S105 - a bench's own
# The bench's own reads of logistics' database carry this marker and are left out of the counts,
# as is the test-control endpoint it polls for due timers.
PROBE = "/* steps-probe */"
NOT_COUNTED = (PROBE, "SELECT count(*) AS count_1 FROM timers")
# The outbox relay's statements (shared/messaging/relay.py), shown apart from the step's own.
RELAY = (
    "pg_try_advisory_xact_lock",
    "from (select distinct shard from outbox",
    "FROM outbox WHERE outbox.published_at IS NULL",
    "UPDATE outbox SET published_at",
)
FORMATS = ("kuaidi100", "aftership", "native")

_STATEMENTS = """
select s.queryid, s.query, s.calls::bigint as calls
from pg_stat_statements s join pg_database d on d.oid = s.dbid
where d.datname = $1
"""


@dataclass
class Window:
    """Statement calls and CPU ticks of one step."""

    name: str
    units: int
    seconds: float
    calls: dict[str, int]
    cpu_s: float


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


class Meter:
    def __init__(self, admin_dsn: str, database: str, pid: int) -> None:
        self.admin_dsn = admin_dsn
        self.database = database
        self.pid = pid
        self.ticks_per_s = os.sysconf("SC_CLK_TCK")
        self.idle_rate: dict[str, float] = {}
        self.idle_cpu_rate = 0.0

    async def snapshot(self) -> tuple[dict[str, int], int, float]:
        connection = await asyncpg.connect(self.admin_dsn)
        try:
            rows = await connection.fetch(_STATEMENTS, self.database)
        finally:
            await connection.close()
        calls: dict[str, int] = {}
        for row in rows:
            query = " ".join(str(row["query"]).split())
            if any(marker in query for marker in NOT_COUNTED):
                continue
            calls[query] = calls.get(query, 0) + int(row["calls"])
        return calls, cpu_ticks(self.pid), time.monotonic()

    async def measure(self, name: str, units: int, work: Callable[[], Awaitable[None]]) -> Window:
        before, ticks_before, started = await self.snapshot()
        await work()
        after, ticks_after, ended = await self.snapshot()
        seconds = ended - started
        calls = {}
        for query, count in after.items():
            beyond_idle = count - before.get(query, 0) - self.idle_rate.get(query, 0.0) * seconds
            if round(beyond_idle) > 0:
                calls[query] = round(beyond_idle)
        cpu_s = max(0.0, (ticks_after - ticks_before) / self.ticks_per_s - self.idle_cpu_rate * seconds)
        return Window(name, units, seconds, calls, cpu_s)

    async def measure_idle(self, seconds: float) -> None:
        before, ticks_before, started = await self.snapshot()
        await asyncio.sleep(seconds)
        after, ticks_after, ended = await self.snapshot()
        window = ended - started
        self.idle_rate = {query: (count - before.get(query, 0)) / window for query, count in after.items()}
        self.idle_cpu_rate = (ticks_after - ticks_before) / self.ticks_per_s / window


async def eventually(check: Callable[[], Awaitable[bool]], what: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{what}: not done within {timeout_s} s")


async def gather_bounded(items: list[Any], work: Callable[[Any], Awaitable[None]], limit: int = 8) -> None:
    gate = asyncio.Semaphore(limit)

    async def one(item: Any) -> None:
        async with gate:
            await work(item)

    await asyncio.gather(*(one(item) for item in items))


class Steps:
    def __init__(self, platform: Platform, orders: int, auto_share: float) -> None:
        self.platform = platform
        self.count = orders
        self.auto_count = max(1, int(orders * auto_share))
        self.client = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=16))
        self.logistics = platform.url("logistics-svc")
        self.orders: list[dict[str, Any]] = []
        self.shipments: dict[str, str] = {}  # order id -> shipment id
        self.numbers: dict[str, tuple[str, str]] = {}  # order id -> (carrier, tracking number)
        self.merchant: dict[str, str] = {}
        url = platform.database_urls["logistics-svc"]
        self.db_dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1).replace("?ssl=", "?sslmode=")

    async def probe(self, query: str, *args: Any) -> Any:
        connection = await asyncpg.connect(self.db_dsn)
        try:
            return await connection.fetchval(f"{PROBE} {query}", *args)
        finally:
            await connection.close()

    async def setup(self) -> None:
        keys = self.platform.keys
        created = await self.client.post(
            f"{self.platform.url('order-svc')}/v1/api-keys",
            json={"role": "merchant", "merchant_id": f"m-steps-{uuid.uuid4().hex[:6]}", "label": "steps"},
            headers=bearer(keys["ops"]),
        )
        assert created.status_code == 201, created.text
        self.merchant = created.json()
        for key in (keys["platform"], self.merchant):
            for spec in SERVICES:

                async def accepted(service: str = spec.name, api_key: str = key["api_key"]) -> bool:
                    response = await self.client.get(
                        f"{self.platform.url(service)}/v1/ops/bus-probes/none",
                        headers={"Authorization": f"Bearer {api_key}"},
                    )
                    return response.status_code != 401

                await eventually(accepted, "key replicated")
        await set_aggregator_secrets(self.platform, kuaidi100_salt=KUAIDI100_SALT, aftership_secret=AFTERSHIP_SECRET)
        rotated = await self.client.post(f"{self.logistics}/v1/carriers/SF/webhook-secret", headers=bearer(keys["ops"]))
        self.carrier = DirectCarrier(
            logistics_url=self.logistics,
            kuaidi100_salt=KUAIDI100_SALT,
            aftership_secret=AFTERSHIP_SECRET,
            native_secret=rotated.json()["webhook_secret"],
        )

    async def place_and_confirm(self) -> None:
        order_svc = self.platform.url("order-svc")

        async def one(order: dict[str, Any]) -> None:
            placed = await self.client.post(
                f"{order_svc}/v1/orders",
                json=order,
                headers={**bearer(self.platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
            )
            assert placed.status_code == 201, placed.text
            confirmed = await self.client.post(
                f"{order_svc}/v1/orders/{order['order_id']}/shipping-info/confirm",
                json={"items": ITEMS},
                headers=bearer(self.merchant),
            )
            assert confirmed.status_code == 200, confirmed.text

        self.orders = [worked_example_order(self.merchant["merchant_id"]) for _ in range(self.count)]
        await gather_bounded(self.orders, one)
        ids = [order["order_id"] for order in self.orders]

        async def known() -> bool:
            found = await self.probe(
                "select count(*) from known_orders where order_id = any($1) and status = 'confirmed'", ids
            )
            return bool(found == len(ids))

        await eventually(known, "logistics knows the confirmed orders")

    async def dispatch(self) -> None:
        async def one(order: dict[str, Any]) -> None:
            number = "SF" + str(uuid.uuid4().int)[:13]
            response = await self.client.post(
                f"{self.logistics}/v1/shipments",
                json={
                    "order_id": order["order_id"],
                    "carrier_code": "SF",
                    "tracking_number": number,
                    "lines": [{"line_id": item["line_id"], "quantity": item["quantity"]} for item in ITEMS],
                },
                headers=bearer(self.merchant),
            )
            assert response.status_code == 201, response.text
            self.shipments[order["order_id"]] = response.json()["shipment_id"]
            self.numbers[order["order_id"]] = ("SF", number)

        await gather_bounded(self.orders, one)

    async def webhooks(self) -> None:
        for index, order in enumerate(self.orders):
            carrier_code, number = self.numbers[order["order_id"]]
            await self.carrier.register(number, carrier_code, FORMATS[index % len(FORMATS)])
        ids = list(self.shipments.values())

        async def delivered() -> bool:
            found = await self.probe(
                "select count(*) from shipments where shipment_id = any($1) and status = 'delivered'", ids
            )
            return bool(found == len(ids)) and await self.carrier.quiet()

        await eventually(delivered, "every shipment delivered")
        assert not self.carrier.failures, self.carrier.failures

    async def poll_shipments(self) -> None:
        async def one(order: dict[str, Any]) -> None:
            response = await self.client.get(
                f"{self.logistics}/v1/orders/{order['order_id']}/shipments",
                headers=bearer(self.platform.keys["platform"]),
            )
            assert response.status_code == 200, response.text
            assert response.json()[0]["status"] == "delivered"

        await gather_bounded(self.orders, one)

    async def confirm_receipt(self) -> None:
        async def one(order: dict[str, Any]) -> None:
            response = await self.client.post(
                f"{self.logistics}/v1/orders/{order['order_id']}/confirm-receipt",
                headers=bearer(self.platform.keys["platform"]),
            )
            assert response.status_code == 200, response.text

        await gather_bounded(self.orders[self.auto_count :], one)

    async def timers_fired(self) -> None:
        async def none_due() -> bool:
            response = await self.client.get(f"{self.logistics}/_test/timers/due")
            return bool(response.json()["due"] == 0)

        await eventually(none_due, "logistics' due timers fired")

    async def stale_checks(self) -> None:
        await self.platform.advance_clock(4 * 24 * 3600)  # past stale_after_hours (72) of every shipment
        await self.timers_fired()

    async def auto_confirm(self) -> None:
        await self.platform.advance_clock(4 * 24 * 3600)  # past auto_confirm_days (7) after delivery
        ids = [self.shipments[order["order_id"]] for order in self.orders[: self.auto_count]]

        async def signed() -> bool:
            found = await self.probe(
                "select count(*) from shipments where shipment_id = any($1) and sign_off_how = 'auto_confirmed'", ids
            )
            return bool(found == len(ids))

        await eventually(signed, "auto-confirmed")
        await self.timers_fired()


def start_profiler(pid: int, output: str) -> subprocess.Popen[bytes]:
    """py-spy (pip install py-spy) sampling the process until interrupted, raw collapsed stacks."""
    py_spy = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    return subprocess.Popen(
        [py_spy, "record", "-p", str(pid), "--format", "raw", "-o", output, "-r", "200"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def is_relay(query: str) -> bool:
    return any(marker in query for marker in RELAY)


def render(windows: list[Window], top: int) -> str:
    lines = [
        "| step | units | round trips / unit | of which the relay's | CPU ms / unit |",
        "|---|---:|---:|---:|---:|",
    ]
    for window in windows:
        total = sum(window.calls.values())
        relay = sum(calls for query, calls in window.calls.items() if is_relay(query))
        lines.append(
            f"| {window.name} | {window.units} | {total / window.units:.1f} | {relay / window.units:.1f} "
            f"| {1000 * window.cpu_s / window.units:.1f} |"
        )
    for window in windows:
        lines.append(f"\n{window.name} ({window.seconds:.1f} s): statements per unit")
        for query, calls in sorted(window.calls.items(), key=lambda item: -item[1])[:top]:
            lines.append(f"  {calls / window.units:6.2f}  {query[:150]}")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    platform = await start_platform()
    profiler: subprocess.Popen[bytes] | None = None
    try:
        platform.keys = {
            "ops": platform.issue_key("--role", "ops", "--label", "steps ops"),
            "platform": platform.issue_key("--role", "platform", "--label", "steps marketplace"),
        }
        steps = Steps(platform, args.orders, args.auto_share)
        await steps.setup()
        process = platform.processes["logistics-svc"].process
        assert process is not None
        database = platform.database_urls["logistics-svc"].rsplit("/", 1)[1].split("?")[0]
        meter = Meter("postgresql://shipsettle:shipsettle@127.0.0.1:5432/postgres", database, process.pid)
        await meter.measure_idle(args.idle_s)
        if args.profile:
            profiler = start_profiler(process.pid, args.profile)
        units = args.orders
        windows = [
            await meter.measure("order events (placed, confirmed) projected", units, steps.place_and_confirm),
            await meter.measure("dispatch POST /v1/shipments", units, steps.dispatch),
            await meter.measure("carrier webhook + scans applied", units, steps.webhooks),
            await meter.measure("GET /v1/orders/{id}/shipments", units, steps.poll_shipments),
            await meter.measure("confirm-receipt", units - steps.auto_count, steps.confirm_receipt),
            await meter.measure("stale-check timer (clock +4 days)", units, steps.stale_checks),
            await meter.measure("auto-confirm timer (clock +4 more days)", steps.auto_count, steps.auto_confirm),
        ]
        print(render(windows, args.top))
        await steps.client.aclose()
        await steps.carrier.close()
        return 0
    finally:
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(timeout=30)
        platform.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--auto-share", type=float, default=0.25, help="orders left to the auto-confirm")
    parser.add_argument("--idle-s", type=float, default=8.0)
    parser.add_argument("--top", type=int, default=25, help="statements listed per step")
    parser.add_argument("--profile", help="py-spy raw stacks of the logistics process over the steps")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
