"""The bodies logistics-svc's routes answer, as their OpenAPI documents them (``answers(...)``).

The handlers build these bodies as dicts (``shipment_view``, ``Carrier.to_definition``, ...) and
send them as built; each model here says exactly what its dict holds. Times are ISO 8601 with
their offset, money in fen (``_minor``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from logistics_svc.domain.recommendation import MissedOption, RankedOption
from logistics_svc.domain.shipments import Direction, ShipmentStatus, SignOffHow
from logistics_svc.domain.tracking import TrackingStatus


class ZoneRatePublic(BaseModel):
    first_weight_minor: int
    additional_weight_minor: int


class RateCardPublic(BaseModel):
    first_weight_g: int
    additional_step_g: int
    currency: str
    rates_by_zone: dict[str, ZoneRatePublic] = Field(description="by zone: local, regional, national, remote")


class ServiceLevelPublic(BaseModel):
    name: str
    description: str
    promised_days_by_zone: dict[str, int]
    rate_card: RateCardPublic | None = Field(description="the level's own rates; null: the carrier's")


class CarrierDefinition(BaseModel):
    """A carrier as the registry stores it; ``PUT /v1/carriers/{code}`` takes the same form."""

    code: str
    name: str
    name_zh: str
    tracking_pattern: str = Field(description="the tracking-number format, a regular expression")
    kuaidi100_code: str | None
    aftership_slug: str | None
    active: bool
    rate_card: RateCardPublic
    service_levels: list[ServiceLevelPublic]
    sources: list[str] = Field(description="where the tracking pattern and rates are cited from")


class CarrierPut(BaseModel):
    carrier: CarrierDefinition
    created: bool
    webhook_secret: str | None = Field(
        default=None, description="a new carrier's webhook secret, shown once (absent for a changed carrier)"
    )


class CarrierWebhookSecret(BaseModel):
    carrier_code: str
    webhook_secret: str = Field(description="shown once")


class RecommendationPublic(BaseModel):
    origin_province: str
    destination_province: str
    zone: str
    weight_g: int
    ship_date: date
    deadline: date
    meets_deadline: bool
    options: list[RankedOption] = Field(description="the options that meet the deadline, best first")
    missed: list[MissedOption] = Field(description="those that miss it, soonest first")
    reason: str
    best: RankedOption | None


class ScanPublic(BaseModel):
    status: TrackingStatus
    occurred_at: datetime
    description: str
    location: str
    raw_status: str = Field(description="the carrier's or aggregator's own status code")


class ShipmentScanPublic(ScanPublic):
    counts: bool = Field(description="false: dated before the dispatch, about an earlier parcel under the number")


class OpsFlagPublic(BaseModel):
    code: str
    message: str
    blocks_sign_off: bool
    raised_at: datetime | None
    cleared_at: datetime | None
    cleared_by: str | None
    clear_reason: str | None


class AutoConfirmPublic(BaseModel):
    state: Literal["never", "signed_off", "held_for_ops", "paused", "scheduled", "awaiting_delivery"]
    paused: bool
    paused_by_refund_ids: list[str]
    remaining_s: int | None = Field(description="while paused: the time left on the clock")
    due_at: datetime | None
    held_by_flags: list[str]


class ShipmentPublic(BaseModel):
    shipment_id: str
    order_id: str
    merchant_id: str
    carrier_code: str
    tracking_number: str
    lines: dict[str, int] = Field(description="units in this parcel, by order line id")
    status: ShipmentStatus
    dispatched_at: datetime
    last_movement_at: datetime
    first_scan_at: datetime | None
    delivered_at: datetime | None
    signed_off_at: datetime | None
    sign_off_how: SignOffHow | None
    open_disputes: int = Field(description="refunds of the order open now")
    auto_confirm_due_at: datetime | None
    auto_confirm_paused_remaining_s: int | None
    direction: Direction
    refund_id: str | None = Field(description="the refund a return parcel belongs to")
    ops_flags: list[OpsFlagPublic]
    scans: list[ShipmentScanPublic]
    auto_confirm: AutoConfirmPublic


class StaleShipment(BaseModel):
    shipment_id: str
    order_id: str
    merchant_id: str
    carrier_code: str
    tracking_number: str
    status: ShipmentStatus
    last_movement_at: datetime
    stale_alerted_at: datetime | None


class FlaggedShipment(BaseModel):
    shipment_id: str
    order_id: str
    merchant_id: str
    direction: Direction
    refund_id: str | None
    carrier_code: str
    tracking_number: str
    status: ShipmentStatus
    ops_flags: list[OpsFlagPublic]


class ShipmentHoldingTheNumber(BaseModel):
    shipment_id: str
    carrier_code: str


class ParkedScans(BaseModel):
    carrier_code: str | None = Field(description="null: the aggregator named a carrier the registry does not know")
    tracking_number: str
    reason: Literal["no-shipment-yet", "another-carrier-holds-the-number", "carrier-unknown"]
    vendor_carrier_codes: list[str]
    sources: list[str]
    held_by_other_carriers: list[ShipmentHoldingTheNumber]
    scans: list[ScanPublic]


class Kuaidi100Reply(BaseModel):
    """Kuaidi100's required reply (快递100: ``{"result": true, "returnCode": "200", "message": "成功"}``)."""

    result: bool
    returnCode: str
    message: str
