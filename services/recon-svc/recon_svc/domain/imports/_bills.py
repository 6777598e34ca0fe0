"""Shared by the Chinese wallet bills (WeChat Pay, Alipay): choosing the encoding the vendor
documents, and Beijing-time timestamps."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, tzinfo

from recon_svc.domain.imports._common import UndecodableLine, decode_lines, refuse_undecodable
from recon_svc.domain.imports.model import ImportProblem, ImportRefused

# What a caller may declare. GB18030 is a superset of GBK that decodes every GBK file the same.
_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb18030": "gb18030"}
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2}) ?(\d{2}):(\d{2}):(\d{2})")


def canonical_encoding(declared: str) -> str:
    key = declared.strip().lower().replace("_", "-")
    if key not in _ENCODINGS:
        raise ImportRefused([ImportProblem(None, None, f"encoding {declared!r} is not supported; use UTF-8 or GBK")])
    return _ENCODINGS[key]


def display_encoding(encoding: str) -> str:
    return "GBK" if encoding == "gb18030" else "UTF-8"


def decode_bill(
    content: bytes,
    candidates: tuple[str, ...],
    declared: str | None,
    recognise: Callable[[list[str]], bool],
    header_of: Callable[[list[str]], tuple[list[str], int] | None],
) -> tuple[list[str], str]:
    """Decode with the declared encoding, or with the first of ``candidates`` in which the whole
    file decodes *and* reads as this kind of bill (``recognise``): a UTF-8 file often also
    "decodes" as GBK into mojibake, so decoding without error alone proves nothing. If none fits,
    the refusal names the bad lines (and columns) in the first, documented, candidate."""
    order = (canonical_encoding(declared),) if declared is not None else candidates
    attempts: list[tuple[list[str], list[UndecodableLine], str]] = []
    for encoding in order:
        lines, failures = decode_lines(content, encoding)
        if not failures and (declared is not None or recognise(lines)):
            return lines, encoding
        attempts.append((lines, failures, encoding))
    lines, failures, encoding = attempts[0]
    if failures:
        found = header_of(lines)
        header, header_row = found if found is not None else (None, None)
        refuse_undecodable(failures, display_encoding(encoding), header, header_row)
    tried = " or ".join(display_encoding(encoding) for _, _, encoding in attempts)
    raise ImportRefused([ImportProblem(1, None, f"not a recognisable bill of this kind in {tried}")])


def parse_beijing_time(text: str, zone: tzinfo) -> datetime | None:
    """``yyyy-MM-dd HH:mm:ss`` in Beijing time. The legacy WeChat doc example writes full-width
    colons and some copies lose the space (wechat/README.md "Time format"): both are accepted."""
    match = _TIMESTAMP.fullmatch(text.strip().replace("：", ":"))
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
