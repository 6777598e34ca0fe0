"""Accepting a verified webhook, through the service layer with a fake store: what is stored before
the acknowledgement, and the one event that carries the scans behind it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from logistics_svc.adapters.webhook_deliveries import DeliveryRecord
from logistics_svc.domain.tracking import Scan, TrackingStatus, WebhookDelivery
from logistics_svc.service_layer.webhooks import accept_webhook
from shipsettle_shared import contracts
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.outbox import StagedEvent, shard_of

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
TRACKING_NUMBER = "SF1234567890123"


class FakeDeliveryStore:
    """Keeps what it is given; a (source, delivery id) seen before writes nothing, as the unique
    key does in PostgreSQL."""

    def __init__(self) -> None:
        self.written: list[tuple[DeliveryRecord, StagedEvent | None]] = []

    async def record(self, delivery: DeliveryRecord, announcement: StagedEvent | None) -> bool:
        if any((kept.source, kept.delivery_id) == (delivery.source, delivery.delivery_id) for kept, _ in self.written):
            return False
        self.written.append((delivery, announcement))
        return True


def delivery(scans: tuple[Scan, ...], delivery_id: str = "evt-1") -> WebhookDelivery:
    return WebhookDelivery(
        source="aftership",
        delivery_id=delivery_id,
        tracking_number=TRACKING_NUMBER,
        vendor_carrier_code="sf-express",
        scans=scans,
        sent_at=NOW,
    )


SCANS = (
    Scan(
        TRACKING_NUMBER, TrackingStatus.INFO_RECEIVED, datetime(2026, 11, 26, 1, 0, tzinfo=UTC), "收件", "杭州", "X_1"
    ),
    Scan(TRACKING_NUMBER, TrackingStatus.IN_TRANSIT, datetime(2026, 11, 26, 9, 30, tzinfo=UTC), "到达", "上海", "Y_2"),
)


async def test_a_new_delivery_is_stored_raw_with_one_carrier_scans_received_keyed_by_its_tracking_number() -> None:
    store = FakeDeliveryStore()

    assert await accept_webhook(store, delivery(SCANS), b'{"raw": true}', now=NOW) is True

    [(record, announcement)] = store.written
    assert (record.source, record.delivery_id, record.raw_body, record.received_at) == (
        "aftership",
        "evt-1",
        b'{"raw": true}',
        NOW,
    )
    assert [scan["status"] for scan in record.scans] == ["info_received", "in_transit"]
    assert announcement is not None
    row = announcement.row()
    assert (row["topic"], row["message_key"], row["event_type"]) == (
        "tracking.events",
        TRACKING_NUMBER,
        "CarrierScansReceived",
    )
    assert row["shard"] == shard_of(TRACKING_NUMBER)
    # The envelope as the relay will read it back from the JSONB column.
    envelope = EventEnvelope.model_validate(json.loads(row["envelope_json"]))
    assert envelope.event_id == row["event_id"]
    assert envelope.producer == "logistics-svc"
    assert envelope.occurred_at == NOW
    event = contracts.CarrierScansReceived.model_validate(envelope.payload)
    assert event.delivery_id == "evt-1"
    assert [(scan.status, scan.occurred_at, scan.location) for scan in event.scans] == [
        ("info_received", datetime(2026, 11, 26, 1, 0, tzinfo=UTC), "杭州"),
        ("in_transit", datetime(2026, 11, 26, 9, 30, tzinfo=UTC), "上海"),
    ]


async def test_a_delivery_without_scans_is_stored_and_announces_nothing() -> None:
    store = FakeDeliveryStore()

    assert await accept_webhook(store, delivery(()), b"{}", now=NOW) is True

    [(record, announcement)] = store.written
    assert record.scans == []
    assert announcement is None


async def test_a_delivery_seen_before_is_reported_as_a_duplicate() -> None:
    store = FakeDeliveryStore()
    await accept_webhook(store, delivery(SCANS), b"{}", now=NOW)

    assert await accept_webhook(store, delivery(SCANS), b"{}", now=NOW) is False
    assert await accept_webhook(store, delivery(SCANS, delivery_id="evt-2"), b"{}", now=NOW) is True
    assert len(store.written) == 2
