"""The refund sandbox's daily statement ``refunds-YYYY-MM-DD.csv`` (simulators/provider_sandbox/
README.md "Statements"; written by ``statement.render_refund_csv``): UTF-8, header
``request_id,provider_reference,status,amount_minor,currency,occurred_at,reason_code,reason``, one
row per ``paid`` or ``failed`` refund outcome of the day, ``amount_minor`` an integer of minor units,
``occurred_at`` ISO 8601 with offset (UTC+08:00).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from recon_svc.domain.imports._common import (
    Problems,
    check_size,
    csv_records,
    currency_problem,
    decode_lines,
    header_index,
    refuse_undecodable,
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

COLUMNS = [
    "request_id",
    "provider_reference",
    "status",
    "amount_minor",
    "currency",
    "occurred_at",
    "reason_code",
    "reason",
]
_STATUSES = {"paid", "failed"}  # the only outcomes the sandbox writes; failed moved no money
_INTEGER = re.compile(r"\d{1,18}")


def parse_sandbox_refunds(
    content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, local_timezone: tzinfo = CHINA_STANDARD_TIME
) -> ParsedStatement:
    """Parse the sandbox's refund statement: each row a refund (debit: money back to a buyer),
    reference = ``request_id`` (our refund id), ``settled`` only when ``status`` is ``paid``.

    Refuses (``ImportRefused``) a file over ``max_bytes``, not UTF-8 (row named), without one of
    the columns (named), with a status other than paid/failed, an amount that is not a
    non-negative integer of minor units, or a time that is not ISO 8601 (row and column named).
    """
    check_size(content, max_bytes)
    lines, failures = decode_lines(content, "utf-8")
    if failures:
        refuse_undecodable(failures, "UTF-8", lines[0].split(",") if lines and lines[0] else None, 1)
    records = [record for record in csv_records(lines) if record.fields]
    if not records:
        raise ImportRefused([ImportProblem(None, None, "the file has no header line")])
    problems = Problems()
    header = records[0].fields
    positions = header_index(header, COLUMNS, problems, records[0].row)
    problems.raise_if_any()
    entries: list[StatementEntry] = []
    currencies: set[str] = set()
    for record in records[1:]:
        values = row_values(record, header, positions, problems, str.strip)
        status = values.get("status")
        if status is not None and status not in _STATUSES:
            problems.add(record.row, "status", f"status {status!r} is neither paid nor failed")
        if "amount_minor" in values and not _INTEGER.fullmatch(values["amount_minor"]):
            problems.add(record.row, "amount_minor", f"{values['amount_minor']!r} is not an integer of minor units")
        if "currency" in values and (wrong_currency := currency_problem(values["currency"])) is not None:
            problems.add(record.row, "currency", wrong_currency)
        occurred_at: datetime | None = None
        if "occurred_at" in values:
            try:
                occurred_at = datetime.fromisoformat(values["occurred_at"])
            except ValueError:
                problems.add(record.row, "occurred_at", f"{values['occurred_at']!r} is not an ISO 8601 date-time")
        if problems or occurred_at is None:
            continue
        occurred_at = occurred_at if occurred_at.tzinfo is not None else occurred_at.replace(tzinfo=local_timezone)
        currencies.add(values["currency"])
        entries.append(
            StatementEntry(
                source=StatementSource.SANDBOX_REFUNDS,
                reference=values["request_id"] or None,
                provider_reference=values["provider_reference"] or None,
                direction=Direction.DEBIT,
                amount_minor=int(values["amount_minor"]),
                currency=values["currency"],
                booked_at=occurred_at,
                value_date=occurred_at.astimezone(local_timezone).date(),
                kind=EntryKind.REFUND,
                counterparty=None,
                raw=dict(zip(header, record.fields, strict=True)),
                row=record.row,
                settled=status == "paid",
            )
        )
    problems.raise_if_any()
    return ParsedStatement(
        source=StatementSource.SANDBOX_REFUNDS,
        document_id=None,
        statements=(
            # the day is in the file's name (refunds-YYYY-MM-DD.csv), not in the file
            StatementHeader(None, None, next(iter(currencies)) if len(currencies) == 1 else None, None, None, None),
        ),
        entries=tuple(entries),
    )
