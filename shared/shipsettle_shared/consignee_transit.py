"""A consignee on the bus, sealed (contracts.SealedConsignee): order-svc seals it into
ShippingInfoConfirmed and ShippingInfoCorrected, logistics-svc opens it (field_crypto's transit
seal: a data key per event, wrapped under a KEK of the shared keyring; the context binds it to
its order)."""

from __future__ import annotations

from typing import Any

from shipsettle_shared import contracts
from shipsettle_shared.field_crypto import KeyManagementService, open_transit, seal_for_transit


def transit_context(order_id: str) -> str:
    return f"events/{order_id}/consignee"


def seal_consignee(kms: KeyManagementService, order_id: str, consignee: dict[str, Any]) -> contracts.SealedConsignee:
    sealed = seal_for_transit(kms, transit_context(order_id), consignee)
    return contracts.SealedConsignee(
        province=consignee["province"],
        city=consignee["city"],
        kek_id=sealed.kek_id,
        key_id=sealed.key_id,
        wrapped_key=sealed.wrapped_key,
        sealed=sealed.sealed,
    )


def open_consignee(kms: KeyManagementService, order_id: str, sealed: contracts.SealedConsignee) -> dict[str, Any]:
    """Raises SealedValueError (altered, or moved from another order), UnknownKeyEncryptionKey."""
    opened: dict[str, Any] = open_transit(
        kms, transit_context(order_id), sealed.kek_id, sealed.key_id, sealed.wrapped_key, sealed.sealed
    )
    return opened
