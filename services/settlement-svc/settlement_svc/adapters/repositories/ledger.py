"""The ledger in PostgreSQL: balanced transactions appended with their postings, balances, pages
of a merchant's transactions, and the checks that every transaction sums to zero."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import FromClause, Row, Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from settlement_svc.adapters.tables import (
    AccountBalanceRow,
    LedgerPostingRow,
    LedgerTransactionRow,
)
from settlement_svc.domain.ledger import LedgerTransaction, MerchantAccount, merchant_account
from shipsettle_shared import contracts
from shipsettle_shared.db import any_of
from shipsettle_shared.outbox import add_to_outbox


def _with_postings(transactions: FromClause) -> Select[Any]:
    """Ledger transactions (the table, or a page of it) joined to their postings, in posting order."""
    return (
        select(
            transactions.c.id,
            transactions.c.tx_key,
            transactions.c.kind,
            transactions.c.order_id,
            transactions.c.description,
            transactions.c.caused_by_event_id,
            transactions.c.created_at,
            _POSTINGS.c.account_id,
            _POSTINGS.c.amount_minor,
        )
        .select_from(transactions.outerjoin(_POSTINGS, _POSTINGS.c.tx_id == transactions.c.id))
        .order_by(transactions.c.id, _POSTINGS.c.id)
    )


def _transactions_from(rows: Iterable[Row[Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Each transaction once, with its id and its postings, from the rows of ``_with_postings``."""
    transactions: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        if not transactions or transactions[-1][0] != row.id:
            transactions.append(
                (
                    row.id,
                    {
                        "tx_key": row.tx_key,
                        "kind": row.kind,
                        "order_id": row.order_id,
                        "description": row.description,
                        "caused_by_event_id": row.caused_by_event_id,
                        "created_at": row.created_at.isoformat(),
                        "postings": [],
                    },
                )
            )
        if row.account_id is not None:
            transactions[-1][1]["postings"].append({"account_id": row.account_id, "amount_minor": row.amount_minor})
    return transactions


class LedgerRepository:
    """Ledger transactions and postings (appended, never updated), and the balances they maintain."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def post(self, transaction: LedgerTransaction, *, now: datetime) -> bool:
        """Append a balanced transaction; False if its key was posted before (idempotent)."""
        if not await self.insert_transactions([transaction], now=now):
            return False
        if transaction.postings:
            # Published with the postings, in the same database transaction: recon's copy of the
            # ledger can then never miss or invent a movement.
            await add_to_outbox(self.session, posted_event(transaction, now=now), producer=PRODUCER, occurred_at=now)
        return True

    async def insert_transactions(self, transactions: Sequence[LedgerTransaction], *, now: datetime) -> set[str]:
        """Append balanced transactions with their postings in one statement, whatever their
        number; returns the keys inserted (a key posted before is skipped, its postings too:
        idempotent). The caller adds their LedgerTransactionPosted events (``posted_event``) to
        the outbox.

        The postings go in last (the caller's last write): the balance trigger then updates each
        merchant account's row once, at the end of this statement, and the transaction holds
        those hot rows for the least time."""
        if not transactions:
            return set()
        if len({tx.key for tx in transactions}) != len(transactions):
            # The insert would keep one of them and the postings of both would follow it.
            raise ValueError("one transaction per key in a call")
        postings = [(tx.key, p) for tx in transactions for p in tx.postings]
        inserted = await self.session.execute(
            _INSERT_TRANSACTIONS,
            {
                "keys": [tx.key for tx in transactions],
                "kinds": [tx.kind for tx in transactions],
                "merchants": [tx.merchant_id for tx in transactions],
                "orders": [tx.order_id for tx in transactions],
                "descriptions": [tx.description for tx in transactions],
                "causes": [tx.caused_by_event_id for tx in transactions],
                "now": now,
                "posting_keys": [key for key, _ in postings],
                "accounts": [p.account_id for _, p in postings],
                "amounts": [p.amount_minor for _, p in postings],
            },
        )
        return set(inserted.scalars())

    async def merchant_balances(self, merchant_id: str) -> dict[str, int]:
        accounts = {merchant_account(merchant_id, kind): kind.value for kind in MerchantAccount}
        rows = await self.session.execute(
            select(AccountBalanceRow).where(any_of(col(AccountBalanceRow.account_id), accounts))
        )
        balances = dict.fromkeys(accounts.values(), 0)
        for row in rows.scalars():
            balances[accounts[row.account_id]] = row.balance_minor
        return balances

    async def transactions_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[dict[str, Any]]:
        """The merchant's (or one order's) transactions with their postings, in posting order: one
        query joining the two tables, whatever the merchant's size (an id list would pass the
        driver's limit of 32767 parameters for a merchant with that many transactions)."""
        statement = _with_postings(_TRANSACTIONS).where(_TRANSACTIONS.c.merchant_id == merchant_id)
        if order_id is not None:
            statement = statement.where(_TRANSACTIONS.c.order_id == order_id)
        return [transaction for _, transaction in _transactions_from(await self.session.execute(statement))]

    async def ledger_page(
        self, merchant_id: str, *, after_id: int | None, limit: int
    ) -> list[tuple[int, dict[str, Any]]]:
        """At most ``limit`` of the merchant's transactions after the one of id ``after_id``, in
        posting order, each whole with its postings (the page is cut between transactions, never
        inside one), with its id (the page's key)."""
        page = select(_TRANSACTIONS).where(_TRANSACTIONS.c.merchant_id == merchant_id)
        if after_id is not None:
            page = page.where(_TRANSACTIONS.c.id > after_id)
        chosen = page.order_by(_TRANSACTIONS.c.id).limit(limit).subquery("page")
        return _transactions_from(await self.session.execute(_with_postings(chosen)))

    async def transaction_count(self, merchant_id: str) -> int:
        statement = select(func.count()).select_from(_TRANSACTIONS).where(_TRANSACTIONS.c.merchant_id == merchant_id)
        return int(await self.session.scalar(statement) or 0)

    async def unbalanced_transactions(self) -> list[str]:
        rows = await self.session.execute(
            select(col(LedgerTransactionRow.tx_key))
            .join(LedgerPostingRow, col(LedgerPostingRow.tx_id) == col(LedgerTransactionRow.id))
            .group_by(col(LedgerTransactionRow.tx_key))
            .having(func.sum(LedgerPostingRow.amount_minor) != 0)
        )
        return [row[0] for row in rows]

    async def balances_that_differ_from_postings(self) -> list[dict[str, Any]]:
        """Merchant balances rebuilt from postings, compared with the maintained ones."""
        rows = await self.session.execute(
            text(
                """
                select coalesce(p.account_id, b.account_id) as account_id,
                       coalesce(p.total, 0) as from_postings, coalesce(b.balance_minor, 0) as maintained
                from (select account_id, sum(amount_minor) as total from ledger_postings
                      where account_id like 'merchant:%' group by account_id) p
                full join account_balances b on b.account_id = p.account_id
                where coalesce(p.total, 0) <> coalesce(b.balance_minor, 0)
                """
            )
        )
        return [dict(row._mapping) for row in rows]


PRODUCER = "settlement-svc"


_TRANSACTIONS = LedgerTransactionRow.__table__
_POSTINGS = LedgerPostingRow.__table__
# Arrays in, one statement whatever the batch size: the SQL text stays the same, so asyncpg's
# prepared statement is reused, and each statement fires the balance trigger once.
_INSERT_TRANSACTIONS = text(
    """
    with tx as (
        insert into ledger_transactions (tx_key, kind, merchant_id, order_id, description, caused_by_event_id,
                                         created_at)
        select tx.tx_key, tx.kind, tx.merchant_id, tx.order_id, tx.description, tx.caused_by_event_id,
               cast(:now as timestamptz)
        from unnest(cast(:keys as text[]), cast(:kinds as text[]), cast(:merchants as text[]),
                    cast(:orders as text[]), cast(:descriptions as text[]), cast(:causes as text[])) with ordinality
            as tx(tx_key, kind, merchant_id, order_id, description, caused_by_event_id, position)
        order by tx.position
        on conflict (tx_key) do nothing
        returning id, tx_key
    ), postings as (
        -- only the postings of transactions inserted now; the statement's end fires the balance
        -- trigger (every transaction sums to zero, merchant balances) once for all of them
        insert into ledger_postings (tx_id, account_id, amount_minor)
        select tx.id, p.account_id, p.amount_minor
        from unnest(cast(:posting_keys as text[]), cast(:accounts as text[]), cast(:amounts as bigint[]))
            with ordinality as p(tx_key, account_id, amount_minor, position)
        join tx on tx.tx_key = p.tx_key
        order by p.position
    )
    select tx_key from tx
    """
)


def posted_event(transaction: LedgerTransaction, *, now: datetime) -> contracts.LedgerTransactionPosted:
    return contracts.LedgerTransactionPosted(
        tx_key=transaction.key,
        kind=transaction.kind,
        merchant_id=transaction.merchant_id,
        order_id=transaction.order_id,
        description=transaction.description,
        caused_by_event_id=transaction.caused_by_event_id,
        posted_at=now,
        postings=[
            contracts.LedgerPostingLine(account_id=p.account_id, amount_minor=p.amount_minor)
            for p in transaction.postings
        ],
    )
