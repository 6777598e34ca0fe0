"""Carrier webhooks (native and aggregators): a verified delivery is kept durably, with the event
that carries its scans (CarrierScansReceived, through the outbox), before it is acknowledged; the
scans are applied behind the acknowledgement (service_layer/tracking.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from logistics_svc.adapters.webhook_deliveries import DeliveryRecord
from logistics_svc.domain.tracking import WebhookDelivery
from logistics_svc.service_layer.unit_of_work import PRODUCER
from logistics_svc.service_layer.views import scan_json
from shipsettle_shared import contracts
from shipsettle_shared.outbox import StagedEvent, stage_event


class DeliveryStore(Protocol):
    """Where verified deliveries are kept (adapters/webhook_deliveries.py; a fake in unit tests)."""

    async def record(self, delivery: DeliveryRecord, announcement: StagedEvent | None) -> bool: ...


async def accept_webhook(store: DeliveryStore, delivery: WebhookDelivery, raw_body: bytes, *, now: datetime) -> bool:
    """Durably record a verified webhook and queue its scans (CarrierScansReceived, through the
    outbox, written with the delivery); False for a duplicate delivery (acknowledged and ignored)."""
    scans = [scan_json(scan) for scan in delivery.scans]
    announcement = None
    if delivery.scans:
        announcement = stage_event(
            contracts.CarrierScansReceived(
                source=delivery.source,
                delivery_id=delivery.delivery_id,
                tracking_number=delivery.tracking_number,
                vendor_carrier_code=delivery.vendor_carrier_code,
                scans=[contracts.ReceivedScan.model_validate(scan) for scan in scans],
                carrier_code=delivery.carrier_code,
            ),
            producer=PRODUCER,
            occurred_at=now,
        )
    record = DeliveryRecord(
        source=delivery.source,
        delivery_id=delivery.delivery_id,
        tracking_number=delivery.tracking_number,
        vendor_carrier_code=delivery.vendor_carrier_code,
        scans=scans,
        raw_body=raw_body,
        received_at=now,
        carrier_code=delivery.carrier_code,
    )
    return await store.record(record, announcement)
