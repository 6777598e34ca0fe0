"""WeChat Pay trade bill (微信支付 交易账单) importer: the v2 ``downloadbill`` / v3 ``tradebill`` file.

Follows /work/shared/formats/wechat/README.md, "File format": a detail header (plain names), detail
rows whose every field carries one leading backtick, then the summary header (starting with
``总交易单数``) and one backtick-prefixed summary row. Columns are found by header name ("Parse by
the header names, not by position"), so the legacy 24-column layout (总金额) and the 2018+ 27-column
ALL / 20-column SUCCESS layouts (应结订单金额) are all read. Amounts are 元 (README "How the file is
obtained"); times are Beijing time, full-width colons accepted ("Time format").

Encoding: the API text is UTF-8 (README "Encoding"; BOM tolerated). A file re-saved by Excel on a
Chinese Windows is GBK: it is accepted only when it decodes as GBK *and* its header is a trade-bill
header. Anything else is refused naming the lines that do not decode.
"""

from __future__ import annotations

from datetime import tzinfo

from recon_svc.domain.imports._bills import decode_bill, parse_beijing_time
from recon_svc.domain.imports._common import (
    AmountError,
    Problems,
    check_size,
    csv_records,
    currency_problem,
    format_minor,
    header_index,
    parse_amount_minor,
    row_values,
)
from recon_svc.domain.imports.model import (
    CHINA_STANDARD_TIME,
    DEFAULT_MAX_BYTES,
    Direction,
    EntryKind,
    ImportProblem,
    ImportRefused,
    ParsedStatement,
    StatementEntry,
    StatementHeader,
    StatementSource,
)

TIME = "交易时间"
MERCHANT_ID = "商户号"
WECHAT_ORDER_ID = "微信订单号"
ORDER_ID = "商户订单号"
USER_ID = "用户标识"
STATUS = "交易状态"
CURRENCY = "货币种类"
SETTLEMENT_AMOUNT = "应结订单金额"  # 2018+ layout: what the merchant is settled (after 免充值券)
LEGACY_AMOUNT = "总金额"  # legacy layout
WECHAT_REFUND_ID = "微信退款单号"
REFUND_ID = "商户退款单号"
REFUND_AMOUNT = "退款金额"
SUMMARY_FIRST = "总交易单数"  # "Detail rows end where the line starting with 总交易单数 begins"
REQUIRED = [TIME, WECHAT_ORDER_ID, ORDER_ID, STATUS]
OPTIONAL = [MERCHANT_ID, CURRENCY, SETTLEMENT_AMOUNT, LEGACY_AMOUNT, WECHAT_REFUND_ID, REFUND_ID, REFUND_AMOUNT]
# 交易状态 (W1): SUCCESS is a payment, REFUND a refund (a snapshot taken when it was accepted);
# anything else (e.g. REVOKED) moved no money.
_PAID, _REFUNDED = "SUCCESS", "REFUND"


def _clean(field: str) -> str:
    # Exactly one leading backtick per field keeps Excel from showing ids in scientific notation.
    return (field[1:] if field.startswith("`") else field).strip()


def _recognise(lines: list[str]) -> bool:
    return bool(lines) and lines[0].lstrip("\ufeff").startswith(TIME) and ORDER_ID in lines[0]


def _header_of(lines: list[str]) -> tuple[list[str], int] | None:
    return (lines[0].split(","), 1) if lines and TIME in lines[0] else None


def parse_wechat_trade_bill(
    content: bytes,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    local_timezone: tzinfo = CHINA_STANDARD_TIME,
) -> ParsedStatement:
    """Parse a 交易账单 (bill type ALL, SUCCESS or REFUND) into payment and refund entries.

    SUCCESS rows are payments (credit, 应结订单金额 or legacy 总金额, reference 商户订单号); REFUND
    rows are refunds (debit, 退款金额, reference 商户退款单号). 手续费 (5 decimals, can be below a fen)
    is kept in ``raw`` as written, not converted. Refuses (``ImportRefused``) a file over
    ``max_bytes``, in another encoding, without the required columns, with an unparseable amount,
    time or currency, or a row whose field count differs from the header's (naming row and column:
    a row short of fields names the first header without a value, and a value that then does not
    fit its column, such as an amount in 货币种类, names that column), or without the summary
    section (a truncated file). Summary figures that disagree with the rows are a
    warning: the published fixtures are excerpts whose summaries do not add up (README "Files").
    """
    check_size(content, max_bytes)
    lines, _ = decode_bill(content, ("utf-8", "gb18030"), encoding, _recognise, _header_of)
    problems = Problems()
    records = [record for record in csv_records(lines) if any(field.strip() for field in record.fields)]
    if not records:
        raise ImportRefused([ImportProblem(None, None, "the bill has no header line")])
    header = [name.lstrip("\ufeff").strip() for name in records[0].fields]
    positions = header_index(header, REQUIRED, problems, records[0].row, OPTIONAL)
    amount_column = SETTLEMENT_AMOUNT if SETTLEMENT_AMOUNT in positions else LEGACY_AMOUNT
    if amount_column not in positions:
        problems.add(records[0].row, f"{SETTLEMENT_AMOUNT} (or {LEGACY_AMOUNT})", "missing required column")
    problems.raise_if_any()

    summary_at = next((i for i, r in enumerate(records) if r.fields and _clean(r.fields[0]) == SUMMARY_FIRST), None)
    details = records[1:summary_at] if summary_at is not None else records[1:]
    totals: dict[str, str] = {}
    if summary_at is None:
        problems.add(None, SUMMARY_FIRST, "the summary section (总交易单数…) is missing: the file is incomplete")
    elif summary_at + 1 >= len(records):
        problems.add(records[summary_at].row, SUMMARY_FIRST, "the summary header has no summary row after it")
    else:
        names = [name.strip() for name in records[summary_at].fields]
        totals = dict(zip(names, (_clean(value) for value in records[summary_at + 1].fields), strict=False))
        for extra in records[summary_at + 2 :]:
            problems.add(extra.row, None, "unexpected line after the summary row")

    entries: list[StatementEntry] = []
    merchants: set[str] = set()
    currencies: set[str] = set()
    for record in details:
        whole = len(record.fields) == len(header)
        values = row_values(record, header, positions, problems, _clean)
        booked_at = parse_beijing_time(values[TIME], local_timezone) if TIME in values else None
        if TIME in values and booked_at is None:
            problems.add(record.row, TIME, f"{values[TIME]!r} is not a time yyyy-MM-dd HH:mm:ss")
        currency = values.get(CURRENCY) or "CNY"
        if (wrong_currency := currency_problem(currency)) is not None:
            problems.add(record.row, CURRENCY, wrong_currency)
            currency = "CNY"  # to go on checking the amount; the row is refused anyway
        status = values.get(STATUS, "")
        refund = status == _REFUNDED
        column = REFUND_AMOUNT if refund else amount_column
        amount_minor: int | None = None
        if column not in positions:
            problems.add(record.row, column, f"a {status} row needs the {column} column")
        elif column in values:
            try:
                amount_minor = parse_amount_minor(values[column], currency)
            except AmountError as error:
                problems.add(record.row, column, str(error))
        if not whole or booked_at is None or amount_minor is None or wrong_currency is not None:
            continue
        raw = {name: _clean(value) for name, value in zip(header, record.fields, strict=True)}
        if values.get(MERCHANT_ID):
            merchants.add(values[MERCHANT_ID])
        currencies.add(currency)
        entries.append(
            StatementEntry(
                source=StatementSource.WECHAT_TRADE_BILL,
                reference=(values.get(REFUND_ID) if refund else values[ORDER_ID]) or None,
                provider_reference=(values.get(WECHAT_REFUND_ID) if refund else values[WECHAT_ORDER_ID]) or None,
                direction=Direction.DEBIT if refund else Direction.CREDIT,
                amount_minor=amount_minor,
                currency=currency,
                booked_at=booked_at,
                value_date=booked_at.date(),
                kind=EntryKind.REFUND if refund else EntryKind.PAYMENT if status == _PAID else EntryKind.OTHER,
                counterparty=raw.get(USER_ID) or None,
                raw=raw,
                row=record.row,
                settled=status in (_PAID, _REFUNDED),
            )
        )
    problems.raise_if_any()
    return ParsedStatement(
        source=StatementSource.WECHAT_TRADE_BILL,
        document_id=None,
        statements=(
            StatementHeader(
                statement_id=None,
                account=next(iter(merchants)) if len(merchants) == 1 else None,
                currency=next(iter(currencies)) if len(currencies) == 1 else None,
                period=None,  # the bill's day is in its file name, not in the file
                opening_balance_minor=None,
                closing_balance_minor=None,
            ),
        ),
        entries=tuple(entries),
        totals=totals,
        warnings=tuple(_cross_check(totals, entries, len(details))),
    )


def _cross_check(totals: dict[str, str], entries: list[StatementEntry], rows: int) -> list[str]:
    warnings: list[str] = []
    count = totals.get(SUMMARY_FIRST)
    if count is not None and count != str(rows):
        warnings.append(f"summary says {SUMMARY_FIRST} {count}, the bill has {rows} detail rows")
    for name in ("应结订单总金额", "总交易额"):
        if name in totals:
            try:
                stated = parse_amount_minor(totals[name])
            except AmountError:
                warnings.append(f"summary {name} {totals[name]!r} is not an amount")
                continue
            paid = sum(entry.amount_minor for entry in entries if entry.kind is EntryKind.PAYMENT)
            if stated != paid:
                warnings.append(f"summary says {name} {totals[name]}, the payment rows add up to {format_minor(paid)}")
    return warnings
