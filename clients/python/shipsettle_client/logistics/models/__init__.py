"""Contains all the data models used in inputs/outputs"""

from .aggregator_secret import AggregatorSecret
from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_request import BusProbeRequest
from .clear_ops_flag_v1_shipments_shipment_id_ops_flags_flag_code_clear_post_response_clear_ops_flag_v1_shipments_shipment_id_ops_flags_flag_code_clear_post import (
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost,
)
from .confirm_receipt_v1_orders_order_id_confirm_receipt_post_response_200_item import (
    ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item,
)
from .correct_tracking_number_v1_shipments_shipment_id_tracking_number_patch_response_correct_tracking_number_v1_shipments_shipment_id_tracking_number_patch import (
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch,
)
from .dispatch_request import DispatchRequest
from .dispatch_v1_shipments_post_response_dispatch_v1_shipments_post import (
    DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost,
)
from .flag_clearance import FlagClearance
from .flagged_shipments_v1_shipments_flagged_get_response_flagged_shipments_v1_shipments_flagged_get import (
    FlaggedShipmentsV1ShipmentsFlaggedGetResponseFlaggedShipmentsV1ShipmentsFlaggedGet,
)
from .healthz_healthz_get_response_healthz_healthz_get import (
    HealthzHealthzGetResponseHealthzHealthzGet,
)
from .http_validation_error import HTTPValidationError
from .list_carriers_v1_carriers_get_response_200_item import (
    ListCarriersV1CarriersGetResponse200Item,
)
from .list_consumers_v1_consumers_get_response_200_item import (
    ListConsumersV1ConsumersGetResponse200Item,
)
from .order_shipments_v1_orders_order_id_shipments_get_response_200_item import (
    OrderShipmentsV1OrdersOrderIdShipmentsGetResponse200Item,
)
from .parcel_line import ParcelLine
from .parked_scans_v1_scans_parked_get_response_parked_scans_v1_scans_parked_get import (
    ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet,
)
from .probe_receipts_v1_ops_bus_probes_probe_id_get_response_probe_receipts_v1_ops_bus_probes_probe_id_get import (
    ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet,
)
from .put_carrier_v1_carriers_code_put_definition import (
    PutCarrierV1CarriersCodePutDefinition,
)
from .put_carrier_v1_carriers_code_put_response_put_carrier_v1_carriers_code_put import (
    PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut,
)
from .read_carrier_v1_carriers_code_get_response_read_carrier_v1_carriers_code_get import (
    ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet,
)
from .read_shipment_v1_shipments_shipment_id_get_response_read_shipment_v1_shipments_shipment_id_get import (
    ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet,
)
from .read_tracking_settings_v1_settings_tracking_get_response_read_tracking_settings_v1_settings_tracking_get import (
    ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet,
)
from .readyz_readyz_get_response_readyz_readyz_get import (
    ReadyzReadyzGetResponseReadyzReadyzGet,
)
from .recommend_carrier_v1_carriers_recommendation_post_response_recommend_carrier_v1_carriers_recommendation_post import (
    RecommendCarrierV1CarriersRecommendationPostResponseRecommendCarrierV1CarriersRecommendationPost,
)
from .recommendation_request import RecommendationRequest
from .resume_consumer_v1_consumers_group_resume_post_response_resume_consumer_v1_consumers_group_resume_post import (
    ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost,
)
from .rotate_secret_v1_carriers_code_webhook_secret_post_response_rotate_secret_v1_carriers_code_webhook_secret_post import (
    RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost,
)
from .set_aggregator_secret_v1_webhook_sources_source_secret_put_source import (
    SetAggregatorSecretV1WebhookSourcesSourceSecretPutSource,
)
from .stale_shipments_v1_shipments_stale_get_response_stale_shipments_v1_shipments_stale_get import (
    StaleShipmentsV1ShipmentsStaleGetResponseStaleShipmentsV1ShipmentsStaleGet,
)
from .tracking_number_correction import TrackingNumberCorrection
from .tracking_settings import TrackingSettings
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .webhook_ack import WebhookAck
from .write_tracking_settings_v1_settings_tracking_put_response_write_tracking_settings_v1_settings_tracking_put import (
    WriteTrackingSettingsV1SettingsTrackingPutResponseWriteTrackingSettingsV1SettingsTrackingPut,
)

__all__ = (
    "AggregatorSecret",
    "BusProbeAccepted",
    "BusProbeRequest",
    "ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost",
    "ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item",
    "CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch",
    "DispatchRequest",
    "DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost",
    "FlagClearance",
    "FlaggedShipmentsV1ShipmentsFlaggedGetResponseFlaggedShipmentsV1ShipmentsFlaggedGet",
    "HealthzHealthzGetResponseHealthzHealthzGet",
    "HTTPValidationError",
    "ListCarriersV1CarriersGetResponse200Item",
    "ListConsumersV1ConsumersGetResponse200Item",
    "OrderShipmentsV1OrdersOrderIdShipmentsGetResponse200Item",
    "ParcelLine",
    "ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet",
    "ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet",
    "PutCarrierV1CarriersCodePutDefinition",
    "PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut",
    "ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet",
    "ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet",
    "ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet",
    "ReadyzReadyzGetResponseReadyzReadyzGet",
    "RecommendationRequest",
    "RecommendCarrierV1CarriersRecommendationPostResponseRecommendCarrierV1CarriersRecommendationPost",
    "ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost",
    "RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost",
    "SetAggregatorSecretV1WebhookSourcesSourceSecretPutSource",
    "StaleShipmentsV1ShipmentsStaleGetResponseStaleShipmentsV1ShipmentsStaleGet",
    "TrackingNumberCorrection",
    "TrackingSettings",
    "ValidationError",
    "ValidationErrorContext",
    "WebhookAck",
    "WriteTrackingSettingsV1SettingsTrackingPutResponseWriteTrackingSettingsV1SettingsTrackingPut",
)
