"""Contains all the data models used in inputs/outputs"""

from .bus_probe_accepted import BusProbeAccepted
from .bus_probe_request import BusProbeRequest
from .get_import_v1_statement_imports_import_id_get_response_get_import_v1_statement_imports_import_id_get import (
    GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet,
)
from .goods_shipped_report_v1_merchants_merchant_id_goods_shipped_report_get_format import (
    GoodsShippedReportV1MerchantsMerchantIdGoodsShippedReportGetFormat,
)
from .goods_shipped_report_v1_merchants_merchant_id_goods_shipped_report_get_lang import (
    GoodsShippedReportV1MerchantsMerchantIdGoodsShippedReportGetLang,
)
from .healthz_healthz_get_response_healthz_healthz_get import (
    HealthzHealthzGetResponseHealthzHealthzGet,
)
from .http_validation_error import HTTPValidationError
from .import_statement_v1_statement_imports_post_response_import_statement_v1_statement_imports_post import (
    ImportStatementV1StatementImportsPostResponseImportStatementV1StatementImportsPost,
)
from .import_statement_v1_statement_imports_post_source import (
    ImportStatementV1StatementImportsPostSource,
)
from .list_consumers_v1_consumers_get_response_200_item import (
    ListConsumersV1ConsumersGetResponse200Item,
)
from .list_discrepancies_v1_discrepancies_get_response_list_discrepancies_v1_discrepancies_get import (
    ListDiscrepanciesV1DiscrepanciesGetResponseListDiscrepanciesV1DiscrepanciesGet,
)
from .list_discrepancies_v1_discrepancies_get_status_type_0 import (
    ListDiscrepanciesV1DiscrepanciesGetStatusType0,
)
from .merchant_records_v1_merchants_merchant_id_records_post_encoding import (
    MerchantRecordsV1MerchantsMerchantIdRecordsPostEncoding,
)
from .merchant_records_v1_merchants_merchant_id_records_post_response_merchant_records_v1_merchants_merchant_id_records_post import (
    MerchantRecordsV1MerchantsMerchantIdRecordsPostResponseMerchantRecordsV1MerchantsMerchantIdRecordsPost,
)
from .move import Move
from .move_v1_discrepancies_discrepancy_id_action_post_action import (
    MoveV1DiscrepanciesDiscrepancyIdActionPostAction,
)
from .move_v1_discrepancies_discrepancy_id_action_post_response_move_v1_discrepancies_discrepancy_id_action_post import (
    MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost,
)
from .order_money_v1_orders_order_id_money_get_response_order_money_v1_orders_order_id_money_get import (
    OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet,
)
from .probe_receipts_v1_ops_bus_probes_probe_id_get_response_probe_receipts_v1_ops_bus_probes_probe_id_get import (
    ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet,
)
from .readyz_readyz_get_response_readyz_readyz_get import (
    ReadyzReadyzGetResponseReadyzReadyzGet,
)
from .resume_consumer_v1_consumers_group_resume_post_response_resume_consumer_v1_consumers_group_resume_post import (
    ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost,
)
from .statement_v1_merchants_merchant_id_statements_get_format import (
    StatementV1MerchantsMerchantIdStatementsGetFormat,
)
from .statement_v1_merchants_merchant_id_statements_get_lang import (
    StatementV1MerchantsMerchantIdStatementsGetLang,
)
from .tax_report_v1_merchants_merchant_id_tax_report_get_format import (
    TaxReportV1MerchantsMerchantIdTaxReportGetFormat,
)
from .tax_report_v1_merchants_merchant_id_tax_report_get_lang import (
    TaxReportV1MerchantsMerchantIdTaxReportGetLang,
)
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .violations_v1_invariants_violations_get_response_violations_v1_invariants_violations_get import (
    ViolationsV1InvariantsViolationsGetResponseViolationsV1InvariantsViolationsGet,
)

__all__ = (
    "BusProbeAccepted",
    "BusProbeRequest",
    "GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet",
    "GoodsShippedReportV1MerchantsMerchantIdGoodsShippedReportGetFormat",
    "GoodsShippedReportV1MerchantsMerchantIdGoodsShippedReportGetLang",
    "HealthzHealthzGetResponseHealthzHealthzGet",
    "HTTPValidationError",
    "ImportStatementV1StatementImportsPostResponseImportStatementV1StatementImportsPost",
    "ImportStatementV1StatementImportsPostSource",
    "ListConsumersV1ConsumersGetResponse200Item",
    "ListDiscrepanciesV1DiscrepanciesGetResponseListDiscrepanciesV1DiscrepanciesGet",
    "ListDiscrepanciesV1DiscrepanciesGetStatusType0",
    "MerchantRecordsV1MerchantsMerchantIdRecordsPostEncoding",
    "MerchantRecordsV1MerchantsMerchantIdRecordsPostResponseMerchantRecordsV1MerchantsMerchantIdRecordsPost",
    "Move",
    "MoveV1DiscrepanciesDiscrepancyIdActionPostAction",
    "MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost",
    "OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet",
    "ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet",
    "ReadyzReadyzGetResponseReadyzReadyzGet",
    "ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost",
    "StatementV1MerchantsMerchantIdStatementsGetFormat",
    "StatementV1MerchantsMerchantIdStatementsGetLang",
    "TaxReportV1MerchantsMerchantIdTaxReportGetFormat",
    "TaxReportV1MerchantsMerchantIdTaxReportGetLang",
    "ValidationError",
    "ValidationErrorContext",
    "ViolationsV1InvariantsViolationsGetResponseViolationsV1InvariantsViolationsGet",
)
