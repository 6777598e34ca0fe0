"""Shipments and parked scans as the API shows them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from logistics_svc.adapters.repositories.rows import ops_flag_json
from logistics_svc.domain.shipments import DEFAULT_SCAN_CLOCK_TOLERANCE, Shipment, auto_confirm_summary
from logistics_svc.domain.tracking import ParkedScans, Scan


def scan_json(scan: Scan) -> dict[str, object]:
    return {
        "status": scan.status.value,
        "occurred_at": scan.occurred_at.isoformat(),
        "description": scan.description,
        "location": scan.location,
        "raw_status": scan.raw_status,
    }


def shipment_view(
    shipment: Shipment,
    open_refund_ids: frozenset[str] = frozenset(),
    clock_tolerance: timedelta = DEFAULT_SCAN_CLOCK_TOLERANCE,
) -> dict[str, object]:
    """A shipment for the API, with its auto-confirm state, the refunds that hold it, its ops
    flags, and for each scan whether it ``counts`` (False: dated before the dispatch)."""
    view = asdict(shipment)
    view["scans"] = [
        {**scan_json(scan), "counts": shipment.scan_counts(scan, clock_tolerance)} for scan in shipment.scans
    ]
    view["ops_flags"] = [ops_flag_json(flag) for flag in shipment.ops_flags]
    for name in (
        "dispatched_at",
        "last_movement_at",
        "first_scan_at",
        "delivered_at",
        "signed_off_at",
        "auto_confirm_due_at",
    ):
        value = view[name]
        view[name] = value.isoformat() if value else None
    view["auto_confirm"] = auto_confirm_summary(shipment, open_refund_ids)
    return view


def parked_scans_view(parked: ParkedScans) -> dict[str, object]:
    """Scans no shipment took, for ops (GET /v1/scans-parked)."""
    return {
        "carrier_code": parked.carrier_code,
        "tracking_number": parked.tracking_number,
        "reason": parked.reason,
        "vendor_carrier_codes": list(parked.vendor_carrier_codes),
        "sources": list(parked.sources),
        "held_by_other_carriers": [
            {"shipment_id": shipment_id, "carrier_code": carrier_code}
            for shipment_id, carrier_code in parked.held_by_other_carriers
        ],
        "scans": [scan_json(scan) for scan in parked.scans],
    }
