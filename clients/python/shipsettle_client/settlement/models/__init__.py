"""Contains all the data models used in inputs/outputs"""

from .account_type import AccountType
from .adjustment_request import AdjustmentRequest
from .application_public import ApplicationPublic
from .application_request import ApplicationRequest
from .applications_decide_decision import ApplicationsDecideDecision
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
from .balance_drift import BalanceDrift
from .balance_explanation import BalanceExplanation
from .balance_explanation_balances_minor import BalanceExplanationBalancesMinor
from .balance_explanation_orders import BalanceExplanationOrders
from .balances_public import BalancesPublic
from .balances_public_balances_minor import BalancesPublicBalancesMinor
from .bank_account_public import BankAccountPublic
from .bank_account_request import BankAccountRequest
from .blocker import Blocker
from .blocker_amount import BlockerAmount
from .blocker_total import BlockerTotal
from .body_vouchers_upload import BodyVouchersUpload
from .body_vouchers_upload_kind import BodyVouchersUploadKind
from .booking_ref import BookingRef
from .break_kind import BreakKind
from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_receipt import BusProbeReceipt
from .bus_probe_receipts import BusProbeReceipts
from .bus_probe_request import BusProbeRequest
from .callback_received import CallbackReceived
from .chain_break_public import ChainBreakPublic
from .chain_point import ChainPoint
from .clawback_deduction import ClawbackDeduction
from .consumer_group_view import ConsumerGroupView
from .decision import Decision
from .decision_request import DecisionRequest
from .delivery_attempt import DeliveryAttempt
from .discounts_by_funder import DiscountsByFunder
from .eta_segment import EtaSegment
from .eta_segment_detail import EtaSegmentDetail
from .explained_group import ExplainedGroup
from .explained_group_effect_minor import ExplainedGroupEffectMinor
from .explained_transaction import ExplainedTransaction
from .explained_transaction_effect_minor import ExplainedTransactionEffectMinor
from .hold_public import HoldPublic
from .kept_head import KeptHead
from .ledger_check import LedgerCheck
from .ledger_page import LedgerPage
from .ledger_transaction_public import LedgerTransactionPublic
from .liveness import Liveness
from .merchant_webhook_endpoint import MerchantWebhookEndpoint
from .notification_public import NotificationPublic
from .notification_public_payload import NotificationPublicPayload
from .order_line_settlement import OrderLineSettlement
from .order_progress_facts import OrderProgressFacts
from .order_progress_facts_shipments import OrderProgressFactsShipments
from .order_refund_settlement import OrderRefundSettlement
from .order_settlement_public import OrderSettlementPublic
from .order_settlement_public_lines import OrderSettlementPublicLines
from .order_settlement_state import OrderSettlementState
from .page_application_public import PageApplicationPublic
from .page_approval_public import PageApprovalPublic
from .page_audit_entry_public import PageAuditEntryPublic
from .page_notification_public import PageNotificationPublic
from .page_payout_public import PagePayoutPublic
from .page_voucher_public import PageVoucherPublic
from .parked_event_public import ParkedEventPublic
from .payout_explanation import PayoutExplanation
from .payout_item import PayoutItem
from .payout_item_where_type_0 import PayoutItemWhereType0
from .payout_item_where_type_0_additional_property_type_1 import (
    PayoutItemWhereType0AdditionalPropertyType1,
)
from .payout_order import PayoutOrder
from .payout_order_coupons_item import PayoutOrderCouponsItem
from .payout_public import PayoutPublic
from .platform_webhook_endpoint import PlatformWebhookEndpoint
from .policy_public import PolicyPublic
from .policy_public_commission_bp_by_category import PolicyPublicCommissionBpByCategory
from .policy_request import PolicyRequest
from .policy_request_commission_bp_by_category import (
    PolicyRequestCommissionBpByCategory,
)
from .posting_public import PostingPublic
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .proposal_public import ProposalPublic
from .proposal_public_outcome_type_0 import ProposalPublicOutcomeType0
from .proposal_public_parameters import ProposalPublicParameters
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .recovered_debt import RecoveredDebt
from .refund_movement import RefundMovement
from .refund_movement_effect_minor import RefundMovementEffectMinor
from .risk_flag import RiskFlag
from .settlement_blockers import SettlementBlockers
from .settlement_blockers_orders_by_state import SettlementBlockersOrdersByState
from .settlement_cycle import SettlementCycle
from .settlement_eta import SettlementEta
from .settlement_states import SettlementStates
from .transaction_ref import TransactionRef
from .voucher_public import VoucherPublic
from .webhook_endpoint import WebhookEndpoint

__all__ = (
    "AccountType",
    "AdjustmentRequest",
    "ApplicationPublic",
    "ApplicationRequest",
    "ApplicationsDecideDecision",
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
    "BalanceDrift",
    "BalanceExplanation",
    "BalanceExplanationBalancesMinor",
    "BalanceExplanationOrders",
    "BalancesPublic",
    "BalancesPublicBalancesMinor",
    "BankAccountPublic",
    "BankAccountRequest",
    "Blocker",
    "BlockerAmount",
    "BlockerTotal",
    "BodyVouchersUpload",
    "BodyVouchersUploadKind",
    "BookingRef",
    "BreakKind",
    "BusProbeAccepted",
    "BusProbeReceipt",
    "BusProbeReceipts",
    "BusProbeRequest",
    "CallbackReceived",
    "ChainBreakPublic",
    "ChainPoint",
    "ClawbackDeduction",
    "ConsumerGroupView",
    "Decision",
    "DecisionRequest",
    "DeliveryAttempt",
    "DiscountsByFunder",
    "EtaSegment",
    "EtaSegmentDetail",
    "ExplainedGroup",
    "ExplainedGroupEffectMinor",
    "ExplainedTransaction",
    "ExplainedTransactionEffectMinor",
    "HoldPublic",
    "KeptHead",
    "LedgerCheck",
    "LedgerPage",
    "LedgerTransactionPublic",
    "Liveness",
    "MerchantWebhookEndpoint",
    "NotificationPublic",
    "NotificationPublicPayload",
    "OrderLineSettlement",
    "OrderProgressFacts",
    "OrderProgressFactsShipments",
    "OrderRefundSettlement",
    "OrderSettlementPublic",
    "OrderSettlementPublicLines",
    "OrderSettlementState",
    "PageApplicationPublic",
    "PageApprovalPublic",
    "PageAuditEntryPublic",
    "PageNotificationPublic",
    "PagePayoutPublic",
    "PageVoucherPublic",
    "ParkedEventPublic",
    "PayoutExplanation",
    "PayoutItem",
    "PayoutItemWhereType0",
    "PayoutItemWhereType0AdditionalPropertyType1",
    "PayoutOrder",
    "PayoutOrderCouponsItem",
    "PayoutPublic",
    "PlatformWebhookEndpoint",
    "PolicyPublic",
    "PolicyPublicCommissionBpByCategory",
    "PolicyRequest",
    "PolicyRequestCommissionBpByCategory",
    "PostingPublic",
    "Problem",
    "ProblemFieldError",
    "ProposalPublic",
    "ProposalPublicOutcomeType0",
    "ProposalPublicParameters",
    "Readiness",
    "ReadinessChecks",
    "RecoveredDebt",
    "RefundMovement",
    "RefundMovementEffectMinor",
    "RiskFlag",
    "SettlementBlockers",
    "SettlementBlockersOrdersByState",
    "SettlementCycle",
    "SettlementEta",
    "SettlementStates",
    "TransactionRef",
    "VoucherPublic",
    "WebhookEndpoint",
)
