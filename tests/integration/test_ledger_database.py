"""The ledger's invariants are the database's, not only the code's: an unbalanced transaction
cannot commit, postings cannot be changed or deleted, and merchant balances rebuilt from the
postings equal the maintained ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from support import engine_for, fresh_service_database

from settlement_svc.adapters.repository import SettlementRepository
from settlement_svc.domain.ledger import LedgerTransaction, Posting, transaction

pytestmark = pytest.mark.infra
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.fixture(scope="module")
async def ledger_url() -> str:
    return await fresh_service_database("settlement-svc", "_ledger")


async def test_balanced_transactions_post_once_and_keep_merchant_balances(ledger_url: str) -> None:
    async with engine_for(ledger_url) as engine:
        async with AsyncSession(engine) as session, session.begin():
            repository = SettlementRepository(session)
            tx = transaction(
                "sign_off:SH-1",
                "sign_off",
                "m-1",
                [
                    ("platform:clearing", -35349),
                    ("platform:subsidy", -3000),
                    ("platform:commission", 2031),
                    ("merchant:m-1:pending", 36318),
                ],
            )
            assert await repository.post(tx, now=NOW) is True
            assert await repository.post(tx, now=NOW) is False  # idempotent on its key
        async with AsyncSession(engine) as session:
            repository = SettlementRepository(session)
            assert (await repository.merchant_balances("m-1"))["pending"] == 36318
            assert await repository.unbalanced_transactions() == []
            assert await repository.balances_that_differ_from_postings() == []


async def test_the_database_refuses_an_unbalanced_transaction_at_commit(ledger_url: str) -> None:
    # Bypass the code's own check to prove the database's.
    forged = LedgerTransaction.__new__(LedgerTransaction)
    object.__setattr__(forged, "key", "forged:1")
    object.__setattr__(forged, "kind", "forged")
    object.__setattr__(forged, "merchant_id", "m-2")
    object.__setattr__(forged, "postings", (Posting("merchant:m-2:available", 100), Posting("platform:clearing", -99)))
    object.__setattr__(forged, "order_id", None)
    object.__setattr__(forged, "description", "")
    object.__setattr__(forged, "caused_by_event_id", None)
    async with engine_for(ledger_url) as engine:
        with pytest.raises(DBAPIError, match="does not balance"):
            async with AsyncSession(engine) as session, session.begin():
                await SettlementRepository(session).post(forged, now=NOW)
        async with AsyncSession(engine) as session:
            assert (await SettlementRepository(session).merchant_balances("m-2"))["available"] == 0
            assert await session.scalar(text("select count(*) from ledger_transactions where tx_key = 'forged:1'")) == 0


@pytest.mark.parametrize(
    "statement",
    [
        "update ledger_postings set amount_minor = amount_minor + 1",
        "delete from ledger_postings",
        "update ledger_transactions set description = 'rewritten'",
        "delete from ledger_transactions",
    ],
)
async def test_postings_and_transactions_are_append_only(ledger_url: str, statement: str) -> None:
    async with engine_for(ledger_url) as engine:
        async with AsyncSession(engine) as session, session.begin():
            await SettlementRepository(session).post(
                transaction(
                    f"t:{statement[:6]}", "test", "m-3", [("merchant:m-3:available", 5), ("platform:clearing", -5)]
                ),
                now=NOW,
            )
        with pytest.raises(DBAPIError, match="append-only"):
            async with AsyncSession(engine) as session, session.begin():
                await session.execute(text(statement))
