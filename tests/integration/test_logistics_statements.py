"""logistics-svc's batched and folded statements (issue 17) on real PostgreSQL, no Kafka: the
consumer's own ``ConsumerLoop.apply`` is driven directly, as for each poll, and the service layer
is called as the HTTP routes and the timer scheduler call it.

- The known-orders projection applied as batches (one statement per run of one event type) ends
  where the same events applied one at a time end; a batch with an order never placed changes
  nothing (not even the inbox), and alone only that event is refused.
- A delivery listing a scan twice stores it once and moves the shipment once.
- A shipment that gets delivered keeps no stale check pending (it fired for nothing before), also
  when its scans are dated a little before the dispatch and do not move it; one still in transit
  keeps exactly one, due ``stale_after`` after its last movement.
- Each parcel's OrderSignedOff says whether the whole order is signed off with it.
- The hot use cases take a handful of statements each (their writes one statement): a dispatch
  three (one when the order is not confirmed yet), a delivering scan four besides the consumer's
  inbox, a buyer's confirmation two.
- A confirmation of receipt that waited for a parcel's auto-confirm reads the order's sign-off
  state from the rows it locked: that parcel signed off, the order fully signed off with the other.
- Tracking settings are read through a short-lived cache: a change is seen at once once
  forgotten (PUT does that after its commit), and by another instance within the bound.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from support import eventually, fresh_service_database

from logistics_svc.adapters.carrier_registry import CarrierRegistry
from logistics_svc.adapters.personal_data import open_kept_consignee
from logistics_svc.adapters.reference_data import ReferenceData, reference_data
from logistics_svc.adapters.unit_of_work import SqlLogisticsUnitOfWork
from logistics_svc.domain.shipments import ShipmentRuleViolation
from logistics_svc.entrypoints.consumers import subscriptions, tracking_policy
from logistics_svc.service_layer import dispatching, sign_off
from shipsettle_shared import contracts
from shipsettle_shared.consignee_transit import seal_consignee
from shipsettle_shared.db import ConnectionLane, unit_of_work
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.field_crypto import LocalKeyring
from shipsettle_shared.messaging.consumer import ConsumerLoop, PermanentEventError
from shipsettle_shared.outbox import build_envelope, relay_wakeup
from shipsettle_shared.service import ServiceRuntime, outbound_http_client
from shipsettle_shared.settings import DEVELOPMENT_PII_KEYRING, ServiceSettings
from shipsettle_shared.timers import DueTimer
from tests.integration.test_sign_off_batches import placed

pytestmark = pytest.mark.infra

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CONSIGNEE = contracts.Consignee(
    name="李四",
    mobile="13900000000",
    province="广东省",
    city="深圳市",
    district="南山区",
    address_line="科技园 2 号",
    postal_code="518000",
)
# L1 tea 2 units, L2 books 1 unit (paid, subsidy and base do not matter to logistics)
LINES = [("L1", "tea", 2, 20000, 0, 20000), ("L2", "books", 1, 5000, 0, 5000)]


class FixedClock:
    def now(self) -> datetime:
        return NOW


def sealed(order_id: str, mobile: str) -> contracts.SealedConsignee:
    """The consignee with this mobile, as order-svc seals it into its events."""
    consignee = CONSIGNEE.model_copy(update={"mobile": mobile}).model_dump()
    return seal_consignee(LocalKeyring.parse(DEVELOPMENT_PII_KEYRING), order_id, consignee)


def confirmed(order_id: str, at: datetime, mobile: str = "13800000000") -> EventEnvelope:
    event = contracts.ShippingInfoConfirmed(
        order_id=order_id,
        merchant_id="m-1",
        buyer_ref=f"buyer-{order_id}",
        consignee_sealed=sealed(order_id, mobile),
        items=[
            contracts.ShippingItem(line_id="L1", quantity=2, spec="500g"),
            contracts.ShippingItem(line_id="L2", quantity=1, spec="-"),
        ],
        confirmed_by="merchant:m-1",
        confirmed_at=at,
    )
    return build_envelope(event, producer="order-svc", occurred_at=at)


def corrected(order_id: str, mobile: str) -> EventEnvelope:
    event = contracts.ShippingInfoCorrected(
        order_id=order_id,
        merchant_id="m-1",
        buyer_ref=f"buyer-{order_id}",
        consignee_sealed=sealed(order_id, mobile),
        changed_fields=["mobile"],
        reason="buyer asked",
        corrected_by="merchant:m-1",
        corrected_at=NOW,
    )
    return build_envelope(event, producer="order-svc", occurred_at=NOW)


def cancelled(order_id: str) -> EventEnvelope:
    event = contracts.OrderCancelled(
        order_id=order_id,
        merchant_id="m-1",
        currency="CNY",
        refund_minor=0,
        reason="buyer cancelled",
        cancelled_by="platform",
        cancelled_at=NOW,
    )
    return build_envelope(event, producer="order-svc", occurred_at=NOW)


def place(order_id: str) -> EventEnvelope:
    return placed(order_id, "m-1", LINES, 1000)


@dataclass
class Logistics:
    """A fresh logistics database, the service's real consumers on it, and its runtime."""

    runtime: ServiceRuntime
    orders: ConsumerLoop
    tracking: ConsumerLoop

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.runtime.sessions

    async def rows(self, sql: str, **parameters: Any) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            return [dict(row._mapping) for row in await session.execute(text(sql), parameters)]

    async def known_orders(self) -> list[dict[str, Any]]:
        """known_orders with each consignee opened (it is kept sealed: two seals of one value differ)."""
        rows = await self.rows(KNOWN_ORDERS)
        vault = self.runtime.personal_data
        return [
            {**row, "consignee": await open_kept_consignee(vault, row["order_id"], row["consignee"])} for row in rows
        ]


@asynccontextmanager
async def logistics_on(suffix: str) -> AsyncIterator[Logistics]:
    url = await fresh_service_database("logistics-svc", suffix)
    engine = create_async_engine(url)
    settings = ServiceSettings(service_name="logistics-svc", database_url=url)  # type: ignore[call-arg]
    runtime = ServiceRuntime(
        settings=settings,
        clock=FixedClock(),
        engine=engine,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
        producer=None,  # type: ignore[arg-type]  # nothing here produces to Kafka
        lane=ConnectionLane.for_settings(settings),
        http=outbound_http_client(),  # opens no connection: nothing here calls out
    )
    orders, tracking = subscriptions(runtime)
    try:
        async with unit_of_work(runtime.sessions) as session:
            await CarrierRegistry(session).seed(now=NOW)
        # apply() never dead-letters (that is the retry path around it)
        yield Logistics(
            runtime,
            ConsumerLoop(settings, runtime.sessions, orders, dead_letter_producer=None),  # type: ignore[arg-type]
            ConsumerLoop(settings, runtime.sessions, tracking, dead_letter_producer=None),  # type: ignore[arg-type]
        )
    finally:
        await runtime.lane.close()
        await runtime.http.aclose()
        await engine.dispose()


@pytest.fixture
async def logistics() -> AsyncIterator[Logistics]:
    async with logistics_on("_statements_pb") as started:
        yield started


# --- the known-orders projection ------------------------------------------------------------

KNOWN_ORDERS = (
    "select order_id, merchant_id, lines, consignee, status, confirmed_at from known_orders order by order_id"
)


async def test_known_orders_applied_in_batches_end_where_one_event_at_a_time_ends() -> None:
    events = [
        place("PO-1"),
        place("PO-2"),
        place("PO-3"),
        place("PO-1"),  # placed twice (another event id): the first stays
        confirmed("PO-1", NOW),
        confirmed("PO-2", NOW),
        confirmed("PO-1", NOW + timedelta(hours=1), mobile="13811111111"),  # the later one decides
        cancelled("PO-3"),
        confirmed("PO-3", NOW),  # a cancelled order stays cancelled; its consignee is updated
        corrected("PO-2", "13822222222"),
        cancelled("PO-2"),
    ]
    async with logistics_on("_statements_pb_batches") as batched, logistics_on("_statements_pb_alone") as alone:
        await batched.orders.apply(events)
        for event in events:
            await alone.orders.apply([event])
        assert await batched.known_orders() == await alone.known_orders()
        stored = json.dumps([row["consignee"] for row in await batched.rows(KNOWN_ORDERS)], ensure_ascii=False)
        for clear in ("13811111111", "13822222222", "13800000000", "科技园", "李四"):
            assert clear not in stored  # kept sealed under this service's key of the buyer
        orders = {row["order_id"]: row for row in await batched.known_orders()}
    assert {order_id: row["status"] for order_id, row in orders.items()} == {
        "PO-1": "confirmed",
        "PO-2": "cancelled",
        "PO-3": "cancelled",
    }
    assert orders["PO-1"]["confirmed_at"] == NOW + timedelta(hours=1)
    assert orders["PO-1"]["consignee"]["mobile"] == "13811111111"
    assert orders["PO-2"]["consignee"]["mobile"] == "13822222222"
    assert orders["PO-3"]["confirmed_at"] is None
    assert orders["PO-3"]["consignee"]["mobile"] == "13800000000"
    assert orders["PO-1"]["lines"] == {"L1": {"quantity": 2, "spec": "-"}, "L2": {"quantity": 1, "spec": "-"}}


async def test_a_batch_with_an_order_never_placed_changes_nothing_and_alone_only_that_event_is_refused(
    logistics: Logistics,
) -> None:
    await logistics.orders.apply([place("PO-1")])
    good, bad = confirmed("PO-1", NOW), confirmed("PO-NEVER", NOW)
    with pytest.raises(PermanentEventError, match="PO-NEVER"):
        await logistics.orders.apply([good, bad])
    assert [row["status"] for row in await logistics.rows(KNOWN_ORDERS)] == ["placed"]
    inbox = "select count(*) as n from processed_events where event_id = cast(:id as uuid)"
    assert (await logistics.rows(inbox, id=str(good.event_id)))[0]["n"] == 0
    # the consumer's retry path: one at a time
    await logistics.orders.apply([good])
    with pytest.raises(PermanentEventError):
        await logistics.orders.apply([bad])
    assert [row["status"] for row in await logistics.rows(KNOWN_ORDERS)] == ["confirmed"]


# --- scans, stale checks and sign-off ------------------------------------------------------------


async def dispatch(logistics: Logistics, order_id: str, number: str, lines: dict[str, int]) -> str:
    async with unit_of_work(logistics.sessions) as session:
        dispatched = await dispatching.dispatch(
            SqlLogisticsUnitOfWork(session),
            dispatching.Dispatch(order_id, "SF", number, lines),
            merchant_scope=None,
            now=NOW,
            policy=await tracking_policy(logistics.runtime),
            carriers=await reference_data(logistics.runtime).carriers(),
        )
    shipment = dispatched.first
    assert shipment is not None
    return shipment.shipment_id


def scans(number: str, *scanned: tuple[str, datetime, str]) -> EventEnvelope:
    event = contracts.CarrierScansReceived(
        source="native",
        delivery_id=f"d-{number}-{len(scanned)}",
        tracking_number=number,
        vendor_carrier_code="SF",
        carrier_code="SF",
        scans=[
            contracts.ReceivedScan(status=status, occurred_at=at, description=description, location="深圳")
            for status, at, description in scanned
        ],
    )
    return build_envelope(event, producer="logistics-svc", occurred_at=NOW)


async def confirmed_order(logistics: Logistics, order_id: str) -> None:
    await logistics.orders.apply([place(order_id)])
    await logistics.orders.apply([confirmed(order_id, NOW)])


STALE_CHECKS = (
    "select timer_key, due_at, cancelled_at from timers where timer_kind = 'stale_check' and timer_key like :shipment"
    " order by id"
)


async def test_a_scan_listed_twice_in_one_delivery_is_stored_once_and_moves_the_shipment_once(
    logistics: Logistics,
) -> None:
    await confirmed_order(logistics, "PO-1")
    shipment_id = await dispatch(logistics, "PO-1", "SF1000000000001", {"L1": 2, "L2": 1})
    delivered = ("delivered", NOW + timedelta(hours=20), "已签收")
    await logistics.tracking.apply(
        [scans("SF1000000000001", ("info_received", NOW + timedelta(hours=1), "已揽收"), delivered, delivered)]
    )
    stored = await logistics.rows(
        "select status from scans where tracking_number = 'SF1000000000001' order by occurred_at"
    )
    assert [row["status"] for row in stored] == ["info_received", "delivered"]
    changes = await logistics.rows("select envelope from outbox where event_type = 'ShipmentStatusChanged' order by id")
    assert [
        (row["envelope"]["payload"]["previous_status"], row["envelope"]["payload"]["status"]) for row in changes
    ] == [("dispatched", "delivered")]
    async with logistics.sessions() as session:
        shipment = (await SqlLogisticsUnitOfWork(session).shipments.shipment(shipment_id)).first
    assert shipment is not None
    assert shipment.status.value == "delivered"
    assert [scan.status.value for scan in shipment.scans] == ["info_received", "delivered"]


async def test_a_delivered_shipment_keeps_no_stale_check_and_one_in_transit_keeps_exactly_one(
    logistics: Logistics,
) -> None:
    for order_id in ("PO-1", "PO-2", "PO-3"):
        await confirmed_order(logistics, order_id)
    moving = await dispatch(logistics, "PO-1", "SF1000000000011", {"L1": 2, "L2": 1})
    delivered = await dispatch(logistics, "PO-2", "SF1000000000012", {"L1": 2, "L2": 1})
    # scans dated a minute before the dispatch (within the clock tolerance): counted, yet the
    # shipment's last movement stays its dispatch
    early = await dispatch(logistics, "PO-3", "SF1000000000013", {"L1": 2, "L2": 1})
    await logistics.tracking.apply([scans("SF1000000000011", ("in_transit", NOW + timedelta(hours=5), "在途"))])
    await logistics.tracking.apply(
        [
            scans(
                "SF1000000000012",
                ("in_transit", NOW + timedelta(hours=5), "在途"),
                ("delivered", NOW + timedelta(hours=20), "已签收"),
            )
        ]
    )
    await logistics.tracking.apply([scans("SF1000000000013", ("delivered", NOW - timedelta(minutes=1), "已签收"))])

    def pending(checks: list[dict[str, Any]]) -> list[datetime]:
        return [check["due_at"] for check in checks if check["cancelled_at"] is None]

    # stale_after_hours 72 by default, from the last movement
    assert pending(await logistics.rows(STALE_CHECKS, shipment=f"{moving}#%")) == [
        NOW + timedelta(hours=5) + timedelta(hours=72)
    ]
    assert pending(await logistics.rows(STALE_CHECKS, shipment=f"{delivered}#%")) == []
    assert pending(await logistics.rows(STALE_CHECKS, shipment=f"{early}#%")) == []
    statuses = await logistics.rows(
        "select shipment_id, status from shipments where shipment_id in (:a, :b)", a=delivered, b=early
    )
    assert {row["status"] for row in statuses} == {"delivered"}


async def test_each_parcel_signed_off_says_whether_the_whole_order_is_signed_off_with_it(
    logistics: Logistics,
) -> None:
    await confirmed_order(logistics, "PO-1")
    first = await dispatch(logistics, "PO-1", "SF1000000000021", {"L1": 2})
    await dispatch(logistics, "PO-1", "SF1000000000022", {"L2": 1})
    # the first parcel delivered and signed off by its timer (7 days after delivery) ...
    await logistics.tracking.apply([scans("SF1000000000021", ("delivered", NOW + timedelta(hours=20), "已签收"))])
    async with unit_of_work(logistics.sessions) as session:
        timer = DueTimer("auto_confirm", f"{first}#x", NOW, {})
        await sign_off.fire_auto_confirm(SqlLogisticsUnitOfWork(session), timer, now=NOW + timedelta(days=8))
    # ... then the buyer confirms: only the second is left, and with it the whole order
    async with unit_of_work(logistics.sessions) as session:
        signed = await sign_off.confirm_receipt(SqlLogisticsUnitOfWork(session), "PO-1", now=NOW + timedelta(days=9))
    assert [shipment.lines for shipment in signed] == [{"L2": 1}]
    events = await logistics.rows("select envelope from outbox where event_type = 'OrderSignedOff' order by id")
    assert [
        (row["envelope"]["payload"]["how"], row["envelope"]["payload"]["order_fully_signed_off"]) for row in events
    ] == [("auto_confirmed", False), ("buyer_confirmed", True)]


async def test_both_parcels_confirmed_at_once_announce_the_order_signed_off_with_the_last(
    logistics: Logistics,
) -> None:
    await confirmed_order(logistics, "PO-1")
    await dispatch(logistics, "PO-1", "SF1000000000031", {"L1": 1})
    await dispatch(logistics, "PO-1", "SF1000000000032", {"L1": 1, "L2": 1})
    async with unit_of_work(logistics.sessions) as session:
        await sign_off.confirm_receipt(SqlLogisticsUnitOfWork(session), "PO-1", now=NOW + timedelta(days=1))
    events = await logistics.rows("select envelope from outbox where event_type = 'OrderSignedOff' order by id")
    assert [row["envelope"]["payload"]["order_fully_signed_off"] for row in events] == [False, True]


# --- round trips of the hot use cases ---------------------------------------------------------------


@asynccontextmanager
async def statements_run(logistics: Logistics) -> AsyncIterator[list[str]]:
    """The statements the service sends to the database meanwhile (each one a round trip; the
    transaction's BEGIN and COMMIT are not among them)."""
    sent: list[str] = []

    def record(*arguments: Any) -> None:
        sent.append(" ".join(str(arguments[2]).split())[:60])

    engine = logistics.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_dispatch_a_delivering_scan_and_a_confirmation_take_a_handful_of_statements(
    logistics: Logistics,
) -> None:
    await logistics.orders.apply([place("PO-1")])
    # not confirmed yet (a platform polls until the confirmation has come): the locking read of
    # the order alone, nothing else read or written
    async with statements_run(logistics) as sent:
        with pytest.raises(ShipmentRuleViolation, match="has not been confirmed"):
            await dispatch(logistics, "PO-1", "SF1000000000050", {"L1": 2, "L2": 1})
    assert len(sent) == 1, sent
    await logistics.orders.apply([confirmed("PO-1", NOW)])
    # the lock of the number and the order's row, what the order already shipped, the writes
    async with statements_run(logistics) as sent:
        shipment_id = await dispatch(logistics, "PO-1", "SF1000000000051", {"L1": 2, "L2": 1})
    assert len(sent) == 3, sent
    # the inbox; the lock and the scans; the shipment; the order's refunds (it is delivered now);
    # the writes: the shipment, its status event, its stale check cancelled, its auto-confirm set
    async with statements_run(logistics) as sent:
        await logistics.tracking.apply([scans("SF1000000000051", ("delivered", NOW + timedelta(hours=20), "已签收"))])
    assert len(sent) == 5, sent
    timers = await logistics.rows(
        "select timer_kind, cancelled_at is null as pending from timers where timer_key like :shipment order by id",
        shipment=f"{shipment_id}#%",
    )
    assert timers == [
        {"timer_kind": "stale_check", "pending": False},
        {"timer_kind": "auto_confirm", "pending": True},
    ]
    # the shipments locked with the order's sign-off state; the writes
    async with statements_run(logistics) as sent, unit_of_work(logistics.sessions) as session:
        await sign_off.confirm_receipt(SqlLogisticsUnitOfWork(session), "PO-1", now=NOW + timedelta(days=1))
    assert len(sent) == 2, sent
    pending = await logistics.rows(
        "select count(*) as n from timers where timer_key like :shipment and cancelled_at is null and fired_at is null",
        shipment=f"{shipment_id}#%",
    )
    assert pending == [{"n": 0}]
    events = await logistics.rows("select event_type from outbox order by id")
    assert [row["event_type"] for row in events] == ["ShipmentDispatched", "ShipmentStatusChanged", "OrderSignedOff"]


async def test_a_confirmation_that_waited_for_a_parcels_auto_confirm_says_the_order_is_signed_off(
    logistics: Logistics,
) -> None:
    await confirmed_order(logistics, "PO-1")
    first = await dispatch(logistics, "PO-1", "SF1000000000061", {"L1": 2})
    await dispatch(logistics, "PO-1", "SF1000000000062", {"L2": 1})
    await logistics.tracking.apply([scans("SF1000000000061", ("delivered", NOW + timedelta(hours=20), "已签收"))])
    async with unit_of_work(logistics.sessions) as timer_session:
        timer = DueTimer("auto_confirm", f"{first}#x", NOW, {})
        await sign_off.fire_auto_confirm(SqlLogisticsUnitOfWork(timer_session), timer, now=NOW + timedelta(days=8))

        # the buyer confirms while the timer's transaction holds the first parcel's row
        async def confirm() -> list[Any]:
            async with unit_of_work(logistics.sessions) as session:
                return await sign_off.confirm_receipt(
                    SqlLogisticsUnitOfWork(session), "PO-1", now=NOW + timedelta(days=8)
                )

        confirming = asyncio.create_task(confirm())

        async def waiting_for_the_lock() -> bool:
            if confirming.done():
                confirming.result()  # raises what the confirmation raised
            found = await logistics.rows(
                "select count(*) as n from pg_stat_activity where datname = current_database()"
                " and wait_event_type = 'Lock' and query like 'SELECT shipments.shipment_id%'"
            )
            return bool(found[0]["n"])

        await eventually(waiting_for_the_lock, timeout_s=10)
    signed = await asyncio.wait_for(confirming, timeout=10)  # the timer's sign-off has committed
    assert [shipment.lines for shipment in signed] == [{"L2": 1}]
    events = await logistics.rows("select envelope from outbox where event_type = 'OrderSignedOff' order by id")
    assert [
        (row["envelope"]["payload"]["how"], row["envelope"]["payload"]["order_fully_signed_off"]) for row in events
    ] == [("auto_confirmed", False), ("buyer_confirmed", True)]


async def test_the_commit_of_a_use_case_that_wrote_events_wakes_the_relay_and_a_rollback_does_not(
    logistics: Logistics,
) -> None:
    await confirmed_order(logistics, "PO-1")
    before = relay_wakeup.generation
    async with logistics.sessions() as session:
        await session.begin()
        await dispatch_in(session, logistics, "PO-1", "SF1000000000071")
        await session.rollback()  # the request failed after the dispatch's writes
    assert relay_wakeup.generation == before  # nothing committed, nobody woken
    assert await logistics.rows("select event_type from outbox") == []
    async with unit_of_work(logistics.sessions) as session:
        await dispatch_in(session, logistics, "PO-1", "SF1000000000071")
        assert relay_wakeup.generation == before  # not before the commit
    assert relay_wakeup.generation == before + 1
    assert await logistics.rows("select event_type from outbox") == [{"event_type": "ShipmentDispatched"}]


async def dispatch_in(session: AsyncSession, logistics: Logistics, order_id: str, number: str) -> None:
    await dispatching.dispatch(
        SqlLogisticsUnitOfWork(session),
        dispatching.Dispatch(order_id, "SF", number, {"L1": 2, "L2": 1}),
        merchant_scope=None,
        now=NOW,
        policy=await tracking_policy(logistics.runtime),
        carriers=await reference_data(logistics.runtime).carriers(),
    )


# --- settings through the cache --------------------------------------------------------------------


async def test_a_settings_change_is_seen_at_once_when_forgotten_and_by_others_within_the_bound(
    logistics: Logistics,
) -> None:
    seconds = [0.0]
    here = ReferenceData(logistics.runtime.lane, ttl_s=5.0, monotonic=lambda: seconds[0])
    elsewhere = ReferenceData(logistics.runtime.lane, ttl_s=5.0, monotonic=lambda: seconds[0])
    assert (await here.tracking_settings())["auto_confirm_days"] == 7
    assert (await elsewhere.tracking_settings())["auto_confirm_days"] == 7
    async with unit_of_work(logistics.sessions) as session:
        await SqlLogisticsUnitOfWork(session).settings.set_setting("auto_confirm_days", 3, by="ops-key", now=NOW)
    here.forget_settings()  # what PUT /v1/settings/tracking does after its commit
    assert (await here.tracking_settings())["auto_confirm_days"] == 3
    seconds[0] = 4.9
    assert (await elsewhere.tracking_settings())["auto_confirm_days"] == 7  # within the bound
    seconds[0] = 5.0
    assert (await elsewhere.tracking_settings())["auto_confirm_days"] == 3


async def test_scans_of_a_number_corrected_while_they_waited_for_the_shipment_do_not_move_it(
    logistics: Logistics,
) -> None:
    """The shipment a scan moves is read with its row locked; a correction of its tracking
    number that commits while the read waits for that lock leaves the scans with no shipment
    (parked), as if the correction had come first."""
    await confirmed_order(logistics, "PO-1")
    shipment_id = await dispatch(logistics, "PO-1", "SF1000000000041", {"L1": 2, "L2": 1})
    async with logistics.sessions() as correcting, correcting.begin():
        await correcting.execute(
            text("update shipments set tracking_number = 'SF1000000000042' where shipment_id = :id"),
            {"id": shipment_id},
        )

        async def read_holding() -> Any:
            async with logistics.sessions() as reading, reading.begin():
                return await SqlLogisticsUnitOfWork(reading).shipments.live_shipment_holding("SF", "SF1000000000041")

        reader = asyncio.create_task(read_holding())

        async def waiting_for_the_lock() -> bool:
            if reader.done():
                reader.result()  # raises what the read raised
            found = await logistics.rows(
                "select count(*) as n from pg_stat_activity where datname = current_database()"
                " and wait_event_type = 'Lock' and query like 'SELECT shipments.shipment_id%'"
            )
            return bool(found[0]["n"])

        await eventually(waiting_for_the_lock, timeout_s=10)
    loaded = await asyncio.wait_for(reader, timeout=10)  # the correction has committed
    assert loaded.first is None
