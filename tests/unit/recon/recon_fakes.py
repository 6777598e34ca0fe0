"""An in-memory unit of work for recon-svc's service layer (the real one: adapters/unit_of_work.py):
recon's copy of the facts, its findings and its imports as dicts, events and timers as they would
reach the outbox and the timer table, and the callbacks of a commit run by ``commit``."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from unit.fake_session_work import FakeSessionWork

from recon_svc.adapters.tables import DiscrepancyRow, StatementImportRow
from recon_svc.domain.invariants import Violation


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
                    "payout_id": payout["payout_id"],
                    "status": payout["status"],
                    "provider_reference": payout["provider_reference"],
                    "reason": payout["reason"],
                    "paid_at": None,
                    "failed_at": None,
                    "returned_at": None,
                },
            )
        return {p["payout_id"]: dict(self.payouts[p["payout_id"]]) for p in created}

    async def write_payouts(self, payouts: Sequence[dict[str, Any]]) -> None:
        self.payouts.update({p["payout_id"]: dict(p) for p in payouts})


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
            if order["merchant_id"] == merchant_id and order["placed_at"] and start <= order["placed_at"] < end
        ]

    async def flush(self) -> None:
        return None


class FakeReconUnitOfWork(FakeSessionWork):
    def __init__(self) -> None:
        super().__init__()
        self.facts = FakeFacts()
        self.findings = FakeFindings(self.facts)
        self.imports = FakeImports(self.facts)
