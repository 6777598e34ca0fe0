"""The bus probe: an ops canary that crosses the bus like a business event.

``POST /v1/ops/bus-probes`` (ops) writes a ``BusProbeSent`` to this service's outbox; the
target service's diagnostics consumer records its arrival; ``GET /v1/ops/bus-probes/{id}`` on
the target shows when it was sent and received. It takes the same path as every money event
(outbox, relay, Kafka, consumer, inbox), so it shows whether that path works, and how fast.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import OpsPrincipal
from shipsettle_shared.contracts import BusProbeSent, Topic, read_payload
from shipsettle_shared.db import bus_probe_receipts_table, unit_of_work
from shipsettle_shared.envelope import EventEnvelope, uuid7
from shipsettle_shared.messaging.consumer import Subscription
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.problems import NotFound

SERVICE_NAMES = ("order-svc", "logistics-svc", "settlement-svc", "refund-svc", "recon-svc")


def diagnostics_group(service_name: str) -> str:
    return f"{service_name}.diagnostics"


def bus_probe_subscription(service_name: str) -> Subscription:
    group = diagnostics_group(service_name)

    async def record_probes(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        rows = []
        for envelope in envelopes:
            probe = read_payload(envelope.payload, BusProbeSent)
            if probe.target_service == service_name:
                rows.append(
                    {
                        "probe_id": probe.probe_id,
                        "event_id": envelope.event_id,
                        "consumer": group,
                        "sent_at": envelope.occurred_at,
                    }
                )
        if rows:
            await session.execute(insert(bus_probe_receipts_table), rows)

    return Subscription(
        group_id=group, topics=(Topic.DIAGNOSTICS,), batch_handlers={BusProbeSent.event_type: record_probes}
    )


class BusProbeRequest(BaseModel):
    target_service: str = Field(
        pattern=r"^(order|logistics|settlement|refund|recon)-svc$", description="Which service should receive it"
    )
    note: str = Field(default="", max_length=200)


class BusProbeAccepted(BaseModel):
    probe_id: str
    event_id: str
    sent_at: datetime


class BusProbeReceipt(BaseModel):
    event_id: str
    consumer: str
    sent_at: datetime
    received_at: datetime


class BusProbeReceipts(BaseModel):
    probe_id: str
    receipts: list[BusProbeReceipt]


def bus_probe_router() -> APIRouter:
    router = APIRouter(prefix="/v1/ops/bus-probes", tags=["operations"])

    @router.post(
        "",
        operation_id="bus_probes.send",
        status_code=202,
        response_model=BusProbeAccepted,
        summary="Send a canary event across the bus",
    )
    async def send_probe(body: BusProbeRequest, request: Request, principal: OpsPrincipal) -> BusProbeAccepted:
        runtime = request.app.state.runtime
        probe = BusProbeSent(
            probe_id=str(uuid7()), target_service=body.target_service, sent_by=runtime.service_name, note=body.note
        )
        async with unit_of_work(runtime.sessions) as session:
            envelope = await add_to_outbox(
                session, probe, producer=runtime.service_name, occurred_at=runtime.clock.now()
            )
        return BusProbeAccepted(probe_id=probe.probe_id, event_id=str(envelope.event_id), sent_at=envelope.occurred_at)

    @router.get(
        "/{probe_id}",
        operation_id="bus_probes.read",
        summary="Arrivals of a probe at this service",
        **answers(BusProbeReceipts, 404),
    )
    async def probe_receipts(probe_id: str, request: Request, principal: OpsPrincipal) -> dict[str, Any]:
        runtime = request.app.state.runtime
        async with runtime.sessions() as session:
            rows = (
                await session.execute(
                    select(bus_probe_receipts_table).where(bus_probe_receipts_table.c.probe_id == probe_id)
                )
            ).all()
        if not rows:
            raise NotFound("bus probe receipt", probe_id)
        return {
            "probe_id": probe_id,
            "receipts": [
                {
                    "event_id": str(row.event_id),
                    "consumer": row.consumer,
                    "sent_at": row.sent_at.isoformat(),
                    "received_at": row.received_at.isoformat(),
                }
                for row in rows
            ],
        }

    return router
