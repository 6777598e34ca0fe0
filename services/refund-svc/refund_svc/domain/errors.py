"""refund-svc's refusals: one subclass of the shared ``DomainError``, which problems.py turns into
problem details in one place (the routers neither catch nor translate them).

Each refusal keeps the answer clients have always had from refund-svc:

- a refund or order that does not exist, or is another merchant's, is ``not_found()``: the same
  404 whatever the case, never a hint that it exists;
- a move the refund's state does not allow now is a ``Refusal.CONFLICT`` (409) whose code is the
  problem's type (``wrong-status``, ``credit-cancelled`` ...); it names no field, so the problem
  lists none;
- a request a rule refuses is a ``Refusal.RULE`` (422) naming the field to change.
"""

from __future__ import annotations

from shipsettle_shared.domain_errors import DomainError, Refusal


class RefundRuleViolation(DomainError):
    """A request, move or answer refund-svc's rules refuse; its subclasses say which rule."""


def not_found() -> RefundRuleViolation:
    # The detail names neither the refund nor the order: the same for one that does not exist
    # and one of another merchant (as every 404 refund-svc has answered).
    return RefundRuleViolation(Refusal.NOT_FOUND, "not-found", "refund or order 'requested' does not exist")


def conflict(code: str, message: str) -> RefundRuleViolation:
    return RefundRuleViolation(Refusal.CONFLICT, code, message)


def refused(code: str, message: str, field: str) -> RefundRuleViolation:
    return RefundRuleViolation(Refusal.RULE, code, message, field=field)
