"""Database round trips and CPU of order-svc per lifecycle step, on an end-to-end platform.

    TEST_KAFKA_PORT=... SHIPSETTLE_E2E_PORT_OFFSET=... SHIPSETTLE_E2E_DB_SUFFIX=... \\
      .venv/bin/python bench/order_steps.py [--orders 40] [--profile var/prof-order.txt]

Starts the five services the way tests/e2e does (tests/e2e/platform_support.py: its broker must be
running on TEST_KAFKA_PORT, as deploy/test.sh starts it), then takes ``--orders`` orders through
the steps order-svc serves in a paid lifecycle, all orders of a step before the next, each step
until its effects are on the orders' timelines (order-svc's consumer and relay included):
placement (POST /v1/orders with an Idempotency-Key), shipping confirmation, the platform's
long-poll ``GET /v1/orders/{id}?until=delivered`` held while logistics dispatches the parcel and
the carrier's scans arrive (the events order-svc consumes meanwhile, and the wake-ups of the
waiting requests), and the buyer's confirmation of receipt with what follows it on the bus.

For each step: statements order-svc's database ran (``pg_stat_statements`` calls, each one a
round trip: BEGIN and COMMIT included) and CPU of the order-svc process, per order, beyond what
the platform does when idle (an idle window is measured first). Only this run's database is
read; no statistics are reset. A measurement, not a test: it fails only when a step does not
complete. (bench/logistics_steps.py is the same for logistics-svc; its meter is reused.)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from typing import Any

import asyncpg
import httpx
from logistics_steps import (
    AFTERSHIP_SECRET,
    FORMATS,
    KUAIDI100_SALT,
    Meter,
    Window,
    eventually,
    gather_bounded,
    start_profiler,
)
from logistics_support import ITEMS, set_aggregator_secrets
from order_support import worked_example_order
from platform_support import Platform, bearer, start_platform

from shipsettle_shared.topology import SERVICES
from surge.carrier import DirectCarrier

PROBE = "/* steps-probe */ /* order-svc */"  # logistics_steps.Meter leaves it out of the counts
# The outbox relay's statements (shared/messaging/relay.py), shown apart from the step's own.
RELAY = (
    "pg_try_advisory_xact_lock",
    "from (select distinct shard from outbox",
    "FROM outbox WHERE outbox.published_at IS NULL",
    "UPDATE outbox SET published_at",
    "update outbox set published_at",
    "from outbox where published_at is null",
)
LONG_POLL_S = 25


class Steps:
    def __init__(self, platform: Platform, orders: int) -> None:
        self.platform = platform
        self.count = orders
        self.client = httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=2 * orders + 16))
        self.order_svc = platform.url("order-svc")
        self.logistics = platform.url("logistics-svc")
        self.orders: list[dict[str, Any]] = []
        self.merchant: dict[str, str] = {}
        url = platform.database_urls["order-svc"]
        self.db_dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1).replace("?ssl=", "?sslmode=")
        self.long_polls: list[asyncio.Task[None]] = []

    @property
    def ids(self) -> list[str]:
        return [order["order_id"] for order in self.orders]

    async def probe(self, query: str, *args: Any) -> Any:
        connection = await asyncpg.connect(self.db_dsn)
        try:
            return await connection.fetchval(f"{PROBE} {query}", *args)
        finally:
            await connection.close()

    async def on_every_timeline(self, event_type: str) -> None:
        async def there() -> bool:
            found = await self.probe(
                "select count(distinct order_id) from order_timeline where order_id = any($1) and event_type = $2",
                self.ids,
                event_type,
            )
            return bool(found == len(self.ids))

        await eventually(there, f"{event_type} on every timeline")

    async def timelines_quiet(self, quiet_s: float = 3.0) -> None:
        """Until no timeline entry of these orders has been added for ``quiet_s``."""
        seen = -1
        while True:
            count = await self.probe("select count(*) from order_timeline where order_id = any($1)", self.ids)
            if count == seen:
                return
            seen = count
            await asyncio.sleep(quiet_s)

    async def setup(self) -> None:
        keys = self.platform.keys
        created = await self.client.post(
            f"{self.order_svc}/v1/api-keys",
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
        self.orders = [worked_example_order(self.merchant["merchant_id"]) for _ in range(self.count)]

    async def place(self) -> None:
        async def one(order: dict[str, Any]) -> None:
            placed = await self.client.post(
                f"{self.order_svc}/v1/orders",
                json=order,
                headers={**bearer(self.platform.keys["platform"]), "Idempotency-Key": str(uuid.uuid4())},
            )
            assert placed.status_code == 201, placed.text

        await gather_bounded(self.orders, one)
        await self.on_every_timeline("OrderPlaced")

    async def confirm(self) -> None:
        async def one(order: dict[str, Any]) -> None:
            confirmed = await self.client.post(
                f"{self.order_svc}/v1/orders/{order['order_id']}/shipping-info/confirm",
                json={"items": ITEMS},
                headers=bearer(self.merchant),
            )
            assert confirmed.status_code == 200, confirmed.text

        await gather_bounded(self.orders, one)
        await self.on_every_timeline("ShippingInfoConfirmed")

        async def logistics_knows() -> bool:
            response = await self.client.get(
                f"{self.logistics}/v1/orders/{self.orders[-1]['order_id']}/shipments",
                headers=bearer(self.platform.keys["platform"]),
            )
            return response.status_code == 200

        await eventually(logistics_knows, "logistics knows the orders")
        await self.timelines_quiet()

    async def wait_delivered(self, order_id: str) -> None:
        while True:
            response = await self.client.get(
                f"{self.order_svc}/v1/orders/{order_id}",
                params={"until": "delivered", "wait": LONG_POLL_S},
                headers=bearer(self.platform.keys["platform"]),
                timeout=LONG_POLL_S + 30,
            )
            assert response.status_code == 200, response.text
            if response.json()["reached"]:
                return

    async def dispatch_and_deliver(self) -> None:
        """The platform long-polls each order until delivered while the merchant dispatches and
        the carrier's scans come in (as bench-lifecycle's generator does)."""
        waits = [asyncio.create_task(self.wait_delivered(order_id)) for order_id in self.ids]

        async def one(indexed: tuple[int, dict[str, Any]]) -> None:
            index, order = indexed
            number = "SF" + str(uuid.uuid4().int)[:13]

            async def dispatched() -> bool:
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
                assert response.status_code in (201, 404, 409), response.text
                return response.status_code == 201

            await eventually(dispatched, "dispatch")
            await self.carrier.register(number, "SF", FORMATS[index % len(FORMATS)])

        await gather_bounded(list(enumerate(self.orders)), one)
        await asyncio.gather(*waits)
        assert not self.carrier.failures, self.carrier.failures
        await self.timelines_quiet()

    async def confirm_receipt(self) -> None:
        async def one(order: dict[str, Any]) -> None:
            response = await self.client.post(
                f"{self.logistics}/v1/orders/{order['order_id']}/confirm-receipt",
                headers=bearer(self.platform.keys["platform"]),
            )
            assert response.status_code == 200, response.text

        await gather_bounded(self.orders, one)
        await self.on_every_timeline("OrderSignedOff")
        await self.timelines_quiet()


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
    total_calls = sum(sum(window.calls.values()) for window in windows)
    total_cpu = sum(window.cpu_s for window in windows)
    units = windows[0].units
    lines.append(f"| whole lifecycle | {units} | {total_calls / units:.1f} | | {1000 * total_cpu / units:.1f} |")
    for window in windows:
        lines.append(f"\n{window.name} ({window.seconds:.1f} s): statements per unit")
        for query, calls in sorted(window.calls.items(), key=lambda item: -item[1])[:top]:
            lines.append(f"  {calls / window.units:6.2f}  {query[:150]}")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    platform = await start_platform()
    profiler = None
    try:
        platform.keys = {
            "ops": platform.issue_key("--role", "ops", "--label", "steps ops"),
            "platform": platform.issue_key("--role", "platform", "--label", "steps marketplace"),
        }
        steps = Steps(platform, args.orders)
        await steps.setup()
        process = platform.processes["order-svc"].process
        assert process is not None
        database = platform.database_urls["order-svc"].rsplit("/", 1)[1].split("?")[0]
        meter = Meter("postgresql://shipsettle:shipsettle@127.0.0.1:5432/postgres", database, process.pid)
        await meter.measure_idle(args.idle_s)
        if args.profile:
            profiler = start_profiler(process.pid, args.profile)
        units = args.orders
        windows = [
            await meter.measure("placement POST /v1/orders (+ OrderPlaced consumed)", units, steps.place),
            await meter.measure("confirm shipping info (+ its event consumed)", units, steps.confirm),
            await meter.measure(
                "long-poll until=delivered, dispatch and scans consumed", units, steps.dispatch_and_deliver
            ),
            await meter.measure(
                "confirm-receipt: sign-off and settlement events consumed", units, steps.confirm_receipt
            ),
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
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--idle-s", type=float, default=8.0)
    parser.add_argument("--top", type=int, default=25, help="statements listed per step")
    parser.add_argument("--profile", help="py-spy raw stacks of the order-svc process over the steps")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
