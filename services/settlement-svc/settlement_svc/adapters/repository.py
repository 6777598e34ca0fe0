"""The ledger, settlement orders, policies, holds and parked events in PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
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
)
from settlement_svc.domain.ledger import LedgerTransaction, MerchantAccount, merchant_account
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy, SettlementCycle
from settlement_svc.domain.progress import OrderProgress, ShipmentProgress
from shipsettle_shared import contracts
from shipsettle_shared.outbox import add_to_outbox


class SettlementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- ledger ------------------------------------------------------------------------

    async def post(self, transaction: LedgerTransaction, *, now: datetime) -> bool:
        """Append a balanced transaction; False if its key was posted before (idempotent)."""
        inserted = await self.session.execute(
            insert(LedgerTransactionRow)
            .values(
                tx_key=transaction.key,
                kind=transaction.kind,
                merchant_id=transaction.merchant_id,
                order_id=transaction.order_id,
                description=transaction.description,
                caused_by_event_id=transaction.caused_by_event_id,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["tx_key"])
            .returning(LedgerTransactionRow.id)
        )
        tx_id = inserted.scalar_one_or_none()
        if tx_id is None:
            return False
        if not transaction.postings:
            return True  # nothing moved (e.g. a sign-off of units refunded before): the key is kept
        await self.session.execute(
            insert(LedgerPostingRow),
            [
                {"tx_id": tx_id, "account_id": p.account_id, "amount_minor": p.amount_minor}
                for p in transaction.postings
            ],
        )
        # Published with the postings, in the same database transaction: recon's copy of the
        # ledger can then never miss or invent a movement.
        await add_to_outbox(
            self.session,
            contracts.LedgerTransactionPosted(
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
            ),
            producer="settlement-svc",
            occurred_at=now,
        )
        return True

    async def merchant_balances(self, merchant_id: str) -> dict[str, int]:
        accounts = {merchant_account(merchant_id, kind): kind.value for kind in MerchantAccount}
        rows = await self.session.execute(
            select(AccountBalanceRow).where(AccountBalanceRow.account_id.in_(list(accounts)))
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

    async def transactions_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[dict[str, Any]]:
        statement = select(LedgerTransactionRow).where(LedgerTransactionRow.merchant_id == merchant_id)
        if order_id is not None:
            statement = statement.where(LedgerTransactionRow.order_id == order_id)
        transactions = list((await self.session.execute(statement.order_by(LedgerTransactionRow.id))).scalars())
        if not transactions:
            return []
        postings = (
            await self.session.execute(
                select(LedgerPostingRow)
                .where(LedgerPostingRow.tx_id.in_([tx.id for tx in transactions]))
                .order_by(LedgerPostingRow.id)
            )
        ).scalars()
        by_tx: dict[int, list[dict[str, Any]]] = {}
        for posting in postings:
            by_tx.setdefault(posting.tx_id, []).append(
                {"account_id": posting.account_id, "amount_minor": posting.amount_minor}
            )
        return [
            {
                "tx_key": tx.tx_key,
                "kind": tx.kind,
                "order_id": tx.order_id,
                "description": tx.description,
                "caused_by_event_id": tx.caused_by_event_id,
                "created_at": tx.created_at.isoformat(),
                "postings": by_tx.get(tx.id or 0, []),
            }
            for tx in transactions
        ]

    async def unbalanced_transactions(self) -> list[str]:
        rows = await self.session.execute(
            select(LedgerTransactionRow.tx_key)
            .join(LedgerPostingRow, LedgerPostingRow.tx_id == LedgerTransactionRow.id)
            .group_by(LedgerTransactionRow.tx_key)
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

    async def add_order(self, order: SettlementOrder, *, placed_at: datetime, event_id: str) -> bool:
        inserted = await self.session.execute(
            insert(SettlementOrderRow)
            .values(
                order_id=order.order_id,
                merchant_id=order.merchant_id,
                currency=order.currency,
                shipping_fee_minor=order.shipping_fee_minor,
                shipping_booked=order.shipping_booked,
                shipping_refunded_minor=order.shipping_refunded_minor,
                commission_booked_minor=order.commission_booked_minor,
                commission_reversed_minor=order.commission_reversed_minor,
                lines={line_id: asdict(line) for line_id, line in order.lines.items()},
                placed_at=placed_at,
                placed_event_id=event_id,
            )
            .on_conflict_do_nothing(index_elements=["order_id"])
            .returning(SettlementOrderRow.order_id)
        )
        return inserted.first() is not None

    async def order(self, order_id: str, *, for_update: bool = False) -> SettlementOrder | None:
        statement = select(SettlementOrderRow).where(SettlementOrderRow.order_id == order_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).scalar_one_or_none()
        if row is None:
            return None
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

    async def save_order(self, order: SettlementOrder) -> None:
        row = (
            await self.session.execute(select(SettlementOrderRow).where(SettlementOrderRow.order_id == order.order_id))
        ).scalar_one()
        row.lines = {line_id: asdict(line) for line_id, line in order.lines.items()}
        row.shipping_booked = order.shipping_booked
        row.shipping_refunded_minor = order.shipping_refunded_minor
        row.commission_booked_minor = order.commission_booked_minor
        row.commission_reversed_minor = order.commission_reversed_minor
        await self.session.flush()

    # --- parked events -------------------------------------------------------------------

    async def park(self, order_id: str, envelope: dict[str, Any], reason: str, *, now: datetime) -> None:
        await self.session.execute(
            insert(ParkedEventRow)
            .values(
                order_id=order_id,
                event_id=str(envelope["event_id"]),
                event_type=envelope["event_type"],
                envelope=envelope,
                reason=reason,
                parked_at=now,
            )
            .on_conflict_do_nothing(constraint="parked_events_event")
        )

    async def take_parked(self, order_id: str) -> list[dict[str, Any]]:
        rows = list(
            (
                await self.session.execute(
                    select(ParkedEventRow)
                    .where(ParkedEventRow.order_id == order_id)
                    .order_by(ParkedEventRow.id)
                    .with_for_update()
                )
            ).scalars()
        )
        for row in rows:
            await self.session.delete(row)
        await self.session.flush()
        return [row.envelope for row in rows]

    async def parked(self) -> list[ParkedEventRow]:
        return list((await self.session.execute(select(ParkedEventRow).order_by(ParkedEventRow.id))).scalars())

    # --- policies ------------------------------------------------------------------------

    async def policy(self, merchant_id: str, at: datetime) -> MerchantPolicy:
        row = (
            await self.session.execute(
                select(MerchantPolicyRow)
                .where(MerchantPolicyRow.merchant_id == merchant_id, MerchantPolicyRow.effective_from <= at)
                .order_by(MerchantPolicyRow.version.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if row is None:
            return MerchantPolicy(merchant_id=merchant_id)
        return policy_from_json(merchant_id, row.version, row.policy)

    async def add_policy(self, policy: MerchantPolicy, *, by: str, now: datetime) -> MerchantPolicy:
        latest = await self.session.scalar(
            select(func.max(MerchantPolicyRow.version)).where(MerchantPolicyRow.merchant_id == policy.merchant_id)
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

    async def add_hold(self, hold: HoldRow) -> None:
        self.session.add(hold)
        await self.session.flush()

    async def hold(self, hold_id: str, *, for_update: bool = False) -> HoldRow | None:
        statement = select(HoldRow).where(HoldRow.hold_id == hold_id)
        if for_update:  # re-read: the row may have changed since this session first loaded it
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def holds_of_order(self, order_id: str) -> list[HoldRow]:
        rows = await self.session.execute(
            select(HoldRow).where(HoldRow.order_id == order_id).order_by(HoldRow.release_at)
        )
        return list(rows.scalars())

    async def unreleased_holds(self, order_id: str) -> list[HoldRow]:
        """The order's holds still in pending, locked, latest release first."""
        rows = await self.session.execute(
            select(HoldRow)
            .where(HoldRow.order_id == order_id, HoldRow.released_at.is_(None))
            .order_by(HoldRow.release_at.desc(), HoldRow.hold_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(rows.scalars())

    # --- refunds -------------------------------------------------------------------------

    async def refund(self, refund_id: str, *, for_update: bool = False) -> RefundRow | None:
        statement = select(RefundRow).where(RefundRow.refund_id == refund_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def add_refund(self, refund: RefundRow) -> None:
        self.session.add(refund)
        await self.session.flush()

    async def open_refunds(self, order_id: str) -> list[RefundRow]:
        rows = await self.session.execute(
            select(RefundRow).where(RefundRow.order_id == order_id, RefundRow.status == "open")
        )
        return list(rows.scalars())

    async def refunds_of_order(self, order_id: str) -> list[RefundRow]:
        rows = await self.session.execute(
            select(RefundRow).where(RefundRow.order_id == order_id).order_by(RefundRow.opened_at, RefundRow.refund_id)
        )
        return list(rows.scalars())

    # --- order progress (ETA and blockers) ---------------------------------------------------

    async def progress_row(self, order_id: str, merchant_id: str, *, now: datetime) -> OrderProgressRow:
        """The order's progress row, locked; created empty if this is its first event."""
        await self.session.execute(
            insert(OrderProgressRow)
            .values(order_id=order_id, merchant_id=merchant_id, shipments={}, figures={}, bookings={}, updated_at=now)
            .on_conflict_do_nothing(index_elements=["order_id"])
        )
        statement = (
            select(OrderProgressRow)
            .where(col(OrderProgressRow.order_id) == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def progress_rows(
        self, *, order_id: str | None = None, merchant_id: str | None = None
    ) -> list[OrderProgressRow]:
        statement = select(OrderProgressRow)
        if order_id is not None:
            statement = statement.where(col(OrderProgressRow.order_id) == order_id)
        if merchant_id is not None:
            statement = statement.where(col(OrderProgressRow.merchant_id) == merchant_id)
        return list((await self.session.execute(statement.order_by(col(OrderProgressRow.order_id)))).scalars())

    async def orders_of_merchant(self, merchant_id: str) -> list[SettlementOrder]:
        rows = await self.session.execute(
            select(col(SettlementOrderRow.order_id)).where(col(SettlementOrderRow.merchant_id) == merchant_id)
        )
        orders = [await self.order(order_id) for order_id in rows.scalars()]
        return [order for order in orders if order is not None]

    async def holds_of_merchant(self, merchant_id: str) -> list[HoldRow]:
        rows = await self.session.execute(
            select(HoldRow).where(col(HoldRow.merchant_id) == merchant_id).order_by(col(HoldRow.release_at))
        )
        return list(rows.scalars())

    async def refunds_of_merchant(self, merchant_id: str) -> list[RefundRow]:
        rows = await self.session.execute(select(RefundRow).where(col(RefundRow.merchant_id) == merchant_id))
        return list(rows.scalars())


def progress_from_row(row: OrderProgressRow) -> OrderProgress:
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
            )
            for shipment_id, shipment in row.shipments.items()
        },
    )


def progress_to_row(progress: OrderProgress, row: OrderProgressRow, *, now: datetime) -> None:
    row.placed_at = progress.placed_at
    row.confirmed_at = progress.confirmed_at
    row.cancelled_at = progress.cancelled_at
    row.shipments = {
        shipment_id: {
            "tracking_number": shipment.tracking_number,
            "status": shipment.status,
            "status_at": _iso(shipment.status_at),
            "dispatched_at": _iso(shipment.dispatched_at),
            "delivered_at": _iso(shipment.delivered_at),
            "signed_off_at": _iso(shipment.signed_off_at),
            "lines": shipment.lines,
        }
        for shipment_id, shipment in progress.shipments.items()
    }
    row.updated_at = now


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
