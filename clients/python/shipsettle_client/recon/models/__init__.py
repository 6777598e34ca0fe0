"""Contains all the data models used in inputs/outputs"""

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
from .chain_break_public import ChainBreakPublic
from .chain_point import ChainPoint
from .consumer_group_view import ConsumerGroupView
from .discrepancies_list_status_type_0 import DiscrepanciesListStatusType0
from .discrepancies_move_action import DiscrepanciesMoveAction
from .discrepancy_public import DiscrepancyPublic
from .discrepancy_public_history_item import DiscrepancyPublicHistoryItem
from .discrepancy_public_ours_type_0 import DiscrepancyPublicOursType0
from .discrepancy_public_resolution_type_0 import DiscrepancyPublicResolutionType0
from .discrepancy_public_theirs_type_0 import DiscrepancyPublicTheirsType0
from .goods_shipped_report_public import GoodsShippedReportPublic
from .goods_shipped_reports_read_format import GoodsShippedReportsReadFormat
from .goods_shipped_reports_read_lang import GoodsShippedReportsReadLang
from .kept_head import KeptHead
from .liveness import Liveness
from .merchant_record_difference import MerchantRecordDifference
from .merchant_record_difference_ours_type_0 import MerchantRecordDifferenceOursType0
from .merchant_record_difference_theirs_type_0 import (
    MerchantRecordDifferenceTheirsType0,
)
from .merchant_records_import_file_encoding import MerchantRecordsImportFileEncoding
from .merchant_records_matched import MerchantRecordsMatched
from .move import Move
from .order_money import OrderMoney
from .order_money_holds import OrderMoneyHolds
from .page_audit_entry_public import PageAuditEntryPublic
from .page_discrepancy_public import PageDiscrepancyPublic
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .statement_import_created import StatementImportCreated
from .statement_import_created_report import StatementImportCreatedReport
from .statement_import_public import StatementImportPublic
from .statement_import_public_report import StatementImportPublicReport
from .statement_imports_create_source import StatementImportsCreateSource
from .statement_order_row import StatementOrderRow
from .statement_public import StatementPublic
from .statement_public_accounts_at_close_minor import (
    StatementPublicAccountsAtCloseMinor,
)
from .statement_public_lines_minor import StatementPublicLinesMinor
from .statement_public_memo_minor import StatementPublicMemoMinor
from .statement_version import StatementVersion
from .statements_read_format import StatementsReadFormat
from .statements_read_lang import StatementsReadLang
from .stock_figures_public import StockFiguresPublic
from .stock_line_row import StockLineRow
from .stock_sku_row import StockSkuRow
from .tax_figures_public import TaxFiguresPublic
from .tax_line_row import TaxLineRow
from .tax_rate_row import TaxRateRow
from .tax_report_public import TaxReportPublic
from .tax_reports_read_format import TaxReportsReadFormat
from .tax_reports_read_lang import TaxReportsReadLang
from .violation_public import ViolationPublic
from .violation_public_figures import ViolationPublicFigures
from .violations_page import ViolationsPage

__all__ = (
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
    "ChainBreakPublic",
    "ChainPoint",
    "ConsumerGroupView",
    "DiscrepanciesListStatusType0",
    "DiscrepanciesMoveAction",
    "DiscrepancyPublic",
    "DiscrepancyPublicHistoryItem",
    "DiscrepancyPublicOursType0",
    "DiscrepancyPublicResolutionType0",
    "DiscrepancyPublicTheirsType0",
    "GoodsShippedReportPublic",
    "GoodsShippedReportsReadFormat",
    "GoodsShippedReportsReadLang",
    "KeptHead",
    "Liveness",
    "MerchantRecordDifference",
    "MerchantRecordDifferenceOursType0",
    "MerchantRecordDifferenceTheirsType0",
    "MerchantRecordsImportFileEncoding",
    "MerchantRecordsMatched",
    "Move",
    "OrderMoney",
    "OrderMoneyHolds",
    "PageAuditEntryPublic",
    "PageDiscrepancyPublic",
    "Problem",
    "ProblemFieldError",
    "Readiness",
    "ReadinessChecks",
    "StatementImportCreated",
    "StatementImportCreatedReport",
    "StatementImportPublic",
    "StatementImportPublicReport",
    "StatementImportsCreateSource",
    "StatementOrderRow",
    "StatementPublic",
    "StatementPublicAccountsAtCloseMinor",
    "StatementPublicLinesMinor",
    "StatementPublicMemoMinor",
    "StatementsReadFormat",
    "StatementsReadLang",
    "StatementVersion",
    "StockFiguresPublic",
    "StockLineRow",
    "StockSkuRow",
    "TaxFiguresPublic",
    "TaxLineRow",
    "TaxRateRow",
    "TaxReportPublic",
    "TaxReportsReadFormat",
    "TaxReportsReadLang",
    "ViolationPublic",
    "ViolationPublicFigures",
    "ViolationsPage",
)
