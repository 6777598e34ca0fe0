"""Contains all the data models used in inputs/outputs"""

from .approve_v1_refunds_refund_id_approve_post_response_approve_v1_refunds_refund_id_approve_post import (
    ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost,
)
from .balance_credit_body import BalanceCreditBody
from .balance_credit_body_outcome import BalanceCreditBodyOutcome
from .balance_credit_v1_refunds_refund_id_balance_credit_post_response_balance_credit_v1_refunds_refund_id_balance_credit_post import (
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost,
)
from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_request import BusProbeRequest
from .cancel_balance_credit_v1_refunds_refund_id_balance_credit_cancel_post_response_cancel_balance_credit_v1_refunds_refund_id_balance_credit_cancel_post import (
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost,
)
from .cancel_credit_body import CancelCreditBody
from .decision_body import DecisionBody
from .decision_v1_refunds_refund_id_decision_post_response_decision_v1_refunds_refund_id_decision_post import (
    DecisionV1RefundsRefundIdDecisionPostResponseDecisionV1RefundsRefundIdDecisionPost,
)
from .escalate_v1_refunds_refund_id_escalate_post_response_escalate_v1_refunds_refund_id_escalate_post import (
    EscalateV1RefundsRefundIdEscalatePostResponseEscalateV1RefundsRefundIdEscalatePost,
)
from .evidence import Evidence
from .get_refund_v1_refunds_refund_id_get_response_get_refund_v1_refunds_refund_id_get import (
    GetRefundV1RefundsRefundIdGetResponseGetRefundV1RefundsRefundIdGet,
)
from .healthz_healthz_get_response_healthz_healthz_get import (
    HealthzHealthzGetResponseHealthzHealthzGet,
)
from .http_validation_error import HTTPValidationError
from .inspection_body import InspectionBody
from .inspection_v1_refunds_refund_id_inspection_post_response_inspection_v1_refunds_refund_id_inspection_post import (
    InspectionV1RefundsRefundIdInspectionPostResponseInspectionV1RefundsRefundIdInspectionPost,
)
from .list_consumers_v1_consumers_get_response_200_item import (
    ListConsumersV1ConsumersGetResponse200Item,
)
from .list_refunds_v1_refunds_get_response_list_refunds_v1_refunds_get import (
    ListRefundsV1RefundsGetResponseListRefundsV1RefundsGet,
)
from .probe_receipts_v1_ops_bus_probes_probe_id_get_response_probe_receipts_v1_ops_bus_probes_probe_id_get import (
    ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet,
)
from .quote_refund_v1_refunds_quote_post_response_quote_refund_v1_refunds_quote_post import (
    QuoteRefundV1RefundsQuotePostResponseQuoteRefundV1RefundsQuotePost,
)
from .readyz_readyz_get_response_readyz_readyz_get import (
    ReadyzReadyzGetResponseReadyzReadyzGet,
)
from .reason import Reason
from .reason_code import ReasonCode
from .refund_callback_v1_refund_callbacks_post_response_refund_callback_v1_refund_callbacks_post import (
    RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost,
)
from .refund_kind import RefundKind
from .refund_line_request import RefundLineRequest
from .refund_request_body import RefundRequestBody
from .refund_sla_v1_refund_sla_get_response_refund_sla_v1_refund_sla_get import (
    RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet,
)
from .refund_status import RefundStatus
from .reject_v1_refunds_refund_id_reject_post_response_reject_v1_refunds_refund_id_reject_post import (
    RejectV1RefundsRefundIdRejectPostResponseRejectV1RefundsRefundIdRejectPost,
)
from .request_refund_v1_refunds_post_response_request_refund_v1_refunds_post import (
    RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost,
)
from .resolution_body import ResolutionBody
from .resolution_kind import ResolutionKind
from .resolution_v1_refunds_refund_id_resolution_post_response_resolution_v1_refunds_refund_id_resolution_post import (
    ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost,
)
from .resume_consumer_v1_consumers_group_resume_post_response_resume_consumer_v1_consumers_group_resume_post import (
    ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost,
)
from .retry_v1_refunds_refund_id_retry_post_response_retry_v1_refunds_refund_id_retry_post import (
    RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost,
)
from .return_shipment_body import ReturnShipmentBody
from .return_shipment_v1_refunds_refund_id_return_shipment_post_response_return_shipment_v1_refunds_refund_id_return_shipment_post import (
    ReturnShipmentV1RefundsRefundIdReturnShipmentPostResponseReturnShipmentV1RefundsRefundIdReturnShipmentPost,
)
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .withdraw_v1_refunds_refund_id_withdraw_post_response_withdraw_v1_refunds_refund_id_withdraw_post import (
    WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost,
)

__all__ = (
    "ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost",
    "BalanceCreditBody",
    "BalanceCreditBodyOutcome",
    "BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost",
    "BusProbeAccepted",
    "BusProbeRequest",
    "CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost",
    "CancelCreditBody",
    "DecisionBody",
    "DecisionV1RefundsRefundIdDecisionPostResponseDecisionV1RefundsRefundIdDecisionPost",
    "EscalateV1RefundsRefundIdEscalatePostResponseEscalateV1RefundsRefundIdEscalatePost",
    "Evidence",
    "GetRefundV1RefundsRefundIdGetResponseGetRefundV1RefundsRefundIdGet",
    "HealthzHealthzGetResponseHealthzHealthzGet",
    "HTTPValidationError",
    "InspectionBody",
    "InspectionV1RefundsRefundIdInspectionPostResponseInspectionV1RefundsRefundIdInspectionPost",
    "ListConsumersV1ConsumersGetResponse200Item",
    "ListRefundsV1RefundsGetResponseListRefundsV1RefundsGet",
    "ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet",
    "QuoteRefundV1RefundsQuotePostResponseQuoteRefundV1RefundsQuotePost",
    "ReadyzReadyzGetResponseReadyzReadyzGet",
    "Reason",
    "ReasonCode",
    "RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost",
    "RefundKind",
    "RefundLineRequest",
    "RefundRequestBody",
    "RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet",
    "RefundStatus",
    "RejectV1RefundsRefundIdRejectPostResponseRejectV1RefundsRefundIdRejectPost",
    "RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost",
    "ResolutionBody",
    "ResolutionKind",
    "ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost",
    "ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost",
    "RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost",
    "ReturnShipmentBody",
    "ReturnShipmentV1RefundsRefundIdReturnShipmentPostResponseReturnShipmentV1RefundsRefundIdReturnShipmentPost",
    "ValidationError",
    "ValidationErrorContext",
    "WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost",
)
