"""Verified webhook deliveries written in one statement, on the acknowledgement's path.

A carrier or aggregator waits for our answer and retries when it is slow, so the write that must
precede the acknowledgement is a single round trip, on a connection of the runtime's lane (no pool
checkout, no reset): one autocommitted statement that inserts the
delivery (raw body kept) and, only if the delivery is new, the outbox row that queues its scans.
PostgreSQL runs a statement outside a transaction block as its own transaction, so the two rows
commit together or not at all, and with synchronous_commit=on the statement returns only once
that commit is durable. A unit of work took four round trips for the same (BEGIN, two INSERTs,
COMMIT) plus the ORM's compilation of both statements.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.outbox import StagedEvent, relay_wakeup

# The outbox insert selects from the delivery insert's RETURNING: a duplicate delivery (the
# unique key already taken) returns no row, so it queues nothing again. $8 is null when the
# delivery has no scans to announce.
_RECORD_DELIVERY = """
with delivery as (
    insert into webhook_deliveries
        (source, delivery_id, tracking_number, vendor_carrier_code, scans, raw_body, received_at, carrier_code)
    values ($1, $2, $3, $4, $5::jsonb, $6, $7, $14)
    on conflict on constraint webhook_deliveries_source_delivery do nothing
    returning id
), announced as (
    insert into outbox (event_id, topic, message_key, shard, event_type, envelope)
    select $8::uuid, $9::text, $10::text, $11::smallint, $12::text, $13::jsonb
    from delivery
    where $8::uuid is not null
)
select count(*) from delivery
"""


@dataclass(frozen=True)
class DeliveryRecord:
    """A verified delivery as stored: ``scans`` already in their JSON shape."""

    source: str
    delivery_id: str
    tracking_number: str
    vendor_carrier_code: str | None
    scans: list[dict[str, object]]
    raw_body: bytes
    received_at: datetime
    carrier_code: str | None = None  # the native endpoint's path carrier


class WebhookDeliveries:
    """``webhook_deliveries`` and the outbox, written by one autocommitted statement."""

    def __init__(self, lane: ConnectionLane) -> None:
        self._lane = lane

    async def record(self, delivery: DeliveryRecord, announcement: StagedEvent | None) -> bool:
        """Store the delivery and, if it is new, its announcement; False for a delivery stored
        before (nothing written)."""
        a = announcement.row() if announcement else None
        async with self._lane.connection() as connection:
            inserted = await connection.fetchval(
                _RECORD_DELIVERY,
                delivery.source,
                delivery.delivery_id,
                delivery.tracking_number,
                delivery.vendor_carrier_code,
                json.dumps(delivery.scans, ensure_ascii=False),
                delivery.raw_body,
                delivery.received_at,
                a["event_id"] if a else None,
                a["topic"] if a else None,
                a["message_key"] if a else None,
                a["shard"] if a else None,
                a["event_type"] if a else None,
                a["envelope_json"] if a else None,
                delivery.carrier_code,
            )
        if inserted and announcement:
            relay_wakeup.notify()  # the statement has committed: the relay can publish it now
        return bool(inserted)
