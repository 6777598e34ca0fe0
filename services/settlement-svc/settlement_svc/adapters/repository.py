"""The ledger, settlement orders, policies, holds and parked events in PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import FromClause, Row, Select, func, select, text
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key
from sqlmodel import col

from settlement_svc.adapters.tables import (
    AccountBalanceRow,
    HoldRow,
    LedgerPostingRow,
    LedgerTransactionRow,
    MerchantPolicyRow,
    OrderProgressRow,
    ParkedEventRow,
    RefundRow,
    SettlementOrderRow,
    SettlementTable,
)
from settlement_svc.domain.ledger import LedgerTransaction, MerchantAccount, merchant_account
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy, SettlementCycle
from settlement_svc.domain.progress import OrderProgress, ShipmentProgress
from shipsettle_shared import contracts
from shipsettle_shared.db import any_of, json_rows
from shipsettle_shared.outbox import add_to_outbox

PRODUCER = "settlement-svc"


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


class SettlementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- ledger ------------------------------------------------------------------------

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

    async def lock_merchant(self, merchant_id: str) -> None:
        """Serialise money movements of one merchant (applications, payouts, claw-backs)."""
        await self.session.execute(text("select pg_advisory_xact_lock(hashtext(:m))"), {"m": f"merchant:{merchant_id}"})

    async def lock_order(self, order_id: str) -> None:
        """Order and sign-off events come on different topics, possibly to different instances:
        this lock makes "park if the order is unknown" and "un-park when it arrives" atomic."""
        await self.session.execute(text("select pg_advisory_xact_lock(hashtext(:o))"), {"o": f"order:{order_id}"})

    async def lock_order_and_merchant(self, order_id: str, merchant_id: str) -> None:
        """``lock_order`` then ``lock_merchant`` in one statement, in that order: every path that
        takes both takes the order's first (refund events, the release of a hold)."""
        await self.session.execute(
            text(
                "select pg_advisory_xact_lock(hashtext(k.key))"
                " from (select key from unnest(cast(:keys as text[])) with ordinality as u(key, position)"
                " order by position) as k"
            ),
            {"keys": [f"order:{order_id}", f"merchant:{merchant_id}"]},
        )

    async def lock_orders(self, order_ids: Sequence[str]) -> None:
        """``lock_order`` for many orders in one statement, in order id order (the order every
        batch takes them in, so two batches sharing orders cannot deadlock on these locks)."""
        await self.session.execute(
            text(
                "select pg_advisory_xact_lock(hashtext('order:' || o.order_id))"
                " from (select order_id from unnest(cast(:orders as text[])) as u(order_id)"
                ' order by order_id collate "C") as o'
            ),
            {"orders": sorted(set(order_ids))},
        )

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

    # --- orders ------------------------------------------------------------------------

    async def add_orders_taking_parked(
        self, orders: Sequence[tuple[SettlementOrder, datetime, str]]
    ) -> dict[str, list[dict[str, Any]]]:
        """Insert (order, placed at, OrderPlaced event id) for orders not known yet and take (delete)
        the events parked for them, in one statement: {each order inserted: its parked envelopes,
        in the order they were parked}. An order known already is left as it is. The caller holds
        the orders' locks, taken in an earlier statement (``lock_orders``)."""
        rows = await self.session.execute(
            _ADD_ORDERS_TAKING_PARKED,
            {
                "orders": json_rows(
                    [
                        {
                            "order_id": order.order_id,
                            "merchant_id": order.merchant_id,
                            "currency": order.currency,
                            "shipping_fee_minor": order.shipping_fee_minor,
                            "shipping_booked": order.shipping_booked,
                            "shipping_refunded_minor": order.shipping_refunded_minor,
                            "commission_booked_minor": order.commission_booked_minor,
                            "commission_reversed_minor": order.commission_reversed_minor,
                            "lines": {line_id: line_to_json(line) for line_id, line in order.lines.items()},
                            "placed_at": placed_at,
                            "placed_event_id": event_id,
                        }
                        for order, placed_at, event_id in sorted(orders, key=lambda entry: entry[0].order_id)
                    ]
                )
            },
        )
        taken: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            parked = taken.setdefault(row.order_id, [])
            if row.envelope is not None:
                parked.append(row.envelope)
        return taken

    async def order(self, order_id: str, *, for_update: bool = False) -> SettlementOrder | None:
        statement = select(SettlementOrderRow).where(col(SettlementOrderRow.order_id) == order_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).scalar_one_or_none()
        return None if row is None else order_from_row(row)

    async def orders_for_sign_off(
        self, order_ids: Sequence[str], sign_off_keys: Sequence[str]
    ) -> tuple[dict[str, SettlementOrder], dict[str, list[PolicyVersion]], set[str]]:
        """What a batch of sign-offs reads, in one query: the known ones of ``order_ids``, locked
        in order id order (rows, not ORM objects: a batch of hundreds pays no ORM bookkeeping;
        write them back with ``save_orders``), their merchants' policy versions (newest first)
        and which of ``sign_off_keys`` are on the ledger already."""
        await self.session.flush()  # an ORM change made earlier in this transaction is read, not lost
        rows = await self.session.execute(
            _ORDERS_FOR_SIGN_OFF, {"orders": sorted(set(order_ids)), "keys": sorted(set(sign_off_keys))}
        )
        orders: dict[str, SettlementOrder] = {}
        policies: dict[str, list[PolicyVersion]] = {}
        posted: set[str] = set()
        for row in rows:
            orders[row.order_id] = order_from_row(row)
            if row.merchant_id not in policies:
                policies[row.merchant_id] = _policy_versions(row.merchant_id, row.policies)
            posted.update(row.posted)
        return orders, policies, posted

    async def save_order(self, order: SettlementOrder) -> None:
        await self.save_orders([order])

    async def save_orders(self, orders: Sequence[SettlementOrder]) -> None:
        """Write the orders' figures back, in one statement whatever their number (an executemany
        is a statement per row to PostgreSQL). The caller holds the orders' row locks."""
        if not orders:
            return
        await self.session.flush()
        await self.session.execute(
            _SAVE_ORDERS,
            {
                "rows": json_rows(
                    [
                        {
                            "order_id": order.order_id,
                            "lines": {line_id: line_to_json(line) for line_id, line in order.lines.items()},
                            "shipping_booked": order.shipping_booked,
                            "shipping_refunded_minor": order.shipping_refunded_minor,
                            "commission_booked_minor": order.commission_booked_minor,
                            "commission_reversed_minor": order.commission_reversed_minor,
                        }
                        for order in orders
                    ]
                )
            },
        )
        self._expire_loaded(SettlementOrderRow, [order.order_id for order in orders])

    def _expire_loaded(self, model: type[SettlementTable], keys: Iterable[str]) -> None:
        """Rows just written with a core statement: an ORM copy this session loaded before must
        be re-read, not served stale (nothing is pending on it: the writers flush first)."""
        identity_map = self.session.sync_session.identity_map
        for key in keys:
            loaded = identity_map.get(identity_key(model, key))
            if loaded is not None:
                self.session.expire(loaded)

    # --- parked events -------------------------------------------------------------------

    async def park(self, order_id: str, envelope: dict[str, Any], reason: str, *, now: datetime) -> None:
        await self.park_many([(order_id, envelope, reason)], now=now)

    async def park_many(self, parked: Sequence[tuple[str, dict[str, Any], str]], *, now: datetime) -> None:
        """Park (order id, envelope, reason) in their order (they are applied in id order);
        an event parked before is skipped."""
        if not parked:
            return
        await self.session.execute(
            insert(ParkedEventRow.__table__).on_conflict_do_nothing(constraint="parked_events_event"),
            [
                {
                    "order_id": order_id,
                    "event_id": str(envelope["event_id"]),
                    "event_type": envelope["event_type"],
                    "envelope": envelope,
                    "reason": reason,
                    "parked_at": now,
                }
                for order_id, envelope, reason in parked
            ],
        )

    async def parked(self) -> list[ParkedEventRow]:
        return list((await self.session.execute(select(ParkedEventRow).order_by(col(ParkedEventRow.id)))).scalars())

    # --- policies ------------------------------------------------------------------------

    async def policy(self, merchant_id: str, at: datetime) -> MerchantPolicy:
        row = (
            await self.session.execute(
                select(MerchantPolicyRow)
                .where(col(MerchantPolicyRow.merchant_id) == merchant_id, col(MerchantPolicyRow.effective_from) <= at)
                .order_by(col(MerchantPolicyRow.version).desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if row is None:
            return MerchantPolicy(merchant_id=merchant_id)
        return policy_from_json(merchant_id, row.version, row.policy)

    async def policy_versions(self, merchant_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        """Every stored version of the merchants' policies, newest first, in one query; pick the
        one in force at a time with ``policy_in_force``."""
        rows = await self.session.execute(
            select(MerchantPolicyRow)
            .where(any_of(col(MerchantPolicyRow.merchant_id), sorted(set(merchant_ids))))
            .order_by(col(MerchantPolicyRow.merchant_id), col(MerchantPolicyRow.version).desc())
        )
        versions: dict[str, list[PolicyVersion]] = {}
        for row in rows.scalars():
            versions.setdefault(row.merchant_id, []).append(
                PolicyVersion(row.effective_from, policy_from_json(row.merchant_id, row.version, row.policy))
            )
        return versions

    async def add_policy(self, policy: MerchantPolicy, *, by: str, now: datetime) -> MerchantPolicy:
        latest = await self.session.scalar(
            select(func.max(col(MerchantPolicyRow.version))).where(
                col(MerchantPolicyRow.merchant_id) == policy.merchant_id
            )
        )
        version = (latest or 0) + 1
        self.session.add(
            MerchantPolicyRow(
                merchant_id=policy.merchant_id,
                version=version,
                policy=policy_to_json(policy),
                effective_from=now,
                created_by=by,
            )
        )
        await self.session.flush()
        return policy_from_json(policy.merchant_id, version, policy_to_json(policy))

    # --- holds ---------------------------------------------------------------------------

    async def add_holds(self, holds: Sequence[NewHold]) -> None:
        """New holds in one statement whatever their number (plain values, not ORM objects:
        building hundreds of those costs more than the statement)."""
        if not holds:
            return
        await self.session.execute(_ADD_HOLDS, {"rows": json_rows([dict(vars(hold)) for hold in holds])})

    async def hold(self, hold_id: str, *, for_update: bool = False) -> HoldRow | None:
        statement = select(HoldRow).where(col(HoldRow.hold_id) == hold_id)
        if for_update:  # re-read: the row may have changed since this session first loaded it
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def claim_due_hold(self, hold_id: str, *, now: datetime) -> DueHold | None:
        """The hold falling due now, in one statement: released (``released_at`` now) unless a
        refund of its order is open, then frozen (``frozen_at``, kept if set before); None if it
        is unknown or released already. The caller holds the order's lock, taken in an earlier
        statement so that this one's snapshot sees every refund opened before it."""
        row = (await self.session.execute(_CLAIM_DUE_HOLD, {"hold_id": hold_id, "now": now})).first()
        if row is None:
            return None
        self._expire_loaded(HoldRow, [hold_id])
        return DueHold(
            hold_id=row.hold_id,
            merchant_id=row.merchant_id,
            order_id=row.order_id,
            amount_minor=row.amount_minor,
            reversed_minor=row.reversed_minor,
            policy_version=row.policy_version,
            signed_off_at=row.signed_off_at,
            frozen_at=row.frozen_at,
            currency=row.currency or "CNY",
            refund_open=row.refund_open,
        )

    async def release_facts(self, merchant_id: str) -> ReleaseFacts:
        """``release_facts_of`` for one merchant."""
        return (await self.release_facts_of([merchant_id]))[merchant_id]

    async def release_facts_of(self, merchant_ids: Sequence[str]) -> dict[str, ReleaseFacts]:
        """What releases and the merchants' automatic applications depend on, in one query: the
        policy versions, available and negative balances, the most recently verified account,
        whether it was paid to before, a risk flag, a webhook endpoint. The caller holds the
        merchants' locks: only their own movements can take from available until it commits."""
        merchants = sorted(set(merchant_ids))
        rows = await self.session.execute(
            _RELEASE_FACTS,
            {
                "merchants": merchants,
                "available": [merchant_account(m, MerchantAccount.AVAILABLE) for m in merchants],
                "negative": [merchant_account(m, MerchantAccount.NEGATIVE_BALANCE) for m in merchants],
            },
        )
        return {
            row.merchant_id: ReleaseFacts(
                policies=_policy_versions(row.merchant_id, row.policies),
                available_minor=row.available_minor or 0,
                negative_balance_minor=row.negative_balance_minor or 0,
                bank_account_id=row.bank_account_id,
                paid_to_account_before=bool(row.paid_before),
                risk_flagged=row.risk_flagged,
                has_webhook_endpoint=row.has_webhook_endpoint,
            )
            for row in rows
        }

    async def try_lock_merchants(
        self, merchant_ids: Sequence[str], *, orders: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        """(the merchants whose ``lock_merchant`` lock this took without waiting, the ones of
        ``orders`` with an open refund), in one statement. For a path that holds order locks
        already: it never waits for a merchant's lock, so it cannot deadlock with a path that
        takes an order's lock after a merchant's (the timers' batch of hold releases). The
        caller holds the orders' locks, taken in an earlier statement, so the refunds read are
        current."""
        rows = (
            await self.session.execute(
                _TRY_LOCK_MERCHANTS, {"merchants": sorted(set(merchant_ids)), "orders": sorted(set(orders))}
            )
        ).all()
        locked = {row.merchant_id for row in rows if row.locked}
        return locked, set(rows[0].open_refund_orders or ()) if rows else set()

    async def holds_of_order(self, order_id: str) -> list[HoldRow]:
        rows = await self.session.execute(
            select(HoldRow).where(col(HoldRow.order_id) == order_id).order_by(col(HoldRow.release_at))
        )
        return list(rows.scalars())

    async def unreleased_holds(self, order_id: str) -> list[HoldRow]:
        """The order's holds still in pending, locked, latest release first."""
        rows = await self.session.execute(
            select(HoldRow)
            .where(col(HoldRow.order_id) == order_id, col(HoldRow.released_at).is_(None))
            .order_by(col(HoldRow.release_at).desc(), col(HoldRow.hold_id))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(rows.scalars())

    # --- refunds -------------------------------------------------------------------------

    async def refund(self, refund_id: str, *, for_update: bool = False) -> RefundRow | None:
        statement = select(RefundRow).where(col(RefundRow.refund_id) == refund_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def add_refund(self, refund: RefundRow) -> None:
        self.session.add(refund)
        await self.session.flush()

    async def open_refunds(self, order_id: str) -> list[RefundRow]:
        rows = await self.session.execute(
            select(RefundRow).where(col(RefundRow.order_id) == order_id, col(RefundRow.status) == "open")
        )
        return list(rows.scalars())

    async def refunds_of_order(self, order_id: str) -> list[RefundRow]:
        rows = await self.session.execute(
            select(RefundRow)
            .where(col(RefundRow.order_id) == order_id)
            .order_by(col(RefundRow.opened_at), col(RefundRow.refund_id))
        )
        return list(rows.scalars())

    # --- order progress (ETA and blockers) ---------------------------------------------------

    async def progress_for_update(self, merchant_by_order: Mapping[str, str], *, now: datetime) -> dict[str, Row[Any]]:
        """The orders' progress rows (plain rows), locked in order id order; each created empty
        (with the merchant given) if this is its order's first event. One round trip when every
        row exists (an order's first event, OrderPlaced, creates it), three otherwise; write them
        back with ``save_progress``."""
        await self.session.flush()  # an ORM change made earlier in this transaction is read, not lost
        rows = {row.order_id: row for row in await self._locked_progress(sorted(merchant_by_order))}
        missing = {order_id: merchant for order_id, merchant in merchant_by_order.items() if order_id not in rows}
        if missing:
            await self._create_progress_rows(missing, now=now)
            rows.update({row.order_id: row for row in await self._locked_progress(sorted(missing))})
        return rows

    async def _locked_progress(self, order_ids: Sequence[str]) -> Sequence[Row[Any]]:
        result = await self.session.execute(
            select(_PROGRESS)
            .where(any_of(_PROGRESS.c.order_id, order_ids))
            .order_by(_PROGRESS.c.order_id.collate("C"))
            .with_for_update()
        )
        return list(result)

    async def add_progress_rows(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any]]], *, now: datetime
    ) -> set[str]:
        """Rows for orders that have none yet, written whole (progress, figures) in one statement;
        returns the orders whose row this created (another order's row exists already)."""
        if not progress:
            return set()
        inserted = await self.session.execute(
            insert(_PROGRESS)
            .values(
                [
                    {
                        "order_id": order.order_id,
                        "merchant_id": order.merchant_id,
                        **progress_columns(order),
                        "figures": figures,
                        "bookings": {},
                        "updated_at": now,
                    }
                    for order, figures in progress
                ]
            )
            .on_conflict_do_nothing(index_elements=["order_id"])
            .returning(_PROGRESS.c.order_id)
        )
        return set(inserted.scalars())

    async def save_progress(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any], dict[str, Any]]], *, now: datetime
    ) -> None:
        """Write (progress, bookings, figures) back to the orders' rows, in one statement whatever
        their number. The caller holds the rows' locks (``progress_for_update``)."""
        if not progress:
            return
        await self.session.execute(
            _SAVE_PROGRESS,
            {
                "rows": json_rows(
                    [
                        {
                            "order_id": order.order_id,
                            **progress_columns(order),
                            "figures": figures,
                            "bookings": bookings,
                            "updated_at": now,
                        }
                        for order, bookings, figures in progress
                    ]
                )
            },
        )
        self._expire_loaded(OrderProgressRow, [order.order_id for order, _, _ in progress])

    async def _create_progress_rows(self, merchant_by_order: Mapping[str, str], *, now: datetime) -> None:
        await self.session.execute(
            insert(_PROGRESS).on_conflict_do_nothing(index_elements=["order_id"]),
            [
                {
                    "order_id": order_id,
                    "merchant_id": merchant_by_order[order_id],
                    "shipments": {},
                    "figures": {},
                    "bookings": {},
                    "updated_at": now,
                }
                for order_id in sorted(merchant_by_order)
            ],
        )

    async def progress_rows(
        self, *, order_id: str | None = None, merchant_id: str | None = None
    ) -> list[OrderProgressRow]:
        statement = select(OrderProgressRow)
        if order_id is not None:
            statement = statement.where(col(OrderProgressRow.order_id) == order_id)
        if merchant_id is not None:
            statement = statement.where(col(OrderProgressRow.merchant_id) == merchant_id)
        return list((await self.session.execute(statement.order_by(col(OrderProgressRow.order_id)))).scalars())

    async def orders_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[SettlementOrder]:
        """The merchant's orders (or the one of them), in one query."""
        statement = select(_ORDERS).where(_ORDERS.c.merchant_id == merchant_id)
        if order_id is not None:
            statement = statement.where(_ORDERS.c.order_id == order_id)
        return [order_from_row(row) for row in await self.session.execute(statement.order_by(_ORDERS.c.order_id))]

    async def holds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[HoldRow]:
        statement = select(HoldRow).where(col(HoldRow.merchant_id) == merchant_id)
        if order_id is not None:
            statement = statement.where(col(HoldRow.order_id) == order_id)
        return list((await self.session.execute(statement.order_by(col(HoldRow.release_at)))).scalars())

    async def refunds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[RefundRow]:
        statement = select(RefundRow).where(col(RefundRow.merchant_id) == merchant_id)
        if order_id is not None:
            statement = statement.where(col(RefundRow.order_id) == order_id)
        return list((await self.session.execute(statement)).scalars())


# Arrays in, one statement whatever the batch size: the SQL text stays the same, so asyncpg's
# prepared statement is reused, and each statement fires the balance trigger once.
_ORDERS = SettlementOrderRow.__table__
_PROGRESS = OrderProgressRow.__table__
_TRANSACTIONS = LedgerTransactionRow.__table__
_POSTINGS = LedgerPostingRow.__table__
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


_ADD_ORDERS_TAKING_PARKED = text(
    """
    with inserted as (
        insert into settlement_orders (order_id, merchant_id, currency, shipping_fee_minor, shipping_booked,
                                       shipping_refunded_minor, commission_booked_minor, commission_reversed_minor,
                                       lines, placed_at, placed_event_id)
        select o.order_id, o.merchant_id, o.currency, o.shipping_fee_minor, o.shipping_booked,
               o.shipping_refunded_minor, o.commission_booked_minor, o.commission_reversed_minor,
               o.lines, o.placed_at, o.placed_event_id
        from jsonb_to_recordset(cast(:orders as jsonb)) as o(
            order_id text, merchant_id text, currency text, shipping_fee_minor bigint, shipping_booked boolean,
            shipping_refunded_minor bigint, commission_booked_minor bigint, commission_reversed_minor bigint,
            lines jsonb, placed_at timestamptz, placed_event_id text)
        order by o.order_id collate "C"
        on conflict (order_id) do nothing
        returning order_id
    ), taken as (
        delete from parked_events p using inserted i where p.order_id = i.order_id
        returning p.id, p.order_id, p.envelope
    )
    select i.order_id, t.envelope
    from inserted i left join taken t on t.order_id = i.order_id
    order by i.order_id, t.id
    """
).columns(envelope=JSONB)
_ORDERS_FOR_SIGN_OFF = text(
    """
    select o.*,
           array(select t.tx_key from ledger_transactions t
                 where t.tx_key = any(cast(:keys as text[])) and t.order_id = o.order_id) as posted,
           (select coalesce(json_agg(json_build_object('version', p.version, 'effective_from', p.effective_from,
                                                       'policy', p.policy) order by p.version desc), '[]')
            from merchant_policies p where p.merchant_id = o.merchant_id) as policies
    from settlement_orders o
    where o.order_id = any(cast(:orders as text[]))
    order by o.order_id collate "C"
    for update of o
    """
).columns(lines=JSONB, policies=JSONB)
_SAVE_ORDERS = text(
    """
    update settlement_orders o
    set lines = r.lines, shipping_booked = r.shipping_booked, shipping_refunded_minor = r.shipping_refunded_minor,
        commission_booked_minor = r.commission_booked_minor, commission_reversed_minor = r.commission_reversed_minor
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        order_id text, lines jsonb, shipping_booked boolean, shipping_refunded_minor bigint,
        commission_booked_minor bigint, commission_reversed_minor bigint)
    where o.order_id = r.order_id
    """
)
_SAVE_PROGRESS = text(
    """
    update order_progress p
    set placed_at = r.placed_at, confirmed_at = r.confirmed_at, cancelled_at = r.cancelled_at,
        shipments = r.shipments, figures = r.figures, bookings = r.bookings, updated_at = r.updated_at
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        order_id text, placed_at timestamptz, confirmed_at timestamptz, cancelled_at timestamptz,
        shipments jsonb, figures jsonb, bookings jsonb, updated_at timestamptz)
    where p.order_id = r.order_id
    """
)
_ADD_HOLDS = text(
    """
    insert into holds (hold_id, merchant_id, order_id, shipment_id, amount_minor, policy_version, signed_off_at,
                       release_at, released_at)
    select h.hold_id, h.merchant_id, h.order_id, h.shipment_id, h.amount_minor, h.policy_version, h.signed_off_at,
           h.release_at, h.released_at
    from jsonb_to_recordset(cast(:rows as jsonb)) as h(
        hold_id text, merchant_id text, order_id text, shipment_id text, amount_minor bigint, policy_version integer,
        signed_off_at timestamptz, release_at timestamptz, released_at timestamptz)
    order by h.hold_id
    """
)
_CLAIM_DUE_HOLD = text(
    """
    update holds h
    set released_at = case when facts.refund_open then null else cast(:now as timestamptz) end,
        frozen_at = case when facts.refund_open then coalesce(h.frozen_at, cast(:now as timestamptz)) else h.frozen_at end
    from (
        select held.hold_id,
               exists(select 1 from settlement_refunds r where r.order_id = held.order_id and r.status = 'open')
                   as refund_open,
               (select o.currency from settlement_orders o where o.order_id = held.order_id) as currency
        from holds held where held.hold_id = :hold_id
    ) facts
    where h.hold_id = facts.hold_id and h.released_at is null
    returning h.hold_id, h.merchant_id, h.order_id, h.amount_minor, h.reversed_minor, h.policy_version,
              h.signed_off_at, h.frozen_at, facts.currency, facts.refund_open
    """
)
_RELEASE_FACTS = text(
    """
    select
        m.merchant_id,
        (select coalesce(json_agg(json_build_object('version', p.version, 'effective_from', p.effective_from,
                                                    'policy', p.policy) order by p.version desc), '[]')
         from merchant_policies p where p.merchant_id = m.merchant_id) as policies,
        (select b.balance_minor from account_balances b where b.account_id = m.available) as available_minor,
        (select b.balance_minor from account_balances b where b.account_id = m.negative) as negative_balance_minor,
        account.bank_account_id,
        exists(select 1 from settlement_applications a
               where a.bank_account_id = account.bank_account_id and a.status = 'paid') as paid_before,
        exists(select 1 from merchant_flags f where f.merchant_id = m.merchant_id) as risk_flagged,
        exists(select 1 from merchant_webhook_endpoints e where e.merchant_id = m.merchant_id) as has_webhook_endpoint
    from unnest(cast(:merchants as text[]), cast(:available as text[]), cast(:negative as text[]))
        as m(merchant_id, available, negative)
    left join lateral (
        select bank_account_id from bank_accounts
        where merchant_id = m.merchant_id and status = 'verified'
        order by verified_at desc limit 1
    ) account on true
    """
).columns(policies=JSONB)
_TRY_LOCK_MERCHANTS = text(
    """
    select m.merchant_id, pg_try_advisory_xact_lock(hashtext('merchant:' || m.merchant_id)) as locked,
           (select array_agg(distinct r.order_id) from settlement_refunds r
            where r.order_id = any(cast(:orders as text[])) and r.status = 'open') as open_refund_orders
    from (select merchant_id from unnest(cast(:merchants as text[])) as u(merchant_id)
          order by merchant_id collate "C") as m
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


def line_to_json(line: SettlementLine) -> dict[str, Any]:
    """What ``dataclasses.asdict`` gives (the stored form), without its deep copies: this runs for
    every line of every order a batch signs off."""
    return {
        "line_id": line.line_id,
        "category": line.category,
        "quantity": line.quantity,
        "paid_minor": line.paid_minor,
        "subsidy_minor": line.subsidy_minor,
        "commission_base_minor": line.commission_base_minor,
        "units_signed_off": line.units_signed_off,
        "units_refunded": line.units_refunded,
        "booked_bp": list(line.booked_bp),
    }


def order_from_row(row: SettlementOrderRow | Row[Any]) -> SettlementOrder:
    return SettlementOrder(
        order_id=row.order_id,
        merchant_id=row.merchant_id,
        currency=row.currency,
        shipping_fee_minor=row.shipping_fee_minor,
        lines={
            line_id: SettlementLine(**{**line, "booked_bp": tuple(line.get("booked_bp", ()))})
            for line_id, line in row.lines.items()
        },
        shipping_booked=row.shipping_booked,
        shipping_refunded_minor=row.shipping_refunded_minor,
        commission_booked_minor=row.commission_booked_minor,
        commission_reversed_minor=row.commission_reversed_minor,
    )


@dataclass(frozen=True)
class NewHold:
    """A hold as a sign-off creates it (the columns of ``HoldRow`` it sets)."""

    hold_id: str
    merchant_id: str
    order_id: str
    shipment_id: str
    amount_minor: int
    policy_version: int
    signed_off_at: datetime
    release_at: datetime
    released_at: datetime | None = None  # released in the sign-off's own transaction (due at once)


@dataclass(frozen=True)
class DueHold:
    """A hold as its release reads it (``claim_due_hold``), or as a frozen one is released."""

    hold_id: str
    merchant_id: str
    order_id: str
    amount_minor: int
    reversed_minor: int
    policy_version: int
    signed_off_at: datetime
    frozen_at: datetime | None
    currency: str
    refund_open: bool = False

    @classmethod
    def of(cls, hold: HoldRow, currency: str) -> DueHold:
        return cls(
            hold_id=hold.hold_id,
            merchant_id=hold.merchant_id,
            order_id=hold.order_id,
            amount_minor=hold.amount_minor,
            reversed_minor=hold.reversed_minor,
            policy_version=hold.policy_version,
            signed_off_at=hold.signed_off_at,
            frozen_at=hold.frozen_at,
            currency=currency,
        )


@dataclass(frozen=True)
class ReleaseFacts:
    policies: list[PolicyVersion]  # newest first, as ``policy_in_force`` takes them
    available_minor: int
    negative_balance_minor: int
    bank_account_id: str | None  # the most recently verified account, the automatic application's
    paid_to_account_before: bool
    risk_flagged: bool
    has_webhook_endpoint: bool


@dataclass(frozen=True)
class PolicyVersion:
    effective_from: datetime
    policy: MerchantPolicy


def _policy_versions(merchant_id: str, versions: Sequence[Mapping[str, Any]]) -> list[PolicyVersion]:
    """A merchant's policy versions from their JSON form in a query (newest first, as built there)."""
    return [
        PolicyVersion(
            datetime.fromisoformat(version["effective_from"]),
            policy_from_json(merchant_id, version["version"], version["policy"]),
        )
        for version in versions
    ]


def policy_in_force(versions: Sequence[PolicyVersion], merchant_id: str, at: datetime) -> MerchantPolicy:
    """The newest version in force at ``at`` (``versions`` newest first), else the platform
    default: what ``SettlementRepository.policy`` answers, without a query."""
    for version in versions:
        if version.effective_from <= at:
            return version.policy
    return MerchantPolicy(merchant_id=merchant_id)


def progress_from_row(row: OrderProgressRow | Row[Any]) -> OrderProgress:
    return OrderProgress(
        order_id=row.order_id,
        merchant_id=row.merchant_id,
        placed_at=row.placed_at,
        confirmed_at=row.confirmed_at,
        cancelled_at=row.cancelled_at,
        shipments={
            shipment_id: ShipmentProgress(
                shipment_id=shipment_id,
                tracking_number=shipment.get("tracking_number"),
                status=shipment.get("status", "dispatched"),
                status_at=_when(shipment.get("status_at")),
                dispatched_at=_when(shipment.get("dispatched_at")),
                delivered_at=_when(shipment.get("delivered_at")),
                signed_off_at=_when(shipment.get("signed_off_at")),
                lines={line_id: int(units) for line_id, units in shipment.get("lines", {}).items()},
                flags=dict(shipment.get("flags", {})),
            )
            for shipment_id, shipment in row.shipments.items()
        },
    )


def progress_columns(progress: OrderProgress) -> dict[str, Any]:
    """The progress row's columns that ``progress`` moves (all but figures and bookings)."""
    return {
        "placed_at": progress.placed_at,
        "confirmed_at": progress.confirmed_at,
        "cancelled_at": progress.cancelled_at,
        "shipments": {
            shipment_id: {
                "tracking_number": shipment.tracking_number,
                "status": shipment.status,
                "status_at": _iso(shipment.status_at),
                "dispatched_at": _iso(shipment.dispatched_at),
                "delivered_at": _iso(shipment.delivered_at),
                "signed_off_at": _iso(shipment.signed_off_at),
                "lines": shipment.lines,
                "flags": shipment.flags,
            }
            for shipment_id, shipment in progress.shipments.items()
        },
    }


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def policy_to_json(policy: MerchantPolicy) -> dict[str, Any]:
    document = asdict(policy)
    document.pop("merchant_id")
    document.pop("version")
    document["cycle"] = policy.cycle.value
    return document


def policy_from_json(merchant_id: str, version: int, document: dict[str, Any]) -> MerchantPolicy:
    return MerchantPolicy(
        merchant_id=merchant_id, version=version, **{**document, "cycle": SettlementCycle(document["cycle"])}
    )
