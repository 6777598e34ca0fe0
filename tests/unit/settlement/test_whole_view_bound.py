"""The balance explanation and the settlement states are answered whole (they must account for
every fen at one moment), so they are bounded instead of paged: past
``BALANCE_EXPLANATION_MAX_TRANSACTIONS`` ledger transactions of the merchant they are refused with
a 422 problem, never cut short."""

from __future__ import annotations

from typing import Any, cast

import pytest

from settlement_svc.adapters.repositories.ledger import LedgerRepository
from settlement_svc.entrypoints.http_settlement import (
    BALANCE_EXPLANATION_MAX_TRANSACTIONS,
    _refuse_a_whole_view_past_its_bound,
)
from shipsettle_shared.problems import Problem


class CountingRepository:
    def __init__(self, transactions: int) -> None:
        self.transactions = transactions

    async def transaction_count(self, merchant_id: str) -> int:
        return self.transactions


def _repository(transactions: int) -> Any:
    return cast(LedgerRepository, CountingRepository(transactions))


async def test_a_merchant_at_the_bound_is_explained_whole() -> None:
    await _refuse_a_whole_view_past_its_bound(_repository(BALANCE_EXPLANATION_MAX_TRANSACTIONS), "m-1")


async def test_one_transaction_past_the_bound_is_refused_with_a_problem_not_cut() -> None:
    with pytest.raises(Problem) as refused:
        await _refuse_a_whole_view_past_its_bound(_repository(BALANCE_EXPLANATION_MAX_TRANSACTIONS + 1), "m-1")
    assert refused.value.status == 422
    assert refused.value.type_slug == "explanation-too-large"
    assert "/v1/merchants/m-1/ledger" in refused.value.detail
