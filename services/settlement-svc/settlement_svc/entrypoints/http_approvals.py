"""HTTP: the four-eyes routes (GET /v1/approvals, approve, withdraw; shipsettle_shared/four_eyes.py)
with settlement-svc's actions. An action's own refusal (PayoutRuleViolation) is answered as in its
one-step route, by problems.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.service_layer import four_eyes_actions as actions
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import four_eyes, four_eyes_routes


def _in_unit_of_work(
    apply: Callable[[SettlementUnitOfWork, four_eyes.Proposal, four_eyes.Approving], Awaitable[four_eyes.Applied]],
) -> four_eyes.Applier:
    """The applier as shipsettle_shared.four_eyes calls it: on the approval's session."""

    async def applier(
        session: AsyncSession, proposal: four_eyes.Proposal, approving: four_eyes.Approving
    ) -> four_eyes.Applied:
        return await apply(SqlSettlementUnitOfWork(session), proposal, approving)

    return applier


router = four_eyes_routes.approvals_router(
    {
        actions.VERIFY_BANK_ACCOUNT: _in_unit_of_work(actions.apply_verification),
        actions.BOOK_ADJUSTMENT: _in_unit_of_work(actions.apply_adjustment),
        actions.APPROVE_APPLICATION: _in_unit_of_work(actions.apply_large_approval),
    }
)
