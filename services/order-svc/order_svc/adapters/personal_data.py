"""The consignee as order-svc stores it: sealed under the buyer's data key (data_keys.py).

Wherever a consignee is kept (the order's row, each shipping change's before and after, a stored
Idempotency-Key answer) it is the document ``{"province", "city", "sealed"}``: province and city
in clear (what every reader may see, and what statistics need), the whole consignee sealed with
the context ``orders/<order_id>/consignee`` (a sealed consignee moved to another order does not
open). Once the buyer is erased (their key destroyed) it opens as ``ERASED`` in every field but
province and city. A document without ``sealed`` was written before encryption and is read as
it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shipsettle_shared.data_keys import PersonalDataVault
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
