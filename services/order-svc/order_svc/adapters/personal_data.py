"""The consignee as order-svc stores it: sealed under the buyer's data key (data_keys.py).

Wherever a consignee is kept (the order's row, each shipping change's before and after, a stored
Idempotency-Key answer) it is the document ``{"province", "city", "sealed"}``: province and city
in clear (what every reader may see, and what statistics need), the whole consignee sealed with
the context ``orders/<order_id>/consignee`` (a sealed consignee moved to another order does not
open). Once the buyer is erased (their key destroyed) it opens as ``ERASED`` in every field but
province and city. A document without ``sealed`` was written before encryption and is read as
it is until ``python -m shipsettle_shared.data_keys seal-clear --service order-svc`` seals it
(``CLEAR_ROWS`` below: every place this service keeps a consignee).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg

from shipsettle_shared.clear_rows import ClearRows, Sealing
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject
from shipsettle_shared.field_crypto import DataKey, seal

ERASED = "[erased]"


def consignee_context(order_id: str) -> str:
    return f"orders/{order_id}/consignee"


def sealed_consignee(key: DataKey, order_id: str, consignee: dict[str, Any]) -> dict[str, Any]:
    return {
        "province": consignee["province"],
        "city": consignee["city"],
        "sealed": seal(key, consignee_context(order_id), consignee),
    }


def erased_consignee(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": ERASED,
        "mobile": ERASED,
        "province": document.get("province", ""),
        "city": document.get("city", ""),
        "district": ERASED,
        "address_line": ERASED,
        "postal_code": ERASED,
    }


def is_erased(consignee: dict[str, Any]) -> bool:
    return consignee.get("mobile") == ERASED


async def open_consignees(
    vault: PersonalDataVault, documents: Sequence[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Each (order id, stored document) as the consignee in clear, or erased."""
    sealed = [(order_id, document) for order_id, document in documents if "sealed" in document]
    opened = iter(await vault.open_many([(consignee_context(order_id), doc["sealed"]) for order_id, doc in sealed]))
    result = []
    for _, document in documents:
        if "sealed" not in document:
            result.append(document)  # written before encryption
            continue
        value = next(opened)
        result.append(erased_consignee(document) if value is None else value)
    return result


async def open_consignee(vault: PersonalDataVault, order_id: str, document: dict[str, Any]) -> dict[str, Any]:
    return (await open_consignees(vault, [(order_id, document)]))[0]


def sealed_answer(key: DataKey, body: dict[str, Any]) -> dict[str, Any]:
    """An order's answer as an Idempotency-Key keeps it: its consignee sealed."""
    if not isinstance(body.get("consignee"), dict) or "sealed" in body["consignee"]:
        return body
    return {**body, "consignee": sealed_consignee(key, body["order_id"], body["consignee"])}


async def opened_answer(vault: PersonalDataVault, body: dict[str, Any]) -> dict[str, Any]:
    """A kept answer with its consignee opened again (or erased)."""
    if not isinstance(body.get("consignee"), dict):
        return body
    return {**body, "consignee": await open_consignee(vault, body["order_id"], body["consignee"])}


# --- rows written before encryption (shipsettle_shared/clear_rows.py) ---

# A consignee document still in clear: not empty (a shipping change's ``before`` may be) and
# without ``sealed``. (SQL written out whole below: no statement is assembled from pieces.)


def _sealed_if_clear(key: DataKey, order_id: str, document: dict[str, Any]) -> dict[str, Any]:
    return document if not document or "sealed" in document else sealed_consignee(key, order_id, document)


async def _sealed_orders(
    sealing: Sealing, connection: asyncpg.Connection, records: Sequence[asyncpg.Record]
) -> list[tuple[Any, ...] | None]:
    sealed: list[tuple[Any, ...] | None] = []
    for record in records:
        key = await sealing.key_for(connection, buyer_subject(record["buyer_ref"]))
        document = sealed_consignee(key, record["order_id"], json.loads(record["consignee"]))
        sealed.append((record["order_id"], json.dumps(document, ensure_ascii=False)))
    return sealed


async def _sealed_shipping_changes(
    sealing: Sealing, connection: asyncpg.Connection, records: Sequence[asyncpg.Record]
) -> list[tuple[Any, ...] | None]:
    sealed: list[tuple[Any, ...] | None] = []
    for record in records:
        key = await sealing.key_for(connection, buyer_subject(record["buyer_ref"]))
        before, after = (
            _sealed_if_clear(key, record["order_id"], json.loads(record[column])) for column in ("before", "after")
        )
        sealed.append((record["id"], json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False)))
    return sealed


async def _sealed_answers(
    sealing: Sealing, connection: asyncpg.Connection, records: Sequence[asyncpg.Record]
) -> list[tuple[Any, ...] | None]:
    sealed: list[tuple[Any, ...] | None] = []
    for record in records:
        body = json.loads(record["response_body"])
        if not isinstance(body.get("buyer_ref"), str) or not isinstance(body.get("order_id"), str):
            sealed.append(None)  # not an order's answer: whose key would seal it is unknown
            continue
        key = await sealing.key_for(connection, buyer_subject(body["buyer_ref"]))
        answer = json.dumps(sealed_answer(key, body), ensure_ascii=False)
        sealed.append((record["principal_key_id"], record["idempotency_key"], answer))
    return sealed


async def _timeline_rows(
    sealing: Sealing, connection: asyncpg.Connection, records: Sequence[asyncpg.Record]
) -> list[tuple[Any, ...] | None]:
    return [(record["event_id"],) for record in records]


# The timeline keeps no consignee at all now (service_layer/timeline.py, _NOT_ON_THE_TIMELINE):
# entries recorded before keep the event's, in clear; they lose it, as they would be recorded now.

CLEAR_ROWS = (
    ClearRows(
        name="orders.consignee",
        select="""
            select order_id as row_key, order_id, buyer_ref, consignee::text as consignee from orders
            where consignee <> '{}'::jsonb and not consignee ? 'sealed' and order_id <> all($2::text[])
            order by order_id limit $1 for update skip locked
        """,
        # updated_at is left alone: the order did not change, only how its consignee is stored
        update="update orders set consignee = $2::jsonb where order_id = $1",
        count="select count(*) from orders where consignee <> '{}'::jsonb and not consignee ? 'sealed'",
        rewrite=_sealed_orders,
    ),
    ClearRows(
        name="shipping_changes.before/after",
        select="""
            select s.id::text as row_key, s.id, s.order_id, o.buyer_ref, s.before::text as before,
                s.after::text as after
            from shipping_changes s join orders o on o.order_id = s.order_id
            where ((s.before <> '{}'::jsonb and not s.before ? 'sealed') or (s.after <> '{}'::jsonb and not s.after ? 'sealed'))
                and s.id::text <> all($2::text[])
            order by s.id limit $1 for update of s skip locked
        """,
        update="update shipping_changes set before = $2::jsonb, after = $3::jsonb where id = $1",
        count="""
            select count(*) from shipping_changes
            where (before <> '{}'::jsonb and not before ? 'sealed') or (after <> '{}'::jsonb and not after ? 'sealed')
        """,
        rewrite=_sealed_shipping_changes,
    ),
    ClearRows(
        name="idempotency_keys.response_body",
        select="""
            select jsonb_build_array(principal_key_id, idempotency_key)::text as row_key, principal_key_id,
                idempotency_key, response_body::text as response_body
            from idempotency_keys
            where jsonb_typeof(response_body->'consignee') = 'object' and not response_body->'consignee' ? 'sealed'
                and jsonb_build_array(principal_key_id, idempotency_key)::text <> all($2::text[])
            order by principal_key_id, idempotency_key limit $1 for update skip locked
        """,
        update="update idempotency_keys set response_body = $3::jsonb where principal_key_id = $1 and idempotency_key = $2",
        count="""
            select count(*) from idempotency_keys
            where jsonb_typeof(response_body->'consignee') = 'object' and not response_body->'consignee' ? 'sealed'
        """,
        rewrite=_sealed_answers,
    ),
    ClearRows(
        name="order_timeline.details",
        select="""
            select event_id as row_key, event_id from order_timeline
            where details ?| array['consignee', 'consignee_sealed'] and event_id <> all($2::text[])
            order by event_id limit $1 for update skip locked
        """,
        update="update order_timeline set details = details - array['consignee', 'consignee_sealed'] where event_id = $1",
        count="select count(*) from order_timeline where details ?| array['consignee', 'consignee_sealed']",
        rewrite=_timeline_rows,
    ),
)
