"""The consignee as logistics-svc keeps it: opened from the event that carried it sealed
(ShippingInfoConfirmed / ShippingInfoCorrected, version 2) and sealed again under this service's
own data key of the buyer (data_keys.py), with the context ``known_orders/<order_id>/consignee``.
logistics needs the address to dispatch; it keeps ``{"province", "city", "sealed"}``, and erasing
the buyer here (their key destroyed) leaves only province and city. A consignee from an event
dated before the buyer's erasure, consumed after it (another partition, a replayed dead letter, a
group reset), is kept as erasure leaves it: province and city, never sealed under a new key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shipsettle_shared import contracts
from shipsettle_shared.consignee_transit import open_consignee
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject

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
