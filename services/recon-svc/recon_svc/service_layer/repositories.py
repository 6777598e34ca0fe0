"""What recon use cases ask of each repository the unit of work carries
(service_layer/unit_of_work.py). The SQL repositories (adapters/repositories/) satisfy these
structurally; the unit tests' fakes too.

Several hand over ORM rows of adapters/tables.py (``ReconOrderRow``, ``StatementRow``, ...) or
plain rows of columns: the use cases read (and, for statements, imports and discrepancies, create)
those rows as they did before the repositories were split out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row

from recon_svc.adapters.tables import (
    DiscrepancyRow,
    DispatchLineRow,
    LedgerEntryRow,
    PayoutFactRow,
    ReconOrderRow,
    RefundFactRow,
    ShipmentReturnRow,
    SignOffLineRow,
    StatementImportRow,
    StatementRow,
)
from recon_svc.domain.invariants import Violation


class FactStore(Protocol):
    """The facts a batch folds: rows read locked, folded in memory by the service layer, written back."""

    async def lock_orders(self, order_ids: Sequence[str], *, now: datetime) -> dict[str, dict[str, Any]]:
        """The orders' rows (created empty if new), locked, in the given order."""
        ...

    async def write_orders(self, orders: Sequence[dict[str, Any]]) -> None: ...

    async def add_dispatch_lines(self, lines: Sequence[dict[str, Any]]) -> None: ...

    async def add_sign_off_lines(self, lines: Sequence[dict[str, Any]]) -> None: ...

    async def add_returns(self, returns: Sequence[dict[str, Any]]) -> None: ...

    async def known_refunds(self, refund_ids: Sequence[str]) -> set[str]:
        """Which of the refunds are stored already."""
        ...

    async def add_refunds(self, refunds: Sequence[dict[str, Any]]) -> set[str]:
        """Completed refunds, each once; returns the ids stored now."""
        ...

    async def add_ledger_entries(self, entries: Sequence[dict[str, Any]]) -> set[str]:
        """Ledger transactions, each once by its key; returns the keys stored now."""
        ...

    async def close_window_findings(self, closed: Sequence[tuple[str, str]], *, now: datetime) -> None:
        """(order id, hold id) released within their window: their window findings resolved."""

    async def lock_payouts(self, created: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Each payout's row (created from its first event if new: the dicts' fields), locked."""
        ...

    async def write_payouts(self, payouts: Sequence[dict[str, Any]]) -> None: ...


class FindingStore(Protocol):
    """What the invariant checks read and record."""

    async def order_to_judge(self, order_id: str) -> Row[Any] | None:
        """The order's row as committed, with ``open_findings``: whether it has findings open."""
        ...

    async def orders_to_judge(self, order_ids: Sequence[str]) -> Sequence[Row[Any]]:
        """``order_to_judge`` for many, in one statement, in order id order (orders not known are
        left out)."""
        ...

    async def add(self, violation: Violation, *, order_id: str, merchant_id: str | None, now: datetime) -> bool:
        """Record the finding; False if it was reported with these figures before."""
        ...

    async def resolve_passed(self, order_id: str, still: Sequence[str], *, now: datetime) -> None:
        """The order's open conservation and sign-off findings whose check passes now (not in
        ``still``) marked resolved."""


class ImportStore(Protocol):
    """Statement imports and their discrepancies (added to the session, written by its flush)."""

    async def import_of(self, source: str, sha256: str) -> StatementImportRow | None:
        """The import of this very file (by its source and content hash), if it was imported before."""
        ...

    def add_import(self, row: StatementImportRow) -> None: ...

    def add_discrepancy(self, row: DiscrepancyRow) -> None: ...

    async def discrepancy(self, discrepancy_id: str, *, for_update: bool = False) -> DiscrepancyRow | None: ...

    async def ledger_entry_known(self, tx_key: str | None) -> bool:
        """Whether recon's copy of the ledger has the transaction."""
        ...

    async def orders_placed(self, merchant_id: str, start: datetime, end: datetime) -> list[ReconOrderRow]:
        """The merchant's orders placed in [start, end)."""
        ...

    async def flush(self) -> None: ...


class AuditHeadStore(Protocol):
    """Every service's audit-chain heads recon keeps."""

    async def last_link(self, chain: str) -> Any:
        """(seq, row_hash) of the chain's last head kept."""
        ...

    async def add(self, head: dict[str, Any]) -> None:
        """A head (its columns); a second head at a row already kept (a truncated chain grown
        again) keeps the first: the verify of that chain then finds its row there changed."""

    async def last(self, chain: str) -> Row[Any] | None: ...

    async def count_and_first_break(self, chain: str) -> tuple[int, int | None]:
        """How many heads of the chain are kept, and the first seq kept not continuous."""
        ...


class MovementStore(Protocol):
    """Our movements a statement is matched against: each read takes the movements dated inside
    [start, end) or named by the file (``refs``)."""

    async def payouts_settled(self, start: datetime, end: datetime, refs: Sequence[str]) -> list[PayoutFactRow]:
        """Payouts paid or returned in the period, or named by the file."""
        ...

    async def orders_paid(
        self, channel: str, start: datetime, end: datetime, refs: Sequence[str]
    ) -> list[ReconOrderRow]:
        """Orders paid through ``channel`` in the period (by when the buyer paid, else when the
        order was placed), or named by the file."""
        ...

    async def refunds_completed(
        self, start: datetime, end: datetime, refs: Sequence[str], *, channel: str | None
    ) -> list[tuple[RefundFactRow, str | None]]:
        """Refunds completed in the period or named by the file, with their order's payment
        channel; with ``channel``, only those of orders paid through it or refunded to it."""
        ...


class ReportFactStore(Protocol):
    """What the tax and 发出商品 reports read: a merchant's parcels' units (dispatched, signed off,
    returned) and completed refunds before a time, and the orders that value them."""

    async def orders(self, order_ids: Iterable[str]) -> list[ReconOrderRow]: ...

    async def sign_off_lines(self, merchant_id: str, before: datetime) -> list[SignOffLineRow]: ...

    async def refunds(self, merchant_id: str, before: datetime) -> list[RefundFactRow]: ...

    async def dispatch_lines(self, merchant_id: str, before: datetime) -> list[DispatchLineRow]: ...

    async def returns(self, merchant_id: str, before: datetime) -> list[ShipmentReturnRow]: ...


class StatementStore(Protocol):
    """The ledger entries a statement is built from, and the versions issued of a closed period."""

    async def ledger_entries(self, merchant_id: str, before: datetime) -> list[LedgerEntryRow]:
        """The merchant's ledger entries posted before ``before``, in posting order."""
        ...

    async def versions(self, merchant_id: str, start: datetime, end: datetime) -> list[StatementRow]:
        """The versions issued of the merchant's statement of [start, end), oldest first, locked."""
        ...

    async def add(self, statement: StatementRow) -> None: ...
