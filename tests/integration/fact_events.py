"""Order and shipment facts as the other services publish them, and a service's runtime and
consumer without Kafka, for tests that drive a service's consumer directly (``ConsumerLoop.apply``,
as for each poll) on a real database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shipsettle_shared import contracts
from shipsettle_shared.clock import Clock
from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import ConsumerLoop, Subscription
from shipsettle_shared.outbox import build_envelope
from shipsettle_shared.service import ServiceRuntime, outbound_http_client
from shipsettle_shared.settings import ServiceSettings

T0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
SIGNED_AT = T0 + timedelta(days=2)


def envelope_of(event: contracts.EventPayload, at: datetime) -> EventEnvelope:
    return build_envelope(event, producer="test", occurred_at=at, correlation_id="fact-events-test")


def placed(
    order_id: str,
    lines: Sequence[tuple[str, str, int, int, int] | tuple[str, str, int, int, int, int]],
    shipping: int,
    merchant_id: str = "m-1",
    *,
    at: datetime = T0,
    envelope: Callable[[contracts.EventPayload, datetime], EventEnvelope] | None = None,
) -> EventEnvelope:
    """An OrderPlaced paid by Alipay at ``at``. lines: (line id, category, units, paid, platform
    subsidy[, commission base]), fen; the base defaults to paid + subsidy (no merchant-funded
    discount). ``envelope`` wraps the event (default: ``envelope_of``)."""
    priced = []
    for line_id, category, units, paid, subsidy, *base in lines:
        priced.append(
            contracts.PricedLine(
                line_id=line_id,
                sku=f"SKU-{line_id}",
                name=category,
                spec="-",
                category=category,
                quantity=units,
                unit_price_minor=(paid + subsidy) // units,
                vat_rate_bp=0,
                line_amount_minor=paid + subsidy,
                merchant_discount_minor=0,
                platform_discount_minor=subsidy,
                paid_amount_minor=paid,
                sales_amount_minor=paid + subsidy,
                vat_minor=0,
                commission_base_minor=base[0] if base else paid + subsidy,
            )
        )
    payable = sum(line.paid_amount_minor for line in priced) + shipping
    event = contracts.OrderPlaced(
        order_id=order_id,
        merchant_id=merchant_id,
        buyer_ref="buyer-1",
        currency="CNY",
        placed_at=at,
        lines=priced,
        coupons=[],
        goods_total_minor=sum(line.line_amount_minor for line in priced),
        merchant_discount_minor=0,
        platform_discount_minor=sum(line.platform_discount_minor for line in priced),
        shipping_fee_minor=shipping,
        payable_minor=payable,
        vat_minor=0,
        payment=contracts.PaymentCollected(
            channel="alipay", transaction_id=f"PAY-{order_id}", amount_minor=payable, paid_at=at
        ),
    )
    return (envelope or envelope_of)(event, at)


def dispatched(order_id: str, shipment_id: str, units: dict[str, int]) -> EventEnvelope:
    lines = [contracts.ShipmentLine(line_id=line_id, quantity=quantity) for line_id, quantity in units.items()]
    event = contracts.ShipmentDispatched(
        order_id=order_id,
        merchant_id="m-1",
        shipment_id=shipment_id,
        carrier_code="SF",
        tracking_number=f"SF{shipment_id}",
        lines=lines,
        dispatched_at=T0 + timedelta(hours=1),
    )
    return envelope_of(event, T0)


def signed_off(order_id: str, shipment_id: str, units: dict[str, int], at: datetime = SIGNED_AT) -> EventEnvelope:
    lines = [contracts.ShipmentLine(line_id=line_id, quantity=quantity) for line_id, quantity in units.items()]
    event = contracts.OrderSignedOff(
        order_id=order_id,
        merchant_id="m-1",
        shipment_id=shipment_id,
        how="buyer_confirmed",
        signed_off_at=at,
        lines=lines,
        order_fully_signed_off=True,
    )
    return envelope_of(event, at)


def status_changed(order_id: str, shipment_id: str, status: str, *, direction: str = "outbound") -> EventEnvelope:
    event = contracts.ShipmentStatusChanged(
        order_id=order_id,
        merchant_id="m-1",
        shipment_id=shipment_id,
        tracking_number=f"SF{shipment_id}",
        previous_status="in_transit",
        status=status,
        scan_time=SIGNED_AT,
        description=status,
        location="杭州",
        direction=direction,
    )
    return envelope_of(event, SIGNED_AT)


class SteppedClock:
    """Stands where the test puts it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def runtime_without_kafka(settings: ServiceSettings, engine: AsyncEngine, clock: Clock) -> ServiceRuntime:
    return ServiceRuntime(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
        producer=None,  # type: ignore[arg-type]  # nothing here produces to Kafka
        lane=ConnectionLane.for_settings(settings),
        http=outbound_http_client(),  # opens no connection: nothing here calls out
    )


def consumer_without_kafka(
    settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession], subscription: Subscription
) -> ConsumerLoop:
    # apply() never dead-letters (that is the retry path around it)
    return ConsumerLoop(settings, sessions, subscription, dead_letter_producer=None)  # type: ignore[arg-type]


async def statements_sent(engine: AsyncEngine, work: Callable[[], Awaitable[None]]) -> list[str]:
    """The statements ``work`` sends through ``engine`` (BEGIN and COMMIT aside)."""
    sent: list[str] = []

    def record(conn: object, cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await work()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return sent
