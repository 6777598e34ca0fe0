"""The one base of the errors a domain rule or a use case raises.

A domain or service-layer module says what was refused in its own terms, never as an HTTP status:
the kind of refusal (``Refusal``), a stable code (which becomes the problem type's slug, so a
client can branch on it), a sentence for a person, and the field at fault when there is one.
``problems.install_problem_handlers`` turns every ``DomainError`` into problem details in one
place, so a router neither catches nor translates them; each service subclasses ``DomainError``
once (``PayoutRuleViolation``, ``RefundRuleViolation`` …) so its callers can catch its own.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class Refusal(enum.Enum):
    """Why a request was refused; the HTTP layer alone knows the status each one answers."""

    NOT_FOUND = "not-found"  # the thing named does not exist (or is not the caller's to see)
    CONFLICT = "conflict"  # it exists, but its state does not allow this now
    RULE = "rule"  # a business rule refuses the request as it stands: the detail says what to change
    FORBIDDEN = "forbidden"  # the caller may not do this, whatever the state


class DomainError(Exception):
    """A refusal by a domain rule or a use case; see the module docstring."""

    def __init__(
        self,
        refusal: Refusal,
        code: str,
        message: str,
        *,
        field: str | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.code = code
        self.message = message
        self.field = field
        self.extensions = dict(extensions or {})
