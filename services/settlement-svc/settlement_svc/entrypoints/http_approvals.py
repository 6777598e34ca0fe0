"""HTTP: the four-eyes routes (GET /v1/approvals, approve, withdraw; shipsettle_shared/four_eyes.py)
with settlement-svc's actions. An action's own refusal is the same problem as in its one-step
route."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.entrypoints.http_payouts import payout_problem
from settlement_svc.service_layer import four_eyes_actions as actions
from settlement_svc.service_layer.payouts import PayoutRuleViolation
from shipsettle_shared import four_eyes, four_eyes_routes


def _refusals_as_problems(applier: four_eyes.Applier) -> four_eyes.Applier:
    async def apply(
        session: AsyncSession, proposal: four_eyes.Proposal, approving: four_eyes.Approving
    ) -> four_eyes.Applied:
        try:
            return await applier(session, proposal, approving)
        except PayoutRuleViolation as error:
            raise payout_problem(error) from error

    return apply


router = four_eyes_routes.approvals_router(
    {
        actions.VERIFY_BANK_ACCOUNT: _refusals_as_problems(actions.apply_verification),
        actions.BOOK_ADJUSTMENT: _refusals_as_problems(actions.apply_adjustment),
        actions.APPROVE_APPLICATION: _refusals_as_problems(actions.apply_large_approval),
    }
)
