"""The simulator's memory, in SQLite (standard library only).

What must survive a ``kill -9``: each parcel with its plan, the scans that have happened, and
every webhook built for them with its delivery state. A step happens in one transaction that
stores its scan, its webhook(s) and the time of the next step, *before* anything is sent, so a
restarted simulator never replays a step with a new time or a new body: it only sends again what
was not yet acknowledged, byte for byte (the one unavoidable repeat is a webhook the receiver
acknowledged just before the crash, before the simulator recorded it; receivers deduplicate it).

WAL with ``synchronous=NORMAL``: a commit survives the process being killed at any moment (the
WAL is in the OS page cache); only a power cut could lose the last commits, which a simulator
does not need to survive and fsync per webhook would cost.

All methods are synchronous and must be called from one thread at a time (``StoreRunner``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from simulators.carrier_sim.domain import Plan
from simulators.carrier_sim.formats import BuiltRequest, ScanRecord

P = ParamSpec("P")
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS parcels (
    tracking_number TEXT PRIMARY KEY,
    carrier_code TEXT NOT NULL,
    format TEXT NOT NULL,
    fate TEXT NOT NULL,
    request_json TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    scans_json TEXT NOT NULL DEFAULT '[]',
    step_count INTEGER NOT NULL,
    next_step INTEGER NOT NULL DEFAULT 0,
    next_step_due REAL,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    accepted_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX IF NOT EXISTS parcels_next_step_due ON parcels (next_step_due) WHERE next_step_due IS NOT NULL;
-- One row per webhook to send; a deliberate duplicate is its own row with the same body.
-- order_key orders a parcel's webhooks: each is sent only after the earlier ones are final.
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_number TEXT NOT NULL REFERENCES parcels (tracking_number),
    step_index INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('step', 'duplicate')),
    out_of_order INTEGER NOT NULL CHECK (out_of_order IN (0, 1)),
    order_key INTEGER NOT NULL,
    path TEXT NOT NULL,
    body BLOB NOT NULL,
    headers_json TEXT NOT NULL,
    webhook_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('held', 'pending', 'delivered', 'rejected', 'gave_up')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    http_status INTEGER,
    error TEXT,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS posts_due ON posts (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS posts_parcel ON posts (tracking_number, state, order_key);
"""

OPEN_POST_STATES = ("held", "pending")


class IdempotencyConflict(Exception):
    def __init__(self, tracking_number: str, differing_fields: list[str]) -> None:
        super().__init__(tracking_number)
        self.tracking_number = tracking_number
        self.differing_fields = differing_fields


@dataclass(frozen=True)
class DueParcel:
    tracking_number: str
    carrier_code: str
    format: str
    plan: Plan
    scans: list[ScanRecord]
    next_step: int


@dataclass(frozen=True)
class PlannedPost:
    request: BuiltRequest
    kind: str  # "step" | "duplicate"
    out_of_order: bool  # held until the next step has been queued, then queued after it


@dataclass(frozen=True)
class StepRecord:
    """A step that has just happened: its scan and its webhooks, and when the next step is due
    (None after the last)."""

    tracking_number: str
    step_index: int
    scan: ScanRecord
    posts: list[PlannedPost]
    next_step_due: float | None


@dataclass(frozen=True)
class Post:
    id: int
    tracking_number: str
    path: str
    body: bytes
    headers: dict[str, str]
    webhook_id: str | None
    attempts: int


class Store:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, path: Path) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=5000")
        connection.executescript(_SCHEMA)
        return cls(connection)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- parcels ---------------------------------------------------------------------------

    def accept(
        self, request: dict[str, Any], plan: Plan, first_step_due: float, accepted_at: datetime
    ) -> tuple[dict[str, Any], bool]:
        """Store a new parcel, or recognise a repeated request. Returns (parcel view, created).

        Raises ``IdempotencyConflict`` when the tracking number was accepted with another body.
        """
        tracking_number = str(request["tracking_number"])
        with self._transaction() as db:
            row = db.execute(
                "SELECT request_json FROM parcels WHERE tracking_number = ?", (tracking_number,)
            ).fetchone()
            if row is not None:
                first = json.loads(row["request_json"])
                differing = sorted(key for key in set(first) | set(request) if first.get(key) != request.get(key))
                if differing:
                    raise IdempotencyConflict(tracking_number, differing)
                created = False
            else:
                db.execute(
                    "INSERT INTO parcels (tracking_number, carrier_code, format, fate, request_json, plan_json,"
                    " step_count, next_step_due, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        tracking_number,
                        request["carrier_code"],
                        request["format"],
                        plan.fate.value,
                        json.dumps(request, sort_keys=True, ensure_ascii=False),
                        json.dumps(plan.as_json(), ensure_ascii=False),
                        len(plan.steps),
                        first_step_due,
                        accepted_at.isoformat(),
                    ),
                )
                created = True
        view = self.parcel(tracking_number)
        assert view is not None
        return view, created

    def parcel(self, tracking_number: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT * FROM parcels WHERE tracking_number = ?", (tracking_number,)).fetchone()
        if row is None:
            return None
        counts = self._db.execute(
            "SELECT COUNT(*) FILTER (WHERE attempts > 0) AS sent,"
            " COUNT(*) FILTER (WHERE attempts > 0 AND kind = 'duplicate') AS duplicates,"
            " COUNT(*) FILTER (WHERE attempts > 0 AND out_of_order = 1) AS out_of_order,"
            " COUNT(*) FILTER (WHERE state = 'delivered') AS delivered,"
            " COALESCE(SUM(MAX(attempts - 1, 0)), 0) AS retries"
            " FROM posts WHERE tracking_number = ?",
            (tracking_number,),
        ).fetchone()
        rejected = [
            {
                "step": post["step_index"],
                "kind": post["kind"],
                "state": post["state"],
                "http_status": post["http_status"],
                "error": post["error"],
                "at": post["finished_at"],
            }
            for post in self._db.execute(
                "SELECT * FROM posts WHERE tracking_number = ? AND state IN ('rejected', 'gave_up') ORDER BY id",
                (tracking_number,),
            )
        ]
        plan = Plan.from_json(json.loads(row["plan_json"]))
        return {
            "tracking_number": row["tracking_number"],
            "carrier_code": row["carrier_code"],
            "format": row["format"],
            "fate": row["fate"],
            "state": "done" if row["done"] else "in_progress",
            "steps": [step.status.value for step in plan.steps],
            "steps_done": row["next_step"],
            "scans": json.loads(row["scans_json"]),
            "webhooks_sent": counts["sent"],
            "webhooks_delivered": counts["delivered"],
            "duplicates": counts["duplicates"],
            "out_of_order": counts["out_of_order"],
            "retries": counts["retries"],
            "rejected": rejected,
            "accepted_at": row["accepted_at"],
            "done_at": row["done_at"],
        }

    # --- steps -----------------------------------------------------------------------------

    def due_parcels(self, now_epoch: float, limit: int) -> list[DueParcel]:
        rows = self._db.execute(
            "SELECT tracking_number, carrier_code, format, plan_json, scans_json, next_step FROM parcels"
            " WHERE next_step_due IS NOT NULL AND next_step_due <= ? ORDER BY next_step_due LIMIT ?",
            (now_epoch, limit),
        ).fetchall()
        return [
            DueParcel(
                tracking_number=row["tracking_number"],
                carrier_code=row["carrier_code"],
                format=row["format"],
                plan=Plan.from_json(json.loads(row["plan_json"])),
                scans=[ScanRecord.from_json(scan) for scan in json.loads(row["scans_json"])],
                next_step=row["next_step"],
            )
            for row in rows
        ]

    def next_step_due_at(self) -> float | None:
        row = self._db.execute("SELECT MIN(next_step_due) FROM parcels WHERE next_step_due IS NOT NULL").fetchone()
        return None if row[0] is None else float(row[0])

    def record_steps(self, records: Sequence[StepRecord], now_epoch: float) -> int:
        """Commit steps that have happened, with their webhooks, in one transaction.

        A step's webhooks are queued after everything already queued for its parcel. A step
        planned out of order is held; the next step's webhooks are queued first, then the held
        ones are released behind them. A step already recorded (its parcel moved on) is skipped.
        """
        written = 0
        with self._transaction() as db:
            for record in records:
                row = db.execute(
                    "SELECT next_step, scans_json FROM parcels WHERE tracking_number = ?", (record.tracking_number,)
                ).fetchone()
                if row is None or row["next_step"] != record.step_index:
                    continue
                for post in record.posts:
                    self._insert_post(db, record, post, now_epoch)
                if not any(post.out_of_order for post in record.posts):
                    for held in db.execute(
                        "SELECT id FROM posts WHERE tracking_number = ? AND state = 'held' ORDER BY id",
                        (record.tracking_number,),
                    ).fetchall():
                        db.execute(
                            "UPDATE posts SET state = 'pending', order_key = ?, next_attempt_at = ? WHERE id = ?",
                            (self._next_order_key(db), now_epoch, held["id"]),
                        )
                scans = [*json.loads(row["scans_json"]), record.scan.as_json()]
                db.execute(
                    "UPDATE parcels SET next_step = ?, next_step_due = ?, scans_json = ? WHERE tracking_number = ?",
                    (
                        record.step_index + 1,
                        record.next_step_due,
                        json.dumps(scans, ensure_ascii=False),
                        record.tracking_number,
                    ),
                )
                written += 1
        return written

    def _insert_post(self, db: sqlite3.Connection, record: StepRecord, post: PlannedPost, now_epoch: float) -> None:
        db.execute(
            "INSERT INTO posts (tracking_number, step_index, kind, out_of_order, order_key, path, body, headers_json,"
            " webhook_id, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.tracking_number,
                record.step_index,
                post.kind,
                1 if post.out_of_order else 0,
                self._next_order_key(db),
                post.request.path,
                post.request.body,
                json.dumps(post.request.headers),
                post.request.webhook_id,
                "held" if post.out_of_order else "pending",
                now_epoch,
            ),
        )

    @staticmethod
    def _next_order_key(db: sqlite3.Connection) -> int:
        row = db.execute(
            "INSERT INTO counters (name, value) VALUES ('order_key', 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
        ).fetchone()
        return int(row[0])

    def reschedule_steps_before(self, latest_due: float) -> None:
        """Bring forward every step due after ``latest_due`` (the scan interval was shortened)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE parcels SET next_step_due = ? WHERE next_step_due IS NOT NULL AND next_step_due > ?",
                (latest_due, latest_due),
            )

    # --- delivery --------------------------------------------------------------------------

    def due_posts(self, now_epoch: float, busy_parcels: set[str], limit: int) -> list[Post]:
        """Webhooks whose time has come and that are the first open one of their parcel, so a
        parcel's webhooks go out one at a time, in order."""
        rows = self._db.execute(
            "SELECT p.* FROM posts p WHERE p.state = 'pending' AND p.next_attempt_at <= ?"
            " AND p.order_key = (SELECT MIN(q.order_key) FROM posts q"
            "  WHERE q.tracking_number = p.tracking_number AND q.state = 'pending')"
            " ORDER BY p.next_attempt_at LIMIT ?",
            (now_epoch, limit + len(busy_parcels)),
        ).fetchall()
        posts = [
            Post(
                id=row["id"],
                tracking_number=row["tracking_number"],
                path=row["path"],
                body=bytes(row["body"]),
                headers=json.loads(row["headers_json"]),
                webhook_id=row["webhook_id"],
                attempts=row["attempts"],
            )
            for row in rows
            if row["tracking_number"] not in busy_parcels
        ]
        return posts[:limit]

    def next_post_due_at(self) -> float | None:
        row = self._db.execute("SELECT MIN(next_attempt_at) FROM posts WHERE state = 'pending'").fetchone()
        return None if row[0] is None else float(row[0])

    def record_attempt(
        self,
        post_id: int,
        *,
        outcome: str,
        http_status: int | None,
        error: str | None,
        retry_at_epoch: float,
        max_attempts: int,
        at: datetime,
    ) -> str:
        """Record one attempt: ``outcome`` is "delivered", "rejected" or "retry". Returns the
        webhook's new state ("pending" when it will be tried again, "gave_up" after the last
        attempt). Marks the parcel done when nothing of it is left to happen or send."""
        with self._transaction() as db:
            row = db.execute("SELECT tracking_number, attempts FROM posts WHERE id = ?", (post_id,)).fetchone()
            attempts = int(row["attempts"]) + 1
            state = outcome
            if outcome == "retry":
                state = "gave_up" if attempts >= max_attempts else "pending"
            final = state != "pending"
            db.execute(
                "UPDATE posts SET state = ?, attempts = ?, next_attempt_at = ?, http_status = ?, error = ?,"
                " finished_at = ? WHERE id = ?",
                (
                    state,
                    attempts,
                    None if final else retry_at_epoch,
                    http_status,
                    error,
                    at.isoformat() if final else None,
                    post_id,
                ),
            )
            if final:
                db.execute(
                    "UPDATE parcels SET done = 1, done_at = ? WHERE tracking_number = ? AND done = 0"
                    " AND next_step_due IS NULL AND NOT EXISTS (SELECT 1 FROM posts"
                    "  WHERE posts.tracking_number = parcels.tracking_number AND posts.state IN ('held', 'pending'))",
                    (at.isoformat(), row["tracking_number"]),
                )
        return state

    # --- statistics ------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        parcels = self._db.execute(
            "SELECT COUNT(*) AS parcels, COALESCE(SUM(done = 0), 0) AS in_progress, COALESCE(SUM(done = 1), 0) AS done"
            " FROM parcels"
        ).fetchone()
        posts = self._db.execute(
            "SELECT COALESCE(SUM(attempts > 0), 0) AS sent, COALESCE(SUM(state = 'delivered'), 0) AS delivered,"
            " COALESCE(SUM(kind = 'duplicate' AND attempts > 0), 0) AS duplicates,"
            " COALESCE(SUM(out_of_order = 1 AND attempts > 0), 0) AS out_of_order,"
            " COALESCE(SUM(MAX(attempts - 1, 0)), 0) AS retries, COALESCE(SUM(attempts), 0) AS requests,"
            " COALESCE(SUM(state = 'rejected'), 0) AS rejected, COALESCE(SUM(state = 'gave_up'), 0) AS gave_up,"
            " COALESCE(SUM(state IN ('held', 'pending')), 0) AS pending FROM posts"
        ).fetchone()
        by_fate = {
            row["fate"]: row["count"]
            for row in self._db.execute("SELECT fate, COUNT(*) AS count FROM parcels GROUP BY fate ORDER BY fate")
        }
        return {
            "parcels": parcels["parcels"],
            "in_progress": parcels["in_progress"],
            "done": parcels["done"],
            "webhooks_sent": posts["sent"],
            "webhooks_delivered": posts["delivered"],
            "duplicates_sent": posts["duplicates"],
            "out_of_order_sent": posts["out_of_order"],
            "retries": posts["retries"],
            "requests": posts["requests"],
            "rejected": posts["rejected"],
            "gave_up": posts["gave_up"],
            "webhooks_pending": posts["pending"],
            "by_fate": by_fate,
        }


class StoreRunner:
    """Runs ``Store`` methods on one dedicated thread, so SQLite never stalls the event loop and
    the store is never used from two threads at once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="carrier-sim-store")

    async def call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args, **kwargs))

    def close(self) -> None:
        self._executor.submit(self.store.close).result()
        self._executor.shutdown(wait=True)
