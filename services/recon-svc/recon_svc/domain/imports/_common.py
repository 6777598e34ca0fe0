"""What every importer shares: the size limit, exact amount parsing, decoding that names the bad
line, CSV records with their line numbers, and the collector that makes a refusal all-or-nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from recon_svc.domain.imports.model import ImportProblem, ImportRefused
from shipsettle_shared.storable_text import describe, first_unstorable

UTF8_BOM = b"\xef\xbb\xbf"
# ISO 4217 minor-unit exponents that are not 2; every other currency has 2 (fen, cents).
CURRENCY_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}
# Plain decimal text only: no exponent, no thousands separator, no currency sign, no NaN.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_CURRENCY = re.compile(r"[A-Z]{3}")
_MAX_AMOUNT_CHARS = 32  # camt's totalDigits is 18; anything far longer is garbage, not money
# A refusal lists at most this many problems, so a wrong file does not produce a megabyte of errors.
MAX_PROBLEMS = 100


class AmountError(ValueError):
    pass


def currency_exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS.get(currency.upper(), 2)


def parse_amount_minor(text: str, currency: str = "CNY", *, signed: bool = False) -> int:
    """A decimal string in major units as an exact integer of minor units (``"12.34"`` CNY → 1234).

    Parsed with ``Decimal`` (never float). Trailing zeros are not significant (camt.053's
    ``fractionDigits=5`` and WeChat's ``0.04000``), but a non-zero digit below the currency's minor
    unit (``"1.234"`` for CNY) is refused rather than rounded: nobody can pay a third of a fen.
    """
    stripped = text.strip()
    if not stripped:
        raise AmountError("amount is empty")
    if len(stripped) > _MAX_AMOUNT_CHARS or not _DECIMAL_TEXT.fullmatch(stripped):
        raise AmountError(f"{text!r} is not a plain decimal amount")
    if not signed and stripped[0] in "+-":
        raise AmountError(f"{text!r} must not carry a sign")
    value = Decimal(stripped)  # exact: Decimal construction never rounds
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # the regex excludes NaN and Infinity
    coefficient = int("".join(map(str, digits)) or "0")
    shift = exponent + currency_exponent(currency)
    if shift >= 0:
        minor = coefficient * 10**shift
    else:
        minor, remainder = divmod(coefficient, 10**-shift)
        if remainder:
            places = currency_exponent(currency)
            raise AmountError(f"{text!r} has more than {places} decimal places for {currency}")
    result: int = -minor if sign else minor
    return result


def format_minor(amount_minor: int, currency: str = "CNY") -> str:
    """Minor units back as decimal text, for messages: -1234 → ``-12.34``."""
    places = currency_exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    if places == 0:
        return f"{sign}{abs(amount_minor)}"
    units, minor = divmod(abs(amount_minor), 10**places)
    return f"{sign}{units}.{minor:0{places}d}"


class Problems:
    """Collects every problem of a file, then refuses it whole (nothing half-imported)."""

    def __init__(self) -> None:
        self.items: list[ImportProblem] = []
        self.dropped = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(ImportProblem(row, column, message))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            problems = list(self.items)
            if self.dropped:
                problems.append(ImportProblem(None, None, f"{self.dropped} more problems not listed"))
            raise ImportRefused(problems)


def check_size(content: bytes, max_bytes: int) -> None:
    if len(content) > max_bytes:
        raise ImportRefused(
            [ImportProblem(None, None, f"file is {len(content)} bytes, over the limit of {max_bytes} bytes")]
        )
    if not content.strip():
        raise ImportRefused([ImportProblem(None, None, "file is empty")])


@dataclass(frozen=True)
class UndecodableLine:
    row: int
    field_index: int  # which comma-separated field the first bad byte is in (0-based)
    position: int
    byte: int
    # Set when the line decodes but holds a character the shared text rule refuses (NUL, a
    # control character): the platform cannot store it, nor write it into a statement again.
    unstorable: str | None = None


def decode_lines(content: bytes, encoding: str) -> tuple[list[str], list[UndecodableLine]]:
    """Decode line by line so that a wrong byte is reported with its line (and field).

    Splitting the bytes at LF first is safe for UTF-8 and GBK/GB18030: neither uses 0x0A or 0x2C
    inside a multi-byte character (GBK trail bytes are 0x40-0xFE), so line and comma positions are
    the same before and after decoding."""
    if content.startswith(UTF8_BOM) and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        content = content[len(UTF8_BOM) :]
    lines: list[str] = []
    failures: list[UndecodableLine] = []
    for number, raw_line in enumerate(content.split(b"\n"), start=1):
        line = raw_line[:-1] if raw_line.endswith(b"\r") else raw_line
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError as error:
            failures.append(UndecodableLine(number, line[: error.start].count(b","), error.start, line[error.start]))
            lines.append("")
            continue
        index = first_unstorable(text)
        if index is not None:
            failures.append(UndecodableLine(number, text[:index].count(","), index, ord(text[index]), text[index]))
        lines.append(text)
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline ends the last line; it does not start a new one
    return lines, failures


def refuse_undecodable(
    failures: list[UndecodableLine], encoding: str, header: list[str] | None, header_row: int | None
) -> None:
    """Name each bad line and, when the header is known, the column the bad byte sits in."""
    problems = Problems()
    for failure in failures:
        # The header's name for the field when the header decoded, else its position.
        column = f"column {failure.field_index + 1}"
        if header is not None and header_row is not None and failure.row > header_row:
            column = header[failure.field_index] if failure.field_index < len(header) else column
        if failure.unstorable is not None:
            message = (
                f"{describe(failure.unstorable)} at position {failure.position + 1} of the line: NUL and control "
                "characters other than TAB, LF and CR are not accepted"
            )
        else:
            message = f"not valid {encoding}: byte 0x{failure.byte:02X} at position {failure.position + 1} of the line"
        problems.add(failure.row, column, message)
    problems.raise_if_any()


@dataclass(frozen=True)
class CsvRecord:
    row: int  # 1-based line the record starts on
    fields: list[str]


def csv_records(lines: list[str], first_row: int = 1) -> Iterator[CsvRecord]:
    """CSV records of ``lines`` (which start at line ``first_row``), each with the line it starts
    on; quoted fields may span lines (the sandbox's ``csv.writer`` quotes a reason with a comma).

    A record that is not valid CSV (a quote never closed, text after a closing quote) is refused
    naming its line and the field at fault, by the first record's name for it (the header)."""
    reader = csv.reader(io.StringIO("\n".join(lines) + "\n", newline=""), strict=True)
    consumed = 0
    header: list[str] | None = None
    while True:
        start = consumed + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            index = _field_at_fault("\n".join(lines[start - 1 :]))
            column = header[index] if header is not None and index < len(header) else f"column {index + 1}"
            column = normalise_header_name(column)
            raise ImportRefused([ImportProblem(first_row - 1 + start, column, f"malformed CSV: {error}")]) from None
        consumed = reader.line_num
        header = fields if header is None else header
        yield CsvRecord(first_row - 1 + start, fields)


def _field_at_fault(text: str) -> int:
    """The 0-based field of the record at the start of ``text`` where strict CSV reading fails:
    the quoted field that never closes, or the one with text after its closing quote."""
    field, index, at_start = 0, 0, True
    while index < len(text):
        char = text[index]
        if char == '"' and at_start:
            closing = index + 1
            while (closing := text.find('"', closing)) >= 0 and text[closing + 1 : closing + 2] == '"':
                closing += 2  # a doubled quote inside the field
            if closing < 0 or text[closing + 1 : closing + 2] not in ("", ",", "\r", "\n"):
                return field
            index, at_start = closing + 1, False
            continue
        if char in "\r\n":
            break
        field, at_start = (field + 1, True) if char == "," else (field, False)
        index += 1
    return field


def row_values(
    record: CsvRecord, header: list[str], positions: dict[str, int], problems: Problems, clean: Callable[[str], str]
) -> dict[str, str]:
    """The row's value for each named column it has, and a problem for a row whose field count
    is not the header's: one short of fields names the first header without a value (a field is
    missing there or before it; a value that then lands in the wrong column names that column
    when its check fails), one with more names the first field past the header."""
    count, expected = len(record.fields), len(header)
    if count < expected:
        problems.add(
            record.row,
            header[count],
            f"no value: the row has {count} fields, the header {expected} (a field is missing here or before)",
        )
    elif count > expected:
        problems.add(
            record.row,
            f"column {expected + 1}",
            f"the row has {count} fields, the header {expected}: this and any after it have no column",
        )
    return {name: clean(record.fields[index]) for name, index in positions.items() if index < count}


def currency_problem(text: str) -> str | None:
    """Why ``text`` is not an ISO 4217 code, or None (an amount landing in 货币种类 is caught here)."""
    return None if _CURRENCY.fullmatch(text) else f"{text!r} is not an ISO 4217 currency code"


def normalise_header_name(name: str) -> str:
    """Header names compared loosely: Excel BOMs, Alipay's trailing TABs, full-width brackets."""
    return name.replace("\ufeff", "").strip().replace("（", "(").replace("）", ")")


def header_index(
    header: list[str], required: list[str], problems: Problems, row: int, optional: list[str] | None = None
) -> dict[str, int]:
    """Where each named column is; missing required columns are one problem naming them all."""
    positions: dict[str, int] = {}
    normalised = [normalise_header_name(name) for name in header]
    for name in [*required, *(optional or [])]:
        wanted = normalise_header_name(name)
        if wanted in normalised:
            positions[name] = normalised.index(wanted)
    missing = [name for name in required if name not in positions]
    if missing:
        problems.add(row, ", ".join(missing), f"missing required column(s): {', '.join(missing)}")
    return positions
