"""Advisory locks that order settlement's money movements: per order and per merchant, taken in
one order by every path (order before merchant) so two paths never deadlock."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class Locks:
    """The transaction's advisory locks on orders and merchants."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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


_TRY_LOCK_MERCHANTS = text(
    """
    select m.merchant_id, pg_try_advisory_xact_lock(hashtext('merchant:' || m.merchant_id)) as locked,
           (select array_agg(distinct r.order_id) from settlement_refunds r
            where r.order_id = any(cast(:orders as text[])) and r.status = 'open') as open_refund_orders
    from (select merchant_id from unnest(cast(:merchants as text[])) as u(merchant_id)
          order by merchant_id collate "C") as m
    """
)
