"""The one base of the errors a domain rule or a use case raises.

A domain or service-layer module says what was refused in its own terms, never as an HTTP status:
the kind of refusal (``Refusal``), a stable code (which becomes the problem type's slug, so a
client can branch on it), a sentence for a person, and the field at fault when there is one (or
``errors``, every place at fault, when there are several: the fields of a consignee, the rows of a
file).
``problems.install_problem_handlers`` turns every ``DomainError`` into problem details in one
place, so a router neither catches nor translates them; each service subclasses ``DomainError``
once (``PayoutRuleViolation``, ``RefundRuleViolation`` …) so its callers can catch its own.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Self


class Refusal(enum.Enum):
    """Why a request was refused; the HTTP layer alone knows the status each one answers."""

    NOT_FOUND = "not-found"  # the thing named does not exist (or is not the caller's to see)
    CONFLICT = "conflict"  # it exists, but its state does not allow this now
    RULE = "rule"  # a business rule refuses the request as it stands: the detail says what to change
    FORBIDDEN = "forbidden"  # the caller may not do this, whatever the state


def not_found_message(what: str, identifier: str) -> str:
    """How every service says that a thing does not exist (``DomainError.not_found``, and the
    HTTP layer's own ``problems.NotFound``): one sentence, whoever raises it."""
    return f"{what} {identifier!r} does not exist"


class DomainError(Exception):
    """A refusal by a domain rule or a use case; see the module docstring.

    ``errors``: each place at fault as ``{"field": ..., "message": ...}`` (a field as the domain
    names it, ``consignee.mobile``) or with other keys that say where (a file's ``row`` and
    ``column``); given, they are the problem's ``errors`` in place of the one ``field``."""

    def __init__(
        self,
        refusal: Refusal,
        code: str,
        message: str,
        *,
        field: str | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.code = code
        self.message = message
        self.field = field
        self.errors = [dict(error) for error in errors]
        self.extensions = dict(extensions or {})

    @classmethod
    def not_found(cls, what: str, identifier: str) -> Self:
        """The refusal of ``what`` named ``identifier``, which does not exist (or is not the
        caller's to see): code ``not-found``, as every 404 of the platform (for a subclass that
        keeps the base's signature)."""
        return cls(Refusal.NOT_FOUND, "not-found", not_found_message(what, identifier))
