"""The consignee as logistics-svc keeps it: opened from the event that carried it sealed
(ShippingInfoConfirmed / ShippingInfoCorrected, version 2) and sealed again under this service's
own data key of the buyer (data_keys.py), with the context ``known_orders/<order_id>/consignee``.
logistics needs the address to dispatch; it keeps ``{"province", "city", "sealed"}``, and erasing
the buyer here (their key destroyed) leaves only province and city. A consignee from an event
dated before the buyer's erasure, consumed after it (another partition, a replayed dead letter, a
group reset), is kept as erasure leaves it: province and city, never sealed under a new key.

A consignee kept before encryption (the whole consignee, in clear) is read as it is until
``python -m shipsettle_shared.data_keys seal-clear --service logistics-svc
--orders-database-url <order-svc's>`` seals it (``CLEAR_ROWS``): this service does not keep the
buyer of an order, whose key it is sealed under, so the command asks order-svc's database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from shipsettle_shared import contracts
from shipsettle_shared.clear_rows import ClearRows, Sealing
from shipsettle_shared.consignee_transit import open_consignee
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject
from shipsettle_shared.field_crypto import seal

ERASED = "[erased]"


def known_order_context(order_id: str) -> str:
    return f"known_orders/{order_id}/consignee"


def erased_consignee(province: str, city: str) -> dict[str, Any]:
    """What erasing the buyer leaves of a consignee (the masking policy keeps province and city)."""
    return {"province": province, "city": city, "name": ERASED, "mobile": ERASED}


async def kept_consignee(
    vault: PersonalDataVault, buyer_ref: str, order_id: str, sealed: contracts.SealedConsignee, happened_at: datetime
) -> dict[str, Any]:
    """The event's consignee re-sealed under this service's key of the buyer, as stored; erased
    when the buyer was erased at or after ``happened_at`` (the confirmation's or correction's time)."""
    # raises SealedValueError, UnknownKeyEncryptionKey: the event is dead-lettered, never kept in clear
    consignee = open_consignee(vault.kms, order_id, sealed)
    kept = await vault.seal_unless_erased_since(
        buyer_subject(buyer_ref), known_order_context(order_id), consignee, happened_at
    )
    if kept is None:
        return erased_consignee(sealed.province, sealed.city)
    return {"province": sealed.province, "city": sealed.city, "sealed": kept}


async def open_kept_consignee(vault: PersonalDataVault, order_id: str, document: dict[str, Any]) -> dict[str, Any]:
    """The consignee for dispatch: in clear, or erased (``ERASED`` but province and city)."""
    if "sealed" not in document:
        return document
    opened = await vault.open(known_order_context(order_id), document["sealed"])
    if opened is None:
        return erased_consignee(document["province"], document["city"])
    consignee: dict[str, Any] = opened
    return consignee


# --- rows written before encryption (shipsettle_shared/clear_rows.py) ---


async def _sealed_known_orders(
    sealing: Sealing, connection: asyncpg.Connection, records: Sequence[asyncpg.Record]
) -> list[tuple[Any, ...] | None]:
    buyers = await sealing.buyers_of_orders([record["order_id"] for record in records])
    sealed: list[tuple[Any, ...] | None] = []
    for record in records:
        order_id = record["order_id"]
        if order_id not in buyers:
            sealed.append(None)  # order-svc does not know the order: whose key is unknown
            continue
        consignee = json.loads(record["consignee"])
        key = await sealing.key_for(connection, buyer_subject(buyers[order_id]))
        document = {
            "province": consignee.get("province", ""),
            "city": consignee.get("city", ""),
            "sealed": seal(key, known_order_context(order_id), consignee),
        }
        sealed.append((order_id, json.dumps(document, ensure_ascii=False)))
    return sealed


CLEAR_ROWS = (
    ClearRows(
        name="known_orders.consignee",
        # not the ``{}`` of an order whose shipping information is not confirmed yet
        select="""
            select order_id as row_key, order_id, consignee::text as consignee from known_orders
            where consignee <> '{}'::jsonb and not consignee ? 'sealed' and order_id <> all($2::text[])
            order by order_id limit $1 for update skip locked
        """,
        update="update known_orders set consignee = $2::jsonb where order_id = $1",
        count="select count(*) from known_orders where consignee <> '{}'::jsonb and not consignee ? 'sealed'",
        rewrite=_sealed_known_orders,
    ),
)
