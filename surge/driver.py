"""The surge driver: a marketplace backend, its merchants, its buyers and ops, all over HTTP.

Phases (the platform's test clock is one for all services, so phases that move it wait for
everything before them):
1. keys, merchant policies, bank accounts, carrier webhook secrets, the carrier simulator;
2. N orders (coupons of both funders, mixed VAT and channels, Idempotency-Keys), shipping
   information confirmed, cancellations before dispatch, dispatch in one or two parcels, each
   parcel registered with the carrier simulator;
3. deliveries awaited; buyers confirm receipt of ~60%, the clock moves past auto-confirm;
4. refunds after sign-off: refund only (part or whole), return and refund, approvals, one silent
   merchant whose deadlines approve, rejections that close; every payment channel, balance (余额)
   refunds credited by the driver as the platform (a share declined, which ops settle offline);
5. holds released, settlement applications (with an invoice voucher), ops reviews, payouts;
6. recon statements; then quiet (every order final, sandboxes and simulator idle, consumers
   caught up), and the checker.

Every expected figure comes from ``surge.expected``; nothing here calls ShipSettle's code.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx

from shipsettle_shared.http_client import aiohttp_backed_client
from surge.carrier import (
    CARRIERS,
    FORMATS,
    Carrier,
    DirectCarrier,
    SimulatedCarrier,
    free_port,
    simulator_installed,
    tracking_number,
)
from surge.expected import LineFigures, OrderLedger, coupon_discounts, fen_to_text, payable_minor
from surge.platform import SERVICE_NAMES, LagProbe, PlatformHandle

T = TypeVar("T")
CHINA = timezone(timedelta(hours=8))
ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / "var" / "surge"

CONSIGNEE = {
    "name": "李四",
    "mobile": "13912345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "余杭区",
    "address_line": "文一西路 969 号 2 幢 101",
    "postal_code": "311121",
}
# (category, VAT rate): tax-inclusive prices at 13%, 9%, 6% and 0%
CATEGORIES = (("tea", "0.13"), ("books", "0.09"), ("services", "0.06"), ("fresh", "0.09"), ("export", "0"))
# Every channel order-svc accepts; balance (余额) refunds are credited by the platform (this driver).
CHANNELS = ("wechat_pay", "alipay", "unionpay", "bank_card", "balance")
# The share of balance credits the driver, as the platform, declines (the buyer's balance account
# closed): the refund fails for good and ops settle it offline, as the SLA view has them do.
DECLINED_CREDIT_SHARE = 0.25
HOLD_DAYS = 1
FINAL_REFUND = ("completed", "closed")
# settlement-eta's states, earliest first: an order observed at a later state and then at an
# earlier one regressed. refund_open and payout_failed are detours, not stages.
STAGES = (
    "not_confirmed",
    "not_dispatched",
    "no_tracking_number",
    "not_delivered",
    "waiting_for_sign_off",
    "in_hold_until",
    "application_not_submitted",
    "in_review",
    "paid_out",
)
STAGE_RANK = {stage: index for index, stage in enumerate(STAGES)} | {"refunded": len(STAGES) - 1}


class SurgeError(Exception):
    """An answer the driver did not expect; counted as an unclassified error."""


# The HTTP client of the worker the current task runs as (Driver.worker); None outside workers.
_worker_client: ContextVar[httpx.AsyncClient | None] = ContextVar("surge_worker_client", default=None)
# A long-poll on order-svc waits this long at most per request (the service allows 25 s).
LONG_POLL_S = 20.0


# The surge's waits (until every order reached a step, until the bus drained) were calibrated on
# this many orders; a larger surge gets proportionally longer, as its work grows with its orders.
CALIBRATED_ORDERS = 300


@dataclass
class Options:
    orders: int = 300
    merchants: int = 20
    seed: int = 1
    concurrency: int = 16
    deadline_s: float = 600
    carrier_port: int = 0  # 0: a free port
    carrier_rates: dict[str, str] = field(default_factory=dict)  # extra simulator flags, e.g. --duplicate-rate
    # How long a request is retried through transport errors and 5xx: a few seconds normally;
    # a chaos run, where services restart and the broker and database go away, waits longer.
    retry_for_s: float = 5.0
    wait_scale: float = 1.0  # every "until" timeout multiplied by this (chaos runs are slower)
    # DirectCarrier even when the simulator is installed: one signed pickup-and-delivery webhook
    # per parcel at once, no scan clock (bench-lifecycle times the platform, not the carrier)
    direct_carrier: bool = False


@dataclass
class Merchant:
    merchant_id: str
    api_key: str
    default_bp: int
    category_bp: dict[str, int]
    silent: bool
    hot: bool
    bank_account_id: str = ""
    expected_net_minor: int = 0
    application_ids: list[str] = field(default_factory=list)


@dataclass
class OrderPlan:
    order_id: str
    merchant_id: str
    body: dict[str, Any]
    fate: str  # ship | cancel_placed | cancel_confirmed
    parcels: list[list[str]]  # whole lines per parcel
    buyer_confirms: bool
    refund: str | None  # partial | whole | return | reject
    # (webhook format, carrier) per parcel and for a return parcel, drawn up front so a seed
    # replays the same surge whatever order the concurrent tasks run in
    routes: list[tuple[str, str]] = field(default_factory=list)
    return_format: str = "kuaidi100"
    last_seen: str = ""  # what the driver last saw of it, for an error message
    placed: bool = False
    ledger: OrderLedger | None = None
    tracking_numbers: list[str] = field(default_factory=list)
    refund_id: str | None = None
    refund_expected: str | None = None  # completed | closed
    refund_status: str | None = None
    return_tracking_number: str | None = None
    signed_off: bool = False
    stage_rank: int = -1
    declines_credit: bool = False  # as the platform, decline this order's balance credit


def refund_next_step(state: dict[str, Any]) -> str | None:
    """What the marketplace or ops does next for a refund that is not final: the platform answers
    a balance credit it was asked for (``answer_credit``); ops send a failure again (``retry``),
    or settle one a retry cannot fix (a refusal, a declined credit) offline (``resolve_offline``)."""
    if state["status"] == "refunding" and state.get("waiting_for") == "platform" and state.get("balance_credit"):
        return "answer_credit"
    if state["status"] == "refund_failed":
        return "resolve_offline" if state.get("failure_permanent") else "retry"
    return None


@dataclass
class Counters:
    unclassified: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    requests: int = 0
    ambiguous: int = 0  # retried requests whose first attempt had taken effect

    log_path: Path | None = None

    def error(self, message: str) -> None:
        self.unclassified.append(message)
        if self.log_path is not None:  # as it happens, for whoever watches a long surge
            with self.log_path.open("a") as log:
                log.write(f"{datetime.now(CHINA).isoformat()} {message}\n")


class Driver:
    # how a poll's interval grows after each miss (1: it does not), and up to what
    poll_growth: float = 1.0
    poll_max_s: float = 2.0
    round_pause_s: float = 1.0  # between two rounds of until_all's polls

    def __init__(
        self,
        platform: PlatformHandle,
        options: Options,
        *,
        workers: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``workers``: how many worker clients (default: ``options.concurrency``); ``transport``:
        for tests, what every client sends through instead of the network."""
        self.platform = platform
        self.options = options
        self.rng = random.Random(options.seed)
        self.run_id = f"{options.seed}-{uuid.uuid4().hex[:6]}"
        # One client per worker, each used by one request at a time: one pool shared by every
        # request in flight made each request search and lock that pool, and cost the generator
        # more CPU than the requests themselves. ``client`` is the driver's own, for what it does
        # outside workers (setup, clock moves, drains). One TLS context serves them all (a client
        # builds one otherwise, even for http URLs).
        # httpx's API over aiohttp's connections: the generator's CPU counts in bench-lifecycle.
        tls = httpx.create_ssl_context()

        def new_client() -> httpx.AsyncClient:
            if transport is not None:
                return httpx.AsyncClient(timeout=30, transport=transport)
            return aiohttp_backed_client(timeout=30, verify=tls, max_connections=8)

        self.client = new_client()
        self.worker_clients = [new_client() for _ in range(workers or options.concurrency)]
        self.idle_workers: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for client in self.worker_clients:
            self.idle_workers.put_nowait(client)
        self.gate = asyncio.Semaphore(options.concurrency)
        self.counters = Counters(log_path=RUN_DIR / f"errors-{self.run_id}.log")
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.keys: dict[str, dict[str, str]] = {}
        self.merchants: dict[str, Merchant] = {}
        self.orders: list[OrderPlan] = []
        self.carrier: Carrier | None = None
        self.carrier_kind = ""
        self.secrets: dict[str, str] = {}
        self.serial = uuid.uuid4().int % 10**6 * 10**6  # a run nonce above a per-run counter
        self.phase_s: dict[str, float] = {}
        self.started = time.monotonic()
        self.first_day = ""
        self.auto_confirm_days = 7
        self.due: list[datetime] = []  # release dates of holds not yet released
        self.last_drain_failed = False  # the last settle_down timed out
        self.notes: list[str] = []
        # told each phase's name as it starts (chaos waits for "payouts" to inject its closing fault)
        self.on_phase_start: Callable[[str], None] | None = None
        self.lag_probe = LagProbe(platform.kafka_bootstrap, platform.group_prefix)

    # --- HTTP ------------------------------------------------------------------------------

    @asynccontextmanager
    async def worker(self) -> AsyncIterator[httpx.AsyncClient]:
        """Run the block as one worker, with that worker's own HTTP client (a task already
        running as a worker keeps its client)."""
        current = _worker_client.get()
        if current is not None:
            yield current
            return
        client = await self.idle_workers.get()
        token = _worker_client.set(client)
        try:
            yield client
        finally:
            _worker_client.reset(token)
            self.idle_workers.put_nowait(client)

    def http(self) -> httpx.AsyncClient:
        """The current worker's client, or the driver's own outside workers."""
        return _worker_client.get() or self.client

    async def close_clients(self) -> None:
        for client in (self.client, *self.worker_clients):
            await client.aclose()

    def auth(self, who: str) -> dict[str, str]:
        key = self.merchants[who].api_key if who in self.merchants else self.keys[who]["api_key"]
        return {"Authorization": f"Bearer {key}"}

    async def call(
        self,
        method: str,
        url: str,
        *,
        who: str | None = None,
        expect: Iterable[int] = (200, 201),
        idempotency_key: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request; transport errors and 5xx are retried for ``retry_for_s`` (with the same
        Idempotency-Key, so a retry is the same request); any other unexpected status raises
        SurgeError. After an ambiguous failure (the service may have died after committing), a
        409/422 to the retry means the first attempt took effect: the answer is returned and the
        driver's later waits judge the outcome."""
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers.update(self.auth(who))
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        last = ""
        ambiguous = False
        deadline = time.monotonic() + self.options.retry_for_s
        attempt = 0
        while True:
            self.counters.requests += 1
            try:
                response = await self.http().request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as error:
                last, ambiguous = repr(error), True
            else:
                if response.status_code in set(expect):
                    return response
                if ambiguous and response.status_code in (409, 422):
                    self.counters.ambiguous += 1
                    return response
                if response.status_code < 500:
                    raise SurgeError(f"{method} {url}: {response.status_code} {response.text[:300]}")
                last, ambiguous = f"{response.status_code} {response.text[:300]}", True
            attempt += 1
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(min(2.0, 0.2 * attempt))
        raise SurgeError(f"{method} {url}: gave up after {attempt} attempts: {last}")

    async def eventually(
        self, check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 60, interval_s: float = 0.2
    ) -> T | None:
        """Poll until ``check`` returns something truthy; None (and an error) after the timeout."""
        timeout_s *= self.options.wait_scale
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                found = await check()
            except SurgeError as error:
                self.counters.error(f"{what}: {error}")
                return None
            except httpx.HTTPError:  # a service restarting: not yet
                found = None
            if found:
                return found
            await asyncio.sleep(interval_s)
            interval_s = min(self.poll_max_s, interval_s * self.poll_growth)
        self.counters.error(f"{what}: not within {timeout_s}s")
        return None

    async def each(self, items: Iterable[T], work: Callable[[T], Awaitable[None]], what: str) -> None:
        """``work`` on every item, at most ``concurrency`` at a time; a failure is counted and the
        surge goes on (the checker will find what it left undone)."""

        async def guarded(item: T) -> None:
            async with self.gate, self.worker():
                try:
                    await work(item)
                except (SurgeError, httpx.HTTPError, KeyError, ValueError) as error:
                    self.counters.error(f"{what}: {error!r}")

        await asyncio.gather(*(guarded(item) for item in items))

    async def until_all(
        self, items: list[T], done: Callable[[T], Awaitable[bool]], what: str, timeout_s: float = 120
    ) -> list[T]:
        """Poll the items still pending, in rounds, until ``done`` holds for all (returned in
        order) or the timeout; the ones left are counted as errors. Items finish roughly in the
        order given (dispatched first, delivered first), so a round walks them in that order and
        stops once ``concurrency`` of them are not done yet: a wait costs about one poll per item
        plus a few per round, not the whole backlog every round (which, for thousands of orders,
        kept the services busy answering the driver). A round that finds nothing done starts the
        next one where it stopped, so a few stuck items cannot hide the others."""
        timeout_s *= self.size_scale
        pending = list(items)
        finished: set[int] = set()
        deadline = time.monotonic() + timeout_s
        start = 0
        while pending and time.monotonic() < deadline:
            found, probed = await self.poll_round(pending[start:] + pending[:start], done, what)
            finished |= found
            if found:
                pending = [item for item in pending if id(item) not in finished]
                start = 0
            else:
                start = (start + probed) % len(pending)
            if pending:
                await asyncio.sleep(self.round_pause_s)
        for item in pending:
            seen = getattr(item, "last_seen", "")
            self.counters.error(f"{what}: {getattr(item, 'order_id', item)} not within {timeout_s}s {seen}")
        spent = timeout_s - (deadline - time.monotonic())
        self.phase_s[f"wait {what}"] = round(self.phase_s.get(f"wait {what}", 0) + spent, 2)
        return [item for item in items if id(item) in finished]

    async def poll_round(self, items: list[T], done: Callable[[T], Awaitable[bool]], what: str) -> tuple[set[int], int]:
        """Probe ``items`` in order, ``concurrency`` at a time, until ``concurrency`` of them are
        not done yet: (the ids of those done, how many were probed). A probe's failure is counted
        and taken as not done."""
        found: set[int] = set()
        misses = 0

        async def probe(item: T) -> None:
            nonlocal misses
            try:
                async with self.worker():
                    ok = await done(item)
            except (SurgeError, httpx.HTTPError, KeyError, ValueError) as error:
                self.counters.error(f"{what}: {error!r}")
                ok = False
            finally:
                self.gate.release()
            if ok:
                found.add(id(item))
            else:
                misses += 1

        probes: list[asyncio.Task[None]] = []
        for item in items:
            await self.gate.acquire()
            if misses >= self.options.concurrency:
                self.gate.release()
                break
            probes.append(asyncio.create_task(probe(item)))
        await asyncio.gather(*probes)
        return found, len(probes)

    @property
    def size_scale(self) -> float:
        """How much longer than calibrated a wait on all of the surge's orders may take."""
        return self.options.wait_scale * max(1.0, self.options.orders / CALIBRATED_ORDERS)

    def url(self, service: str, path: str) -> str:
        return f"{self.platform.url(service)}{path}"

    async def advance(self, seconds: int) -> None:
        """Move every service's clock, as time passing while nothing is in flight: first let the
        bus drain, and never jump more than half an hour past a hold's release date in one step,
        so each release happens (and reaches recon) within recon's one-hour window, as it would
        in real time. A jump far past a due release would make recon's window check race the
        release it is checking."""
        started = time.monotonic()
        clock_url = self.url("settlement-svc", "/_test/clock")
        now = datetime.fromisoformat((await self.client.get(clock_url)).json()["now"])
        target = now + timedelta(seconds=seconds)
        while now < target:
            await self.settle_down()
            upcoming = sorted(due for due in self.due if now < due < target)
            step_to = min(target, upcoming[0] + timedelta(minutes=30)) if upcoming else target
            await self.platform.advance_clock(self.client, max(1, int((step_to - now).total_seconds())))
            self.due = [due for due in self.due if due > step_to]
            now = datetime.fromisoformat((await self.client.get(clock_url)).json()["now"])
        await self.settle_down()
        self.phase_s["clock moves"] = round(self.phase_s.get("clock moves", 0) + time.monotonic() - started, 2)

    async def settle_down(self, timeout_s: float = 60) -> None:
        """Until every consumer group of the platform has committed everything on the bus and
        no outbox holds an unpublished row. A pacing aid, not a check: past the timeout the
        clock moves anyway (noted in phase_s, with what was still in flight) and the checker
        judges the outcome."""
        # right after a failed wait the next one is short (a pacing aid must not eat the run);
        # one that succeeds gives the next its full time again
        if self.last_drain_failed:
            timeout_s = 10
        else:  # a clock move fires as many timers as there are orders: more orders, longer to drain
            timeout_s *= self.size_scale
        deadline = time.monotonic() + timeout_s
        in_flight: dict[str, object] = {}
        while time.monotonic() < deadline:
            in_flight = {
                "timers_due": await self.timers_due(),
                "outbox_backlog": await self.outbox_backlog(),
                "consumer_lag": await self.consumer_lag(),
            }
            if (
                in_flight["timers_due"] == 0
                and in_flight["outbox_backlog"] == 0
                and in_flight["consumer_lag"] in (0, -1)
            ):
                self.last_drain_failed = False
                return
            await asyncio.sleep(0.3)
        self.last_drain_failed = True
        self.phase_s["bus not drained before a clock move"] = (
            self.phase_s.get("bus not drained before a clock move", 0) + 1
        )
        if isinstance(in_flight["consumer_lag"], int) and in_flight["consumer_lag"] > 0:
            try:  # which groups: a lag that never falls names its group here
                in_flight["consumer_lag"] = await self.lag_probe.lag_by_group()
            except Exception as error:  # the probe's own failure is what is worth noting then
                in_flight["consumer_lag"] = f"{type(error).__name__}: {error}"
        self.notes.append(f"clock moved after {timeout_s:.0f} s with work in flight: {in_flight}")

    async def timers_due(self) -> int | None:
        """Durable timers due by the services' clocks and not yet fired (a deadline the last clock
        move passed whose effects are still to come); None while a service does not answer."""
        due = 0
        for service in SERVICE_NAMES:
            try:
                response = await self.client.get(self.url(service, "/_test/timers/due"))
                response.raise_for_status()
            except httpx.HTTPError:
                return None
            due += int(response.json()["due"])
        return due

    async def outbox_backlog(self) -> float | None:
        """Unpublished outbox rows over every service; None while a service does not answer."""
        backlog = 0.0
        for service in SERVICE_NAMES:
            try:
                response = await self.client.get(self.url(service, "/metrics"))
            except httpx.HTTPError:
                return None
            for line in response.text.splitlines():
                if line.startswith("shipsettle_outbox_backlog_rows "):
                    backlog += float(line.rsplit(" ", 1)[1])
        return backlog

    async def consumer_lag(self) -> int | None:
        """Uncommitted messages of the platform's groups; -1 without a broker address, None while
        the broker does not answer."""
        if not self.platform.kafka_bootstrap:
            return -1
        try:
            return await self.lag_probe.lag()
        except Exception:
            await self.lag_probe.reset()  # its clients may be stuck on a broker that restarted
            return None

    # --- phase 1: keys, merchants, secrets, carrier -----------------------------------------

    async def setup(self) -> None:
        # two ops keys: what one proposes the other approves (four eyes: bank accounts, large payouts)
        for who, role in (("ops", "ops"), ("ops_second", "ops"), ("platform", "platform"), ("auditor", "auditor")):
            self.keys[who] = await asyncio.to_thread(
                self.platform.issue_key, "--role", role, "--label", f"surge {self.run_id} {who}"
            )
        await self.key_works_everywhere(self.keys["auditor"]["api_key"])
        count = max(1, self.options.merchants)
        for index in range(count):
            merchant_id = f"surge-{self.run_id}-m{index:02d}"
            created = await self.call(
                "POST",
                self.url("order-svc", "/v1/api-keys"),
                who="ops",
                json={"role": "merchant", "merchant_id": merchant_id, "label": f"surge shop {index}"},
                expect=(201,),
            )
            self.merchants[merchant_id] = Merchant(
                merchant_id=merchant_id,
                api_key=created.json()["api_key"],
                default_bp=self.rng.choice((300, 500, 600, 800)),
                category_bp={"books": 200, "services": self.rng.choice((700, 800))},
                silent=index == 1,  # one merchant never answers: its deadlines decide
                hot=index == 0,  # one hot merchant with half the volume
            )
        await asyncio.gather(*(self.key_works_everywhere(m.api_key) for m in self.merchants.values()))
        await self.each(self.merchants.values(), self.setup_merchant, "merchant setup")
        await self.setup_carrier()
        tracking = await self.call("GET", self.url("logistics-svc", "/v1/settings/tracking"), who="ops")
        self.auto_confirm_days = int(tracking.json()["auto_confirm_days"])
        now = (await self.client.get(self.url("recon-svc", "/_test/clock"))).json()["now"]
        self.first_day = str(datetime.fromisoformat(now).astimezone(CHINA).date())

    async def key_works_everywhere(self, api_key: str) -> None:
        """Keys reach the services through access.events; wait until each accepts this one."""
        for service in SERVICE_NAMES:

            async def accepted(service: str = service) -> bool:
                response = await self.client.get(
                    self.url(service, "/v1/ops/bus-probes/none"), headers={"Authorization": f"Bearer {api_key}"}
                )
                return response.status_code != 401

            await self.eventually(accepted, f"key reaching {service}", timeout_s=60)

    async def setup_merchant(self, merchant: Merchant) -> None:
        mid = merchant.merchant_id
        policy = {
            "hold_days": HOLD_DAYS,
            "default_commission_bp": merchant.default_bp,
            "commission_bp_by_category": merchant.category_bp,
        }
        await self.call("PUT", self.url("settlement-svc", f"/v1/merchants/{mid}/policy"), who="ops", json=policy)
        account = await self.call(
            "POST",
            self.url("settlement-svc", f"/v1/merchants/{mid}/bank-accounts"),
            who=mid,
            json={
                "holder_name": f"杭州{mid[-3:]}商贸有限公司",
                "bank_name": "招商银行杭州分行",
                "account_type": "corporate",
                "account_number": f"7559{self.rng.randrange(10**11):011d}",
            },
            expect=(201,),
        )
        merchant.bank_account_id = account.json()["bank_account_id"]
        proposal = await self.call(
            "POST",
            self.url("settlement-svc", f"/v1/bank-accounts/{merchant.bank_account_id}/verify"),
            who="ops",
            json={"reason": "surge: holder and number checked"},
            expect=(202,),
        )
        await self.second_ops_approves(proposal)

    async def second_ops_approves(self, proposal: httpx.Response) -> None:
        """Four eyes: a proposal made with the ops key, approved with the second ops key. After an
        ambiguous failure (``call``) the proposal's retry may meet the first attempt's proposal
        (409 ``approval-pending``, naming it): that one is approved; a 409 to the approval's retry
        means the first attempt approved it."""
        pending_already = proposal.status_code == 409 and str(proposal.json().get("type", "")).endswith(
            "/approval-pending"
        )
        if proposal.status_code != 202 and not pending_already:
            return  # decided at once (a payout approval at or below the four-eyes threshold)
        approval_id = proposal.json()["approval_id"]
        await self.call(
            "POST",
            self.url("settlement-svc", f"/v1/approvals/{approval_id}/approve"),
            who="ops_second",
            json={"reason": "surge: second pair of eyes"},
        )

    async def setup_carrier(self) -> None:
        self.secrets = {
            "kuaidi100": f"surge-kuaidi100-salt-{uuid.uuid4().hex}",
            "aftership": f"surge-aftership-secret-{uuid.uuid4().hex}",
        }
        for source in ("kuaidi100", "aftership"):
            await self.call(
                "PUT",
                self.url("logistics-svc", f"/v1/webhook-sources/{source}/secret"),
                who="ops",
                json={"secret": self.secrets[source]},
                expect=(204,),
            )
        rotated = await self.call("POST", self.url("logistics-svc", "/v1/carriers/SF/webhook-secret"), who="ops")
        self.secrets["native"] = rotated.json()["webhook_secret"]
        logistics = self.platform.url("logistics-svc")
        if simulator_installed() and not self.options.direct_carrier:
            port = self.options.carrier_port or free_port()
            simulator = SimulatedCarrier(
                port=port,
                logistics_url=logistics,
                seed=self.options.seed,
                kuaidi100_salt=self.secrets["kuaidi100"],
                aftership_secret=self.secrets["aftership"],
                native_secret=self.secrets["native"],
                log_path=RUN_DIR / f"carrier-sim-{self.run_id}.log",
                rates=self.options.carrier_rates,
            )
            await simulator.start()
            self.carrier, self.carrier_kind = simulator, "simulator"
        else:
            self.carrier = DirectCarrier(
                logistics_url=logistics,
                kuaidi100_salt=self.secrets["kuaidi100"],
                aftership_secret=self.secrets["aftership"],
                native_secret=self.secrets["native"],
            )
            self.carrier_kind = (
                "direct (asked for)" if self.options.direct_carrier else "direct (simulators.carrier_sim not installed)"
            )

    # --- phase 2: orders --------------------------------------------------------------------

    def plan_orders(self) -> None:
        merchants = list(self.merchants.values())
        hot, others = merchants[0], merchants[1:] or merchants
        for index in range(self.options.orders):
            merchant = hot if self.rng.random() < 0.5 else self.rng.choice(others)
            order_id = f"SG-{self.run_id}-{index:05d}"
            roll = self.rng.random()
            fate = "cancel_placed" if roll < 0.04 else "cancel_confirmed" if roll < 0.08 else "ship"
            roll = self.rng.random()
            kinds = ((0.08, "partial"), (0.12, "whole"), (0.18, "return"), (0.21, "reject"))
            refund = next((kind for limit, kind in kinds if roll < limit), None) if fate == "ship" else None
            body = self.order_body(order_id, merchant.merchant_id, CHANNELS)
            line_ids = [line["line_id"] for line in body["lines"]]
            if len(line_ids) >= 2 and self.rng.random() < 0.35:
                half = len(line_ids) // 2
                parcels = [line_ids[:half], line_ids[half:]]
            else:
                parcels = [line_ids]
            self.orders.append(
                OrderPlan(
                    order_id=order_id,
                    merchant_id=merchant.merchant_id,
                    body=body,
                    fate=fate,
                    parcels=parcels,
                    buyer_confirms=self.rng.random() < 0.6,
                    refund=refund,
                    routes=[self.route() for _ in parcels],
                    return_format=self.rng.choice(FORMATS),
                    declines_credit=self.rng.random() < DECLINED_CREDIT_SHARE,
                )
            )

    def route(self) -> tuple[str, str]:
        fmt = self.rng.choice(FORMATS)
        return fmt, "SF" if fmt == "native" else self.rng.choice(CARRIERS)

    def order_body(self, order_id: str, merchant_id: str, channels: tuple[str, ...]) -> dict[str, Any]:
        rng = self.rng
        lines: list[dict[str, Any]] = []
        for number in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
            category, vat = rng.choice(CATEGORIES)
            lines.append(
                {
                    "line_id": f"L{number}",
                    "sku": f"{category.upper()}-{rng.randrange(1000)}",
                    "name": f"商品{number}",
                    "spec": rng.choice(("标准", "500g/罐", "大号")),
                    "quantity": rng.randint(1, 3),
                    "unit_price_minor": rng.randint(990, 25_000),
                    "vat_rate": vat,
                    "category": category,
                }
            )
        goods = sum(line["unit_price_minor"] * line["quantity"] for line in lines)
        coupons: list[dict[str, Any]] = []
        for funder, chances in (("merchant", (0.3, 0.3, 0.15)), ("platform", (0.25, 0.15, 0.25))):
            if rng.random() < chances[0]:
                threshold = rng.choice((5_000, 10_000, 20_000))
                candidate = {
                    "coupon_id": f"{funder[0].upper()}-MJ-{threshold // 100}",
                    "kind": "threshold",
                    "funded_by": funder,
                    "threshold_minor": threshold,
                    "amount_off_minor": threshold // 10,
                }
                running = goods - sum(coupon_discounts(goods, coupons))
                if running >= threshold:  # 满减 only when the running base reaches it
                    coupons.append(candidate)
            if rng.random() < chances[1]:
                percent = rng.choice(("5", "10", "12.5"))
                coupons.append(
                    {
                        "coupon_id": f"{funder[0].upper()}-PCT-{percent.replace('.', '_')}",
                        "kind": "percentage",
                        "funded_by": funder,
                        "percent_off_bp": int(Decimal(percent) * 100),
                        "percent_off": percent,
                        "cap_minor": rng.choice((2_000, 5_000)),
                    }
                )
            if rng.random() < chances[2]:
                coupons.append(
                    {
                        "coupon_id": f"{funder[0].upper()}-FIX",
                        "kind": "fixed",
                        "funded_by": funder,
                        "amount_off_minor": rng.choice((300, 500, 800)),
                    }
                )
        shipping = rng.choice((0, 0, 600, 1000))
        payable = payable_minor(goods, coupons, shipping)
        channel = rng.choice(channels)
        return {
            "order_id": order_id,
            "merchant_id": merchant_id,
            "buyer_ref": f"buyer-{rng.randrange(10_000)}",
            "currency": "CNY",
            "lines": [
                {
                    "line_id": line["line_id"],
                    "sku": line["sku"],
                    "name": line["name"],
                    "spec": line["spec"],
                    "quantity": line["quantity"],
                    "unit_price": fen_to_text(line["unit_price_minor"]),
                    "vat_rate": line["vat_rate"],
                    "category": line["category"],
                }
                for line in lines
            ],
            "coupons": [self.coupon_body(coupon) for coupon in coupons],
            "shipping_fee": fen_to_text(shipping),
            "consignee": dict(CONSIGNEE),
            "payment": {
                "channel": channel,
                "transaction_id": f"{channel[:3].upper()}-{uuid.uuid4().hex[:20]}",
                "amount": fen_to_text(payable),
                "paid_at": datetime.now(CHINA).isoformat(),
            },
            "_payable_minor": payable,  # the driver's own figure; removed before sending
        }

    @staticmethod
    def coupon_body(coupon: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "coupon_id": coupon["coupon_id"],
            "kind": coupon["kind"],
            "funded_by": coupon["funded_by"],
        }
        if coupon["kind"] == "threshold":
            body |= {
                "threshold": fen_to_text(coupon["threshold_minor"]),
                "amount_off": fen_to_text(coupon["amount_off_minor"]),
            }
        elif coupon["kind"] == "percentage":
            body |= {"percent_off": coupon["percent_off"], "cap": fen_to_text(coupon["cap_minor"])}
        else:
            body["amount_off"] = fen_to_text(coupon["amount_off_minor"])
        return body

    async def place_and_confirm(self, order: OrderPlan) -> None:
        body = {k: v for k, v in order.body.items() if not k.startswith("_")}
        placed = await self.call(
            "POST",
            self.url("order-svc", "/v1/orders"),
            who="platform",
            json=body,
            idempotency_key=order.order_id,
            expect=(201,),
        )
        priced = placed.json()
        order.placed = True
        if priced["payable_minor"] != order.body["_payable_minor"]:
            self.counters.error(
                f"{order.order_id}: payable {priced['payable_minor']} != driver's {order.body['_payable_minor']}"
            )
        merchant = self.merchants[order.merchant_id]
        order.ledger = OrderLedger(
            order_id=order.order_id,
            merchant_id=order.merchant_id,
            shipping_minor=priced["shipping_fee_minor"],
            lines={
                line["line_id"]: LineFigures(
                    line_id=line["line_id"],
                    category=line["category"],
                    quantity=line["quantity"],
                    paid_minor=line["paid_amount_minor"],
                    subsidy_minor=line["platform_discount_minor"],
                    commission_base_minor=line["commission_base_minor"],
                )
                for line in priced["lines"]
            },
            commission_bp=merchant.category_bp,
            default_bp=merchant.default_bp,
        )
        base = f"/v1/orders/{order.order_id}"
        if order.fate != "cancel_placed":
            items = [{"line_id": x["line_id"], "quantity": x["quantity"], "spec": x["spec"]} for x in body["lines"]]
            await self.call(
                "POST",
                self.url("order-svc", f"{base}/shipping-info/confirm"),
                who=order.merchant_id,
                json={"items": items},
            )
        if order.fate.startswith("cancel"):
            await self.call(
                "POST",
                self.url("order-svc", f"{base}/cancel"),
                who="platform",
                json={"reason": "买家不想要了"},
                idempotency_key=f"cancel-{order.order_id}",
            )
            order.refund_expected = "completed"

    async def dispatch(self, order: OrderPlan) -> None:
        """One or two parcels, each registered with the carrier simulator."""
        quantities = {line["line_id"]: line["quantity"] for line in order.body["lines"]}
        for parcel, (fmt, carrier_code) in zip(order.parcels, order.routes, strict=True):
            self.serial += 1
            number = tracking_number(carrier_code, self.serial)
            shipment = {
                "order_id": order.order_id,
                "carrier_code": carrier_code,
                "tracking_number": number,
                "lines": [{"line_id": line_id, "quantity": quantities[line_id]} for line_id in parcel],
            }

            async def dispatched(shipment: dict[str, Any] = shipment) -> bool:
                # logistics learns of the confirmation through the bus: 404/409 until it has
                response = await self.call(
                    "POST",
                    self.url("logistics-svc", "/v1/shipments"),
                    who=order.merchant_id,
                    json=shipment,
                    expect=(201, 404, 409),
                )
                if response.status_code == 201:
                    return True
                if response.status_code in (409, 422) and any(
                    found["tracking_number"] == shipment["tracking_number"] for found in await self.shipments_of(order)
                ):  # a retry after the service died having dispatched it: the parcel is there
                    return True
                slug = str(response.json().get("type", "")).rsplit("/", 1)[-1]
                if slug not in ("not-found", "shipping-info-not-confirmed"):
                    raise SurgeError(f"dispatch {order.order_id}: {response.status_code} {response.text[:300]}")
                return False

            if await self.eventually(dispatched, f"dispatch {order.order_id}", timeout_s=120, interval_s=0.5):
                order.tracking_numbers.append(number)
                assert self.carrier is not None
                await self.carrier.register(number, carrier_code, fmt, "delivered")

    # --- phase 3: delivery and sign-off -------------------------------------------------------

    def shipped(self) -> list[OrderPlan]:
        return [o for o in self.orders if o.placed and o.fate == "ship" and len(o.tracking_numbers) == len(o.parcels)]

    async def shipments_of(self, order: OrderPlan) -> list[dict[str, Any]]:
        response = await self.call(
            "GET", self.url("logistics-svc", f"/v1/orders/{order.order_id}/shipments"), who="ops"
        )
        return [s for s in response.json() if s.get("direction", "outbound") == "outbound"]

    async def delivered(self, order: OrderPlan) -> bool:
        found = await self.shipments_of(order)
        order.last_seen = ",".join(f"{s['tracking_number']}:{s['status']}" for s in found)
        return len(found) == len(order.parcels) and all(s["status"] in ("delivered", "signed_off") for s in found)

    async def wait_for_order(
        self, order: OrderPlan, stage: str, timeout_s: float, between: Callable[[], None] | None = None
    ) -> bool:
        """Until order-svc says the order reached ``stage`` (e.g. ``delivered``), by long-polls
        that order-svc answers as soon as it does, rather than polls at intervals; False (and an
        error) after ``timeout_s``. ``between`` runs before each long-poll and may raise
        SurgeError to give up early. Not through ``call``: a long-poll waits, it holds no slot
        of the requests in flight."""
        timeout_s *= self.options.wait_scale
        deadline = time.monotonic() + timeout_s
        url = self.url("order-svc", f"/v1/orders/{order.order_id}")
        while (remaining := deadline - time.monotonic()) > 0:
            if between is not None:
                between()
            wait_s = round(min(LONG_POLL_S, max(remaining, 0.1)), 1)
            self.counters.requests += 1
            try:
                response = await self.http().get(
                    url, params={"until": stage, "wait": wait_s}, headers=self.auth("platform"), timeout=wait_s + 10
                )
            except httpx.TransportError:  # a service restarting: not yet
                await asyncio.sleep(0.5)
                continue
            if response.status_code >= 500:
                await asyncio.sleep(0.5)
                continue
            if response.status_code != 200:
                raise SurgeError(f"GET {url}?until={stage}: {response.status_code} {response.text[:300]}")
            answer = response.json()
            order.last_seen = str(answer.get("status"))
            if answer["reached"]:
                return True
        self.counters.error(f"{stage} {order.order_id}: not within {timeout_s}s {order.last_seen}")
        return False

    async def confirm_receipt(self, order: OrderPlan) -> None:
        await self.call(
            "POST", self.url("logistics-svc", f"/v1/orders/{order.order_id}/confirm-receipt"), who="platform"
        )

    async def settlement_of(self, order: OrderPlan) -> dict[str, Any] | None:
        response = await self.call(
            "GET", self.url("settlement-svc", f"/v1/orders/{order.order_id}/settlement"), who="ops", expect=(200, 404)
        )
        return response.json() if response.status_code == 200 else None

    async def booked(self, order: OrderPlan) -> bool:
        """settlement booked every parcel's sign-off; the driver's ledger books them too."""
        found = await self.settlement_of(order)
        if found is None or len(found["holds"]) != len(order.parcels):
            return False
        if not all(line["units_signed_off"] == line["quantity"] for line in found["lines"].values()):
            return False
        if not order.signed_off:
            self.due += [datetime.fromisoformat(h["release_at"]) for h in found["holds"] if not h["released_at"]]
            assert order.ledger is not None
            for parcel in order.parcels:
                order.ledger.sign_off_parcel(parcel)
            order.signed_off = True
        return True

    # --- phase 4: refunds ---------------------------------------------------------------------

    def refund_request(self, order: OrderPlan) -> dict[str, Any]:
        lines = order.body["lines"]
        if order.refund == "whole":
            units = {line["line_id"]: line["quantity"] for line in lines}
            kind, reason = "refund_only", "not_received"
        elif order.refund == "return":
            units = {lines[0]["line_id"]: 1}
            kind, reason = "return_and_refund", "quality"
        else:
            units = {lines[-1]["line_id"]: 1}
            kind, reason = "refund_only", "damaged"
        return {
            "order_id": order.order_id,
            "kind": kind,
            "reason_code": reason,
            "reason": "买家申请",
            "lines": [{"line_id": line_id, "units": count} for line_id, count in units.items()],
        }

    async def file_refund(self, order: OrderPlan) -> None:
        body = self.refund_request(order)

        async def quotable() -> bool:
            # refund-svc learns of the sign-off through the bus; a quote answers once it has
            response = await self.call(
                "POST",
                self.url("refund-svc", "/v1/refunds/quote"),
                who="platform",
                json=body,
                expect=(200, 404, 409, 422),
            )
            return response.status_code == 200

        if not await self.eventually(quotable, f"refund quote for {order.order_id}", timeout_s=60):
            return
        created = await self.call(
            "POST",
            self.url("refund-svc", "/v1/refunds"),
            who="platform",
            json=body,
            idempotency_key=f"refund-{order.order_id}",
            expect=(201,),
        )
        order.refund_id = created.json()["refund_id"]
        silent = self.merchants[order.merchant_id].silent
        order.refund_expected = "closed" if order.refund == "reject" and not silent else "completed"
        if silent:
            return  # the 48-hour deadline answers for this merchant
        path = f"/v1/refunds/{order.refund_id}"
        if order.refund == "reject":
            await self.call(
                "POST",
                self.url("refund-svc", f"{path}/reject"),
                who=order.merchant_id,
                json={"reason": "商品无质量问题"},
            )
        else:
            await self.call("POST", self.url("refund-svc", f"{path}/approve"), who=order.merchant_id)

    async def refund_state(self, order: OrderPlan) -> dict[str, Any]:
        response = await self.call("GET", self.url("refund-svc", f"/v1/refunds/{order.refund_id}"), who="ops")
        state: dict[str, Any] = response.json()
        order.refund_status = state["status"]
        return state

    def in_status(self, *statuses: str) -> Callable[[OrderPlan], Awaitable[bool]]:
        async def reached(order: OrderPlan) -> bool:
            return (await self.refund_state(order))["status"] in statuses

        return reached

    async def ship_back(self, order: OrderPlan) -> None:
        self.serial += 1
        number = tracking_number("SF", self.serial)
        order.return_tracking_number = number
        await self.call(
            "POST",
            self.url("refund-svc", f"/v1/refunds/{order.refund_id}/return-shipment"),
            who="platform",
            json={"carrier_code": "SF", "tracking_number": number},
        )
        assert self.carrier is not None
        await self.carrier.register(number, "SF", order.return_format, "delivered")

    async def inspect(self, order: OrderPlan) -> None:
        if not self.merchants[order.merchant_id].silent:
            await self.call(
                "POST",
                self.url("refund-svc", f"/v1/refunds/{order.refund_id}/inspection"),
                who=order.merchant_id,
                json={"passed": True, "reason": "完好"},
            )

    async def refund_ended(self, order: OrderPlan) -> bool:
        """Completed or closed; on the way the platform answers balance credits and ops settle
        failures, as the SLA view would have them do."""
        state = await self.refund_state(order)
        order.last_seen = state["status"]
        await self.move_refund_on(state, declines_credit=order.declines_credit)
        return state["status"] in FINAL_REFUND

    async def move_refund_on(self, state: dict[str, Any], *, declines_credit: bool) -> None:
        step = refund_next_step(state)
        refund_id = state["refund_id"]
        path = f"/v1/refunds/{refund_id}"
        if step == "answer_credit":
            credit = state["balance_credit"]
            answer: dict[str, Any] = {
                "credit_id": credit["credit_id"],
                "buyer_ref": credit["buyer_ref"],
                "amount_minor": credit["amount_minor"],
            }
            if declines_credit:
                answer |= {"outcome": "declined", "reason": "余额账户已注销"}
            else:
                answer |= {"outcome": "credited", "credit_reference": f"BAL-{credit['credit_id']}"}
            await self.call("POST", self.url("refund-svc", f"{path}/balance-credit"), who="platform", json=answer)
        elif step == "retry":
            self.notes.append(f"{refund_id}: the provider failed the refund; ops retried it")
            await self.call("POST", self.url("refund-svc", f"{path}/retry"), who="ops")
        elif step == "resolve_offline":
            self.notes.append(f"{refund_id}: failed for good ({state['failure_reason']}); ops refunded it offline")
            await self.call(
                "POST",
                self.url("refund-svc", f"{path}/resolution"),
                who="ops",
                json={
                    "how": "refunded_offline",
                    "reason": "surge: paid by bank transfer",
                    "reference": f"TRF-{refund_id}",
                },
            )

    async def finish_refund(self, order: OrderPlan) -> None:
        state = await self.refund_state(order)
        if state["status"] != order.refund_expected:
            self.counters.error(f"refund {order.refund_id} ended {state['status']}, expected {order.refund_expected}")
        if state["status"] == "completed" and order.ledger is not None:
            order.ledger.refund_after_sign_off(state["amounts"])

    # --- phase 5: settlement --------------------------------------------------------------------

    async def balances(self, merchant: Merchant) -> dict[str, Any]:
        response = await self.call(
            "GET",
            self.url("settlement-svc", f"/v1/merchants/{merchant.merchant_id}/balances"),
            who=merchant.merchant_id,
        )
        return dict(response.json())

    async def all_available(self, merchant: Merchant) -> bool:
        found = await self.balances(merchant)
        amounts = found["balances_minor"]
        expected = merchant.expected_net_minor
        return bool(amounts["available"] == expected and amounts["pending"] == 0 and found["frozen_minor"] == 0)

    async def all_paid(self, merchant: Merchant) -> bool:
        """Paid out in full; a payout the bank failed put its money back in available, and the
        merchant applies again for it (as a merchant told by the payout-failed webhook would)."""
        found = await self.balances(merchant)
        amounts = found["balances_minor"]
        expected = max(merchant.expected_net_minor, 0)
        if amounts["paid_out"] == expected and amounts["in_payout"] == 0:
            return True
        if amounts["available"] > 0 and amounts["in_payout"] == 0:
            self.notes.append(f"{merchant.merchant_id}: a payout failed; applied again for {amounts['available']}")
            await self.apply(merchant, amounts["available"])
        return False

    async def apply(self, merchant: Merchant, amount_minor: int | None = None) -> None:
        """Apply for everything available, with an invoice; ops approve a review at once."""
        mid = merchant.merchant_id
        expected = merchant.expected_net_minor if amount_minor is None else amount_minor
        if expected <= 0:
            return
        voucher = await self.call(
            "POST",
            self.url("settlement-svc", f"/v1/merchants/{mid}/vouchers"),
            who=mid,
            data={"kind": "invoice"},
            files={"file": ("invoice.pdf", b"%PDF-1.7\n% surge invoice\n", "application/pdf")},
            expect=(201,),
        )
        applied = await self.call(
            "POST",
            self.url("settlement-svc", f"/v1/merchants/{mid}/settlement-applications"),
            who=mid,
            json={"bank_account_id": merchant.bank_account_id, "voucher_ids": [voucher.json()["voucher_id"]]},
            idempotency_key=f"apply-{mid}-{len(merchant.application_ids) + 1}",
            expect=(201,),
        )
        application = applied.json()
        merchant.application_ids.append(application["application_id"])
        if application["amount_minor"] != expected:
            self.counters.error(f"{mid}: application for {application['amount_minor']}, driver expects {expected}")
        if application["status"] == "in_review":
            decided = await self.call(
                "POST",
                self.url("settlement-svc", f"/v1/settlement-applications/{application['application_id']}/approve"),
                who="ops",
                json={"reason": "surge: vouchers and account checked"},
                expect=(200, 202),
            )
            await self.second_ops_approves(decided)

    # --- observation ------------------------------------------------------------------------------

    async def observe(self, merchant: Merchant) -> None:
        """The merchant's orders' stages as settlement reports them (one read for all of them); a
        stage earlier than one seen before is a regression."""
        response = await self.call(
            "GET", self.url("settlement-svc", f"/v1/merchants/{merchant.merchant_id}/settlement-states"), who="ops"
        )
        states = {entry["order_id"]: entry["state"] for entry in response.json()["orders"]}
        for order in self.orders:
            rank = STAGE_RANK.get(states.get(order.order_id, "")) if order.merchant_id == merchant.merchant_id else None
            if rank is None:
                continue
            state = states[order.order_id]
            if rank < order.stage_rank:
                self.counters.regressed.append(f"{order.order_id}: {STAGES[order.stage_rank]} -> {state}")
            order.stage_rank = max(order.stage_rank, rank)

    async def observe_all(self) -> None:
        started = time.monotonic()
        await self.each(list(self.merchants.values()), self.observe, "observe")
        self.phase_s["observe"] = round(self.phase_s.get("observe", 0) + time.monotonic() - started, 2)

    # --- quiet ------------------------------------------------------------------------------------

    async def quiet(self) -> dict[str, Any]:
        """Every order final, sandboxes and carrier idle, consumers caught up, outboxes empty."""
        sandbox_headers = {"Authorization": f"Bearer {self.platform.sandbox_secret}"}

        async def idle() -> dict[str, Any] | None:
            report: dict[str, Any] = {}
            for kind in ("payout", "refund"):
                stats = (
                    await self.client.get(
                        f"{self.platform.url(f'{kind}-sandbox')}/_sandbox/stats", headers=sandbox_headers
                    )
                ).json()
                report[kind] = stats["awaiting_outcome"] + stats["callbacks_pending"]
            assert self.carrier is not None
            report["carrier_busy"] = not await self.carrier.quiet()
            backlog = await self.outbox_backlog()
            lag = await self.consumer_lag()
            report |= {"consumer_lag": lag, "outbox_backlog": backlog}
            busy = report["payout"] or report["refund"] or report["carrier_busy"] or lag is None or lag > 0
            busy = busy or backlog is None or backlog > 0
            last.update(report)
            return None if busy else report

        last: dict[str, Any] = {}
        found = await self.eventually(idle, "quiet", timeout_s=120, interval_s=0.5)
        if found is None:
            self.counters.error(f"not quiet: {last}")
        return found or {"not_quiet": last}

    # --- the whole surge -------------------------------------------------------------------------

    async def wait(self, items: list[T], done: Callable[[T], Awaitable[bool]], what: str) -> None:
        await self.until_all(items, done, what)

    async def phase(self, name: str, work: Awaitable[None]) -> None:
        if self.on_phase_start is not None:
            self.on_phase_start(name)
        started = time.monotonic()
        await work
        self.phase_s[name] = round(time.monotonic() - started, 2)
        print(
            f"surge: {name} done in {self.phase_s[name]} s ({len(self.counters.unclassified)} errors so far)",
            flush=True,
        )

    async def run(self) -> dict[str, Any]:
        try:
            await self.phase("setup", self.setup())
            self.plan_orders()
            await self.phase("orders", self.each(self.orders, self.place_and_confirm, "order"))
            to_ship = [o for o in self.orders if o.placed and o.fate == "ship"]
            await self.phase("dispatch", self.each(to_ship, self.dispatch, "dispatch"))
            shipped = self.shipped()
            delivered = await self.until_all(shipped, self.delivered, "delivery", self.options.deadline_s / 3)
            buyers = [o for o in delivered if o.buyer_confirms]
            await self.phase("delivery", self.each(buyers, self.confirm_receipt, "confirm receipt"))
            await self.phase("buyer sign-off", self.wait(buyers, self.booked, "sign-off"))  # their holds' dates
            await self.observe_all()
            await self.advance(self.auto_confirm_days * 86400 + 3600)  # the others auto-confirm
            await self.phase("sign-off", self.wait(shipped, self.booked, "sign-off"))
            await self.observe_all()
            refunding = [o for o in shipped if o.refund and o.signed_off]
            await self.phase("refunds", self.each(refunding, self.file_refund, "refund"))
            filed = [o for o in refunding if o.refund_id]
            await self.advance(48 * 3600 + 60)  # the silent merchant's answer deadline passes
            returns = await self.until_all(
                [o for o in filed if o.refund == "return"], self.in_status("awaiting_return"), "approval"
            )
            await self.phase("returns", self.each(returns, self.ship_back, "ship back"))
            arrived = await self.until_all(returns, self.in_status("awaiting_inspection"), "return delivery")
            await self.phase("inspections", self.each(arrived, self.inspect, "inspection"))
            await self.advance(48 * 3600 + 60)  # the silent merchant's inspection deadline passes
            await self.advance(7 * 86400 + 60)  # rejected refunds: the escalation window closes
            ended = await self.until_all(filed, self.refund_ended, "refund end")
            await self.phase("refunds final", self.each(ended, self.finish_refund, "refund end"))
            cancelled = [o for o in self.orders if o.placed and o.fate.startswith("cancel")]
            await self.phase("cancellations", self.wait(cancelled, self.cancellation_refunded, "cancellation"))
            await self.observe_all()
            await self.advance((HOLD_DAYS + 1) * 86400)  # every hold falls due
            merchants = list(self.merchants.values())
            for merchant in merchants:
                merchant.expected_net_minor = sum(
                    o.ledger.merchant_net_minor
                    for o in self.orders
                    if o.ledger and o.merchant_id == merchant.merchant_id
                )
            ready = await self.until_all(merchants, self.all_available, "available")
            await self.phase("settlement", self.each(ready, self.apply, "settlement application"))
            await self.phase("payouts", self.wait(ready, self.all_paid, "payout"))
            started = time.monotonic()
            quiet = await self.quiet()
            self.phase_s["quiet"] = round(time.monotonic() - started, 2)
            await self.observe_all()
            duration_s = time.monotonic() - self.started
            record = self.record(duration_s, quiet)
            path = RUN_DIR / f"run-{self.run_id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record, indent=1, ensure_ascii=False))
            record["record_path"] = str(path)
            return record
        finally:
            await self.lag_probe.close()
            if self.carrier is not None:
                await self.carrier.close()
            await self.close_clients()

    async def cancellation_refunded(self, order: OrderPlan) -> bool:
        """Cancellations are refunded automatically by refund-svc; find the refund and see it end."""
        found = await self.call(
            "GET", self.url("refund-svc", "/v1/refunds"), who="ops", params={"order_id": order.order_id}
        )
        refunds = found.json()["items"]  # one order's refunds: a handful, within one page
        for refund in refunds:
            await self.move_refund_on(refund, declines_credit=order.declines_credit)
        done = [r for r in refunds if r["status"] == "completed"]
        if done:
            order.refund_id, order.refund_status = str(done[0]["refund_id"]), "completed"
        return bool(done)

    def record(self, duration_s: float, quiet: dict[str, Any]) -> dict[str, Any]:
        """Everything the checker needs: addresses, keys, and the driver's expectations."""
        return {
            "run_id": self.run_id,
            "options": asdict(self.options),
            "carrier": self.carrier_kind,
            "urls": self.platform.urls,
            "database_urls": self.platform.database_urls,
            "sandbox_secret": self.platform.sandbox_secret,
            "keys": {role: key["api_key"] for role, key in self.keys.items()},
            "first_day": self.first_day,
            "duration_s": round(duration_s, 2),
            "phase_s": self.phase_s,
            "quiet": quiet,
            "requests": self.counters.requests,
            "ambiguous_requests": self.counters.ambiguous,
            "unclassified_errors": self.counters.unclassified,
            "regressed": self.counters.regressed,
            "notes": self.notes,
            "merchants": {
                m.merchant_id: {
                    "api_key": m.api_key,
                    "expected_net_minor": m.expected_net_minor,
                    "application_ids": m.application_ids,
                    "silent": m.silent,
                    "hot": m.hot,
                }
                for m in self.merchants.values()
            },
            "orders": {
                o.order_id: {
                    "merchant_id": o.merchant_id,
                    "placed": o.placed,
                    "fate": o.fate,
                    "parcels": len(o.parcels),
                    "tracking_numbers": o.tracking_numbers,
                    "signed_off": o.signed_off,
                    "refund": o.refund,
                    "refund_id": o.refund_id,
                    "refund_expected": o.refund_expected,
                    "refund_status": o.refund_status,
                    "expected_net_minor": o.ledger.merchant_net_minor if o.ledger else 0,
                    "expected_refunded_minor": (
                        o.ledger.refunded_to_buyer_minor if o.ledger and o.fate == "ship" else None
                    ),
                    "expected_state": (
                        "refunded"
                        if o.fate != "ship" or (o.ledger and all(x.units_left == 0 for x in o.ledger.lines.values()))
                        else "paid_out"
                    ),
                }
                for o in self.orders
            },
        }
