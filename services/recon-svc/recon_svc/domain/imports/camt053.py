"""ISO 20022 camt.053 Bank-to-Customer Statement (银行对账单) importer.

Follows /work/shared/formats/camt053/README.md ("Structure and rules", "Version differences that
break naive parsers") and the payout sandbox's writer (simulators/provider_sandbox/README.md
"Statements", ``statement.render_camt053``): camt.053.001.02 as the sandbox writes it, and the
.001.04 / .001.08 namespaces (``BICFI``, ``TxDtls/Amt``, ``<Sts><Cd>``) read the same way.

One ``StatementEntry`` per transaction: an ``Ntry`` with one ``TxDtls`` (or none) is one entry of
the ``Ntry`` amount; a batch ``Ntry`` whose ``TxDtls`` carry amounts in the entry's currency that
add up to it is split into one entry per ``TxDtls``, so each payout of a batch can be matched by its
``EndToEndId``. Any other batch stays one entry.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, tzinfo

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from recon_svc.domain.imports._common import (
    UTF8_BOM,
    AmountError,
    Problems,
    UndecodableLine,
    check_size,
    decode_lines,
    format_minor,
    parse_amount_minor,
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
from recon_svc.domain.imports.period import through_inclusive_end
from shipsettle_shared.storable_text import describe

_NAMESPACE = re.compile(r"\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})\}Document")
# No DTD may appear: entity definitions are how "billion laughs" and external-entity attacks
# start, and no camt.053 document needs one (README "Encoding": plain UTF-8 XML). The document is
# parsed by defusedxml, which refuses any DTD, entity or external reference itself; this pattern
# finds the line to name, and keeps a DTD from the stdlib pull parser that locates other faults.
_FORBIDDEN = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NOT_PROVIDED = "NOTPROVIDED"  # the EPC placeholder for an EndToEndId the payer did not give
# ExternalEntryStatus1Code; only BOOK moved money (PDNG pending, INFO and FUTR for information).
_ENTRY_STATUSES = {"BOOK", "PDNG", "INFO", "FUTR"}
# Bank transaction (sub)family codes that mean a charge rather than a payment.
_FEE_CODES = {"CHRG", "FEES", "COMM"}


def parse_camt053(
    content: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    local_timezone: tzinfo = CHINA_STANDARD_TIME,
    verify_balances: bool = True,
) -> ParsedStatement:
    """Parse a camt.053 document (any ``camt.053.001.NN`` namespace) into normalised entries.

    Refuses (``ImportRefused``) a file over ``max_bytes``, one that is not UTF-8, malformed XML,
    a DTD, a root that is not a camt.053 ``Document``, an entry without a known status, amounts
    that are not exact in the currency's minor unit, dates that do not read, and, unless
    ``verify_balances`` is False, a statement whose OPBD + booked credits − booked debits ≠ CLBD.
    A proprietary status (``Sts/Prtry``) is read as not booked.
    Every problem names the entry (row = its 1-based ``Ntry``) and the element path (column), even
    for bytes that do not decode or XML that is not well formed (the line and column of the text
    are in the message). Dates without a time are midnight in ``local_timezone``; so are
    date-times without an offset. The statement's period: ``period.py``.
    """
    check_size(content, max_bytes)
    body = content[len(UTF8_BOM) :] if content.startswith(UTF8_BOM) else content
    lines, failures = decode_lines(body, "utf-8")
    declared = _DECLARED_ENCODING.match(lines[0]) if lines else None
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ImportRefused(
            [ImportProblem(None, "?xml@encoding", f"encoding {declared.group(1)} is not supported; use UTF-8")]
        )
    text = "\n".join(lines)
    # before anything reads the text as XML (the locator of undecodable bytes included)
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        line = text.count("\n", 0, forbidden.start()) + 1
        raise ImportRefused([_dtd_refused(forbidden.group(1).upper(), f"line {line}")])
    if failures:
        _refuse_undecodable(body, failures)
    root = _parse_document(body, lines)
    if not _NAMESPACE.fullmatch(root.tag):
        raise ImportRefused([ImportProblem(None, "Document", f"not a camt.053 document (root element {root.tag})")])
    _strip_namespaces(root)
    return _Reader(local_timezone, verify_balances).read(root)


def _dtd_refused(what: str, where: str) -> ImportProblem:
    return ImportProblem(None, f"!{what}", f"{where}: DTDs and entity declarations are not accepted")


def _parse_document(body: bytes, lines: list[str]) -> ET.Element:
    """The document's root, parsed by defusedxml: a DTD, an entity (billion laughs) or an external
    reference (XXE) is refused, never expanded or fetched; malformed XML is refused naming where."""
    try:
        root: ET.Element = DefusedET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ImportRefused([_dtd_refused("DOCTYPE", f"the document ({type(error).__name__})")]) from None
    except ET.ParseError as error:
        line, column = error.position
        entry, path = _open_at("\n".join([*lines[: line - 1], lines[line - 1][:column] if line <= len(lines) else ""]))
        raise ImportRefused(
            [ImportProblem(entry, path, f"malformed XML at line {line}, column {column + 1}: {error.msg}")]
        ) from None
    return root


def _open_at(prefix: str) -> tuple[int | None, str | None]:
    """Where a document goes wrong, the way every other problem names it: the entry (1-based
    ``Ntry``) and the element path open at the end of ``prefix`` (the text before the fault);
    outside an entry, no row and the path from ``Stmt``."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    parser.feed(prefix)
    stack: list[str] = []
    entries = 0
    try:
        for item in parser.read_events():
            element = item[-1]  # start and end events carry the element; no other kind is asked for
            if not isinstance(element, ET.Element):
                continue
            event = item[0]
            name = element.tag.split("}", 1)[-1]
            if event == "start":
                stack.append(name)
                entries += name == "Ntry"
            elif stack:
                stack.pop()
    except ET.ParseError:
        pass  # the prefix itself is not well formed earlier on: what was read so far locates it
    for anchor, row in (("Ntry", entries), ("Stmt", None)):
        if anchor in stack:
            return row, "/".join(stack[stack.index(anchor) :])
    return None, "/".join(stack) or None


def _refuse_undecodable(body: bytes, failures: list[UndecodableLine]) -> None:
    """Each line that is not UTF-8, or holds a character the shared text rule refuses (NUL, a
    control character), named by the entry and element its first bad byte or character is in."""
    problems = Problems()
    raw_lines = body.split(b"\n")
    for failure in failures:
        earlier = b"\n".join(raw_lines[: failure.row - 1]).decode("utf-8", errors="replace")
        line = raw_lines[failure.row - 1]
        if failure.unstorable is not None:  # a character position in the decoded line
            before = f"{earlier}\n{line.decode('utf-8')[: failure.position]}"
            what = (
                f"{describe(failure.unstorable)}: NUL and control characters other than TAB, LF and CR are not accepted"
            )
        else:  # a byte position in the raw line
            before = f"{earlier}\n{line[: failure.position].decode('utf-8', errors='replace')}"
            what = f"not valid UTF-8: byte 0x{failure.byte:02X}"
        entry, path = _open_at(before if failure.row > 1 else before[1:])
        problems.add(entry, path, f"{what} at line {failure.row}, position {failure.position + 1}")
    problems.raise_if_any()


def _strip_namespaces(root: ET.Element) -> None:
    # The version lives only in the namespace (README "Version differences"); once it is checked,
    # local names are all the reader needs, whichever of .02 / .04 / .08 wrote them.
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]


def _text(element: ET.Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def _flatten(element: ET.Element, prefix: str, into: dict[str, str], skip: frozenset[str] = frozenset()) -> None:
    """Every leaf's text (and every attribute) under a path, for ``raw``; repeats get ``[n]``."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag in skip:
            continue
        path = f"{prefix}/{child.tag}" if prefix else child.tag
        key, n = path, 2
        while key in into or f"{key}@Ccy" in into:
            key, n = f"{path}[{n}]", n + 1
        for attribute, value in child.attrib.items():
            into[f"{key}@{attribute}"] = value
        if len(child):
            _flatten(child, key, into)
        elif child.text is not None and child.text.strip():
            into[key] = child.text.strip()


class _Reader:
    def __init__(self, local_timezone: tzinfo, verify_balances: bool) -> None:
        self.zone = local_timezone
        self.verify_balances = verify_balances
        self.problems = Problems()
        self.entries: list[StatementEntry] = []
        self.entry_number = 0

    def read(self, root: ET.Element) -> ParsedStatement:
        message = root.find("BkToCstmrStmt")
        if message is None:
            raise ImportRefused([ImportProblem(None, "BkToCstmrStmt", "the document has no BkToCstmrStmt")])
        statements = message.findall("Stmt")
        if not statements:
            self.problems.add(None, "Stmt", "the document has no Stmt")
        headers = [self._statement(stmt) for stmt in statements]
        self.problems.raise_if_any()
        return ParsedStatement(
            source=StatementSource.CAMT053,
            document_id=_text(message, "GrpHdr/MsgId"),
            statements=tuple(header for header in headers if header is not None),
            entries=tuple(self.entries),
        )

    def _statement(self, stmt: ET.Element) -> StatementHeader | None:
        statement_id = _text(stmt, "Id") or "(no Id)"
        account = _text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id")
        balances: dict[str, tuple[int, str]] = {}
        balance_dates: dict[str, date] = {}
        for balance in stmt.findall("Bal"):
            code = _text(balance, "Tp/CdOrPrtry/Cd") or _text(balance, "Tp/CdOrPrtry/Prtry")
            if code in ("OPBD", "CLBD") and code not in balances:
                signed = self._signed_amount(balance, None, f"Stmt/Bal[{code}]")
                if signed is not None:
                    balances[code] = signed
                dated = self._moment(balance.find("Dt"), None, f"Stmt/Bal[{code}]/Dt")
                if dated is not None:
                    balance_dates[code] = dated.date()
        currency = _text(stmt, "Acct/Ccy") or next((ccy for _, ccy in balances.values()), None)
        credits_minor = debits_minor = 0
        for ntry in stmt.findall("Ntry"):
            self.entry_number += 1
            booked = self._entry(ntry, statement_id, self.entry_number)
            if booked is None:
                continue
            entry_currency, signed_minor = booked
            if currency is not None and entry_currency != currency:
                self.problems.add(
                    self.entry_number,
                    "Ntry/Amt@Ccy",
                    f"currency {entry_currency} differs from the account's {currency}",
                )
            elif signed_minor >= 0:
                credits_minor += signed_minor
            else:
                debits_minor -= signed_minor
        opening = balances.get("OPBD")
        closing = balances.get("CLBD")
        if self.verify_balances and opening is not None and closing is not None and not self.problems:
            expected = opening[0] + credits_minor - debits_minor
            if expected != closing[0]:
                ccy = closing[1]
                self.problems.add(
                    None,
                    "Stmt/Bal[CLBD]/Amt",
                    f"statement {statement_id} does not reconcile: OPBD {format_minor(opening[0], ccy)} "
                    f"+ credits {format_minor(credits_minor, ccy)} − debits {format_minor(debits_minor, ccy)} "
                    f"= {format_minor(expected, ccy)}, but CLBD is {format_minor(closing[0], ccy)} {ccy} "
                    f"(difference {format_minor(closing[0] - expected, ccy)})",
                )
        return StatementHeader(
            statement_id=_text(stmt, "Id"),
            account=account,
            currency=currency,
            period=self._period(stmt, balance_dates),
            opening_balance_minor=None if opening is None else opening[0],
            closing_balance_minor=None if closing is None else closing[0],
        )

    def _period(self, stmt: ET.Element, balance_dates: dict[str, date]) -> DeclaredPeriod | None:
        """``FrToDt``, both ends inclusive (README "Structure and rules"); a statement without it
        declares the days of its booked balances, OPBD's through CLBD's."""
        start = self._moment(stmt.find("FrToDt/FrDtTm"), None, "Stmt/FrToDt/FrDtTm")
        end = self._moment(stmt.find("FrToDt/ToDtTm"), None, "Stmt/FrToDt/ToDtTm")
        if start is not None and end is not None:
            if end < start:
                self.problems.add(None, "Stmt/FrToDt/ToDtTm", "the statement's period ends before it starts")
                return None
            return through_inclusive_end(start, end, _text(stmt, "FrToDt/ToDtTm") or "", "Stmt/FrToDt")
        if stmt.find("FrToDt") is not None or not balance_dates:
            return None
        first = balance_dates.get("OPBD") or balance_dates["CLBD"]
        last = balance_dates.get("CLBD") or balance_dates["OPBD"]
        if last < first:
            return None
        return DeclaredPeriod.days(first, last, self.zone, "the booked balances' dates (Stmt/Bal/Dt)")

    def _signed_amount(self, parent: ET.Element, row: int | None, where: str) -> tuple[int, str] | None:
        """``Amt@Ccy`` signed by ``CdtDbtInd``: amounts are never negative in the XSD
        (``minInclusive=0``); only the indicator says which way the money went."""
        amount = parent.find("Amt")
        indicator = _text(parent, "CdtDbtInd")
        if amount is None or amount.text is None:
            self.problems.add(row, f"{where}/Amt", "amount is missing")
            return None
        currency = (amount.get("Ccy") or "").strip()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            self.problems.add(row, f"{where}/Amt@Ccy", f"currency {currency!r} is not an ISO 4217 code")
            return None
        try:
            minor = parse_amount_minor(amount.text, currency)
        except AmountError as error:
            self.problems.add(row, f"{where}/Amt", str(error))
            return None
        if indicator not in ("CRDT", "DBIT"):
            self.problems.add(row, f"{where}/CdtDbtInd", f"CdtDbtInd {indicator!r} is neither CRDT nor DBIT")
            return None
        return (minor if indicator == "CRDT" else -minor), currency

    def _moment(self, choice: ET.Element | None, row: int | None, where: str) -> datetime | None:
        """A ``DateAndDateTimeChoice`` (``Dt`` | ``DtTm``, named in the path of a problem) or a bare
        ``xs:dateTime`` element."""
        if choice is None:
            return None
        text = (choice.text or "").strip()
        for child in ("DtTm", "Dt"):
            if (inner := _text(choice, child)) is not None:
                text, where = inner, f"{where}/{child}"
                break
        if not text:
            return None
        try:
            if "T" in text:
                # fromisoformat (3.11) reads xs:dateTime with "Z", offsets and fractional seconds.
                moment = datetime.fromisoformat(text)
            else:
                moment = datetime.combine(date.fromisoformat(text), time(0, 0))
        except ValueError:
            self.problems.add(row, where, f"{text!r} is not an ISO 8601 date or date-time")
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone)

    def _entry(self, ntry: ET.Element, statement_id: str, number: int) -> tuple[str, int] | None:
        signed = self._signed_amount(ntry, number, "Ntry")
        # .02 writes the code in Sts, .08 wraps it in Sts/Cd or gives a proprietary Sts/Prtry
        status = _text(ntry, "Sts/Cd") or _text(ntry, "Sts/Prtry") or _text(ntry, "Sts")
        known = status in _ENTRY_STATUSES or _text(ntry, "Sts/Prtry") is not None
        if not known:
            path = "Ntry/Sts/Cd" if ntry.find("Sts/Cd") is not None else "Ntry/Sts"
            found = "no status" if status is None else f"status {status!r}"
            self.problems.add(number, path, f"{found}: an entry is BOOK, PDNG, INFO or FUTR")
        booked_at = self._moment(ntry.find("BookgDt"), number, "Ntry/BookgDt")
        value_at = self._moment(ntry.find("ValDt"), number, "Ntry/ValDt")
        if signed is None or not known:
            return None
        signed_minor, currency = signed
        when = booked_at or value_at
        if when is None:
            if ntry.find("BookgDt") is None and ntry.find("ValDt") is None:
                self.problems.add(number, "Ntry/BookgDt", "entry has neither BookgDt nor ValDt")
            return None
        direction = Direction.CREDIT if signed_minor >= 0 else Direction.DEBIT
        amount_minor = abs(signed_minor)
        value_date = value_at.date() if value_at is not None else None
        family = _text(ntry, "BkTxCd/Domn/Fmly/Cd")
        subfamily = _text(ntry, "BkTxCd/Domn/Fmly/SubFmlyCd")
        base: dict[str, str] = {"Stmt/Id": statement_id}
        _flatten(ntry, "Ntry", base, skip=frozenset({"NtryDtls"}))
        batch = ntry.find("NtryDtls/Btch")
        if batch is not None:
            _flatten(batch, "Btch", base)
        details = ntry.findall("NtryDtls/TxDtls")
        parts = self._split(details, amount_minor, currency, number) if len(details) > 1 else None
        # Only a booked entry moved money (EntryStatus: BOOK, PDNG, INFO).
        settled = status == "BOOK"
        if parts is None:
            only = details[0] if len(details) == 1 else None
            parts = [(only, amount_minor)]
        for detail, part_minor in parts:
            raw = dict(base)
            if detail is not None:
                _flatten(detail, "TxDtls", raw)
            has_return = detail is not None and detail.find("RtrInf") is not None
            self.entries.append(
                StatementEntry(
                    source=StatementSource.CAMT053,
                    reference=_reference(detail, batch),
                    provider_reference=_text(detail, "Refs/AcctSvcrRef") or _text(ntry, "AcctSvcrRef"),
                    direction=direction,
                    amount_minor=part_minor,
                    currency=currency,
                    booked_at=when,
                    value_date=value_date,
                    kind=_kind(family, subfamily, has_return, direction),
                    counterparty=_counterparty(detail, direction),
                    raw=raw,
                    row=number,
                    settled=settled,
                )
            )
        return (currency, signed_minor) if settled else None

    def _split(
        self, details: list[ET.Element], amount_minor: int, currency: str, number: int
    ) -> list[tuple[ET.Element | None, int]] | None:
        """Per-transaction amounts of a batch entry, or None when they do not add up exactly."""
        parts: list[tuple[ET.Element | None, int]] = []
        for position, detail in enumerate(details, start=1):
            path = "Amt"  # .03 and later
            amount = detail.find(path)
            if amount is None:
                path = "AmtDtls/TxAmt/Amt"  # .02, as the sandbox writes it
                amount = detail.find(path)
            if amount is None or amount.text is None or amount.get("Ccy") != currency:
                return None
            try:
                parts.append((detail, parse_amount_minor(amount.text, currency)))
            except AmountError as error:
                self.problems.add(number, f"Ntry/NtryDtls/TxDtls[{position}]/{path}", str(error))
                return None
        return parts if sum(part for _, part in parts) == amount_minor else None


def _reference(detail: ET.Element | None, batch: ET.Element | None) -> str | None:
    """Our id as the bank echoes it: the EndToEndId we sent (the sandbox's = our payout id), else
    the instruction or payment-information id, else the batch's."""
    for value in (
        _text(detail, "Refs/EndToEndId"),
        _text(detail, "Refs/InstrId"),
        _text(detail, "Refs/PmtInfId"),
        _text(batch, "PmtInfId"),
    ):
        if value and value.upper() != _NOT_PROVIDED:
            return value
    return None


def _counterparty(detail: ET.Element | None, direction: Direction) -> str | None:
    # Money out goes to the creditor; money in comes from the debtor.
    first, second = ("Cdtr", "Dbtr") if direction is Direction.DEBIT else ("Dbtr", "Cdtr")
    for party in (first, f"Ultmt{first}", second):
        name = _text(detail, f"RltdPties/{party}/Nm") or _text(detail, f"RltdPties/{party}/Pty/Nm")  # .08 nests Pty
        if name:
            return name
    return None


def _kind(family: str | None, subfamily: str | None, has_return: bool, direction: Direction) -> EntryKind:
    """ISO bank transaction codes: ICDT = issued credit transfers (our payouts), RRTN = returned,
    RCDT = received credit transfers; CHRG/FEES/COMM = charges. The domain (PMNT, PAYM, TREA…)
    alone does not say what a movement is for."""
    if family in _FEE_CODES or subfamily in _FEE_CODES:
        return EntryKind.FEE
    if family == "ICDT":
        return EntryKind.PAYOUT_RETURN if subfamily == "RRTN" or has_return else EntryKind.PAYOUT
    if family == "RCDT" and subfamily != "RRTN":
        return EntryKind.PAYMENT
    if has_return and direction is Direction.CREDIT:
        return EntryKind.PAYOUT_RETURN
    return EntryKind.OTHER
