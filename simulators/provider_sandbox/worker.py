"""The sandbox's background work: booking outcomes when they fall due, and keeping the
statement files in step with the books.

Everything is driven by due times in the database, so a restarted process resumes: requests
accepted before a crash are settled, returns fall due, statements are rewritten from the books.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from simulators.provider_sandbox.config import SandboxConfig
from simulators.provider_sandbox.domain import BANK_TIMEZONE, ControlPanel, Kind, Status
from simulators.provider_sandbox.failpoints import Failpoints
from simulators.provider_sandbox.statement import (
    RETURN_REFERENCE_SUFFIX,
    DailyStatement,
    Direction,
    RefundStatementRow,
    StatementAccount,
    StatementEntry,
    payout_statement_path,
    refund_statement_path,
    render_camt053,
    render_refund_csv,
    write_atomically,
)
from simulators.provider_sandbox.store import BookedChange, StoreRunner

logger = logging.getLogger(__name__)

_IDLE_POLL_S = 0.5
# A day's statement file is rewritten whole; under a steady stream of bookings, once per this
# many seconds at most (a bank's intraday statement, not one per booking: rewriting a file of
# n entries per booking costs n² over a day). POST /_sandbox/statements/close writes at once.
_STATEMENT_REWRITE_S = 1.0
# What each kind's statement lists.
STATEMENT_STATUSES = {
    Kind.PAYOUT: (Status.PAID, Status.RETURNED),
    Kind.REFUND: (Status.PAID, Status.FAILED),
}


@dataclass(frozen=True)
class WrittenStatement:
    statement_date: date
    path: Path
    entries: int
    opening_balance_minor: int | None  # payouts only
    closing_balance_minor: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.statement_date.isoformat(),
            "path": str(self.path),
            "format": "camt.053.001.02" if self.opening_balance_minor is not None else "csv",
            "entries": self.entries,
            "opening_balance_minor": self.opening_balance_minor,
            "closing_balance_minor": self.closing_balance_minor,
        }


class StatementWriter:
    """Writes a day's statement from the books. One writer at a time, so a slower render of older
    books can never replace a newer file."""

    def __init__(self, runner: StoreRunner, config: SandboxConfig) -> None:
        self._runner = runner
        self._config = config
        self._lock = asyncio.Lock()
        self._statuses = STATEMENT_STATUSES[config.kind]

    async def write(self, statement_date: date) -> WrittenStatement:
        async with self._lock:
            store = self._runner.store
            changes = await self._runner.call(store.booked_changes, statement_date, self._statuses)
            if self._config.kind is Kind.PAYOUT:
                movement_minor = await self._runner.call(store.account_movement_before, statement_date)
                statement = DailyStatement(
                    account=StatementAccount(
                        account_number=self._config.account_number,
                        account_name=self._config.account_name,
                        currency=self._config.currency,
                        servicer_name=self._config.bank_name,
                    ),
                    statement_date=statement_date,
                    opening_balance_minor=self._config.opening_balance_minor + movement_minor,
                    entries=tuple(_statement_entry(change) for change in changes),
                    created_at=datetime.now(BANK_TIMEZONE),
                )
                path = payout_statement_path(self._config.statement_dir, statement_date)
                await asyncio.to_thread(lambda: write_atomically(path, render_camt053(statement)))
                return WrittenStatement(
                    statement_date,
                    path,
                    len(changes),
                    statement.opening_balance_minor,
                    statement.closing_balance_minor,
                )
            rows = [
                RefundStatementRow(
                    request_id=change.request_id,
                    provider_reference=change.provider_reference,
                    status=change.status.value,
                    amount_minor=change.amount_minor,
                    currency=change.currency,
                    occurred_at=change.occurred_at,
                    reason_code=change.reason_code,
                    reason=change.reason,
                )
                for change in changes
            ]
            path = refund_statement_path(self._config.statement_dir, statement_date)
            await asyncio.to_thread(lambda: write_atomically(path, render_refund_csv(rows)))
            return WrittenStatement(statement_date, path, len(rows), None, None)

    async def write_all_booked(self) -> None:
        """Rewrite every day that has entries: after a crash between a booking and its file."""
        for statement_date in await self._runner.call(self._runner.store.booked_dates, self._statuses):
            await self.write(statement_date)


def _statement_entry(change: BookedChange) -> StatementEntry:
    beneficiary = change.body["beneficiary"]
    common: dict[str, Any] = {
        "amount_minor": change.amount_minor,
        "booked_at": change.occurred_at,
        "end_to_end_id": change.request_id,
        "counterparty_name": beneficiary["account_holder_name"],
        "counterparty_account": beneficiary["account_number"],
        "counterparty_bank": beneficiary["bank_name"],
        "remittance_information": change.body["reference"],
    }
    if change.status is Status.RETURNED:
        return StatementEntry(
            direction=Direction.CREDIT,
            account_servicer_reference=change.provider_reference + RETURN_REFERENCE_SUFFIX,
            original_reference=change.provider_reference,
            return_reason_code=change.reason_code,
            return_reason=change.reason,
            **common,
        )
    return StatementEntry(direction=Direction.DEBIT, account_servicer_reference=change.provider_reference, **common)


class OutcomeWorker:
    """Books outcomes and returns as they fall due, then tells the dispatcher and rewrites the
    touched statement days."""

    def __init__(
        self,
        runner: StoreRunner,
        statements: StatementWriter,
        controls: ControlPanel,
        failpoints: Failpoints,
        on_booked: Callable[[], None],
    ) -> None:
        self._runner = runner
        self._statements = statements
        self._controls = controls
        self._failpoints = failpoints
        self._on_booked = on_booked
        self._wake = asyncio.Event()
        self._unwritten_dates: set[date] = set()  # booked on, statement not yet rewritten
        self._statements_written_at = 0.0  # time.monotonic() of the last rewrite

    def wake(self) -> None:
        self._wake.set()

    def _until_rewrite_s(self) -> float:
        """Seconds before the statements may be rewritten again (zero or less: now)."""
        return self._statements_written_at + _STATEMENT_REWRITE_S - time.monotonic()

    async def run(self) -> None:
        store = self._runner.store
        while True:
            self._wake.clear()
            try:
                if not self._controls.current.settlement_paused:
                    for step, failpoint in (
                        (store.settle_one, "settle.after_commit"),
                        (store.return_one, "return.after_commit"),
                    ):
                        while (transition := await self._runner.call(step, datetime.now(BANK_TIMEZONE))) is not None:
                            self._failpoints.reach(failpoint)
                            logger.info("%s %s", transition.request_id, transition.status.value)
                            self._unwritten_dates.add(transition.statement_date)
                            self._on_booked()
                if self._unwritten_dates and self._until_rewrite_s() <= 0:
                    for statement_date in sorted(self._unwritten_dates):
                        await self._statements.write(statement_date)
                        self._unwritten_dates.discard(statement_date)
                    self._statements_written_at = time.monotonic()
                next_due = await self._runner.call(store.next_outcome_due_at)
            except Exception:
                logger.exception("outcome worker pass failed; retrying")
                next_due = None
            timeout_s = _IDLE_POLL_S if next_due is None else min(max(next_due - time.time(), 0.005), _IDLE_POLL_S)
            if self._unwritten_dates:  # come back when the held-back rewrite may run
                timeout_s = min(timeout_s, max(self._until_rewrite_s(), 0.005))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout_s)
