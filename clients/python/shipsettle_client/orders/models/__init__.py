"""Contains all the data models used in inputs/outputs"""

from .api_key_created import ApiKeyCreated
from .api_key_request import ApiKeyRequest
from .approval_applied import ApprovalApplied
from .approval_applied_outcome_type_0 import ApprovalAppliedOutcomeType0
from .approval_applied_parameters import ApprovalAppliedParameters
from .approval_applied_result import ApprovalAppliedResult
from .approval_public import ApprovalPublic
from .approval_public_outcome_type_0 import ApprovalPublicOutcomeType0
from .approval_public_parameters import ApprovalPublicParameters
from .approval_status import ApprovalStatus
from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_request import BusProbeRequest
from .cancel_order_v1_orders_order_id_cancel_post_response_cancel_order_v1_orders_order_id_cancel_post import (
    CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost,
)
from .cancel_request import CancelRequest
from .confirm_shipping_info_v1_orders_order_id_shipping_info_confirm_post_response_confirm_shipping_info_v1_orders_order_id_shipping_info_confirm_post import (
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost,
)
from .confirm_shipping_request import ConfirmShippingRequest
from .consignee_request import ConsigneeRequest
from .correct_shipping_info_v1_orders_order_id_shipping_info_patch_response_correct_shipping_info_v1_orders_order_id_shipping_info_patch import (
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch,
)
from .correct_shipping_request import CorrectShippingRequest
from .coupon_kind import CouponKind
from .coupon_request import CouponRequest
from .decision_request import DecisionRequest
from .funder import Funder
from .healthz_healthz_get_response_healthz_healthz_get import (
    HealthzHealthzGetResponseHealthzHealthzGet,
)
from .http_validation_error import HTTPValidationError
from .line_request import LineRequest
from .list_approvals_v1_approvals_get_response_list_approvals_v1_approvals_get import (
    ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet,
)
from .list_consumers_v1_consumers_get_response_200_item import (
    ListConsumersV1ConsumersGetResponse200Item,
)
from .list_orders_v1_orders_get_response_list_orders_v1_orders_get import (
    ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet,
)
from .merchant_keys_v1_merchants_merchant_id_api_keys_get_response_merchant_keys_v1_merchants_merchant_id_api_keys_get import (
    MerchantKeysV1MerchantsMerchantIdApiKeysGetResponseMerchantKeysV1MerchantsMerchantIdApiKeysGet,
)
from .order_request import OrderRequest
from .order_stage import OrderStage
from .order_status import OrderStatus
from .order_timeline_v1_orders_order_id_timeline_get_response_order_timeline_v1_orders_order_id_timeline_get import (
    OrderTimelineV1OrdersOrderIdTimelineGetResponseOrderTimelineV1OrdersOrderIdTimelineGet,
)
from .payment_request import PaymentRequest
from .payment_request_channel import PaymentRequestChannel
from .place_order_v1_orders_post_response_place_order_v1_orders_post import (
    PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost,
)
from .probe_receipts_v1_ops_bus_probes_probe_id_get_response_probe_receipts_v1_ops_bus_probes_probe_id_get import (
    ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet,
)
from .read_order_v1_orders_order_id_get_response_read_order_v1_orders_order_id_get import (
    ReadOrderV1OrdersOrderIdGetResponseReadOrderV1OrdersOrderIdGet,
)
from .readyz_readyz_get_response_readyz_readyz_get import (
    ReadyzReadyzGetResponseReadyzReadyzGet,
)
from .resume_consumer_v1_consumers_group_resume_post_response_resume_consumer_v1_consumers_group_resume_post import (
    ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost,
)
from .revoke_request import RevokeRequest
from .role import Role
from .shipping_history_v1_orders_order_id_shipping_info_history_get_response_shipping_history_v1_orders_order_id_shipping_info_history_get import (
    ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet,
)
from .shipping_item_request import ShippingItemRequest
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext

__all__ = (
    "ApiKeyCreated",
    "ApiKeyRequest",
    "ApprovalApplied",
    "ApprovalAppliedOutcomeType0",
    "ApprovalAppliedParameters",
    "ApprovalAppliedResult",
    "ApprovalPublic",
    "ApprovalPublicOutcomeType0",
    "ApprovalPublicParameters",
    "ApprovalStatus",
    "BusProbeAccepted",
    "BusProbeRequest",
    "CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost",
    "CancelRequest",
    "ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost",
    "ConfirmShippingRequest",
    "ConsigneeRequest",
    "CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch",
    "CorrectShippingRequest",
    "CouponKind",
    "CouponRequest",
    "DecisionRequest",
    "Funder",
    "HealthzHealthzGetResponseHealthzHealthzGet",
    "HTTPValidationError",
    "LineRequest",
    "ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet",
    "ListConsumersV1ConsumersGetResponse200Item",
    "ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet",
    "MerchantKeysV1MerchantsMerchantIdApiKeysGetResponseMerchantKeysV1MerchantsMerchantIdApiKeysGet",
    "OrderRequest",
    "OrderStage",
    "OrderStatus",
    "OrderTimelineV1OrdersOrderIdTimelineGetResponseOrderTimelineV1OrdersOrderIdTimelineGet",
    "PaymentRequest",
    "PaymentRequestChannel",
    "PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost",
    "ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet",
    "ReadOrderV1OrdersOrderIdGetResponseReadOrderV1OrdersOrderIdGet",
    "ReadyzReadyzGetResponseReadyzReadyzGet",
    "ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost",
    "RevokeRequest",
    "Role",
    "ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet",
    "ShippingItemRequest",
    "ValidationError",
    "ValidationErrorContext",
)
