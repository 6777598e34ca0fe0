"""settlement-steps: database statements and CPU per step of one paid lifecycle in settlement-svc,
each step through the service's own code path, measured alone.

    python bench/settlement_steps.py [--orders 100] [--merchants 5] [--per-poll 1] [--suffix _steps]

Steps, in a lifecycle's order (merchants: T+0 hold, auto-apply, a verified account already paid to
once, so applications are approved at once; no webhook endpoint):
- consumed events, each applied with ``ConsumerLoop.apply`` and settlement's real ``Subscription``
  (the consumer's path without Kafka: inbox, handler, one transaction): OrderPlaced,
  ShippingInfoConfirmed, ShipmentDispatched, ShipmentStatusChanged (delivered), OrderSignedOff;
- timers, fired with the service's own ``TimerScheduler`` and handlers: hold_release (with the
  automatic application; a hold due at once is released in its sign-off's transaction, and this
  step then has nothing to fire), payout_batch (the batch an approval starts; the interval's batch
  timer is not started: it is the idle fallback, not a lifecycle's work), payout_send (the bank is
  an in-process ``httpx`` transport answering ``accepted``), and payout_status_check ten minutes
  later (``paid``);
- the bank's signed ``paid`` callback: the endpoint's own verification and
  ``payouts.apply_provider_outcome`` in a unit of work.

Round trips are what the client sends (SQLAlchemy's engine events: each statement, an
executemany once, BEGIN, COMMIT and savepoints). Statements are the database's own count
(``pg_stat_statements`` calls in this run's database only, reset before each step: BEGIN, COMMIT
and a deferred trigger's statements at commit included, each row of an executemany counted, savepoints
not, as bench-lifecycle counts). CPU is this process's (``time.process_time``) over the step, so
other work on the machine does not count.

``--per-poll k``: k orders' events in one poll and k due timers in one firing (a busy consumer's
and scheduler's batches); the figures stay per order. At the end the ledger must balance, the
merchant balances must equal their postings and every payout must be paid: a run that measured
less work fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from standardwebhooks import Webhook

ROOT = Path(__file__).resolve().parent.parent

from settlement_svc.adapters.tables import ApplicationRow  # noqa: E402
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork  # noqa: E402
from settlement_svc.config import SettlementSettings  # noqa: E402
from settlement_svc.domain.payouts import AccountType  # noqa: E402
from settlement_svc.domain.policies import MerchantPolicy  # noqa: E402
from settlement_svc.entrypoints.consumers import subscriptions, timer_handlers  # noqa: E402
from settlement_svc.service_layer import payouts  # noqa: E402
from shipsettle_shared import contracts  # noqa: E402
from shipsettle_shared.consignee_transit import seal_consignee  # noqa: E402
from shipsettle_shared.db import ConnectionLane, create_engine, session_factory, unit_of_work  # noqa: E402
from shipsettle_shared.envelope import EventEnvelope  # noqa: E402
from shipsettle_shared.field_crypto import LocalKeyring  # noqa: E402
from shipsettle_shared.messaging.consumer import ConsumerLoop  # noqa: E402
from shipsettle_shared.migrations import upgrade_to_head  # noqa: E402
from shipsettle_shared.outbox import build_envelope  # noqa: E402
from shipsettle_shared.provider_client import verified_callback  # noqa: E402
from shipsettle_shared.service import ServiceRuntime  # noqa: E402
from shipsettle_shared.settings import DEVELOPMENT_CALLBACK_SECRET, DEVELOPMENT_PII_KEYRING, Environment  # noqa: E402
from shipsettle_shared.timers import TimerScheduler, timer_schedulers  # noqa: E402
from shipsettle_shared.topology import database_url  # noqa: E402

ADMIN_DSN = database_url("postgres").replace("postgresql+asyncpg://", "postgresql://").split("?")[0]
START = datetime(2026, 12, 1, 2, tzinfo=UTC)
ORDER_SPACING = timedelta(hours=1)  # every step of an order is done before the next order's first
STEPS = (
    "OrderPlaced",
    "ShippingInfoConfirmed",
    "ShipmentDispatched",
    "ShipmentStatusChanged",
    "OrderSignedOff",
    "hold_release",
    "payout_batch",
    "payout_send",
    "payout_callback",
    "payout_status_check",
)


class MovableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@dataclass
class StepFigures:
    statements: int = 0
    round_trips: int = 0
    cpu_s: float = 0.0
    by_statement: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Bank:
    """The payout provider as an in-process transport: accepts every payout, then says paid."""

    def __init__(self) -> None:
        self.sent: dict[str, int] = {}

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)
            self.sent[body["request_id"]] = body["amount_minor"]
            return httpx.Response(
                202, json={"request_id": body["request_id"], "status": "accepted", "provider_reference": "BANK-1"}
            )
        request_id = request.url.path.rsplit("/", 1)[-1]
        if request_id not in self.sent:
            return httpx.Response(404, json={"detail": "unknown"})
        return httpx.Response(200, json={"request_id": request_id, "status": "paid", "provider_reference": "BANK-1"})


def order_events(order_id: str, merchant_id: str, at: datetime) -> dict[str, EventEnvelope]:
    """The five events settlement consumes in a paid lifecycle of a two-line order (figures as
    order-svc prices them: paid 9,900 + 25,000, subsidy 500, shipping 800)."""
    lines = [
        contracts.PricedLine(
            line_id="L1",
            sku="SKU-1",
            name="tea",
            spec="250g",
            category="tea",
            quantity=2,
            unit_price_minor=5200,
            vat_rate_bp=900,
            line_amount_minor=10400,
            merchant_discount_minor=0,
            platform_discount_minor=500,
            paid_amount_minor=9900,
            sales_amount_minor=10400,
            vat_minor=859,
            commission_base_minor=10400,
        ),
        contracts.PricedLine(
            line_id="L2",
            sku="SKU-2",
            name="kettle",
            spec="1L",
            category="electronics",
            quantity=1,
            unit_price_minor=25000,
            vat_rate_bp=1300,
            line_amount_minor=25000,
            merchant_discount_minor=0,
            platform_discount_minor=0,
            paid_amount_minor=25000,
            sales_amount_minor=25000,
            vat_minor=2876,
            commission_base_minor=25000,
        ),
    ]
    consignee = seal_consignee(
        LocalKeyring.parse(DEVELOPMENT_PII_KEYRING),
        order_id,
        {
            "name": "张三",
            "mobile": "13800000000",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "address_line": "文三路 1 号",
            "postal_code": "310000",
        },
    )
    shipment_id = f"SH-{order_id}"
    tracking = f"SF{abs(hash(order_id)) % 10**12:012d}"
    shipped = [contracts.ShipmentLine(line_id="L1", quantity=2), contracts.ShipmentLine(line_id="L2", quantity=1)]
    payloads: dict[str, contracts.EventPayload] = {
        "OrderPlaced": contracts.OrderPlaced(
            order_id=order_id,
            merchant_id=merchant_id,
            buyer_ref="buyer-1",
            currency="CNY",
            placed_at=at,
            lines=lines,
            coupons=[],
            goods_total_minor=35400,
            merchant_discount_minor=0,
            platform_discount_minor=500,
            shipping_fee_minor=800,
            payable_minor=35700,
            vat_minor=3735,
            payment=contracts.PaymentCollected(
                channel="alipay", transaction_id=f"PAY-{order_id}", amount_minor=35700, paid_at=at
            ),
        ),
        "ShippingInfoConfirmed": contracts.ShippingInfoConfirmed(
            order_id=order_id,
            merchant_id=merchant_id,
            buyer_ref="buyer-1",
            consignee_sealed=consignee,
            items=[
                contracts.ShippingItem(line_id="L1", quantity=2, spec="250g"),
                contracts.ShippingItem(line_id="L2", quantity=1, spec="1L"),
            ],
            confirmed_by="platform",
            confirmed_at=at + timedelta(minutes=1),
        ),
        "ShipmentDispatched": contracts.ShipmentDispatched(
            order_id=order_id,
            merchant_id=merchant_id,
            shipment_id=shipment_id,
            carrier_code="SF",
            tracking_number=tracking,
            lines=shipped,
            dispatched_at=at + timedelta(minutes=2),
        ),
        "ShipmentStatusChanged": contracts.ShipmentStatusChanged(
            order_id=order_id,
            merchant_id=merchant_id,
            shipment_id=shipment_id,
            tracking_number=tracking,
            previous_status="dispatched",
            status="delivered",
            scan_time=at + timedelta(minutes=3),
            description="已签收",
            location="杭州",
        ),
        "OrderSignedOff": contracts.OrderSignedOff(
            order_id=order_id,
            merchant_id=merchant_id,
            shipment_id=shipment_id,
            how="buyer_confirmed",
            signed_off_at=at + timedelta(minutes=4),
            lines=shipped,
            order_fully_signed_off=True,
        ),
    }
    return {
        step: build_envelope(payload, producer="bench", occurred_at=at, correlation_id=f"corr-{order_id}")
        for step, payload in payloads.items()
    }


class Harness:
    def __init__(self, database: str, orders: int, merchants: int, per_poll: int) -> None:
        self.database = database
        self.orders = orders
        self.merchant_ids = [f"m-steps-{index:02d}" for index in range(merchants)]
        self.per_poll = per_poll
        self.clock = MovableClock(START)
        self.bank = Bank()
        self.figures: dict[str, StepFigures] = {step: StepFigures() for step in STEPS}
        self.admin: asyncpg.Connection | None = None
        self.database_oid = 0
        self.answered: set[str] = set()
        self.round_trips = 0

    async def prepare_database(self) -> str:
        admin = await asyncpg.connect(ADMIN_DSN)
        try:
            await admin.execute(f'drop database if exists "{self.database}" with (force)')
            await admin.execute(f'create database "{self.database}"')
        finally:
            await admin.close()
        url = str(database_url(self.database))
        migrations = ROOT / "services" / "settlement-svc" / "migrations"
        await asyncio.to_thread(upgrade_to_head, migrations, url)
        return url

    async def run(self) -> None:
        url = await self.prepare_database()
        settings = SettlementSettings(
            service_name="settlement-svc", environment=Environment.TEST, database_url=url, payout_batch_interval_s=1
        )
        engine = create_engine(settings)
        self.count_round_trips(engine)
        sessions = session_factory(engine)
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.bank.handle))
        runtime = ServiceRuntime(
            settings=settings,
            clock=self.clock,
            engine=engine,
            sessions=sessions,
            producer=None,  # nothing here produces to Kafka
            lane=ConnectionLane.for_settings(settings),
            http=http,
        )
        (subscription,) = subscriptions(runtime)
        consumer = ConsumerLoop(settings, sessions, subscription, dead_letter_producer=None)
        handlers = timer_handlers(runtime)
        # one scheduler per kind, as the service assembles them (payout calls one per transaction)
        schedulers = {
            kind: timer_schedulers(sessions, self.clock, {kind: handlers[kind]}, batch_size=self.per_poll)[0]
            for kind in ("hold_release", "payout_batch", "payout_send", "payout_status_check")
        }
        self.admin = await asyncpg.connect(ADMIN_DSN)
        try:
            self.database_oid = int(
                await self.admin.fetchval("select oid from pg_database where datname = $1", self.database)
            )
            await self.set_up_merchants(sessions, runtime)
            for start in range(0, self.orders, self.per_poll):
                await self.lifecycles(
                    runtime, consumer, schedulers, range(start, min(start + self.per_poll, self.orders))
                )
            await self.check(sessions)
        finally:
            await self.admin.close()
            await http.aclose()
            await engine.dispose()

    def count_round_trips(self, engine: AsyncEngine) -> None:
        """What the client sends: each statement (an executemany once), BEGIN, COMMIT, ROLLBACK and
        savepoints (which pg_stat_statements does not count)."""

        def one_more(*_: object, **__: object) -> None:
            self.round_trips += 1

        for name in ("before_cursor_execute", "begin", "commit", "rollback", "savepoint", "release_savepoint"):
            event.listen(engine.sync_engine, name, one_more)
        event.listen(engine.sync_engine, "rollback_savepoint", one_more)

    async def set_up_merchants(self, sessions: async_sessionmaker[AsyncSession], runtime: ServiceRuntime) -> None:
        """T+0, auto-apply, a verified account that was paid to once (no first-payout review)."""
        async with unit_of_work(sessions) as session:
            uow = SqlSettlementUnitOfWork(session)
            for merchant_id in self.merchant_ids:
                await uow.policies.add_policy(
                    MerchantPolicy(merchant_id, hold_days=0, auto_apply=True), by="bench", now=START - timedelta(days=1)
                )
                account = await payouts.register_bank_account(
                    SqlSettlementUnitOfWork(session),
                    merchant_id,
                    holder_name="杭州测试商贸有限公司",
                    bank_name="招商银行杭州分行",
                    account_type=AccountType.CORPORATE,
                    account_number="755912345678",
                    now=START - timedelta(days=1),
                    vault=runtime.personal_data,
                    blind_index=runtime.settings.blind_index(),
                )
                await payouts.verify_bank_account(
                    SqlSettlementUnitOfWork(session), account.bank_account_id, by="ops", now=START
                )
                session.add(
                    ApplicationRow(
                        application_id=f"SA-earlier-{merchant_id}",
                        merchant_id=merchant_id,
                        bank_account_id=account.bank_account_id,
                        amount_minor=100,
                        currency="CNY",
                        order_ids=[],
                        voucher_ids=[],
                        status="paid",
                        review_reasons=[],
                        created_at=START - timedelta(days=1),
                        updated_at=START - timedelta(days=1),
                    )
                )

    async def measure(self, step: str, work: Callable[[], Awaitable[None]]) -> None:
        assert self.admin is not None
        await self.admin.execute("select pg_stat_statements_reset(0, $1, 0)", self.database_oid)
        round_trips = self.round_trips
        began = time.process_time()
        await work()
        cpu = time.process_time() - began
        self.figures[step].round_trips += self.round_trips - round_trips
        rows = await self.admin.fetch("select query, calls from pg_stat_statements where dbid = $1", self.database_oid)
        figures = self.figures[step]
        figures.cpu_s += cpu
        for row in rows:
            figures.statements += int(row["calls"])
            figures.by_statement[" ".join(str(row["query"]).split())[:150]] += int(row["calls"])

    async def lifecycles(
        self,
        runtime: ServiceRuntime,
        consumer: ConsumerLoop,
        schedulers: dict[str, TimerScheduler],
        indexes: Sequence[int],
    ) -> None:
        at = START + ORDER_SPACING * indexes[0]
        self.clock.at = at
        events = [
            order_events(f"O-{index:05d}", self.merchant_ids[index % len(self.merchant_ids)], at) for index in indexes
        ]
        for step in STEPS[:5]:
            self.clock.at += timedelta(minutes=1)
            poll = [order[step] for order in events]
            await self.measure(step, lambda poll=poll: consumer.apply(poll))  # type: ignore[misc]
        self.clock.at += timedelta(seconds=1)  # the holds (T+0) fall due: released by a timer if not at sign-off
        await self.fire(schedulers["hold_release"], "hold_release", await self.due(runtime, "hold_release"))
        self.clock.at += timedelta(seconds=2)  # the batch started by the approval (or the interval's)
        await self.fire(schedulers["payout_batch"], "payout_batch", await self.due(runtime, "payout_batch"))
        await self.fire(schedulers["payout_send"], "payout_send", len(indexes))
        callbacks = [self.signed_paid_callback(payout_id) for payout_id in self.unanswered()]
        assert len(callbacks) == len(indexes), f"{len(callbacks)} payouts sent for {len(indexes)} orders"

        async def answer() -> None:
            for body, headers in callbacks:
                outcome = verified_callback(body, headers, DEVELOPMENT_CALLBACK_SECRET, "payout")
                async with unit_of_work(runtime.sessions) as session:
                    assert await payouts.apply_provider_outcome(
                        SqlSettlementUnitOfWork(session), outcome, now=self.clock.now()
                    )

        await self.measure("payout_callback", answer)
        self.clock.at += timedelta(minutes=11)  # no callback lost, but the check is due all the same
        await self.fire(schedulers["payout_status_check"], "payout_status_check", len(indexes))

    async def due(self, runtime: ServiceRuntime, kind: str) -> int:
        """How many timers of ``kind`` are due (read outside the measured step)."""
        async with runtime.sessions() as session:
            due = await session.scalar(
                text(
                    "select count(*) from timers where timer_kind = :kind and fired_at is null"
                    " and cancelled_at is null and due_at <= :now"
                ),
                {"kind": kind, "now": self.clock.now()},
            )
        return int(due or 0)

    async def fire(self, scheduler: TimerScheduler, step: str, expected: int) -> None:
        """Fire the due timers of the step's kind, measured; a step with none due costs nothing
        (the scheduler's idle poll is not a lifecycle's work)."""
        if expected == 0:
            return
        fired: list[int] = []

        async def work() -> None:
            fired.append(await scheduler.fire_due())

        await self.measure(step, work)
        assert fired == [expected], f"{step}: fired {fired}, expected {expected}"

    def unanswered(self) -> list[str]:
        fresh = [payout_id for payout_id in self.bank.sent if payout_id not in self.answered]
        self.answered.update(fresh)
        return fresh

    def signed_paid_callback(self, payout_id: str) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"request_id": payout_id, "status": "paid", "provider_reference": "BANK-1"}).encode()
        message_id = f"msg_{uuid.uuid4().hex}"
        sent_at = datetime.now(UTC)
        secret = DEVELOPMENT_CALLBACK_SECRET
        return body, {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, sent_at, body.decode()),
        }

    async def check(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """The run did a lifecycle's whole work: everything booked, released, applied and paid."""
        async with sessions() as session:
            uow = SqlSettlementUnitOfWork(session)
            assert await uow.ledger.unbalanced_transactions() == []
            assert await uow.ledger.balances_that_differ_from_postings() == []
            kinds: dict[str, int] = dict(
                (
                    await session.execute(
                        text("select kind, count(*) from ledger_transactions group by kind order by kind")
                    )
                ).all()
            )
            for kind in ("sign_off", "hold_release", "apply", "payout_paid"):
                assert kinds.get(kind) == self.orders, f"{kind}: {kinds.get(kind)} of {self.orders}"
            paid = await session.scalar(text("select count(*) from payouts where status = 'paid'"))
            assert paid == self.orders, f"{paid} payouts paid of {self.orders}"
            for merchant_id in self.merchant_ids:
                balances = await uow.ledger.merchant_balances(merchant_id)
                assert balances["pending"] == balances["available"] == balances["in_payout"] == 0, balances

    def report(self) -> str:
        lines = [
            f"settlement-svc per paid lifecycle, {self.orders} orders over {len(self.merchant_ids)} merchants, "
            f"{self.per_poll} per poll / timer firing",
            "",
            "| step | round trips | statements | CPU ms |",
            "|---|---:|---:|---:|",
        ]
        total_round_trips = 0.0
        total_statements = 0.0
        total_cpu = 0.0
        for step in STEPS:
            figures = self.figures[step]
            round_trips = figures.round_trips / self.orders
            statements = figures.statements / self.orders
            cpu_ms = figures.cpu_s * 1000 / self.orders
            total_round_trips += round_trips
            total_statements += statements
            total_cpu += cpu_ms
            lines.append(f"| {step} | {round_trips:.2f} | {statements:.2f} | {cpu_ms:.2f} |")
        lines.append(f"| **total** | **{total_round_trips:.2f}** | **{total_statements:.2f}** | **{total_cpu:.2f}** |")
        return "\n".join(lines)

    def details(self) -> str:
        lines = []
        for step in STEPS:
            lines.append(f"\n{step}:")
            ranked = sorted(self.figures[step].by_statement.items(), key=lambda item: -item[1])
            for query, calls in ranked:
                lines.append(f"  {calls / self.orders:6.2f}  {query}")
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--merchants", type=int, default=5)
    parser.add_argument("--per-poll", type=int, default=1)
    parser.add_argument("--suffix", default="_steps", help="the scratch database is settlement_svc<suffix>")
    parser.add_argument("--details", action="store_true", help="also every statement per step")
    args = parser.parse_args(argv)
    if args.orders % args.per_poll:
        parser.error("--orders must be a multiple of --per-poll")
    harness = Harness(f"settlement_svc{args.suffix}", args.orders, args.merchants, args.per_poll)
    asyncio.run(harness.run())
    print(harness.report())
    if args.details:
        print(harness.details())
    return 0


if __name__ == "__main__":
    sys.exit(main())
