"""The one rule for text that comes in from outside: refuse characters we cannot keep.

Refused (``UNSTORABLE``), wherever text enters — a JSON body, a form field, a query string, a
path parameter, a header, a webhook or callback body, an imported file:

- NUL (U+0000): PostgreSQL's ``text`` cannot hold it and ``jsonb`` refuses ``\\u0000``; the
  insert fails, so it used to answer 500.
- Lone surrogates (U+D800 to U+DFFF): JSON's ``\\ud800`` escape decodes to one in Python, but
  it is no character and cannot be encoded as UTF-8, so the driver cannot send it.
- The other C0 controls (U+0001 to U+001F) except TAB, LF and CR: PostgreSQL would store them,
  but our own outputs cannot carry them — the XLSX statements (openpyxl refuses them) and XML 1.0
  (camt.053) — so a stored one would break a later export, far from the request that brought it.
  No identifier, name or note legitimately contains them. TAB, LF and CR stay: notes and
  reasons are free text with lines.

Everything else is accepted (DEL and the C1 controls included: PostgreSQL, XLSX and XML all
carry them). This module is pure; ``problems.refuse_unstorable_text`` applies it to every HTTP
request, and the few places that decode text themselves (webhooks, callbacks, recon imports)
call ``first_unstorable`` or ``unstorable_fields`` on what they decoded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

# In JSON text a refused character can only arrive escaped (raw control characters and invalid
# UTF-8 make the document unreadable): a cheap search for these escapes spares the hot paths
# (webhooks) a second parse of every body.
_ESCAPED_UNSTORABLE = re.compile(rb"\\u(?:00[01][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})")

_CONTROL_NAMES = {0x00: "NUL", 0x1B: "ESC"}


def first_unstorable(text: str) -> int | None:
    """The index of the first character the rule refuses in ``text``, or None."""
    found = UNSTORABLE.search(text)
    return found.start() if found is not None else None


def describe(character: str) -> str:
    """``U+0000 (NUL)``, ``U+D800 (lone surrogate)``, ``U+001B (control)``."""
    code = ord(character)
    kind = "lone surrogate" if 0xD800 <= code <= 0xDFFF else _CONTROL_NAMES.get(code, "control character")
    return f"U+{code:04X} ({kind})"


def unstorable_message(text: str, index: int) -> str:
    return (
        f"contains {describe(text[index])} at position {index + 1}; "
        "NUL, lone surrogates and control characters other than TAB, LF and CR are not accepted"
    )


@dataclass(frozen=True)
class UnstorableField:
    """Where refused text was found: ``field`` in the house's dotted form (``body.lines[0].sku``,
    ``query.order_id``), ``location`` one of body / query / path / header / file, and for a body
    the RFC 6901 ``pointer`` (``/lines/0/sku``)."""

    field: str
    location: str
    message: str
    pointer: str | None = None

    def as_error(self) -> dict[str, str]:
        error = {"field": self.field, "location": self.location, "message": self.message, "type": "unstorable_text"}
        if self.pointer is not None:
            error["pointer"] = self.pointer
        return error


def shown(text: str) -> str:
    """``text`` safe to echo in a response: each refused character as its ``\\uXXXX`` escape (a
    lone surrogate cannot even be encoded into the UTF-8 of a response)."""
    return UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unstorable_fields(value: object, location: str = "body") -> Iterator[UnstorableField]:
    """Every string in a decoded JSON-like ``value`` (dicts, lists, tuples; object keys too:
    ``jsonb`` stores them) that the rule refuses, with its field and pointer."""

    def walk(item: object, dotted: str, pointer: str) -> Iterator[UnstorableField]:
        if isinstance(item, str):
            index = first_unstorable(item)
            if index is not None:
                yield UnstorableField(dotted, location, unstorable_message(item, index), pointer)
        elif isinstance(item, Mapping):
            for key, child in item.items():
                name = str(key)
                child_dotted, child_pointer = f"{dotted}.{shown(name)}", f"{pointer}/{_escape_pointer(shown(name))}"
                index = first_unstorable(name)
                if index is not None:
                    message = "the member's name " + unstorable_message(name, index)
                    yield UnstorableField(child_dotted, location, message, child_pointer)
                yield from walk(child, child_dotted, child_pointer)
        elif isinstance(item, list | tuple):
            for position, child in enumerate(item):
                yield from walk(child, f"{dotted}[{position}]", f"{pointer}/{position}")

    yield from walk(value, location, "")


def unstorable_parameters(parameters: Iterable[tuple[str, str]], location: str) -> list[UnstorableField]:
    """Query, path or header parameters (name, value) the rule refuses, named ``query.order_id``."""
    found: list[UnstorableField] = []
    for name, value in parameters:
        field = f"{location}.{shown(name)}"
        name_index, value_index = first_unstorable(name), first_unstorable(value)
        if name_index is not None:
            found.append(UnstorableField(field, location, "the name " + unstorable_message(name, name_index)))
        elif value_index is not None:
            found.append(UnstorableField(field, location, unstorable_message(value, value_index)))
    return found


def may_hold_unstorable(json_document: bytes) -> bool:
    """False when a JSON document certainly holds no refused string (no escape that could be
    one): then nothing needs walking."""
    return _ESCAPED_UNSTORABLE.search(json_document) is not None


def unstorable_in_json(document: bytes | str, location: str = "body") -> list[UnstorableField]:
    """The refused strings of a JSON document that its reader has already accepted (a webhook's
    raw body, a form field holding JSON), named from ``location``; [] for what is not JSON."""
    raw = document.encode() if isinstance(document, str) else document
    if not may_hold_unstorable(raw):
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return list(unstorable_fields(value, location))
