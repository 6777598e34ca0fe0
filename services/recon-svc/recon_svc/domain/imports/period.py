"""The period a statement file declares it covers (账单周期), the one notion every import matches by.

A daily bill lists what happened on its day, so an import compares the file with exactly our
movements dated inside that period, whichever vendor wrote it:
- Alipay declares it in its preamble (``#起始日期：[…]   终止日期：[…]``, the end exclusive);
- camt.053 in each statement's ``FrToDt`` (both ends inclusive: a ``ToDtTm`` names the whole
  second, or millisecond, it writes), else in the dates of its booked balances (OPBD to CLBD);
- a WeChat Pay bill says nothing inside the file: its day is the ``bill_date`` it was downloaded
  for (v2 ``downloadbill``, ``yyyyMMdd``) or the date in the vendor's file name; the refund
  sandbox's file is likewise ``refunds-YYYY-MM-DD.csv``.
A file whose period can be read from neither its content nor its name and day is refused: matching
it against a guessed window is how a payment made just before midnight became a false discrepancy.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

from recon_svc.domain.imports.model import DeclaredPeriod, ImportProblem, ImportRefused

# A date inside a file name: 2026-12-06, 20261206 or 2026_12_06, not digits of a longer number
# (Alipay names its files <userId>_<yyyyMMdd>…, and the userId is 20 digits).
_NAMED_DATE = re.compile(r"(?<!\d)(\d{4})[-_]?(\d{2})[-_]?(\d{2})(?!\d)")
_FRACTION = re.compile(r"T\d{2}:\d{2}:\d{2}\.(\d+)")


def through_inclusive_end(start: datetime, end: datetime, end_text: str, declared_by: str) -> DeclaredPeriod:
    """A period whose end is written inclusively (camt.053 ``ToDtTm`` 23:59:59 or 23:59:59.999):
    the end covers the whole unit of its last written digit, so nothing booked within that last
    second (or millisecond) falls outside."""
    fraction = _FRACTION.search(end_text)
    digits = min(len(fraction.group(1)), 6) if fraction else 0
    return DeclaredPeriod(start, end + timedelta(microseconds=10 ** (6 - digits)), declared_by)


def assume_zone(moment: datetime, zone: tzinfo) -> datetime:
    """A time written without an offset is read in ``zone`` (the bill's, Beijing time for WeChat
    Pay and Alipay); one with an offset is kept as the instant it names."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def period_in_file_name(file_name: str, zone: tzinfo) -> DeclaredPeriod | None:
    """The day (or first and last day) a vendor's file name carries: ``refunds-2026-12-06.csv``,
    ``1900000109All2026-12-06.csv``, ``微信支付账单(20261201-20261206).csv``. None when the name
    holds no date, or more than two."""
    found: list[date] = []
    for match in _NAMED_DATE.finditer(file_name):
        try:
            found.append(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            continue  # digits that are not a date (a merchant number, a sequence number)
    if not found or len(found) > 2 or found[0] > found[-1]:
        return None
    return DeclaredPeriod.days(found[0], found[-1], zone, f"file name {file_name!r}")


def parse_bill_date(text: str) -> date | None:
    """``2026-12-06`` or WeChat Pay's own ``20261206``."""
    match = _NAMED_DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def period_the_file_declares(
    in_content: DeclaredPeriod | None, *, file_name: str | None, bill_date: str | None, zone: tzinfo
) -> DeclaredPeriod:
    """The period to match: what the file's content declares; for a file that declares nothing
    inside (WeChat Pay, the refund sandbox), the ``bill_date`` it was fetched for or the date in
    its file name, which must agree when both are given.

    Raises ``ImportRefused`` when neither says which period the file covers, when ``bill_date``
    is not a date, or when it and the file name disagree."""
    if in_content is not None:
        return in_content
    named = period_in_file_name(file_name, zone) if file_name else None
    if bill_date is not None:
        day = parse_bill_date(bill_date)
        if day is None:
            raise ImportRefused([ImportProblem(None, "bill_date", f"{bill_date!r} is not a date yyyy-MM-dd")])
        stated = DeclaredPeriod.days(day, day, zone, f"bill_date {day.isoformat()}")
        if named is not None and (named.start, named.end) != (stated.start, stated.end):
            raise ImportRefused(
                [
                    ImportProblem(
                        None, "bill_date", f"bill_date {day.isoformat()} disagrees with the {named.declared_by}"
                    )
                ]
            )
        return stated
    if named is not None:
        return named
    raise ImportRefused(
        [
            ImportProblem(
                None,
                "bill_date",
                "this file does not state its period inside it: give the day it is the bill of "
                "(bill_date=yyyy-MM-dd) or the vendor's file name (file_name=…, which carries the date)",
            )
        ]
    )
