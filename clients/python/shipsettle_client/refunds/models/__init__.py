"""Contains all the data models used in inputs/outputs"""

from .audit_entry_public import AuditEntryPublic
from .audit_entry_public_after_type_0 import AuditEntryPublicAfterType0
from .audit_entry_public_before_type_0 import AuditEntryPublicBeforeType0
from .audit_verification import AuditVerification
from .audit_verification_head_check import AuditVerificationHeadCheck
from .balance_credit_body import BalanceCreditBody
from .balance_credit_body_outcome import BalanceCreditBodyOutcome
from .break_kind import BreakKind
from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_receipt import BusProbeReceipt
from .bus_probe_receipts import BusProbeReceipts
from .bus_probe_request import BusProbeRequest
from .callback_received import CallbackReceived
from .cancel_credit_body import CancelCreditBody
from .chain_break_public import ChainBreakPublic
from .chain_point import ChainPoint
from .consumer_group_view import ConsumerGroupView
from .decision_body import DecisionBody
from .evidence import Evidence
from .inspection_body import InspectionBody
from .kept_head import KeptHead
from .liveness import Liveness
from .open_refund import OpenRefund
from .page_audit_entry_public import PageAuditEntryPublic
from .page_refund_public import PageRefundPublic
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .quote_line import QuoteLine
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .reason import Reason
from .reason_code import ReasonCode
from .refund_amounts import RefundAmounts
from .refund_history_entry import RefundHistoryEntry
from .refund_history_entry_detail import RefundHistoryEntryDetail
from .refund_kind import RefundKind
from .refund_line_request import RefundLineRequest
from .refund_public import RefundPublic
from .refund_public_balance_credit_type_0 import RefundPublicBalanceCreditType0
from .refund_public_inspection_type_0 import RefundPublicInspectionType0
from .refund_public_resolution_type_0 import RefundPublicResolutionType0
from .refund_quote_public import RefundQuotePublic
from .refund_request_body import RefundRequestBody
from .refund_sla import RefundSla
from .refund_sla_by_waiting_for import RefundSlaByWaitingFor
from .refund_status import RefundStatus
from .refund_with_history import RefundWithHistory
from .refund_with_history_balance_credit_type_0 import (
    RefundWithHistoryBalanceCreditType0,
)
from .refund_with_history_inspection_type_0 import RefundWithHistoryInspectionType0
from .refund_with_history_resolution_type_0 import RefundWithHistoryResolutionType0
from .resolution_body import ResolutionBody
from .resolution_kind import ResolutionKind
from .return_shipment_body import ReturnShipmentBody
from .return_shipment_public import ReturnShipmentPublic

__all__ = (
    "AuditEntryPublic",
    "AuditEntryPublicAfterType0",
    "AuditEntryPublicBeforeType0",
    "AuditVerification",
    "AuditVerificationHeadCheck",
    "BalanceCreditBody",
    "BalanceCreditBodyOutcome",
    "BreakKind",
    "BusProbeAccepted",
    "BusProbeReceipt",
    "BusProbeReceipts",
    "BusProbeRequest",
    "CallbackReceived",
    "CancelCreditBody",
    "ChainBreakPublic",
    "ChainPoint",
    "ConsumerGroupView",
    "DecisionBody",
    "Evidence",
    "InspectionBody",
    "KeptHead",
    "Liveness",
    "OpenRefund",
    "PageAuditEntryPublic",
    "PageRefundPublic",
    "Problem",
    "ProblemFieldError",
    "QuoteLine",
    "Readiness",
    "ReadinessChecks",
    "Reason",
    "ReasonCode",
    "RefundAmounts",
    "RefundHistoryEntry",
    "RefundHistoryEntryDetail",
    "RefundKind",
    "RefundLineRequest",
    "RefundPublic",
    "RefundPublicBalanceCreditType0",
    "RefundPublicInspectionType0",
    "RefundPublicResolutionType0",
    "RefundQuotePublic",
    "RefundRequestBody",
    "RefundSla",
    "RefundSlaByWaitingFor",
    "RefundStatus",
    "RefundWithHistory",
    "RefundWithHistoryBalanceCreditType0",
    "RefundWithHistoryInspectionType0",
    "RefundWithHistoryResolutionType0",
    "ResolutionBody",
    "ResolutionKind",
    "ReturnShipmentBody",
    "ReturnShipmentPublic",
)
