"""Statement importers (对账单导入): vendor files in, normalised ``StatementEntry`` rows out.

Each ``parse_*`` takes the file's bytes and returns every entry or raises ``ImportRefused`` naming
the rows and columns at fault; none returns part of a file. ``period_the_file_declares`` says which
period a file covers, the same way for every source (``period.py``).
"""

from recon_svc.domain.imports.alipay import parse_alipay_bill
from recon_svc.domain.imports.camt053 import parse_camt053
from recon_svc.domain.imports.merchant_records import parse_merchant_records
from recon_svc.domain.imports.model import (
    CHINA_STANDARD_TIME,
    DEFAULT_MAX_BYTES,
    ColumnMapping,
    DeclaredPeriod,
    Direction,
    EntryKind,
    ImportProblem,
    ImportRefused,
    MerchantRecord,
    ParsedStatement,
    StatementEntry,
    StatementHeader,
    StatementSource,
)
from recon_svc.domain.imports.period import period_the_file_declares
from recon_svc.domain.imports.sandbox_refunds import parse_sandbox_refunds
from recon_svc.domain.imports.wechat import parse_wechat_trade_bill

__all__ = [
    "CHINA_STANDARD_TIME",
    "DEFAULT_MAX_BYTES",
    "ColumnMapping",
    "DeclaredPeriod",
    "Direction",
    "EntryKind",
    "ImportProblem",
    "ImportRefused",
    "MerchantRecord",
    "ParsedStatement",
    "StatementEntry",
    "StatementHeader",
    "StatementSource",
    "parse_alipay_bill",
    "parse_camt053",
    "parse_merchant_records",
    "parse_sandbox_refunds",
    "parse_wechat_trade_bill",
    "period_the_file_declares",
]
