"""In-memory fakes of order-svc's storage for the service layer's tests (the real ones:
adapters/order_statements.py, adapters/unit_of_work.py; their protocols:
service_layer/unit_of_work.py), and the order they use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from unit.fake_session_work import FakeSessionWork

from order_svc.adapters.order_statements import LoadedOrder, PlacementRefused, UsedKey
from order_svc.domain.orders import Consignee, Order, OrderLine, Payment
from order_svc.domain.pricing import LineInput, price_order
from order_svc.service_layer.unit_of_work import OrderUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.field_crypto import LocalKeyring
from shipsettle_shared.outbox import StagedEvent
from shipsettle_shared.settings import DEVELOPMENT_PII_KEYRING

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CONSIGNEE = Consignee("张三", "13812345678", "浙江省", "杭州市", "西湖区", "文三路 90 号", "310012")


def placed_order(order_id: str = "PO-1", *, merchant_id: str = "m-1") -> Order:
    """Two tins of tea at 128.00, paid 256.00 by Alipay."""
    return Order(
        order_id=order_id,
        merchant_id=merchant_id,
        buyer_ref="buyer-42",
        currency="CNY",
        lines=(OrderLine("L1", "TEA-1", "龙井", "500g/罐", 2, "tea"),),
        priced=price_order([LineInput("L1", "TEA-1", 2, 12800, 1300, "tea")], [], 0),
        consignee=CONSIGNEE,
        payment=Payment("alipay", f"ALI-{order_id}", 25600, NOW),
        placed_at=NOW,
    )


def payload_of(staged: StagedEvent) -> contracts.EventPayload:
    envelope = staged.envelope
    return contracts.read_payload(envelope.payload, contracts.EVENT_PAYLOADS[envelope.event_type])


class FakeOrderStatements:
    """OrderStatements in memory: orders with a row version that every write moves, Idempotency-
    Keys with their answers, the events announced. The next ``losses`` shipping changes lose a
    race: another writer moves the order first, and the write finds it changed (False)."""

    def __init__(self, *orders: Order, losses: int = 0) -> None:
        # the consignee goes on the bus sealed under the keyring's KEK (no database needed)
        self.kms = LocalKeyring.parse(DEVELOPMENT_PII_KEYRING)
        self.orders = {order.order_id: order for order in orders}
        self.versions = dict.fromkeys(self.orders, 1)
        self.keys: dict[tuple[str, str], UsedKey] = {}
        self.events: list[contracts.EventPayload] = []
        self.shipping_changes: list[tuple[str, str, str, str]] = []  # order, change, by, reason
        self.losses = losses
        self.loads = 0

    async def place(
        self,
        order: Order,
        announcement: StagedEvent,
        *,
        principal_key_id: str,
        idempotency_key: str,
        request_hash: str,
        answer: tuple[int, dict[str, Any]],
    ) -> None:
        payments = {placed.payment.transaction_id for placed in self.orders.values()}
        if (
            order.order_id in self.orders
            or order.payment.transaction_id in payments
            or (principal_key_id, idempotency_key) in self.keys
        ):
            raise PlacementRefused(f"taken: {order.order_id}")
        self.orders[order.order_id] = order
        self.versions[order.order_id] = 1
        self.keys[principal_key_id, idempotency_key] = UsedKey(request_hash, *answer)
        self.events.append(payload_of(announcement))

    async def used_key(self, principal_key_id: str, idempotency_key: str) -> UsedKey | None:
        return self.keys.get((principal_key_id, idempotency_key))

    async def load(self, order_id: str) -> LoadedOrder | None:
        self.loads += 1
        order = self.orders.get(order_id)
        return LoadedOrder(order, self.versions[order_id]) if order is not None else None

    async def change_shipping(
        self, loaded: LoadedOrder, after: Order, *, change: str, changed_by: str, reason: str, announcement: StagedEvent
    ) -> bool:
        if self.losses:
            self.losses -= 1
            self.versions[after.order_id] += 1  # another command wrote the order first
        if self.versions[after.order_id] != loaded.version:
            return False
        self.orders[after.order_id] = after
        self.versions[after.order_id] += 1
        self.shipping_changes.append((after.order_id, change, changed_by, reason))
        self.events.append(payload_of(announcement))
        return True


class FakeOrders:
    def __init__(self, orders: dict[str, Order]) -> None:
        self.orders = orders
        self.locked: list[str] = []

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        if for_update:
            self.locked.append(order_id)
        return self.orders.get(order_id)

    async def get_many_for_update(self, order_ids: list[str]) -> dict[str, Order]:
        found = sorted(set(order_ids) & set(self.orders))
        self.locked += found
        return {order_id: self.orders[order_id] for order_id in found}

    async def save(self, before: Order, after: Order, now: datetime) -> None:
        assert self.orders[before.order_id] == before, "saved from a stale read"
        self.orders[after.order_id] = after

    async def save_dispatch_progress(self, orders: list[Order], now: datetime) -> None:
        for order in orders:
            self.orders[order.order_id] = order


class FakeTimeline:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}  # by event id, as the table keys them
        self.statements = 0

    async def record(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.statements += 1
        for row in rows:
            self.rows.setdefault(row["event_id"], row)

    def of(self, order_id: str) -> list[dict[str, Any]]:
        return sorted(
            (row for row in self.rows.values() if row["order_id"] == order_id),
            key=lambda row: (row["occurred_at"], row["event_id"]),
        )


class FakeOrderUnitOfWork(FakeSessionWork):
    """The orders as committed (a use case that raises is expected to leave them as they were:
    the caller's transaction rolls back), the timeline, and the events for the outbox."""

    def __init__(self, *orders: Order) -> None:
        super().__init__()
        self._orders = FakeOrders({order.order_id: order for order in orders})
        self._timeline = FakeTimeline()

    @property
    def orders(self) -> FakeOrders:
        return self._orders

    @property
    def timeline(self) -> FakeTimeline:
        return self._timeline


def _is_a_orderunitofwork(uow: FakeOrderUnitOfWork) -> OrderUnitOfWork:
    """mypy (make lint) checks here that the fake still has everything the use cases' Protocol
    asks of storage: a fake that drifts from it fails the lint, not a test run."""
    return uow
