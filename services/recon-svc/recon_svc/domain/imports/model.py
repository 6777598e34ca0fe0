"""The normalised model every statement importer produces, and the one error they raise.

Every importer turns a vendor file into ``StatementEntry`` rows with the same meaning, so matching
never needs to know which bank or wallet a movement came from; what the vendor actually wrote is
kept in ``raw`` for the person who investigates a discrepancy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum

from shipsettle_shared.domain_errors import DomainError, Refusal

# WeChat Pay and Alipay print Beijing time without an offset, and the sandbox bank keeps UTC+08:00
# (simulators/provider_sandbox/README.md "Statements"): the default zone for naive times.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
# Issue #7 "Bad input": files that are too large are refused before any parsing.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class StatementSource(StrEnum):
    CAMT053 = "camt053"  # ISO 20022 Bank-to-Customer Statement (bank, payout sandbox)
    WECHAT_TRADE_BILL = "wechat_trade_bill"  # 微信支付 交易账单
    ALIPAY_TRADE_BILL = "alipay_trade_bill"  # 支付宝 业务明细
    ALIPAY_ACCOUNT_BILL = "alipay_account_bill"  # 支付宝 账务明细
    SANDBOX_REFUNDS = "sandbox_refunds"  # the refund sandbox's refunds-YYYY-MM-DD.csv
    MERCHANT_RECORDS = "merchant_records"  # the merchant's own records (商户自有记录)


class Direction(StrEnum):
    """Seen from the statement's account: money in is a credit, money out a debit."""

    DEBIT = "debit"
    CREDIT = "credit"


class EntryKind(StrEnum):
    PAYOUT = "payout"  # 结算打款 to a merchant
    PAYOUT_RETURN = "payout_return"  # 退票: a payout the beneficiary's bank sent back
    REFUND = "refund"  # 退款 to a buyer
    PAYMENT = "payment"  # a buyer's payment received
    FEE = "fee"  # 手续费 / bank charges
    OTHER = "other"


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an uploaded file. ``row`` is the 1-based line of a CSV file (the header
    is line 1, as a spreadsheet shows it) or the 1-based ``Ntry`` of a camt.053 document; ``column``
    is the header name of a CSV column (``column N`` past the header's last), or the element path
    in XML (from ``Ntry`` inside an entry, from ``Stmt`` outside one). ``row`` is None when the
    problem is not in one row (a camt.053 statement's balance), ``column`` when it is
    about a whole line, and both when it is about the whole file (its size, its encoding)."""

    row: int | None
    column: str | None
    message: str


class ImportRefused(DomainError):
    """The file was refused as a whole; nothing of it was imported (all-or-nothing). Its errors
    are the ``problems``, each naming its row and column."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        assert problems, "a refusal names at least one problem"
        self.problems = problems
        first = problems[0]
        where = ", ".join(part for part in (_row_text(first.row), first.column) if part)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            Refusal.RULE,
            "import-refused",
            f"nothing was imported: {where + ': ' if where else ''}{first.message}{more}",
            errors=[{"row": problem.row, "column": problem.column, "message": problem.message} for problem in problems],
        )


def _row_text(row: int | None) -> str | None:
    return None if row is None else f"row {row}"


@dataclass(frozen=True)
class DeclaredPeriod:
    """The period a statement file declares it covers, ``[start, end)``: every moment from
    ``start`` up to, not including, ``end`` (where each format declares it: ``period.py``).
    ``declared_by`` says where the file states it, for the person reading an import's report."""

    start: datetime
    end: datetime
    declared_by: str

    def __post_init__(self) -> None:
        assert self.start.tzinfo is not None, "a period is timezone-aware"
        assert self.end.tzinfo is not None, "a period is timezone-aware"
        assert self.start < self.end, "a period is not empty"

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @classmethod
    def days(cls, first: date, last: date, zone: tzinfo, declared_by: str) -> DeclaredPeriod:
        """Whole calendar days ``first`` through ``last`` in the bill's time zone."""
        start = datetime.combine(first, time(0), zone)
        return cls(start, datetime.combine(last + timedelta(days=1), time(0), zone), declared_by)

    def spanning(self, other: DeclaredPeriod) -> DeclaredPeriod:
        """One period over two (a camt.053 document with several statements)."""
        declared_by = self.declared_by if self.declared_by == other.declared_by else "the statements' periods"
        return DeclaredPeriod(min(self.start, other.start), max(self.end, other.end), declared_by)


@dataclass(frozen=True)
class StatementEntry:
    """One movement on the provider's side, normalised.

    ``reference`` is our own id as the provider echoes it (camt ``EndToEndId`` = our payout id,
    WeChat 商户订单号 / 商户退款单号, Alipay 商户订单号 / 退款请求号, the sandbox's request id);
    ``provider_reference`` is the provider's id for the movement. ``amount_minor`` is never
    negative: the sign is ``direction``. ``settled`` is False for rows that moved no money (a camt
    entry that is not ``BOOK``ed, a failed sandbox refund, a revoked WeChat trade); matching never
    pairs those."""

    source: StatementSource
    reference: str | None
    provider_reference: str | None
    direction: Direction
    amount_minor: int
    currency: str
    booked_at: datetime
    value_date: date | None
    kind: EntryKind
    counterparty: str | None
    raw: Mapping[str, str] = field(compare=False, hash=False, repr=False)
    row: int
    settled: bool = True

    def __post_init__(self) -> None:
        assert self.amount_minor >= 0, "the direction carries the sign"
        assert self.booked_at.tzinfo is not None, "booked_at must be timezone-aware"

    @property
    def signed_amount_minor(self) -> int:
        return self.amount_minor if self.direction is Direction.CREDIT else -self.amount_minor


@dataclass(frozen=True)
class StatementHeader:
    """Statement-level data: one camt.053 ``Stmt``, or the one account a bill is for. Balances are
    signed minor units (negative = overdrawn) and None when the format has none. ``period`` is
    the period the content declares, None when it declares none (a WeChat Pay bill: its day is
    in its file name)."""

    statement_id: str | None
    account: str | None
    currency: str | None
    period: DeclaredPeriod | None
    opening_balance_minor: int | None
    closing_balance_minor: int | None


@dataclass(frozen=True)
class ParsedStatement:
    """A whole file, parsed: every entry or, if anything was wrong, an ``ImportRefused`` instead.

    ``totals`` keeps the vendor's own summary (WeChat 汇总, Alipay footer) as written; ``warnings``
    are cross-checks that failed on figures the vendor documents as unreliable (e.g. the WeChat
    SDK fixtures whose summary is an excerpt) and so do not refuse the file."""

    source: StatementSource
    document_id: str | None
    statements: tuple[StatementHeader, ...]
    entries: tuple[StatementEntry, ...]
    totals: Mapping[str, str] = field(default_factory=dict, compare=False)
    warnings: tuple[str, ...] = ()

    @property
    def header(self) -> StatementHeader:
        """The statement-level data when the file holds exactly one statement (all bills do)."""
        assert len(self.statements) == 1, f"{len(self.statements)} statements in this file"
        return self.statements[0]

    @property
    def declared_period(self) -> DeclaredPeriod | None:
        """The period the content declares: every statement's together, or None if any declares none."""
        periods = [statement.period for statement in self.statements]
        if not periods or any(period is None for period in periods):
            return None
        declared = periods[0]
        assert declared is not None
        for period in periods[1:]:
            assert period is not None
            declared = declared.spanning(period)
        return declared

    @property
    def account(self) -> str | None:
        return self.header.account

    @property
    def opening_balance_minor(self) -> int | None:
        return self.header.opening_balance_minor

    @property
    def closing_balance_minor(self) -> int | None:
        return self.header.closing_balance_minor


@dataclass(frozen=True)
class ColumnMapping:
    """Which of the merchant's columns hold what (issue #7 item 2: "column mapping configurable").

    ``date_format`` is a ``strptime`` format. ``status`` and ``currency`` are optional columns;
    ``status_map`` translates the merchant's words into our status names before they are compared
    (e.g. ``{"已签收": "signed_off"}``); unmapped words are compared as written."""

    order_id: str
    amount: str
    date: str
    date_format: str = "%Y-%m-%d"
    status: str | None = None
    currency: str | None = None
    default_currency: str = "CNY"
    status_map: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MerchantRecord:
    """One row of the merchant's own records (商户自有记录), normalised."""

    order_id: str
    amount_minor: int  # signed: the merchant may record a refund as a negative figure
    currency: str
    status: str | None
    at: date
    row: int
    raw: Mapping[str, str] = field(compare=False, hash=False, repr=False)
