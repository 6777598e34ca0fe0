"""Contains all the data models used in inputs/outputs"""

from .aggregator_secret import AggregatorSecret
from .audit_entry_public import AuditEntryPublic
from .audit_entry_public_after_type_0 import AuditEntryPublicAfterType0
from .audit_entry_public_before_type_0 import AuditEntryPublicBeforeType0
from .audit_verification import AuditVerification
from .audit_verification_head_check import AuditVerificationHeadCheck
from .auto_confirm_public import AutoConfirmPublic
from .auto_confirm_public_state import AutoConfirmPublicState
from .break_kind import BreakKind
from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_receipt import BusProbeReceipt
from .bus_probe_receipts import BusProbeReceipts
from .bus_probe_request import BusProbeRequest
from .carrier_definition import CarrierDefinition
from .carrier_put import CarrierPut
from .carrier_webhook_secret import CarrierWebhookSecret
from .carriers_put_definition import CarriersPutDefinition
from .chain_break_public import ChainBreakPublic
from .chain_point import ChainPoint
from .consumer_group_view import ConsumerGroupView
from .direction import Direction
from .dispatch_request import DispatchRequest
from .flag_clearance import FlagClearance
from .flagged_shipment import FlaggedShipment
from .kept_head import KeptHead
from .kuaidi_100_reply import Kuaidi100Reply
from .liveness import Liveness
from .missed_option import MissedOption
from .ops_flag_public import OpsFlagPublic
from .page_audit_entry_public import PageAuditEntryPublic
from .page_flagged_shipment import PageFlaggedShipment
from .page_parked_scans import PageParkedScans
from .page_stale_shipment import PageStaleShipment
from .parcel_line import ParcelLine
from .parked_scans import ParkedScans
from .parked_scans_reason import ParkedScansReason
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .ranked_option import RankedOption
from .rate_card_public import RateCardPublic
from .rate_card_public_rates_by_zone import RateCardPublicRatesByZone
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .recommendation_public import RecommendationPublic
from .recommendation_request import RecommendationRequest
from .scan_public import ScanPublic
from .service_level_public import ServiceLevelPublic
from .service_level_public_promised_days_by_zone import (
    ServiceLevelPublicPromisedDaysByZone,
)
from .shipment_holding_the_number import ShipmentHoldingTheNumber
from .shipment_public import ShipmentPublic
from .shipment_public_lines import ShipmentPublicLines
from .shipment_scan_public import ShipmentScanPublic
from .shipment_status import ShipmentStatus
from .sign_off_how import SignOffHow
from .stale_shipment import StaleShipment
from .tracking_number_correction import TrackingNumberCorrection
from .tracking_settings import TrackingSettings
from .tracking_settings_read_response_tracking_settings_read import (
    TrackingSettingsReadResponseTrackingSettingsRead,
)
from .tracking_settings_write_response_tracking_settings_write import (
    TrackingSettingsWriteResponseTrackingSettingsWrite,
)
from .tracking_status import TrackingStatus
from .webhook_ack import WebhookAck
from .webhook_sources_set_secret_source import WebhookSourcesSetSecretSource
from .zone_rate_public import ZoneRatePublic

__all__ = (
    "AggregatorSecret",
    "AuditEntryPublic",
    "AuditEntryPublicAfterType0",
    "AuditEntryPublicBeforeType0",
    "AuditVerification",
    "AuditVerificationHeadCheck",
    "AutoConfirmPublic",
    "AutoConfirmPublicState",
    "BreakKind",
    "BusProbeAccepted",
    "BusProbeReceipt",
    "BusProbeReceipts",
    "BusProbeRequest",
    "CarrierDefinition",
    "CarrierPut",
    "CarriersPutDefinition",
    "CarrierWebhookSecret",
    "ChainBreakPublic",
    "ChainPoint",
    "ConsumerGroupView",
    "Direction",
    "DispatchRequest",
    "FlagClearance",
    "FlaggedShipment",
    "KeptHead",
    "Kuaidi100Reply",
    "Liveness",
    "MissedOption",
    "OpsFlagPublic",
    "PageAuditEntryPublic",
    "PageFlaggedShipment",
    "PageParkedScans",
    "PageStaleShipment",
    "ParcelLine",
    "ParkedScans",
    "ParkedScansReason",
    "Problem",
    "ProblemFieldError",
    "RankedOption",
    "RateCardPublic",
    "RateCardPublicRatesByZone",
    "Readiness",
    "ReadinessChecks",
    "RecommendationPublic",
    "RecommendationRequest",
    "ScanPublic",
    "ServiceLevelPublic",
    "ServiceLevelPublicPromisedDaysByZone",
    "ShipmentHoldingTheNumber",
    "ShipmentPublic",
    "ShipmentPublicLines",
    "ShipmentScanPublic",
    "ShipmentStatus",
    "SignOffHow",
    "StaleShipment",
    "TrackingNumberCorrection",
    "TrackingSettings",
    "TrackingSettingsReadResponseTrackingSettingsRead",
    "TrackingSettingsWriteResponseTrackingSettingsWrite",
    "TrackingStatus",
    "WebhookAck",
    "WebhookSourcesSetSecretSource",
    "ZoneRatePublic",
)
