"""An in-memory unit of work for recon-svc's service layer (the real one: adapters/unit_of_work.py):
recon's copy of the facts, its findings, imports, audit heads and statements in memory (the reads
of movements and reports over the same facts), events and timers as they would reach the outbox and
the timer table, and the callbacks of a commit run by ``commit``."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from unit.fake_session_work import FakeSessionWork

from recon_svc.adapters.tables import DiscrepancyRow, StatementImportRow, StatementRow
from recon_svc.domain.invariants import Violation
from recon_svc.service_layer.unit_of_work import ReconUnitOfWork


def empty_order(order_id: str) -> dict[str, Any]:
    """An order's row as the first fact about it creates it (the lock statement's defaults)."""
    return {
        "order_id": order_id,
        "merchant_id": None,
        "currency": "CNY",
        "placed_at": None,
        "paid_at": None,
        "buyer_paid_minor": None,
        "payment_channel": None,
        "lines": {},
        "units_signed_off": 0,
        "units_refunded": 0,
        "units_ordered": 0,
        "signed_off": False,
        "refunded_to_buyer_minor": 0,
        "open_refunds": [],
        "clearing_released_minor": 0,
        "subsidy_minor": 0,
        "commission_minor": 0,
        "merchant_net_minor": 0,
        "ledger_refunds_minor": 0,
        "first_booked_at": None,
        "holds": {},
    }


class FakeFacts:
    def __init__(self) -> None:
        self.orders: dict[str, dict[str, Any]] = {}
        self.dispatch_lines: dict[tuple[str, str], dict[str, Any]] = {}
        self.sign_off_lines: dict[tuple[str, str], dict[str, Any]] = {}
        self.returns: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.ledger: dict[str, dict[str, Any]] = {}
        self.payouts: dict[str, dict[str, Any]] = {}
        self.closed_windows: list[tuple[str, str]] = []

    async def lock_orders(self, order_ids: Sequence[str], *, now: datetime) -> dict[str, dict[str, Any]]:
        return {o: copy.deepcopy(self.orders.setdefault(o, empty_order(o))) for o in order_ids}

    async def write_orders(self, orders: Sequence[dict[str, Any]]) -> None:
        self.orders.update({order["order_id"]: copy.deepcopy(order) for order in orders})

    async def add_dispatch_lines(self, lines: Sequence[dict[str, Any]]) -> None:
        for line in lines:
            self.dispatch_lines.setdefault((line["shipment_id"], line["line_id"]), line)

    async def add_sign_off_lines(self, lines: Sequence[dict[str, Any]]) -> None:
        for line in lines:
            self.sign_off_lines.setdefault((line["shipment_id"], line["line_id"]), line)

    async def add_returns(self, returns: Sequence[dict[str, Any]]) -> None:
        for returned in returns:
            self.returns.setdefault(returned["shipment_id"], returned)

    async def known_refunds(self, refund_ids: Sequence[str]) -> set[str]:
        return set(refund_ids) & set(self.refunds)

    async def add_refunds(self, refunds: Sequence[dict[str, Any]]) -> set[str]:
        new = {refund["refund_id"] for refund in refunds} - set(self.refunds)
        self.refunds.update({r["refund_id"]: r for r in refunds if r["refund_id"] in new})
        return new

    async def add_ledger_entries(self, entries: Sequence[dict[str, Any]]) -> set[str]:
        new = {entry["tx_key"] for entry in entries} - set(self.ledger)
        self.ledger.update({e["tx_key"]: e for e in entries if e["tx_key"] in new})
        return new

    async def close_window_findings(self, closed: Sequence[tuple[str, str]], *, now: datetime) -> None:
        self.closed_windows += closed

    async def lock_payouts(self, created: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for payout in created:
            self.payouts.setdefault(
                payout["payout_id"],
                {
                    **{field: payout[field] for field in _PAYOUT_CREATED_FIELDS},
                    "paid_at": None,
                    "failed_at": None,
                    "returned_at": None,
                },
            )
        return {
            p["payout_id"]: {field: self.payouts[p["payout_id"]][field] for field in _PAYOUT_LOCKED_FIELDS}
            for p in created
        }

    async def write_payouts(self, payouts: Sequence[dict[str, Any]]) -> None:
        for payout in payouts:  # the outcome's columns; what the first event created stays
            self.payouts[payout["payout_id"]].update(payout)


# The columns a payout's first event creates its row with, and those its lock returns (as in SQL).
_PAYOUT_CREATED_FIELDS = (
    "payout_id",
    "application_id",
    "merchant_id",
    "currency",
    "amount_minor",
    "status",
    "provider_reference",
    "reason",
)
_PAYOUT_LOCKED_FIELDS = ("payout_id", "status", "provider_reference", "reason", "paid_at", "failed_at", "returned_at")


def _within(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


@dataclass
class Finding:
    check: str
    order_id: str
    figures: dict[str, Any]
    detected_at: datetime
    resolved_at: datetime | None = None


class FakeFindings:
    def __init__(self, facts: FakeFacts) -> None:
        self.facts = facts
        self.found: dict[str, Finding] = {}  # by fingerprint

    async def order_to_judge(self, order_id: str) -> Any:
        order = self.facts.orders.get(order_id)
        if order is None:
            return None
        open_findings = any(f.order_id == order_id and f.resolved_at is None for f in self.found.values())
        return SimpleNamespace(**copy.deepcopy(order), open_findings=open_findings)

    async def orders_to_judge(self, order_ids: Sequence[str]) -> list[Any]:
        judged = [await self.order_to_judge(order_id) for order_id in sorted(order_ids)]
        return [order for order in judged if order is not None]

    async def add(self, violation: Violation, *, order_id: str, merchant_id: str | None, now: datetime) -> bool:
        fingerprint = f"{violation.check}:{violation.figures.get('escrow_minor')}:{violation.figures.get('hold_id')}"
        if fingerprint in self.found:
            return False
        self.found[fingerprint] = Finding(violation.check, order_id, dict(violation.figures), now)
        return True

    async def resolve_passed(self, order_id: str, still: Sequence[str], *, now: datetime) -> None:
        for finding in self.found.values():
            if (
                finding.order_id == order_id
                and finding.resolved_at is None
                and finding.check in ("conservation", "settled_without_sign_off")
                and finding.check not in still
            ):
                finding.resolved_at = now

    def open(self) -> list[str]:
        return sorted(f.check for f in self.found.values() if f.resolved_at is None)


class FakeImports:
    def __init__(self, facts: FakeFacts) -> None:
        self.facts = facts
        self.imports: list[StatementImportRow] = []
        self.discrepancies: dict[str, DiscrepancyRow] = {}

    async def import_of(self, source: str, sha256: str) -> StatementImportRow | None:
        return next((i for i in self.imports if i.source == source and i.sha256 == sha256), None)

    def add_import(self, row: StatementImportRow) -> None:
        self.imports.append(row)

    def add_discrepancy(self, row: DiscrepancyRow) -> None:
        self.discrepancies[row.discrepancy_id] = row

    async def discrepancy(self, discrepancy_id: str, *, for_update: bool = False) -> DiscrepancyRow | None:
        return self.discrepancies.get(discrepancy_id)

    async def ledger_entry_known(self, tx_key: str | None) -> bool:
        return tx_key in self.facts.ledger

    async def orders_placed(self, merchant_id: str, start: datetime, end: datetime) -> list[Any]:
        return [
            SimpleNamespace(**order)
            for order in self.facts.orders.values()
            if order["merchant_id"] == merchant_id and _within(order["placed_at"], start, end)
        ]

    async def flush(self) -> None:
        return None


class FakeAuditHeads:
    """Heads by (chain, seq); a second head at a seq kept keeps the first (as the SQL's conflict)."""

    def __init__(self) -> None:
        self.heads: dict[tuple[str, int], dict[str, Any]] = {}

    def _of(self, chain: str) -> list[dict[str, Any]]:
        return sorted((h for (c, _), h in self.heads.items() if c == chain), key=lambda h: int(h["seq"]))

    async def last_link(self, chain: str) -> Any:
        heads = self._of(chain)
        return SimpleNamespace(seq=heads[-1]["seq"], row_hash=heads[-1]["row_hash"]) if heads else None

    async def add(self, head: dict[str, Any]) -> None:
        self.heads.setdefault((head["chain"], head["seq"]), dict(head))

    async def last(self, chain: str) -> Any:
        heads = self._of(chain)
        return SimpleNamespace(**heads[-1]) if heads else None

    async def count_and_first_break(self, chain: str) -> tuple[int, int | None]:
        heads = self._of(chain)
        return len(heads), min((h["seq"] for h in heads if not h["continuous"]), default=None)


class FakeMovements:
    """Our movements read from the fake's copy of the facts (FakeFacts), as the SQL reads them."""

    def __init__(self, facts: FakeFacts) -> None:
        self.facts = facts

    async def payouts_settled(self, start: datetime, end: datetime, refs: Sequence[str]) -> list[Any]:
        return [
            SimpleNamespace(**payout)
            for payout in self.facts.payouts.values()
            if payout["payout_id"] in refs
            or payout["provider_reference"] in refs
            or _within(payout["paid_at"], start, end)
            or _within(payout["returned_at"], start, end)
        ]

    async def orders_paid(self, channel: str, start: datetime, end: datetime, refs: Sequence[str]) -> list[Any]:
        return [
            SimpleNamespace(**order)
            for order in self.facts.orders.values()
            if order["payment_channel"] == channel
            and (_within(order["paid_at"] or order["placed_at"], start, end) or order["order_id"] in refs)
        ]

    async def refunds_completed(
        self, start: datetime, end: datetime, refs: Sequence[str], *, channel: str | None
    ) -> list[tuple[Any, str | None]]:
        found: list[tuple[Any, str | None]] = []
        for refund in self.facts.refunds.values():
            order = self.facts.orders.get(refund["order_id"])
            order_channel = order["payment_channel"] if order else None
            if not (
                _within(refund["completed_at"], start, end)
                or refund["refund_id"] in refs
                or refund["provider_reference"] in refs
            ):
                continue
            if channel is None or channel in (order_channel, refund["refunded_to_channel"]):
                found.append((SimpleNamespace(**refund), order_channel))
        return found


class FakeReportFacts:
    """What the reports read of the fake's copy of the facts (FakeFacts), with the SQL's column names."""

    def __init__(self, facts: FakeFacts) -> None:
        self.facts = facts

    async def orders(self, order_ids: Iterable[str]) -> list[Any]:
        return [SimpleNamespace(**self.facts.orders[o]) for o in sorted(order_ids) if o in self.facts.orders]

    async def sign_off_lines(self, merchant_id: str, before: datetime) -> list[Any]:
        return _lines_before(self.facts.sign_off_lines.values(), merchant_id, before, "signed_off_at")

    async def refunds(self, merchant_id: str, before: datetime) -> list[Any]:
        return _rows_before(self.facts.refunds.values(), merchant_id, before, "completed_at")

    async def dispatch_lines(self, merchant_id: str, before: datetime) -> list[Any]:
        return _lines_before(self.facts.dispatch_lines.values(), merchant_id, before, "dispatched_at")

    async def returns(self, merchant_id: str, before: datetime) -> list[Any]:
        return _rows_before(self.facts.returns.values(), merchant_id, before, "returned_at")


def _rows_before(rows: Iterable[dict[str, Any]], merchant_id: str, before: datetime, dated_by: str) -> list[Any]:
    return [SimpleNamespace(**row) for row in rows if row["merchant_id"] == merchant_id and row[dated_by] < before]


def _lines_before(lines: Iterable[dict[str, Any]], merchant_id: str, before: datetime, dated_by: str) -> list[Any]:
    """The merchant's unit lines dated before ``before``; the fold's ``at`` is the table's ``dated_by``."""
    return [
        SimpleNamespace(**{key: value for key, value in line.items() if key != "at"}, **{dated_by: line["at"]})
        for line in lines
        if line["merchant_id"] == merchant_id and line["at"] < before
    ]


class FakeStatements:
    def __init__(self, facts: FakeFacts) -> None:
        self.facts = facts
        self.issued: list[StatementRow] = []

    async def ledger_entries(self, merchant_id: str, before: datetime) -> list[Any]:
        entries = [e for e in self.facts.ledger.values() if e["merchant_id"] == merchant_id and e["posted_at"] < before]
        # by posting time, then as stored (the SQL's serial id)
        return [SimpleNamespace(**entry) for entry in sorted(entries, key=lambda e: e["posted_at"])]

    async def versions(self, merchant_id: str, start: datetime, end: datetime) -> list[StatementRow]:
        return sorted(
            (
                s
                for s in self.issued
                if s.merchant_id == merchant_id and s.period_start == start and s.period_end == end
            ),
            key=lambda s: s.version,
        )

    async def add(self, statement: StatementRow) -> None:
        self.issued.append(statement)


class FakeReconUnitOfWork(FakeSessionWork):
    """Every repository in memory (each satisfies its Protocol of service_layer/repositories.py),
    the reads of movements, reports and statements over the same copy of the facts."""

    def __init__(self) -> None:
        super().__init__()
        self.facts = FakeFacts()
        self.findings = FakeFindings(self.facts)
        self.imports = FakeImports(self.facts)
        self.audit_heads = FakeAuditHeads()
        self.movements = FakeMovements(self.facts)
        self.report_facts = FakeReportFacts(self.facts)
        self.statements = FakeStatements(self.facts)


def _is_a_reconunitofwork(uow: FakeReconUnitOfWork) -> ReconUnitOfWork:
    """mypy (make lint) checks here that the fake still has everything the use cases' Protocol
    asks of storage: a fake that drifts from it fails the lint, not a test run."""
    return uow
