"""The statements the sandbox hands to recon-svc (对账).

Payouts: an ISO 20022 **camt.053.001.02** Bank-to-Customer Statement per statement day, for the
account ShipSettle pays merchants from. One ``DBIT`` entry per executed payout
(``AcctSvcrRef`` = provider reference, ``EndToEndId`` = our payout id, bank transaction code
PMNT/ICDT/DMCT), one ``CRDT`` entry per returned payout (``AcctSvcrRef`` = provider reference +
``-RTN``, ``EndToEndId`` = our payout id, ``TxId`` = the original provider reference,
``RtrInf/Rsn/Cd`` = the return reason code, code PMNT/ICDT/RRTN). ``OPBD`` + credits − debits =
``CLBD``. Element order and lengths follow the camt.053.001.02 XSD.

Refunds: a CSV with one row per refund outcome (paid or failed) of the day.

Files are written whole to a temporary name in the same directory and renamed into place, so a
reader never sees half a statement and a crash leaves the previous version.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path

from simulators.provider_sandbox.domain import BANK_TIMEZONE

CAMT053_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
RETURN_REFERENCE_SUFFIX = "-RTN"
# ISO 4217 minor-unit exponents that are not 2 (the sandbox account is CNY; others for completeness).
_CURRENCY_EXPONENTS = {
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
# The Max35Text / Max140Text limits of the fields the sandbox fills from a request.
MAX34 = 34
MAX35 = 35
MAX70 = 70
MAX140 = 140

REFUND_CSV_COLUMNS = (
    "request_id",
    "provider_reference",
    "status",
    "amount_minor",
    "currency",
    "occurred_at",
    "reason_code",
    "reason",
)


class Direction(StrEnum):
    CREDIT = "CRDT"
    DEBIT = "DBIT"


@dataclass(frozen=True)
class StatementAccount:
    """The account the statement is for: ShipSettle's payout account at the sandbox bank."""

    account_number: str
    account_name: str
    currency: str
    servicer_name: str


@dataclass(frozen=True)
class StatementEntry:
    """One booked movement. ``counterparty_*`` is the merchant's account: the creditor of a payout,
    the debtor of the return that brings it back."""

    direction: Direction
    amount_minor: int
    booked_at: datetime
    account_servicer_reference: str
    end_to_end_id: str
    counterparty_name: str
    counterparty_account: str
    counterparty_bank: str
    remittance_information: str
    original_reference: str | None = None  # a return: the provider reference of the payout
    return_reason_code: str | None = None
    return_reason: str | None = None

    def __post_init__(self) -> None:
        assert self.amount_minor > 0, "camt.053 amounts are never negative; the direction carries the sign"
        assert self.booked_at.tzinfo is not None
        assert len(self.account_servicer_reference) <= MAX35
        assert len(self.end_to_end_id) <= MAX35

    @property
    def signed_amount_minor(self) -> int:
        return self.amount_minor if self.direction is Direction.CREDIT else -self.amount_minor


@dataclass(frozen=True)
class DailyStatement:
    account: StatementAccount
    statement_date: date
    opening_balance_minor: int  # signed: negative is an overdraft
    entries: tuple[StatementEntry, ...]
    created_at: datetime

    @property
    def closing_balance_minor(self) -> int:
        return self.opening_balance_minor + sum(entry.signed_amount_minor for entry in self.entries)

    @property
    def statement_id(self) -> str:
        return f"STMT-{self.statement_date:%Y%m%d}"


@dataclass(frozen=True)
class RefundStatementRow:
    request_id: str
    provider_reference: str
    status: str
    amount_minor: int
    currency: str
    occurred_at: datetime
    reason_code: str | None
    reason: str | None


def format_amount(amount_minor: int, currency: str) -> str:
    """Minor units as the XSD's decimal text, without floats: 1234567 CNY → ``12345.67``."""
    assert amount_minor >= 0
    exponent = _CURRENCY_EXPONENTS.get(currency, 2)
    if exponent == 0:
        return str(amount_minor)
    units, minor = divmod(amount_minor, 10**exponent)
    return f"{units}.{minor:0{exponent}d}"


def render_camt053(statement: DailyStatement) -> bytes:
    """The statement as a camt.053.001.02 document (UTF-8, with an XML declaration)."""
    currency = statement.account.currency
    # Unqualified names under a literal default namespace: ElementTree's default_namespace option
    # refuses unqualified attributes such as Ccy.
    document = ET.Element("Document", xmlns=CAMT053_NAMESPACE)
    message = _sub(document, "BkToCstmrStmt")
    header = _sub(message, "GrpHdr")
    created_at = statement.created_at.astimezone(BANK_TIMEZONE)
    _sub(header, "MsgId", f"{statement.statement_id}-{created_at:%H%M%S%f}")
    _sub(header, "CreDtTm", _datetime_text(created_at))
    pagination = _sub(header, "MsgPgntn")
    _sub(pagination, "PgNb", "1")
    _sub(pagination, "LastPgInd", "true")

    stmt = _sub(message, "Stmt")
    _sub(stmt, "Id", statement.statement_id)
    _sub(stmt, "CreDtTm", _datetime_text(created_at))
    period = _sub(stmt, "FrToDt")
    _sub(period, "FrDtTm", _datetime_text(datetime.combine(statement.statement_date, time(0, 0, 0), BANK_TIMEZONE)))
    _sub(period, "ToDtTm", _datetime_text(datetime.combine(statement.statement_date, time(23, 59, 59), BANK_TIMEZONE)))
    account = _sub(stmt, "Acct")
    _sub(_sub(_sub(account, "Id"), "Othr"), "Id", statement.account.account_number)
    _sub(account, "Ccy", currency)
    _sub(account, "Nm", statement.account.account_name[:MAX70])
    _sub(_sub(_sub(account, "Svcr"), "FinInstnId"), "Nm", statement.account.servicer_name[:MAX140])

    for code, balance_minor in (("OPBD", statement.opening_balance_minor), ("CLBD", statement.closing_balance_minor)):
        balance = _sub(stmt, "Bal")
        _sub(_sub(_sub(balance, "Tp"), "CdOrPrtry"), "Cd", code)
        _amount(balance, "Amt", abs(balance_minor), currency)
        _sub(balance, "CdtDbtInd", _direction_of(balance_minor).value)
        _sub(_sub(balance, "Dt"), "Dt", statement.statement_date.isoformat())

    summary = _sub(stmt, "TxsSummry")
    totals = _sub(summary, "TtlNtries")
    net_minor = statement.closing_balance_minor - statement.opening_balance_minor
    _sub(totals, "NbOfNtries", str(len(statement.entries)))
    _sub(totals, "Sum", format_amount(sum(entry.amount_minor for entry in statement.entries), currency))
    _sub(totals, "TtlNetNtryAmt", format_amount(abs(net_minor), currency))
    _sub(totals, "CdtDbtInd", _direction_of(net_minor).value)
    for name, direction in (("TtlCdtNtries", Direction.CREDIT), ("TtlDbtNtries", Direction.DEBIT)):
        group = [entry for entry in statement.entries if entry.direction is direction]
        group_totals = _sub(summary, name)
        _sub(group_totals, "NbOfNtries", str(len(group)))
        _sub(group_totals, "Sum", format_amount(sum(entry.amount_minor for entry in group), currency))

    for entry in statement.entries:
        _entry(stmt, entry, currency)

    ET.indent(document)
    body: bytes = ET.tostring(document, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def _entry(stmt: ET.Element, entry: StatementEntry, currency: str) -> None:
    is_return = entry.direction is Direction.CREDIT
    ntry = _sub(stmt, "Ntry")
    _amount(ntry, "Amt", entry.amount_minor, currency)
    _sub(ntry, "CdtDbtInd", entry.direction.value)
    _sub(ntry, "Sts", "BOOK")
    _sub(_sub(ntry, "BookgDt"), "DtTm", _datetime_text(entry.booked_at))
    _sub(_sub(ntry, "ValDt"), "Dt", entry.booked_at.astimezone(BANK_TIMEZONE).date().isoformat())
    _sub(ntry, "AcctSvcrRef", entry.account_servicer_reference)
    domain = _sub(_sub(ntry, "BkTxCd"), "Domn")
    _sub(domain, "Cd", "PMNT")
    family = _sub(domain, "Fmly")
    _sub(family, "Cd", "ICDT")  # issued credit transfers
    _sub(family, "SubFmlyCd", "RRTN" if is_return else "DMCT")  # returned / domestic credit transfer

    details = _sub(_sub(ntry, "NtryDtls"), "TxDtls")
    refs = _sub(details, "Refs")
    _sub(refs, "AcctSvcrRef", entry.account_servicer_reference)
    _sub(refs, "EndToEndId", entry.end_to_end_id)
    if entry.original_reference is not None:
        _sub(refs, "TxId", entry.original_reference)
    _amount(_sub(_sub(details, "AmtDtls"), "TxAmt"), "Amt", entry.amount_minor, currency)
    parties = _sub(details, "RltdPties")
    # A payout credits the merchant (creditor); its return comes back from them (debtor).
    party, party_account, agent = ("Dbtr", "DbtrAcct", "DbtrAgt") if is_return else ("Cdtr", "CdtrAcct", "CdtrAgt")
    _sub(_sub(parties, party), "Nm", entry.counterparty_name[:MAX140])
    _sub(_sub(_sub(_sub(parties, party_account), "Id"), "Othr"), "Id", entry.counterparty_account[:MAX34])
    _sub(_sub(_sub(_sub(details, "RltdAgts"), agent), "FinInstnId"), "Nm", entry.counterparty_bank[:MAX140])
    _sub(_sub(details, "RmtInf"), "Ustrd", entry.remittance_information[:MAX140])
    if is_return:
        return_information = _sub(details, "RtrInf")
        if entry.return_reason_code is not None:
            # ISO external return-reason codes (AC04, ...) are at most 4 characters; anything
            # else is the bank's own code.
            code = entry.return_reason_code
            is_iso_code = len(code) <= 4 and code.isalnum()
            _sub(_sub(return_information, "Rsn"), "Cd" if is_iso_code else "Prtry", code[:MAX35])
        if entry.return_reason is not None:
            _sub(return_information, "AddtlInf", entry.return_reason[:105])
        text = f"Return of payout {entry.end_to_end_id} ({entry.original_reference}): {entry.return_reason}"
    else:
        text = f"Payout {entry.end_to_end_id}"
    _sub(ntry, "AddtlNtryInf", text[:500])


def _sub(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    if text is not None:
        element.text = text
    return element


def _amount(parent: ET.Element, name: str, amount_minor: int, currency: str) -> None:
    _sub(parent, name, format_amount(amount_minor, currency), Ccy=currency)


def _direction_of(balance_minor: int) -> Direction:
    return Direction.CREDIT if balance_minor >= 0 else Direction.DEBIT


def render_refund_csv(rows: Sequence[RefundStatementRow]) -> bytes:
    """The refund provider's daily statement: a header line, then one row per outcome."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REFUND_CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.request_id,
                row.provider_reference,
                row.status,
                row.amount_minor,
                row.currency,
                _datetime_text(row.occurred_at),
                row.reason_code or "",
                row.reason or "",
            )
        )
    return buffer.getvalue().encode("utf-8")


def payout_statement_path(directory: Path, statement_date: date) -> Path:
    return directory / f"camt053-{statement_date.isoformat()}.xml"


def refund_statement_path(directory: Path, statement_date: date) -> Path:
    return directory / f"refunds-{statement_date.isoformat()}.csv"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part:
    a temporary file in the same directory, flushed to disk, then renamed over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the importer may run as another user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _datetime_text(moment: datetime) -> str:
    return moment.astimezone(BANK_TIMEZONE).isoformat(timespec="milliseconds")
