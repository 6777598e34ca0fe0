"""The sandbox's books, in SQLite (standard library only).

Durability: WAL journal with ``synchronous=FULL``, one transaction per state change, committed
before the HTTP answer or the next step, so a ``kill -9`` at any moment loses nothing the sandbox
has acknowledged. Every later step is driven by what is in the database (due times, pending
callback rows), so a restarted process picks up exactly where the dead one stopped.

Never twice: ``executions.request_id`` is unique, and a request leaves ``accepted`` by a
conditional update inside the same transaction that writes its execution. The status change, its
callback row and (for money that moved) the execution commit together or not at all.

All methods are synchronous and must be called from one thread at a time (``StoreRunner`` gives
the event loop a single worker thread for them).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from simulators.provider_sandbox.domain import (
    BANK_TIMEZONE,
    Kind,
    OutcomePlan,
    Reason,
    Status,
    scripted_plan,
)

P = ParamSpec("P")
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL UNIQUE,
    provider_reference TEXT NOT NULL UNIQUE,
    body_json TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'paid', 'failed', 'returned')),
    reason_code TEXT,
    reason TEXT,
    accepted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    planned_outcome TEXT NOT NULL CHECK (planned_outcome IN ('paid', 'failed')),
    planned_reason_code TEXT,
    planned_reason TEXT,
    settle_due_at REAL NOT NULL,
    return_planned INTEGER NOT NULL CHECK (return_planned IN (0, 1)),
    return_reason_code TEXT,
    return_reason TEXT,
    return_delay_s REAL NOT NULL,
    return_due_at REAL
);
CREATE INDEX IF NOT EXISTS requests_settle_due ON requests (status, settle_due_at);
CREATE INDEX IF NOT EXISTS requests_return_due ON requests (status, return_due_at);
-- One row per payment that moved money. The unique request_id is the "never paid twice".
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL UNIQUE REFERENCES requests (request_id),
    provider_reference TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    executed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS status_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL UNIQUE,
    request_id TEXT NOT NULL REFERENCES requests (request_id),
    status TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    statement_date TEXT NOT NULL,
    UNIQUE (request_id, status)
);
CREATE INDEX IF NOT EXISTS status_changes_by_date ON status_changes (statement_date, seq);
CREATE TABLE IF NOT EXISTS callback_deliveries (
    status_change_seq INTEGER PRIMARY KEY REFERENCES status_changes (seq),
    request_id TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'gave_up')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS callback_deliveries_due ON callback_deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS callback_deliveries_by_request ON callback_deliveries (request_id, state);
CREATE TABLE IF NOT EXISTS callback_attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    status_change_seq INTEGER NOT NULL REFERENCES callback_deliveries (status_change_seq),
    attempt_number INTEGER NOT NULL,
    attempted_at TEXT NOT NULL,
    http_status INTEGER,
    error TEXT
);
-- Outcomes a test asked for before the request arrived.
CREATE TABLE IF NOT EXISTS scripted_outcomes (
    request_id TEXT PRIMARY KEY,
    outcome TEXT NOT NULL CHECK (outcome IN ('paid', 'failed', 'returned')),
    reason_code TEXT NOT NULL,
    reason TEXT NOT NULL
);
"""

_REFERENCE_PREFIX = {Kind.PAYOUT: "PO", Kind.REFUND: "RF"}


class IdempotencyConflict(Exception):
    """The request id was used before with a different body."""

    def __init__(self, request_id: str, differing_fields: list[str]) -> None:
        super().__init__(request_id)
        self.request_id = request_id
        self.differing_fields = differing_fields


class OutcomeAlreadyFinal(Exception):
    """A scripted outcome for a request whose outcome is already booked."""

    def __init__(self, request_id: str, status: Status) -> None:
        super().__init__(request_id)
        self.request_id = request_id
        self.status = status


@dataclass(frozen=True)
class NewRequest:
    request_id: str
    body: dict[str, Any]
    amount_minor: int
    currency: str
    callback_url: str

    @property
    def body_json(self) -> str:
        return canonical_json(self.body)

    @property
    def body_sha256(self) -> str:
        return hashlib.sha256(self.body_json.encode()).hexdigest()


@dataclass(frozen=True)
class RequestView:
    request_id: str
    provider_reference: str
    status: Status
    reason_code: str | None
    reason: str | None
    amount_minor: int
    currency: str
    accepted_at: str
    updated_at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "provider_reference": self.provider_reference,
            "status": self.status.value,
            "reason_code": self.reason_code,
            "reason": self.reason,
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "accepted_at": self.accepted_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Transition:
    """A status change just committed."""

    request_id: str
    status: Status
    statement_date: date


@dataclass(frozen=True)
class Delivery:
    status_change_seq: int
    webhook_id: str
    request_id: str
    callback_url: str
    payload_json: str
    attempts: int


@dataclass(frozen=True)
class BookedChange:
    """A status change as the statement needs it."""

    status: Status
    request_id: str
    provider_reference: str
    amount_minor: int
    currency: str
    occurred_at: datetime
    reason_code: str | None
    reason: str | None
    body: dict[str, Any]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def differing_fields(first: dict[str, Any], second: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted names of the fields in which two bodies differ (names only, never values)."""
    names: list[str] = []
    for key in sorted(set(first) | set(second)):
        left, right = first.get(key), second.get(key)
        if isinstance(left, dict) and isinstance(right, dict):
            names.extend(differing_fields(left, right, f"{prefix}{key}."))
        elif left != right:
            names.append(prefix + key)
    return names


def _iso(moment: datetime) -> str:
    return moment.astimezone(BANK_TIMEZONE).isoformat(timespec="milliseconds")


class Store:
    def __init__(self, connection: sqlite3.Connection, kind: Kind) -> None:
        self._connection = connection
        self.kind = kind

    @classmethod
    def open(cls, path: Path, *, kind: Kind, currency: str, opening_balance_minor: int) -> Store:
        """Open (creating if new) the database at ``path``. Refuses a database made by a sandbox of
        another kind, currency or opening balance: its history would not add up."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA busy_timeout = 5000")
        connection.executescript(_SCHEMA)
        store = cls(connection, kind)
        expected = {"kind": kind.value, "currency": currency, "opening_balance_minor": str(opening_balance_minor)}
        with store._transaction():
            for key, value in expected.items():
                connection.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            stored = {row["key"]: row["value"] for row in connection.execute("SELECT key, value FROM meta")}
        mismatched = [key for key, value in expected.items() if stored.get(key) != value]
        if mismatched:
            connection.close()
            differences = ", ".join(f"{key} is {stored.get(key)}, not {expected[key]}" for key in mismatched)
            raise ValueError(f"{path} belongs to another sandbox ({differences}); use another --db")
        return store

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    # --- requests -------------------------------------------------------------------------

    def accept(self, new: NewRequest, plan: OutcomePlan, now: datetime) -> tuple[RequestView, bool]:
        """Store a new request with its planned outcome; for a known request id with the same
        body, return it as it stands (``created`` is False).

        Raises ``IdempotencyConflict`` when the id is known with a different body.
        """
        with self._transaction() as db:
            row = db.execute("SELECT * FROM requests WHERE request_id = ?", (new.request_id,)).fetchone()
            if row is not None:
                if row["body_sha256"] != new.body_sha256:
                    raise IdempotencyConflict(new.request_id, differing_fields(json.loads(row["body_json"]), new.body))
                return _view(row), False
            scripted = db.execute("SELECT * FROM scripted_outcomes WHERE request_id = ?", (new.request_id,)).fetchone()
            if scripted is not None:
                plan = scripted_plan(
                    plan, Status(scripted["outcome"]), Reason(scripted["reason_code"], scripted["reason"])
                )
                db.execute("DELETE FROM scripted_outcomes WHERE request_id = ?", (new.request_id,))
            moment = _iso(now)
            cursor = db.execute(
                """INSERT INTO requests (request_id, provider_reference, body_json, body_sha256, amount_minor,
                       currency, callback_url, status, accepted_at, updated_at, planned_outcome,
                       planned_reason_code, planned_reason, settle_due_at, return_planned, return_reason_code,
                       return_reason, return_delay_s)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    new.request_id,
                    f"pending:{new.request_id}",
                    new.body_json,
                    new.body_sha256,
                    new.amount_minor,
                    new.currency,
                    new.callback_url,
                    moment,
                    moment,
                    plan.outcome.value,
                    plan.failure.code if plan.failure else None,
                    plan.failure.text if plan.failure else None,
                    now.timestamp() + plan.settle_delay_s,
                    int(plan.returns),
                    plan.return_reason.code if plan.return_reason else None,
                    plan.return_reason.text if plan.return_reason else None,
                    plan.return_delay_s,
                ),
            )
            assert cursor.lastrowid is not None
            reference = f"{_REFERENCE_PREFIX[self.kind]}{now.astimezone(BANK_TIMEZONE):%Y%m%d}{cursor.lastrowid:010d}"
            db.execute("UPDATE requests SET provider_reference = ? WHERE seq = ?", (reference, cursor.lastrowid))
            row = db.execute("SELECT * FROM requests WHERE seq = ?", (cursor.lastrowid,)).fetchone()
            return _view(row), True

    def get(self, request_id: str) -> RequestView | None:
        row = self._connection.execute("SELECT * FROM requests WHERE request_id = ?", (request_id,)).fetchone()
        return None if row is None else _view(row)

    def script_outcome(self, request_id: str, outcome: Status, reason: Reason, now: datetime) -> str:
        """Make ``request_id`` end as ``outcome``: stored for later if the request has not arrived,
        applied to its plan if it awaits its outcome, or (``returned``) a return of a paid payout
        due now. Returns what was done: ``scheduled``, ``replanned`` or ``return_due``.

        Raises ``OutcomeAlreadyFinal`` when the request's outcome is booked and cannot become
        ``outcome``.
        """
        with self._transaction() as db:
            row = db.execute("SELECT * FROM requests WHERE request_id = ?", (request_id,)).fetchone()
            if row is None:
                db.execute(
                    """INSERT INTO scripted_outcomes (request_id, outcome, reason_code, reason) VALUES (?, ?, ?, ?)
                       ON CONFLICT (request_id) DO UPDATE SET outcome = excluded.outcome,
                           reason_code = excluded.reason_code, reason = excluded.reason""",
                    (request_id, outcome.value, reason.code, reason.text),
                )
                return "scheduled"
            status = Status(row["status"])
            if status is Status.ACCEPTED:
                failed = outcome is Status.FAILED
                returns = outcome is Status.RETURNED
                db.execute(
                    """UPDATE requests SET planned_outcome = ?, planned_reason_code = ?, planned_reason = ?,
                           return_planned = ?, return_reason_code = ?, return_reason = ?
                       WHERE request_id = ?""",
                    (
                        Status.FAILED.value if failed else Status.PAID.value,
                        reason.code if failed else None,
                        reason.text if failed else None,
                        int(returns),
                        reason.code if returns else None,
                        reason.text if returns else None,
                        request_id,
                    ),
                )
                return "replanned"
            if status is Status.PAID and outcome is Status.RETURNED:
                db.execute(
                    """UPDATE requests SET return_planned = 1, return_reason_code = ?, return_reason = ?,
                           return_due_at = ? WHERE request_id = ?""",
                    (reason.code, reason.text, now.timestamp(), request_id),
                )
                return "return_due"
            if status is outcome:
                return "already"
            raise OutcomeAlreadyFinal(request_id, status)

    # --- outcomes -------------------------------------------------------------------------

    def settle_one(self, now: datetime) -> Transition | None:
        """Book the outcome of the request that has waited longest past its due time: ``paid``
        (with its one execution) or ``failed``. None when nothing is due."""
        with self._transaction() as db:
            row = db.execute(
                """SELECT * FROM requests WHERE status = 'accepted' AND settle_due_at <= ?
                   ORDER BY settle_due_at, seq LIMIT 1""",
                (now.timestamp(),),
            ).fetchone()
            if row is None:
                return None
            outcome = Status(row["planned_outcome"])
            moment = _iso(now)
            return_due_at = None
            if outcome is Status.PAID:
                db.execute(
                    """INSERT INTO executions (request_id, provider_reference, amount_minor, currency, executed_at)
                       VALUES (?, ?, ?, ?, ?)""",
                    (row["request_id"], row["provider_reference"], row["amount_minor"], row["currency"], moment),
                )
                if row["return_planned"]:
                    return_due_at = now.timestamp() + row["return_delay_s"]
            reason_code = row["planned_reason_code"] if outcome is Status.FAILED else None
            reason = row["planned_reason"] if outcome is Status.FAILED else None
            updated = db.execute(
                """UPDATE requests SET status = ?, reason_code = ?, reason = ?, updated_at = ?, return_due_at = ?
                   WHERE request_id = ? AND status = 'accepted'""",
                (outcome.value, reason_code, reason, moment, return_due_at, row["request_id"]),
            )
            assert updated.rowcount == 1
            return self._record_status_change(db, row, outcome, reason_code, reason, now)

    def return_one(self, now: datetime) -> Transition | None:
        """Book the return of the paid payout whose return is most overdue. None when none is."""
        with self._transaction() as db:
            row = db.execute(
                """SELECT * FROM requests WHERE status = 'paid' AND return_due_at IS NOT NULL AND return_due_at <= ?
                   ORDER BY return_due_at, seq LIMIT 1""",
                (now.timestamp(),),
            ).fetchone()
            if row is None:
                return None
            updated = db.execute(
                """UPDATE requests SET status = 'returned', reason_code = ?, reason = ?, updated_at = ?
                   WHERE request_id = ? AND status = 'paid'""",
                (row["return_reason_code"], row["return_reason"], _iso(now), row["request_id"]),
            )
            assert updated.rowcount == 1
            return self._record_status_change(
                db, row, Status.RETURNED, row["return_reason_code"], row["return_reason"], now
            )

    def _record_status_change(
        self,
        db: sqlite3.Connection,
        row: sqlite3.Row,
        status: Status,
        reason_code: str | None,
        reason: str | None,
        now: datetime,
    ) -> Transition:
        occurred_at = _iso(now)
        payload = {
            "kind": self.kind.value,
            "request_id": row["request_id"],
            "provider_reference": row["provider_reference"],
            "status": status.value,
            "reason_code": reason_code,
            "reason": reason,
            "amount_minor": row["amount_minor"],
            "currency": row["currency"],
            "occurred_at": occurred_at,
        }
        statement_date = now.astimezone(BANK_TIMEZONE).date()
        # Stable per status change: a retried callback carries the same id, so receivers dedupe.
        webhook_id = f"msg_{row['provider_reference']}_{status.value}"
        cursor = db.execute(
            """INSERT INTO status_changes (webhook_id, request_id, status, payload_json, occurred_at, statement_date)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (
                webhook_id,
                row["request_id"],
                status.value,
                json.dumps(payload, separators=(",", ":")),
                occurred_at,
                statement_date.isoformat(),
            ),
        )
        db.execute(
            """INSERT INTO callback_deliveries (status_change_seq, request_id, callback_url, state, next_attempt_at)
               VALUES (?, ?, ?, 'pending', ?)""",
            (cursor.lastrowid, row["request_id"], row["callback_url"], now.timestamp()),
        )
        return Transition(row["request_id"], status, statement_date)

    def next_outcome_due_at(self) -> float | None:
        row = self._connection.execute(
            """SELECT MIN(due) AS due FROM (
                   SELECT MIN(settle_due_at) AS due FROM requests WHERE status = 'accepted'
                   UNION ALL
                   SELECT MIN(return_due_at) FROM requests WHERE status = 'paid' AND return_due_at IS NOT NULL)"""
        ).fetchone()
        return None if row["due"] is None else float(row["due"])

    # --- callbacks ------------------------------------------------------------------------

    def due_deliveries(self, now_epoch: float, exclude: set[int], limit: int) -> list[Delivery]:
        """Callbacks due now, oldest first. A request's later status waits until its earlier
        callbacks are delivered or given up, so a receiver hears ``paid`` before ``returned``."""
        rows = self._connection.execute(
            """SELECT d.status_change_seq, s.webhook_id, d.request_id, d.callback_url, s.payload_json, d.attempts
               FROM callback_deliveries d JOIN status_changes s ON s.seq = d.status_change_seq
               WHERE d.state = 'pending' AND d.next_attempt_at <= ?
                 AND NOT EXISTS (
                     SELECT 1 FROM callback_deliveries e
                     WHERE e.request_id = d.request_id AND e.state = 'pending'
                       AND e.status_change_seq < d.status_change_seq)
               ORDER BY d.next_attempt_at, d.status_change_seq LIMIT ?""",
            (now_epoch, limit + len(exclude)),
        ).fetchall()
        deliveries = [Delivery(**dict(row)) for row in rows if row["status_change_seq"] not in exclude]
        return deliveries[:limit]

    def next_delivery_due_at(self) -> float | None:
        row = self._connection.execute(
            "SELECT MIN(next_attempt_at) AS due FROM callback_deliveries WHERE state = 'pending'"
        ).fetchone()
        return None if row["due"] is None else float(row["due"])

    def record_attempt(
        self,
        status_change_seq: int,
        *,
        attempted_at: datetime,
        http_status: int | None,
        error: str | None,
        delivered: bool,
        retry_at_epoch: float,
        max_attempts: int,
    ) -> str:
        """Record one delivery attempt; returns the delivery's state afterwards (``delivered``,
        ``pending`` until ``retry_at_epoch``, or ``gave_up`` after ``max_attempts``)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT attempts, state FROM callback_deliveries WHERE status_change_seq = ?", (status_change_seq,)
            ).fetchone()
            if row["state"] != "pending":
                return str(row["state"])
            attempts = row["attempts"] + 1
            db.execute(
                """INSERT INTO callback_attempts (status_change_seq, attempt_number, attempted_at, http_status, error)
                   VALUES (?, ?, ?, ?, ?)""",
                (status_change_seq, attempts, _iso(attempted_at), http_status, error),
            )
            state = "delivered" if delivered else ("gave_up" if attempts >= max_attempts else "pending")
            db.execute(
                """UPDATE callback_deliveries SET attempts = ?, state = ?, next_attempt_at = ?, last_error = ?,
                       delivered_at = ? WHERE status_change_seq = ?""",
                (
                    attempts,
                    state,
                    retry_at_epoch,
                    error,
                    _iso(attempted_at) if delivered else None,
                    status_change_seq,
                ),
            )
            return state

    # --- what tests and statements read ---------------------------------------------------

    def stats(self) -> dict[str, int]:
        db = self._connection
        by_status = {
            row["status"]: row["n"] for row in db.execute("SELECT status, COUNT(*) AS n FROM requests GROUP BY status")
        }
        by_state = {
            row["state"]: row["n"]
            for row in db.execute("SELECT state, COUNT(*) AS n FROM callback_deliveries GROUP BY state")
        }
        return {
            "accepted": sum(by_status.values()),
            "awaiting_outcome": by_status.get("accepted", 0),
            "paid": by_status.get("paid", 0),
            "failed": by_status.get("failed", 0),
            "returned": by_status.get("returned", 0),
            # Paid payouts whose return is already decided and not yet booked.
            "returns_scheduled": db.execute(
                "SELECT COUNT(*) FROM requests WHERE status = 'paid' AND return_due_at IS NOT NULL"
            ).fetchone()[0],
            "executed": db.execute("SELECT COUNT(*) FROM executions").fetchone()[0],
            "callbacks_delivered": by_state.get("delivered", 0),
            "callbacks_pending": by_state.get("pending", 0),
            "callbacks_gave_up": by_state.get("gave_up", 0),
            "callback_attempts": db.execute("SELECT COUNT(*) FROM callback_attempts").fetchone()[0],
        }

    def executions(self) -> list[dict[str, Any]]:
        rows = self._connection.execute(
            "SELECT request_id, provider_reference, amount_minor, currency, executed_at FROM executions ORDER BY seq"
        )
        return [dict(row) for row in rows]

    def callbacks(self, request_id: str | None) -> list[dict[str, Any]]:
        db = self._connection
        rows = db.execute(
            """SELECT d.status_change_seq, s.webhook_id, d.request_id, s.status, d.callback_url, d.state, d.attempts,
                      d.last_error, d.delivered_at
               FROM callback_deliveries d JOIN status_changes s ON s.seq = d.status_change_seq
               WHERE ? IS NULL OR d.request_id = ? ORDER BY d.status_change_seq""",
            (request_id, request_id),
        ).fetchall()
        result = []
        for row in rows:
            item = dict(row)
            seq = item.pop("status_change_seq")
            item["attempt_log"] = [
                dict(attempt)
                for attempt in db.execute(
                    """SELECT attempt_number, attempted_at, http_status, error FROM callback_attempts
                       WHERE status_change_seq = ? ORDER BY attempt_number""",
                    (seq,),
                )
            ]
            result.append(item)
        return result

    def booked_dates(self, statuses: tuple[Status, ...]) -> list[date]:
        marks = ", ".join("?" for _ in statuses)
        rows = self._connection.execute(
            f"SELECT DISTINCT statement_date FROM status_changes WHERE status IN ({marks}) ORDER BY statement_date",  # noqa: S608 - placeholders only
            [status.value for status in statuses],
        )
        return [date.fromisoformat(row[0]) for row in rows]

    def booked_changes(self, statement_date: date, statuses: tuple[Status, ...]) -> list[BookedChange]:
        marks = ", ".join("?" for _ in statuses)
        rows = self._connection.execute(
            f"""SELECT s.status, s.request_id, s.payload_json, r.body_json
                FROM status_changes s JOIN requests r ON r.request_id = s.request_id
                WHERE s.statement_date = ? AND s.status IN ({marks}) ORDER BY s.seq""",  # noqa: S608 - placeholders only
            [statement_date.isoformat(), *(status.value for status in statuses)],
        )
        changes = []
        for row in rows:
            payload = json.loads(row["payload_json"])
            changes.append(
                BookedChange(
                    status=Status(row["status"]),
                    request_id=row["request_id"],
                    provider_reference=payload["provider_reference"],
                    amount_minor=payload["amount_minor"],
                    currency=payload["currency"],
                    occurred_at=datetime.fromisoformat(payload["occurred_at"]),
                    reason_code=payload["reason_code"],
                    reason=payload["reason"],
                    body=json.loads(row["body_json"]),
                )
            )
        return changes

    def account_movement_before(self, statement_date: date) -> int:
        """Net movement of the payout account on the days before ``statement_date``: payouts out,
        returns back in."""
        row = self._connection.execute(
            """SELECT COALESCE(SUM(CASE s.status WHEN 'paid' THEN -r.amount_minor ELSE r.amount_minor END), 0)
               FROM status_changes s JOIN requests r ON r.request_id = s.request_id
               WHERE s.statement_date < ? AND s.status IN ('paid', 'returned')""",
            (statement_date.isoformat(),),
        ).fetchone()
        return int(row[0])


def _view(row: sqlite3.Row) -> RequestView:
    return RequestView(
        request_id=row["request_id"],
        provider_reference=row["provider_reference"],
        status=Status(row["status"]),
        reason_code=row["reason_code"],
        reason=row["reason"],
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        accepted_at=row["accepted_at"],
        updated_at=row["updated_at"],
    )


class StoreRunner:
    """Runs ``Store`` methods on one dedicated thread, so SQLite's fsyncs never stall the event
    loop and the store is never used from two threads at once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-store")

    async def call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args, **kwargs))

    def close(self) -> None:
        self._executor.submit(self.store.close).result()
        self._executor.shutdown(wait=True)
