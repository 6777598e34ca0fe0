"""The merchant's own records (商户自有记录), uploaded for matching (issue #7 item 2): a CSV with a
header line and a caller-given ``ColumnMapping``; UTF-8 (with or without BOM) or GBK, as the caller
declares (a spreadsheet on a Chinese Windows saves CSV as GBK).
"""

from __future__ import annotations

from datetime import datetime

from recon_svc.domain.imports._bills import canonical_encoding, display_encoding
from recon_svc.domain.imports._common import (
    AmountError,
    Problems,
    check_size,
    csv_records,
    decode_lines,
    header_index,
    normalise_header_name,
    parse_amount_minor,
    refuse_undecodable,
)
from recon_svc.domain.imports.model import (
    DEFAULT_MAX_BYTES,
    ColumnMapping,
    ImportProblem,
    ImportRefused,
    MerchantRecord,
)


def parse_merchant_records(
    content: bytes, mapping: ColumnMapping, *, encoding: str = "utf-8", max_bytes: int = DEFAULT_MAX_BYTES
) -> list[MerchantRecord]:
    """Every row of the merchant's file as a ``MerchantRecord`` (amounts signed, exact fen).

    Returns records, not ``StatementEntry`` rows: a merchant's line is an order with a status, not a
    movement on an account. Refuses (``ImportRefused``) a file over ``max_bytes``, one that does not
    decode in ``encoding`` (row and column named), one without a mapped column (named), and rows
    with an empty order id, an unparseable amount or a date not in ``mapping.date_format`` (row and
    column named).
    """
    check_size(content, max_bytes)
    codec = canonical_encoding(encoding)
    lines, failures = decode_lines(content, codec)
    if failures:
        header = [normalise_header_name(name) for name in lines[0].split(",")] if lines and lines[0] else None
        refuse_undecodable(failures, display_encoding(codec), header, 1)
    records = [record for record in csv_records(lines) if any(field.strip() for field in record.fields)]
    if not records:
        raise ImportRefused([ImportProblem(None, None, "the file has no header line")])
    problems = Problems()
    header = records[0].fields
    required = [mapping.order_id, mapping.amount, mapping.date]
    optional = [name for name in (mapping.status, mapping.currency) if name is not None]
    positions = header_index(header, [*required, *optional], problems, records[0].row)
    problems.raise_if_any()
    result: list[MerchantRecord] = []
    for record in records[1:]:
        values = {
            name: record.fields[index].strip() if index < len(record.fields) else ""
            for name, index in positions.items()
        }
        order_id = values[mapping.order_id]
        if not order_id:
            problems.add(record.row, mapping.order_id, "order id is empty")
        currency = (values[mapping.currency] if mapping.currency else "") or mapping.default_currency
        amount_minor: int | None = None
        try:
            amount_minor = parse_amount_minor(values[mapping.amount], currency, signed=True)
        except AmountError as error:
            problems.add(record.row, mapping.amount, str(error))
        moment: datetime | None = None
        try:
            moment = datetime.strptime(values[mapping.date], mapping.date_format)  # a calendar day: no zone
        except ValueError:
            problems.add(record.row, mapping.date, f"{values[mapping.date]!r} does not match {mapping.date_format!r}")
        if not order_id or amount_minor is None or moment is None:
            continue
        status = values[mapping.status] if mapping.status else None
        result.append(
            MerchantRecord(
                order_id=order_id,
                amount_minor=amount_minor,
                currency=currency,
                status=mapping.status_map.get(status, status) if status else None,
                at=moment.date(),
                row=record.row,
                raw={name: record.fields[i] if i < len(record.fields) else "" for i, name in enumerate(header)},
            )
        )
    problems.raise_if_any()
    return result
