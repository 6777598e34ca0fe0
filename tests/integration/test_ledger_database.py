"""The ledger's invariants are the database's, not only the code's: an unbalanced transaction
cannot be inserted (each insert of postings is checked for every transaction it touches),
postings cannot be changed or deleted, and merchant balances rebuilt from the postings equal the
maintained ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from support import engine_for, fresh_service_database

from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.domain.ledger import LedgerTransaction, Posting, transaction

pytestmark = pytest.mark.infra
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.fixture(scope="module")
async def ledger_url() -> str:
    return await fresh_service_database("settlement-svc", "_ledger")


async def test_balanced_transactions_post_once_and_keep_merchant_balances(ledger_url: str) -> None:
    async with engine_for(ledger_url) as engine:
        async with AsyncSession(engine) as session, session.begin():
            uow = SqlSettlementUnitOfWork(session)
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
            assert await uow.ledger.post(tx, now=NOW) is True
            assert await uow.ledger.post(tx, now=NOW) is False  # idempotent on its key
        async with AsyncSession(engine) as session:
            uow = SqlSettlementUnitOfWork(session)
            assert (await uow.ledger.merchant_balances("m-1"))["pending"] == 36318
            assert await uow.ledger.unbalanced_transactions() == []
            assert await uow.ledger.balances_that_differ_from_postings() == []


async def test_the_database_refuses_an_unbalanced_transaction(ledger_url: str) -> None:
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
                await SqlSettlementUnitOfWork(session).ledger.post(forged, now=NOW)
        async with AsyncSession(engine) as session:
            assert (await SqlSettlementUnitOfWork(session).ledger.merchant_balances("m-2"))["available"] == 0
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
            await SqlSettlementUnitOfWork(session).ledger.post(
                transaction(
                    f"t:{statement[:6]}", "test", "m-3", [("merchant:m-3:available", 5), ("platform:clearing", -5)]
                ),
                now=NOW,
            )
        with pytest.raises(DBAPIError, match="append-only"):
            async with AsyncSession(engine) as session, session.begin():
                await session.execute(text(statement))


async def test_postings_added_later_to_a_balanced_transaction_are_refused(ledger_url: str) -> None:
    async with engine_for(ledger_url) as engine:
        async with AsyncSession(engine) as session, session.begin():
            await SqlSettlementUnitOfWork(session).ledger.post(
                transaction("late:1", "test", "m-4", [("merchant:m-4:available", 700), ("platform:clearing", -700)]),
                now=NOW,
            )
        # a posting of +1 fen slipped in afterwards: the transaction would sum to 1
        with pytest.raises(DBAPIError, match="does not balance: postings sum to 1"):
            async with AsyncSession(engine) as session, session.begin():
                await session.execute(
                    text(
                        "insert into ledger_postings (tx_id, account_id, amount_minor)"
                        " select id, 'merchant:m-4:available', 1 from ledger_transactions where tx_key = 'late:1'"
                    )
                )
        async with AsyncSession(engine) as session:
            assert (await SqlSettlementUnitOfWork(session).ledger.merchant_balances("m-4"))["available"] == 700
            assert await SqlSettlementUnitOfWork(session).ledger.unbalanced_transactions() == []


async def test_one_unbalanced_transaction_refuses_the_whole_insert(ledger_url: str) -> None:
    forged = LedgerTransaction.__new__(LedgerTransaction)
    for name, value in {
        "key": "forged:2",
        "kind": "forged",
        "merchant_id": "m-5",
        # 250 - 200 = 50 fen out of nowhere
        "postings": (Posting("merchant:m-5:available", 250), Posting("platform:clearing", -200)),
        "order_id": None,
        "description": "",
        "caused_by_event_id": None,
    }.items():
        object.__setattr__(forged, name, value)
    balanced = transaction("fine:2", "test", "m-5", [("merchant:m-5:pending", 90), ("platform:clearing", -90)])
    async with engine_for(ledger_url) as engine:
        with pytest.raises(DBAPIError, match="does not balance: postings sum to 50"):
            async with AsyncSession(engine) as session, session.begin():
                await SqlSettlementUnitOfWork(session).ledger.insert_transactions([balanced, forged], now=NOW)
        async with AsyncSession(engine) as session:
            assert await SqlSettlementUnitOfWork(session).ledger.merchant_balances("m-5") == dict.fromkeys(
                ["pending", "available", "frozen", "reserved", "in_payout", "paid_out", "negative_balance"], 0
            )
            assert await session.scalar(text("select count(*) from ledger_transactions where merchant_id = 'm-5'")) == 0


async def test_a_transaction_is_inserted_with_all_its_postings_in_one_statement(ledger_url: str) -> None:
    # Checked per statement: half a transaction is refused even if the other half would follow.
    async with engine_for(ledger_url) as engine, AsyncSession(engine) as session, session.begin():
        tx_id = await session.scalar(
            text(
                "insert into ledger_transactions (tx_key, kind, merchant_id, description, created_at)"
                " values ('halves:1', 'test', 'm-6', '', now()) returning id"
            )
        )
        first_half = text(
            "insert into ledger_postings (tx_id, account_id, amount_minor) values (:tx, 'merchant:m-6:available', 300)"
        )
        with pytest.raises(DBAPIError, match="does not balance: postings sum to 300"):
            await session.execute(first_half, {"tx": tx_id})
        await session.rollback()
