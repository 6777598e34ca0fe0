"""Alipay bill (支付宝对账单) importer: 业务明细 (``bill_type=trade``) and 账务明细
(``bill_type=signcustomer``), the CSV inside the ``csv.zip`` Alipay serves (unzipping is the caller's).

Follows /work/shared/formats/alipay/README.md: ``#``-prefixed preamble (``#支付宝业务明细查询`` or
``#支付宝账务明细查询``, ``#账号：[…]``, ``#起始日期：[…]   终止日期：[…]``, the ``#----…列表----``
marker), the column header, the rows, the ``#----…列表结束----`` marker and the footer totals
(sections "业务明细 (trade) layout" and "账务明细 (signcustomer) layout"). Fields carry a trailing TAB
("Trailing TAB convention"), stripped. Columns are found by header name, since the 账务明细 header
has changed over time ("Map columns by header name").

Encoding: GBK ("Encoding: GBK … ANSI"); a file re-saved as UTF-8 (with or without BOM) is accepted
too ("accept both"). The encoding is chosen by which one makes the preamble read as an Alipay bill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from recon_svc.domain.imports._bills import decode_bill, parse_beijing_time
from recon_svc.domain.imports._common import (
    AmountError,
    CsvRecord,
    Problems,
    check_size,
    csv_records,
    format_minor,
    header_index,
    parse_amount_minor,
    row_values,
)
from recon_svc.domain.imports.model import (
    CHINA_STANDARD_TIME,
    DEFAULT_MAX_BYTES,
    DeclaredPeriod,
    Direction,
    EntryKind,
    ImportProblem,
    ImportRefused,
    ParsedStatement,
    StatementEntry,
    StatementHeader,
    StatementSource,
)

TRADE_TITLE = "#支付宝业务明细查询"
ACCOUNT_TITLE = "#支付宝账务明细查询"
# 业务明细 columns (README: 25 columns, 2019 and 2026 alike)
TRADE_NO = "支付宝交易号"
ORDER_ID = "商户订单号"
BUSINESS_TYPE = "业务类型"
FINISHED_AT = "完成时间"
COUNTERPARTY = "对方账户"
RECEIVED = "商家实收（元）"
REFUND_REQUEST = "退款批次号/请求号"
# 账务明细 columns (README: the 2012 12-column layout; newer files add columns)
ACCOUNT_ENTRY_NO = "账务流水号"
BUSINESS_NO = "业务流水号"
OCCURRED_AT = "发生时间"
ACCOUNT_COUNTERPARTY = "对方账号"
INCOME = "收入金额（+元）"
EXPENSE = "支出金额（-元）"
BALANCE = "账户余额（元）"

_ACCOUNT_LINE = re.compile(r"#账号：\[(?P<account>[^\]]*)\]")
_PERIOD_LINE = re.compile(r"#起始日期：\[(?P<start>[^\]]*)\]\s*终止日期：\[(?P<end>[^\]]*)\]")
_CHINESE_TIME = re.compile(r"(\d{4})年(\d{2})月(\d{2})日 (\d{2}):(\d{2}):(\d{2})")
# Footer wording varies ("共0.06元" in 2019, "：￥0.00元" elsewhere): read it loosely.
_TRADE_TOTAL = re.compile(
    r"#(?P<what>交易|退款)合计：(?P<count>\d+)笔，商家实收(?:退款)?(?:共|：￥?)(?P<amount>-?[\d.]+)元"
)
_ACCOUNT_TOTAL = re.compile(r"#(?P<what>支出|收入)合计：(?P<count>\d+)笔，共(?P<amount>-?[\d.]+)元")


def _clean(field: str) -> str:
    return field.strip()  # the trailing TAB, and any stray spaces


def _recognise(lines: list[str]) -> bool:
    head = [line.lstrip("\ufeff") for line in lines[:8]]
    return any(line.startswith((TRADE_TITLE, ACCOUNT_TITLE)) for line in head) or any(
        line.startswith((TRADE_NO, ACCOUNT_ENTRY_NO)) for line in head
    )


def _header_of(lines: list[str]) -> tuple[list[str], int] | None:
    for number, line in enumerate(lines[:8], start=1):
        if line.startswith((TRADE_NO, ACCOUNT_ENTRY_NO)):
            return [_clean(name) for name in line.split(",")], number
    return None


@dataclass(frozen=True)
class _Sections:
    title: str
    preamble: list[str]
    header: CsvRecord
    rows: list[CsvRecord]
    footer: list[str]
    footer_row: int  # the line the footer starts on

    def footer_total(self, wording: re.Pattern[str], what: str) -> tuple[int, re.Match[str]] | None:
        """The footer line totalling ``what`` (交易, 退款, 支出, 收入) and the line it is on."""
        for offset, line in enumerate(self.footer):
            match = wording.match(line.strip())
            if match is not None and match["what"] == what:
                return self.footer_row + offset, match
        return None


def parse_alipay_bill(
    content: bytes,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    local_timezone: tzinfo = CHINA_STANDARD_TIME,
) -> ParsedStatement:
    """Parse an Alipay 业务明细 or 账务明细 bill (told apart by its first line or its header).

    业务明细: 交易 rows are payments (credit of 商家实收, reference 商户订单号), 退款 rows refunds
    (debit, reference 退款批次号/请求号). 账务明细: one entry per 账务流水号, 收入 credit / 支出 debit,
    opening and closing balance from 账户余额. The period is the preamble's 起始日期 to 终止日期.
    Refuses (``ImportRefused``) a file over ``max_bytes``, not GBK/UTF-8, without the required
    columns, with an unparseable amount, time or period date, or a row whose field count differs
    from the header's (row and column: a short row names the first header without a value),
    without the ``列表结束`` marker (a truncated file), or whose footer totals disagree with its
    rows (the footer line and its total).
    """
    check_size(content, max_bytes)
    lines, _ = decode_bill(content, ("gb18030", "utf-8"), encoding, _recognise, _header_of)
    sections = _split(lines)
    problems = Problems()
    account_match = next((m for line in sections.preamble if (m := _ACCOUNT_LINE.match(line))), None)
    period = _declared_period(sections.preamble, local_timezone, problems)
    trade = sections.title == TRADE_TITLE or (
        not sections.title and TRADE_NO in [_clean(name) for name in sections.header.fields]
    )
    reader = _TradeRows(sections, local_timezone) if trade else _AccountRows(sections, local_timezone)
    entries = reader.read(problems)
    # the footer's totals are compared only with a bill whose every row was read
    warnings = reader.cross_check(problems, sections) if not problems else []
    problems.raise_if_any()
    return ParsedStatement(
        source=StatementSource.ALIPAY_TRADE_BILL if trade else StatementSource.ALIPAY_ACCOUNT_BILL,
        document_id=None,
        statements=(
            StatementHeader(
                statement_id=None,
                account=account_match.group("account") if account_match else None,
                currency="CNY",  # Alipay bills are in 元 (README "Amounts")
                period=period,
                opening_balance_minor=reader.opening_minor,
                closing_balance_minor=reader.closing_minor,
            ),
        ),
        entries=tuple(entries),
        totals={f"footer {n}": line for n, line in enumerate(sections.footer, start=1)},
        warnings=tuple(warnings),
    )


def _split(lines: list[str]) -> _Sections:
    """Preamble (``#`` lines), header, rows up to the ``列表结束`` marker, footer."""
    lines = [lines[0].lstrip("\ufeff"), *lines[1:]] if lines else lines
    index = 0
    preamble: list[str] = []
    while index < len(lines) and (lines[index].startswith("#") or not lines[index].strip()):
        preamble.append(lines[index])
        index += 1
    if index == len(lines):
        raise ImportRefused([ImportProblem(None, None, "the bill has no column header line")])
    end = next((i for i in range(index + 1, len(lines)) if lines[i].startswith("#")), None)
    if end is None or "结束" not in lines[end]:
        raise ImportRefused(
            [ImportProblem(len(lines), None, "the '#…列表结束…' line is missing: the file is truncated")]
        )
    records = [r for r in csv_records(lines[index:end], first_row=index + 1) if any(f.strip() for f in r.fields)]
    title = next((line.strip() for line in preamble if line.startswith((TRADE_TITLE, ACCOUNT_TITLE))), "")
    return _Sections(title, preamble, records[0], records[1:], lines[end + 1 :], end + 2)


def _declared_period(preamble: list[str], zone: tzinfo, problems: Problems) -> DeclaredPeriod | None:
    """``#起始日期：[…]   终止日期：[…]``: the bill's period, its end exclusive (README: 00:00:00 of
    the next day). A bill without the line declares none; one whose dates do not read is refused."""
    for number, line in enumerate(preamble, start=1):
        match = _PERIOD_LINE.match(line)
        if match is None:
            continue
        start = _chinese_time(match.group("start"), zone)
        end = _chinese_time(match.group("end"), zone)
        for name, text, moment in (("起始日期", match["start"], start), ("终止日期", match["end"], end)):
            if moment is None:
                problems.add(number, name, f"{text!r} is not a time yyyy年MM月dd日 HH:mm:ss")
        if start is None or end is None:
            return None
        if end <= start:
            problems.add(number, "终止日期", f"the period ends ({match['end']}) before it starts ({match['start']})")
            return None
        return DeclaredPeriod(start, end, "header #起始日期/终止日期")
    return None


def _chinese_time(text: str, zone: tzinfo) -> datetime | None:
    match = _CHINESE_TIME.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


class _Rows:
    required: ClassVar[list[str]]
    optional: ClassVar[list[str]]

    def __init__(self, sections: _Sections, zone: tzinfo) -> None:
        self.sections = sections
        self.zone = zone
        self.opening_minor: int | None = None
        self.closing_minor: int | None = None
        self.entries: list[StatementEntry] = []

    def read(self, problems: Problems) -> list[StatementEntry]:
        header = [_clean(name) for name in self.sections.header.fields]
        positions = header_index(header, self.required, problems, self.sections.header.row, self.optional)
        if problems:
            return []
        for record in self.sections.rows:
            values = row_values(record, header, positions, problems, _clean)
            raw = {name: _clean(value) for name, value in zip(header, record.fields, strict=False)}
            self.row(record.row, values, raw, problems, whole=len(record.fields) == len(header))
        return self.entries

    def row(self, row: int, values: dict[str, str], raw: dict[str, str], problems: Problems, *, whole: bool) -> None:
        """Check the row's values (a value a short row does not have is named by ``row_values``);
        keep an entry only for a ``whole`` row whose values all read."""
        raise NotImplementedError

    def cross_check(self, problems: Problems, sections: _Sections) -> list[str]:
        raise NotImplementedError

    def amount(self, row: int, column: str, values: dict[str, str], problems: Problems) -> int | None:
        if column not in values:
            return None
        try:
            return parse_amount_minor(values[column], "CNY", signed=True)
        except AmountError as error:
            problems.add(row, column, str(error))
            return None

    def time(self, row: int, column: str, values: dict[str, str], problems: Problems) -> datetime | None:
        if column not in values:
            return None
        moment = parse_beijing_time(values[column], self.zone)
        if moment is None:
            problems.add(row, column, f"{values[column]!r} is not a time yyyy-MM-dd HH:mm:ss")
        return moment


class _TradeRows(_Rows):
    """业务明细: one row per payment (交易) or refund (退款); refunds repeat the order's ids and
    carry negative amounts (README "业务类型")."""

    required: ClassVar[list[str]] = [TRADE_NO, ORDER_ID, BUSINESS_TYPE, FINISHED_AT, RECEIVED]
    optional: ClassVar[list[str]] = [COUNTERPARTY, REFUND_REQUEST]

    def row(self, row: int, values: dict[str, str], raw: dict[str, str], problems: Problems, *, whole: bool) -> None:
        received = self.amount(row, RECEIVED, values, problems)
        finished_at = self.time(row, FINISHED_AT, values, problems)
        if not whole or received is None or finished_at is None:
            return
        business_type = values[BUSINESS_TYPE]
        refund = business_type == "退款"
        kind = EntryKind.REFUND if refund else EntryKind.PAYMENT if business_type == "交易" else EntryKind.OTHER
        self.entries.append(
            StatementEntry(
                source=StatementSource.ALIPAY_TRADE_BILL,
                reference=(values.get(REFUND_REQUEST) if refund else None) or values[ORDER_ID] or None,
                provider_reference=values[TRADE_NO] or None,
                direction=Direction.DEBIT if received < 0 else Direction.CREDIT,
                amount_minor=abs(received),
                currency="CNY",
                booked_at=finished_at,
                value_date=finished_at.date(),
                kind=kind,
                counterparty=values.get(COUNTERPARTY) or None,
                raw=raw,
                row=row,
            )
        )

    def cross_check(self, problems: Problems, sections: _Sections) -> list[str]:
        warnings: list[str] = []
        for what, kind in (("交易", EntryKind.PAYMENT), ("退款", EntryKind.REFUND)):
            found = sections.footer_total(_TRADE_TOTAL, what)
            if found is None:
                warnings.append(f"footer line #{what}合计 not found or not in a known wording; totals not checked")
                continue
            number, match = found
            rows = [entry for entry in self.entries if entry.kind is kind]
            total = sum(entry.signed_amount_minor for entry in rows)
            _compare(
                problems, number, f"#{what}合计", int(match["count"]), match["amount"], len(rows), total, signed=True
            )
        return warnings


class _AccountRows(_Rows):
    """账务明细: every movement of the Alipay balance, income and expense in separate columns, with
    the balance after each (README "账务明细 (signcustomer) layout")."""

    required: ClassVar[list[str]] = [ACCOUNT_ENTRY_NO, OCCURRED_AT, INCOME, EXPENSE]
    optional: ClassVar[list[str]] = [BUSINESS_NO, ORDER_ID, ACCOUNT_COUNTERPARTY, BALANCE, BUSINESS_TYPE]

    def __init__(self, sections: _Sections, zone: tzinfo) -> None:
        super().__init__(sections, zone)
        self.balances: list[tuple[int, int]] = []  # (row, balance after it)

    def row(self, row: int, values: dict[str, str], raw: dict[str, str], problems: Problems, *, whole: bool) -> None:
        income = self.amount(row, INCOME, values, problems) if values.get(INCOME) else 0
        expense = self.amount(row, EXPENSE, values, problems) if values.get(EXPENSE) else 0
        occurred_at = self.time(row, OCCURRED_AT, values, problems)
        balance = self.amount(row, BALANCE, values, problems) if values.get(BALANCE) else None
        if not whole or income is None or expense is None or occurred_at is None:
            return
        # Whether 支出 carries a "-" is not confirmed (README "Not verified"): take its size.
        if income and expense:
            problems.add(row, f"{INCOME}, {EXPENSE}", "a row is either income or expense, not both")
            return
        signed = income if income else -abs(expense)
        if balance is not None:
            self.balances.append((row, balance))
            if self.opening_minor is None:
                self.opening_minor = balance - signed
            self.closing_minor = balance
        business_type = values.get(BUSINESS_TYPE, "")
        self.entries.append(
            StatementEntry(
                source=StatementSource.ALIPAY_ACCOUNT_BILL,
                reference=values.get(ORDER_ID) or values.get(BUSINESS_NO) or None,
                provider_reference=values[ACCOUNT_ENTRY_NO] or None,
                direction=Direction.CREDIT if signed >= 0 else Direction.DEBIT,
                amount_minor=abs(signed),
                currency="CNY",
                booked_at=occurred_at,
                value_date=occurred_at.date(),
                kind=_account_kind(business_type),
                counterparty=values.get(ACCOUNT_COUNTERPARTY) or None,
                raw=raw,
                row=row,
            )
        )

    def cross_check(self, problems: Problems, sections: _Sections) -> list[str]:
        warnings: list[str] = []
        for what, direction in (("支出", Direction.DEBIT), ("收入", Direction.CREDIT)):
            found = sections.footer_total(_ACCOUNT_TOTAL, what)
            if found is None:
                warnings.append(f"footer line #{what}合计 not found or not in a known wording; totals not checked")
                continue
            number, match = found
            rows = [entry for entry in self.entries if entry.direction is direction and entry.amount_minor]
            total = sum(entry.amount_minor for entry in rows)
            _compare(
                problems, number, f"#{what}合计", int(match["count"]), match["amount"], len(rows), total, signed=False
            )
        # The running balance is only a warning: the row order of 账务明细 is not documented.
        for (_, before), (row, after), entry in zip(self.balances, self.balances[1:], self.entries[1:], strict=False):
            if before + entry.signed_amount_minor != after:
                warnings.append(f"row {row}: balance {format_minor(after)} ≠ {format_minor(before)} + this movement")
                break
        return warnings


def _account_kind(business_type: str) -> EntryKind:
    if "退款" in business_type:
        return EntryKind.REFUND
    if any(word in business_type for word in ("服务费", "手续费", "收费")):
        return EntryKind.FEE
    if any(word in business_type for word in ("交易", "在线支付", "收款")):
        return EntryKind.PAYMENT
    return EntryKind.OTHER


def _compare(
    problems: Problems,
    row: int,
    line: str,
    count: int,
    amount_text: str,
    rows: int,
    total_minor: int,
    *,
    signed: bool,
) -> None:
    """Footer totals disagreeing with the rows mean an edited or damaged file: refuse it, naming
    the footer's line and its total."""
    try:
        stated = parse_amount_minor(amount_text, "CNY", signed=True)
    except AmountError as error:
        problems.add(row, line, f"footer amount: {error}")
        return
    if not signed:
        stated = abs(stated)
    if count != rows or stated != total_minor:
        problems.add(
            row,
            line,
            f"footer says {count} rows totalling {format_minor(stated)}, the bill has {rows} rows "
            f"totalling {format_minor(total_minor)}",
        )
