"""order-svc's hot paths as single autocommitted statements on the runtime's connection lane.

A platform's order costs order-svc a placement, a shipping confirmation and a long-poll (issue
17). Each is written here as one statement outside a transaction block, on a connection of the
runtime's lane (no pool checkout, no ORM, no BEGIN and COMMIT around it): PostgreSQL runs such a
statement as its own transaction, so the rows it writes commit together or not at all, and with
synchronous_commit=on it returns only once that commit is durable.

- Placement: the order, the Idempotency-Key with its answer and the OrderPlaced outbox row in one
  statement (a unit of work took six round trips: BEGIN, the key's claim, the order, the outbox
  row, the key's answer, COMMIT). The inserts have no ON CONFLICT: a taken order id, payment
  transaction or key fails the whole statement and nothing is written (see ``place``).
- A change of the shipping information: the order read (with its row version, ``xmin``), the
  domain decides, then one statement writes the order, the shipping change and the outbox row
  only if the row is still that version (optimistic: no lock held across the decision; a lost
  race reads again). Two round trips instead of six.
- The long-poll's look at the order: the order and, when the caller waits for ``delivered``, what
  its timeline says of its parcels, in one read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import asyncpg

from order_svc.adapters.personal_data import sealed_consignee
from order_svc.adapters.repository import order_to_columns, orders_from_columns, sealed_columns
from order_svc.domain.orders import Order
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject
from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.field_crypto import KeyManagementService
from shipsettle_shared.outbox import StagedEvent, relay_wakeup

# Both reads return the order's columns in this form (JSON columns as text, parsed here).
_JSON_COLUMNS = ("lines", "priced", "consignee", "payment", "dispatched_quantities")

_PLACE = """
with placed as (
    insert into orders (order_id, merchant_id, buyer_ref, currency, status, payable_minor, payment_channel,
        payment_transaction_id, created_at, updated_at, lines, priced, consignee, payment,
        shipping_confirmed_at, shipping_confirmed_by, dispatched_quantities, cancelled_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13::jsonb,
        null, null, $14::jsonb, null)
), claimed as (
    insert into idempotency_keys (principal_key_id, idempotency_key, request_hash, response_status, response_body)
    values ($15, $16, $17, $18, $19::jsonb)
), announced as (
    insert into outbox (event_id, topic, message_key, shard, event_type, envelope)
    values ($20::uuid, $21, $22, $23::smallint, $24, $25::jsonb)
)
select 1
"""

_USED_KEY = """
select request_hash, response_status, response_body::text as response_body
from idempotency_keys where principal_key_id = $1 and idempotency_key = $2
"""

_LOAD = """
select xmin::text::bigint as version, order_id, merchant_id, buyer_ref, currency, status, payable_minor, payment_channel, payment_transaction_id,
    created_at, updated_at, lines::text, priced::text, consignee::text, payment::text, shipping_confirmed_at,
    shipping_confirmed_by, dispatched_quantities::text, cancelled_at
from orders where order_id = $1
"""

# Every column a shipping-information command may change (one text for confirm and correct).
_CHANGE_SHIPPING = """
with changed as (
    update orders
    set status = $3, consignee = $4::jsonb, shipping_confirmed_at = $5, shipping_confirmed_by = $6, updated_at = $7
    where order_id = $1 and xmin::text::bigint = $2
    returning order_id
), recorded as (
    insert into shipping_changes (order_id, change, changed_by, changed_at, reason, before, after)
    select order_id, $8, $9, $7, $10, $11::jsonb, $12::jsonb from changed
), announced as (
    insert into outbox (event_id, topic, message_key, shard, event_type, envelope)
    select $13::uuid, $14, $15, $16::smallint, $17, $18::jsonb from changed
)
select count(*) from changed
"""

# The order, and (when $2) its parcels as its timeline tells them: how many were dispatched and
# how many of those logistics reported delivered or signed off (latest outbound status delivered
# or signed_off, or an OrderSignedOff for the shipment). Without $2 the timeline is not read.
_LOOK = """
with parcels as (
    select details->>'shipment_id' as shipment_id from order_timeline
    where $2 and order_id = $1 and event_type = 'ShipmentDispatched'
), latest as (
    select distinct on (details->>'shipment_id') details->>'shipment_id' as shipment_id,
        details->>'status' as status
    from order_timeline
    where $2 and order_id = $1 and event_type = 'ShipmentStatusChanged'
        and coalesce(details->>'direction', 'outbound') = 'outbound'
    order by details->>'shipment_id', occurred_at desc, event_id desc
), signed as (
    select distinct details->>'shipment_id' as shipment_id from order_timeline
    where $2 and order_id = $1 and event_type = 'OrderSignedOff'
), verdict as (
    select count(*) as shipments,
        count(*) filter (where latest.status in ('delivered', 'signed_off') or signed.shipment_id is not null)
            as delivered_shipments
    from parcels left join latest using (shipment_id) left join signed using (shipment_id)
)
select order_id, merchant_id, buyer_ref, currency, status, payable_minor, payment_channel, payment_transaction_id,
    created_at, updated_at, lines::text, priced::text, consignee::text, payment::text, shipping_confirmed_at,
    shipping_confirmed_by, dispatched_quantities::text, cancelled_at,
    verdict.shipments, verdict.delivered_shipments
from orders, verdict where orders.order_id = $1
"""


class PlacementRefused(Exception):
    """The placement's statement met a taken order id, payment transaction or Idempotency-Key
    (committed by another request, possibly a duplicate of this one): nothing was written."""


@dataclass(frozen=True)
class UsedKey:
    """What the first request with an Idempotency-Key left: the hash of its request and its answer."""

    request_hash: str
    response_status: int
    response_body: dict[str, Any]


@dataclass(frozen=True)
class LoadedOrder:
    order: Order
    version: int  # the row version read (PostgreSQL's xmin): a write succeeds only on this one


@dataclass(frozen=True)
class OrderLook:
    order: Order
    shipments: int  # parcels dispatched, as the timeline has them (0 unless asked for)
    delivered_shipments: int


def _outbox_arguments(announcement: StagedEvent) -> tuple[Any, ...]:
    row = announcement.row()
    return (
        row["event_id"],
        row["topic"],
        row["message_key"],
        row["shard"],
        row["event_type"],
        row["envelope_json"],
    )


async def _order(vault: PersonalDataVault, record: asyncpg.Record) -> Order:
    columns = dict(record)
    for name in _JSON_COLUMNS:
        columns[name] = json.loads(columns[name])
    return (await orders_from_columns(vault, [columns]))[0]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class OrderStatements:
    def __init__(self, lane: ConnectionLane, vault: PersonalDataVault) -> None:
        self._lane = lane
        self._vault = vault

    @property
    def vault(self) -> PersonalDataVault:
        return self._vault

    @property
    def kms(self) -> KeyManagementService:
        return self._vault.kms

    async def place(
        self,
        order: Order,
        announcement: StagedEvent,
        *,
        principal_key_id: str,
        idempotency_key: str,
        request_hash: str,
        answer: tuple[int, dict[str, Any]],
    ) -> None:
        """Store a new order, the key's ``answer`` and the order's announcement, all or nothing.
        Raises PlacementRefused when the order id, the payment transaction or the key is taken: a
        concurrent request inserting the same one makes this statement wait until it ends, then
        fail (it committed) or go on (it rolled back)."""
        row = await sealed_columns(self._vault, order, order_to_columns(order, order.placed_at))
        status, body = answer
        async with self._lane.connection() as connection:
            try:
                await connection.execute(
                    _PLACE,
                    row["order_id"],
                    row["merchant_id"],
                    row["buyer_ref"],
                    row["currency"],
                    row["status"],
                    row["payable_minor"],
                    row["payment_channel"],
                    row["payment_transaction_id"],
                    order.placed_at,
                    _json(row["lines"]),
                    _json(row["priced"]),
                    _json(row["consignee"]),
                    _json(row["payment"]),
                    _json(row["dispatched_quantities"]),
                    principal_key_id,
                    idempotency_key,
                    request_hash,
                    status,
                    _json(body),
                    *_outbox_arguments(announcement),
                )
            except asyncpg.UniqueViolationError as error:
                raise PlacementRefused(str(error)) from error
        relay_wakeup.notify()  # committed: the relay can publish it now

    async def used_key(self, principal_key_id: str, idempotency_key: str) -> UsedKey | None:
        async with self._lane.connection() as connection:
            record = await connection.fetchrow(_USED_KEY, principal_key_id, idempotency_key)
        if record is None:
            return None
        return UsedKey(record["request_hash"], record["response_status"], json.loads(record["response_body"]))

    async def load(self, order_id: str) -> LoadedOrder | None:
        async with self._lane.connection() as connection:
            record = await connection.fetchrow(_LOAD, order_id)
        return LoadedOrder(await _order(self._vault, record), record["version"]) if record is not None else None

    async def change_shipping(
        self,
        loaded: LoadedOrder,
        after: Order,
        *,
        change: str,
        changed_by: str,
        reason: str,
        announcement: StagedEvent,
    ) -> bool:
        """Write a shipping-information command's result, its shipping change and its event, if the
        order is still the version ``loaded`` read; False (nothing written) if it changed since."""
        before = loaded.order
        key = await self._vault.key_for(buyer_subject(after.buyer_ref))
        sealed_after = _json(sealed_consignee(key, after.order_id, asdict(after.consignee)))
        async with self._lane.connection() as connection:
            written = await connection.fetchval(
                _CHANGE_SHIPPING,
                after.order_id,
                loaded.version,
                after.status.value,
                sealed_after,
                after.shipping_confirmed_at,
                after.shipping_confirmed_by,
                announcement.envelope.occurred_at,
                change,
                changed_by,
                reason,
                _json(sealed_consignee(key, before.order_id, asdict(before.consignee))),
                sealed_after,
                *_outbox_arguments(announcement),
            )
        if written:
            relay_wakeup.notify()
        return bool(written)

    async def look(self, order_id: str, *, with_parcels: bool) -> OrderLook | None:
        async with self._lane.connection() as connection:
            record = await connection.fetchrow(_LOOK, order_id, with_parcels)
        if record is None:
            return None
        return OrderLook(await _order(self._vault, record), record["shipments"], record["delivered_shipments"])
