"""HTTP: the four-eyes routes (GET /v1/approvals, approve, withdraw; shipsettle_shared/four_eyes.py)
with settlement-svc's actions. An action's own refusal (PayoutRuleViolation) is answered as in its
one-step route, by problems.py."""

from __future__ import annotations

from settlement_svc.service_layer import four_eyes_actions as actions
from shipsettle_shared import four_eyes_routes

router = four_eyes_routes.approvals_router(
    {
        actions.VERIFY_BANK_ACCOUNT: actions.apply_verification,
        actions.BOOK_ADJUSTMENT: actions.apply_adjustment,
        actions.APPROVE_APPLICATION: actions.apply_large_approval,
    }
)
