"""The outbox relay on real PostgreSQL hands the event loop back while it hands a batch of rows
to the producer: a request served by the same process waits for one slice, not the batch."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from support import TEST_KAFKA, engine_for, fresh_service_database

from shipsettle_shared.clock import ShiftableClock
from shipsettle_shared.contracts import BusProbeSent
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.loop_slices import SLICE_ITEMS
from shipsettle_shared.messaging.relay import OutboxRelay
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra

ROWS = 100


class _BufferingProducer:
    """Stands in for the producer's buffer: ``send`` takes a row without waiting (as aiokafka's
    does while its buffer has room) and returns the delivery, acknowledged at once."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, topic: str, **_: Any) -> asyncio.Future[None]:
        self.sent += 1
        delivery: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        delivery.set_result(None)
        return delivery


async def test_the_relay_yields_to_other_tasks_between_slices_of_a_batch() -> None:
    url = await fresh_service_database("order-svc", "_relay_slices")
    settings = ServiceSettings(
        service_name="order-svc", database_url=url, kafka_bootstrap_servers=TEST_KAFKA, outbox_batch_size=500
    )
    clock = ShiftableClock()
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with unit_of_work(sessions) as session:
            for number in range(ROWS):
                probe = BusProbeSent(probe_id=f"slice-{number}", target_service="nobody", sent_by="order-svc")
                await add_to_outbox(session, probe, producer="order-svc", occurred_at=clock.now())
        producer = _BufferingProducer()
        relay = OutboxRelay(settings, engine, producer, clock)  # type: ignore[arg-type]
        publishing = asyncio.Event()
        seen_while_publishing: list[int] = []

        async def request_ready_meanwhile() -> None:
            await publishing.wait()
            while producer.sent < ROWS:
                seen_while_publishing.append(producer.sent)
                await asyncio.sleep(0)

        watcher = asyncio.create_task(request_ready_meanwhile())
        publishing.set()
        try:
            assert await relay.publish_pending() == ROWS
        finally:
            await relay.close()
        await watcher
    # the other task got the loop inside the batch, after each slice of rows handed over
    handed_back_at = sorted({sent for sent in seen_while_publishing if 0 < sent < ROWS})
    assert handed_back_at == list(range(SLICE_ITEMS, ROWS, SLICE_ITEMS))  # 32, 64, 96
