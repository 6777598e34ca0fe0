"""Contains all the data models used in inputs/outputs"""

from .api_key_created import ApiKeyCreated
from .api_key_public import ApiKeyPublic
from .api_key_request import ApiKeyRequest
from .approval_applied import ApprovalApplied
from .approval_applied_outcome_type_0 import ApprovalAppliedOutcomeType0
from .approval_applied_parameters import ApprovalAppliedParameters
from .approval_applied_result import ApprovalAppliedResult
from .approval_public import ApprovalPublic
from .approval_public_outcome_type_0 import ApprovalPublicOutcomeType0
from .approval_public_parameters import ApprovalPublicParameters
from .approval_status import ApprovalStatus
from .audit_entry_public import AuditEntryPublic
from .audit_entry_public_after_type_0 import AuditEntryPublicAfterType0
from .audit_entry_public_before_type_0 import AuditEntryPublicBeforeType0
from .audit_verification import AuditVerification
from .audit_verification_head_check import AuditVerificationHeadCheck
from .break_kind import BreakKind
from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_receipt import BusProbeReceipt
from .bus_probe_receipts import BusProbeReceipts
from .bus_probe_request import BusProbeRequest
from .buyer_order_data import BuyerOrderData
from .cancel_request import CancelRequest
from .chain_break_public import ChainBreakPublic
from .chain_point import ChainPoint
from .confirm_shipping_request import ConfirmShippingRequest
from .consignee import Consignee
from .consignee_request import ConsigneeRequest
from .consumer_group_view import ConsumerGroupView
from .correct_shipping_request import CorrectShippingRequest
from .coupon_kind import CouponKind
from .coupon_request import CouponRequest
from .decision_request import DecisionRequest
from .erasure_request import ErasureRequest
from .funder import Funder
from .kept_head import KeptHead
from .line_request import LineRequest
from .liveness import Liveness
from .order_coupon_public import OrderCouponPublic
from .order_coupon_public_allocation_minor import OrderCouponPublicAllocationMinor
from .order_line_public import OrderLinePublic
from .order_line_public_discounts_by_coupon_minor import (
    OrderLinePublicDiscountsByCouponMinor,
)
from .order_public import OrderPublic
from .order_read import OrderRead
from .order_request import OrderRequest
from .order_stage import OrderStage
from .order_status import OrderStatus
from .order_timeline_page import OrderTimelinePage
from .page_api_key_public import PageApiKeyPublic
from .page_approval_public import PageApprovalPublic
from .page_audit_entry_public import PageAuditEntryPublic
from .page_buyer_order_data import PageBuyerOrderData
from .page_order_public import PageOrderPublic
from .page_shipping_change_public import PageShippingChangePublic
from .payment_public import PaymentPublic
from .payment_request import PaymentRequest
from .payment_request_channel import PaymentRequestChannel
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .proposal_public import ProposalPublic
from .proposal_public_outcome_type_0 import ProposalPublicOutcomeType0
from .proposal_public_parameters import ProposalPublicParameters
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .revoke_request import RevokeRequest
from .role import Role
from .shipping_change_public import ShippingChangePublic
from .shipping_change_public_after import ShippingChangePublicAfter
from .shipping_change_public_before import ShippingChangePublicBefore
from .shipping_item_request import ShippingItemRequest
from .timeline_entry_public import TimelineEntryPublic
from .timeline_entry_public_details import TimelineEntryPublicDetails

__all__ = (
    "ApiKeyCreated",
    "ApiKeyPublic",
    "ApiKeyRequest",
    "ApprovalApplied",
    "ApprovalAppliedOutcomeType0",
    "ApprovalAppliedParameters",
    "ApprovalAppliedResult",
    "ApprovalPublic",
    "ApprovalPublicOutcomeType0",
    "ApprovalPublicParameters",
    "ApprovalStatus",
    "AuditEntryPublic",
    "AuditEntryPublicAfterType0",
    "AuditEntryPublicBeforeType0",
    "AuditVerification",
    "AuditVerificationHeadCheck",
    "BreakKind",
    "BusProbeAccepted",
    "BusProbeReceipt",
    "BusProbeReceipts",
    "BusProbeRequest",
    "BuyerOrderData",
    "CancelRequest",
    "ChainBreakPublic",
    "ChainPoint",
    "ConfirmShippingRequest",
    "Consignee",
    "ConsigneeRequest",
    "ConsumerGroupView",
    "CorrectShippingRequest",
    "CouponKind",
    "CouponRequest",
    "DecisionRequest",
    "ErasureRequest",
    "Funder",
    "KeptHead",
    "LineRequest",
    "Liveness",
    "OrderCouponPublic",
    "OrderCouponPublicAllocationMinor",
    "OrderLinePublic",
    "OrderLinePublicDiscountsByCouponMinor",
    "OrderPublic",
    "OrderRead",
    "OrderRequest",
    "OrderStage",
    "OrderStatus",
    "OrderTimelinePage",
    "PageApiKeyPublic",
    "PageApprovalPublic",
    "PageAuditEntryPublic",
    "PageBuyerOrderData",
    "PageOrderPublic",
    "PageShippingChangePublic",
    "PaymentPublic",
    "PaymentRequest",
    "PaymentRequestChannel",
    "Problem",
    "ProblemFieldError",
    "ProposalPublic",
    "ProposalPublicOutcomeType0",
    "ProposalPublicParameters",
    "Readiness",
    "ReadinessChecks",
    "RevokeRequest",
    "Role",
    "ShippingChangePublic",
    "ShippingChangePublicAfter",
    "ShippingChangePublicBefore",
    "ShippingItemRequest",
    "TimelineEntryPublic",
    "TimelineEntryPublicDetails",
)
