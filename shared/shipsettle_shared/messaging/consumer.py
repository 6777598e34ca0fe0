"""The consumer loop: effects exactly once, on top of at-least-once delivery.

For each poll (a batch from every partition it returned):
1. in ONE database transaction, insert the batch's event ids into ``processed_events`` for this
   consumer group (ON CONFLICT DO NOTHING) and run the handler only for the ids that were new;
2. commit that transaction (the effect is now durable, and so is the memory of having done it);
3. commit the Kafka offsets, as an explicit map, only for partitions this member still owns.

A crash between 2 and 3 redelivers the batch; the inbox rows make the handlers skip it. If a
batch fails, its events are retried one at a time with backoff, so one poison message cannot
hold back the others; after the last attempt it goes to the dead-letter topic with its error,
origin and attempt count, and the partition moves on. Failures of the database rather than of the
event (connection lost, server restarting, deadlock) do not count as attempts: the event waits
until the database is back (``is_transient``). Malformed messages (not an envelope) go
there at once: no retry can fix them.

Rebalances: a listener commits what was processed before partitions are revoked, under the
same lock as the batch in flight. A member that was stalled past ``max.poll.interval.ms``
(SIGSTOP) finds its commit refused; it drops the pending offsets (the next owner reprocesses
and the inbox deduplicates) instead of retrying the commit in a loop.

A few bad messages are expected and dead-lettered while the rest flows. When the share of
dead-lettered messages among the last ``consumer_halt_window`` passes
``consumer_halt_bad_share``, something upstream is broken (a bad deploy, a wrong schema) and
dead-lettering everything would only move the mess: the group halts (its partitions paused, the
member staying in the group), ``shipsettle_consumer_halted`` goes to 1 and an error is logged.
Ops resume it (``POST /v1/consumers/{group}/resume``) once the cause is fixed.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from pydantic import ValidationError
from sqlalchemy import Result, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shipsettle_shared import metrics
from shipsettle_shared.contracts import Topic
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.failpoints import failpoint
from shipsettle_shared.logs import correlation_id_var
from shipsettle_shared.loop_slices import in_slices
from shipsettle_shared.messaging.kafka_config import consumer_config
from shipsettle_shared.settings import ServiceSettings

logger = logging.getLogger(__name__)

EventHandler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]
BatchEventHandler = Callable[[AsyncSession, list[EventEnvelope]], Awaitable[None]]


class PermanentEventError(Exception):
    """Raised by a handler when retrying cannot help (a contract violation in the payload)."""


@dataclass(frozen=True)
class OneStatementPoll:
    """A projection whose whole effect for a poll is one statement may write the poll's inbox rows
    in that same statement, outside a transaction block: one round trip instead of BEGIN, the inbox
    insert, the effect and COMMIT. PostgreSQL runs such a statement as its own transaction, so the
    inbox rows and the effect still commit together or not at all.

    ``apply(group, events)`` must insert every event's id into ``processed_events`` for ``group``
    (ON CONFLICT DO NOTHING) and apply only the events whose row it inserted, in that one
    statement; it returns the ids it inserted. Failures are handled as the loop's own transaction's
    are (a failing poll is retried event by event, then dead-lettered)."""

    event_types: frozenset[str]
    apply: Callable[[str, list[EventEnvelope]], Awaitable[set[Any]]]


@dataclass(frozen=True)
class Subscription:
    """One consumer group of a service: the topics it reads and a handler per event type."""

    group_id: str
    topics: tuple[Topic, ...]
    handlers: dict[str, EventHandler] = field(default_factory=dict)
    # For read models that record every event (e.g. an order's timeline), including types
    # added after this consumer was written.
    fallback: EventHandler | None = None
    # Optional: a handler that takes consecutive events of one type at once (a projection
    # writing one row per event can then write them in one statement). Order is kept.
    batch_handlers: dict[str, BatchEventHandler] = field(default_factory=dict)
    # Optional: consecutive events whose types map to the SAME batch handler (one function for
    # several types) form one run even when their types differ, so a projection that folds
    # several event types gets a whole poll at once; that handler dispatches on each event's type.
    batch_across_types: bool = False
    # Optional: the order in which a batch's events take their row locks. Two instances applying
    # batches that touch the same rows (a merchant's balance) in different orders can deadlock;
    # sorting every batch by the same key (stable, so one aggregate's events keep their order, as
    # long as the key is the same for all of them) makes them lock in one order.
    lock_order: Callable[[EventEnvelope], str] | None = None
    # Optional: a poll made only of events of these types is applied by this instead of the
    # loop's transaction (see OneStatementPoll).
    one_statement: OneStatementPoll | None = None

    def handler_for(self, event_type: str) -> EventHandler | None:
        return self.handlers.get(event_type, self.fallback)

    def handles(self, event_type: str) -> bool:
        return event_type in self.batch_handlers or self.handler_for(event_type) is not None


# The batch's event ids into the inbox, returning those not there before: one statement text
# whatever the batch size, so its prepared statement is reused.
_RECORD_IN_INBOX = text(
    """
    insert into processed_events (consumer, event_id, event_type)
    select cast(:consumer as text), e.event_id, e.event_type
    from unnest(cast(:event_ids as uuid[]), cast(:event_types as text[])) as e(event_id, event_type)
    on conflict do nothing
    returning event_id
    """
)


class BadShareGuard:
    """The share of dead-lettered messages among the last ``window`` a group consumed; tripped
    once at least ``minimum`` were seen and the share is above ``threshold``."""

    def __init__(self, *, threshold: float, window: int, minimum: int) -> None:
        self.threshold = threshold
        self.minimum = minimum
        self._outcomes: deque[bool] = deque(maxlen=window)
        self._bad = 0

    def record(self, *, bad: bool) -> None:
        if len(self._outcomes) == self._outcomes.maxlen and self._outcomes[0]:
            self._bad -= 1
        self._outcomes.append(bad)
        self._bad += bad

    @property
    def share(self) -> float:
        return self._bad / len(self._outcomes) if self._outcomes else 0.0

    @property
    def tripped(self) -> bool:
        return len(self._outcomes) >= self.minimum and self.share > self.threshold

    def describe(self) -> str:
        return f"{self._bad} of the last {len(self._outcomes)} messages dead-lettered ({self.share:.0%})"

    def reset(self) -> None:
        self._outcomes.clear()
        self._bad = 0


class _CommitBeforeRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, loop: ConsumerLoop) -> None:
        self._loop = loop

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self._loop.batch_lock:
            await self._loop.commit_pending(set(revoked))

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        logger.info(
            "partitions assigned",
            extra={"fields": {"group": self._loop.group, "partitions": sorted(str(tp) for tp in assigned)}},
        )


class ConsumerLoop:
    def __init__(
        self,
        settings: ServiceSettings,
        sessions: async_sessionmaker[AsyncSession],
        subscription: Subscription,
        dead_letter_producer: AIOKafkaProducer,
    ) -> None:
        self.settings = settings
        self.subscription = subscription
        self._sessions = sessions
        self._dead_letters = dead_letter_producer
        self._consumer: AIOKafkaConsumer | None = None
        self._pending_offsets: dict[TopicPartition, int] = {}
        self.batch_lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self.guard = BadShareGuard(
            threshold=settings.consumer_halt_bad_share,
            window=settings.consumer_halt_window,
            minimum=settings.consumer_halt_min_messages,
        )
        self.halted_because: str | None = None
        self._dead_lettered = 0

    @property
    def halted(self) -> bool:
        return self.halted_because is not None

    def halt(self, reason: str) -> None:
        self.halted_because = reason
        metrics.consumer_halted.labels(self.group).set(1)
        logger.error(
            "consumption halted: too many messages dead-lettered",
            extra={"fields": {"group": self.group, "reason": reason}},
        )

    def resume(self) -> None:
        """Ops, once the cause is fixed: consume again, with a fresh window."""
        self.guard.reset()
        self.halted_because = None
        metrics.consumer_halted.labels(self.group).set(0)
        consumer = self._consumer
        if consumer is not None and consumer.paused():
            consumer.resume(*consumer.paused())
        logger.warning("consumption resumed by ops", extra={"fields": {"group": self.group}})

    def stop(self) -> None:
        self._stopping.set()

    @property
    def group(self) -> str:
        return self.settings.consumer_group_prefix + self.subscription.group_id

    async def run(self) -> None:
        """Consume until stopped; a broken consumer is rebuilt after a pause, never abandoned."""
        while not self._stopping.is_set():
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("consumer loop failed; restarting", extra={"fields": {"group": self.group}})
                await asyncio.sleep(1.0)

    async def _consume(self) -> None:
        consumer = AIOKafkaConsumer(**consumer_config(self.settings, self.group))
        consumer.subscribe([str(topic) for topic in self.subscription.topics], listener=_CommitBeforeRevoke(self))
        self._consumer = consumer
        self._pending_offsets.clear()
        await consumer.start()
        loop = asyncio.get_running_loop()
        next_lag_report = loop.time()
        try:
            while not self._stopping.is_set():
                if self.halted:  # stay in the group, fetch nothing (also partitions assigned since)
                    unpaused = consumer.assignment() - consumer.paused()
                    if unpaused:
                        consumer.pause(*unpaused)
                batches = await consumer.getmany(timeout_ms=200, max_records=self.settings.consumer_max_records)
                if loop.time() >= next_lag_report:  # also when idle, so the gauge reaches zero
                    await self._record_lag(consumer)
                    next_lag_report = loop.time() + 1.0
                if not batches:
                    continue
                async with self.batch_lock:
                    owned = consumer.assignment()
                    # One transaction for the whole poll (every partition): one commit, one
                    # fsync. Order within each partition is kept; across partitions it never was.
                    # Partitions revoked while we fetched belong to their new owner now.
                    polled = {partition: records for partition, records in batches.items() if partition in owned}
                    await self.process_poll([record for records in polled.values() for record in records])
                    for partition, records in polled.items():
                        self._pending_offsets[partition] = records[-1].offset + 1
                    await self.commit_pending(None)
                if self.guard.tripped and not self.halted:
                    self.halt(self.guard.describe())
        finally:
            self._consumer = None
            try:
                await consumer.stop()
            except Exception:
                logger.warning("consumer did not stop cleanly", exc_info=True)

    async def commit_pending(self, partitions: set[TopicPartition] | None) -> None:
        """Commit processed offsets for ``partitions`` (all if None) that we still own."""
        consumer = self._consumer
        if consumer is None or not self._pending_offsets:
            return
        owned = consumer.assignment()
        offsets = {
            partition: offset
            for partition, offset in self._pending_offsets.items()
            if partition in owned and (partitions is None or partition in partitions)
        }
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:
            # We lost the partitions (e.g. stalled past max.poll.interval.ms). The effects are
            # durable and recorded in the inbox, so the next owner skips them: drop, don't loop.
            metrics.offset_commit_failures_total.labels(self.group).inc()
            logger.warning("offset commit refused after rebalance: %s", error, extra={"fields": {"group": self.group}})
            for partition in offsets:
                self._pending_offsets.pop(partition, None)
            return
        for partition, offset in offsets.items():
            if self._pending_offsets.get(partition) == offset:
                del self._pending_offsets[partition]

    async def _record_lag(self, consumer: AIOKafkaConsumer) -> None:
        for partition in consumer.assignment():
            highwater = consumer.highwater(partition)
            if highwater is None:
                continue
            position = await consumer.position(partition)
            metrics.consumer_lag_messages.labels(self.group, partition.topic, str(partition.partition)).set(
                max(highwater - position, 0)
            )

    # --- processing --------------------------------------------------------------------

    async def process_poll(self, records: list[ConsumerRecord]) -> None:
        """Apply one poll's records: in one transaction, or one per lane (``consumer_lanes``) at
        once. Public so a test can drive a poll without a broker."""
        dead_lettered_before = self._dead_lettered
        try:
            lanes = split_into_lanes(records, self.settings.consumer_lanes)
            if len(lanes) == 1:
                await self._process_records(lanes[0])
            else:
                # The poll's offsets are committed after every lane's transaction. A lane whose
                # transaction fails retries its events one by one, as a single-lane poll does;
                # an error that escapes a lane (shutting down) cancels the others, and nothing of
                # the poll is acknowledged: what did commit is in the inbox, so a retry skips it.
                async with asyncio.TaskGroup() as lane_group:
                    for lane in lanes:
                        lane_group.create_task(self._process_records(lane))
        finally:
            bad = self._dead_lettered - dead_lettered_before
            for index in range(len(records)):
                self.guard.record(bad=index < bad)

    async def _process_records(self, records: list[ConsumerRecord]) -> None:
        handled: list[tuple[ConsumerRecord, EventEnvelope]] = []
        async for record in in_slices(records):  # a poll's parsing never holds the loop long
            # Routed on the relay's event_type header before the body is read: an event no
            # handler of this group wants costs neither a parse nor an inbox row. (Its body is
            # never looked at here; a group that wants it dead-letters it if it is malformed.)
            routed_type = _header_event_type(record)
            if routed_type is not None and not self.subscription.handles(routed_type):
                metrics.events_handled_total.labels(self.group, routed_type, "ignored").inc()
                continue
            try:
                envelope = EventEnvelope.from_bytes(record.value)
            except (ValidationError, ValueError) as error:
                await self._dead_letter(record, f"malformed envelope: {error}", attempts=1)
                continue
            # A record without the header (an old producer, a replay tool) is routed by its body.
            if not self.subscription.handles(envelope.event_type):
                metrics.events_handled_total.labels(self.group, envelope.event_type, "ignored").inc()
                continue
            handled.append((record, envelope))
        if not handled:
            return
        try:
            await self.apply([envelope for _, envelope in handled])
        except Exception as error:
            logger.warning(
                "batch failed, retrying its events one at a time: %s",
                error,
                extra={"fields": {"group": self.group, "events": len(handled)}},
            )
            for record, envelope in handled:
                await self._apply_with_retries(record, envelope)

    async def apply(self, envelopes: Sequence[EventEnvelope]) -> None:
        """Apply events in one transaction (or the subscription's one statement), as one poll is
        applied; events already in the inbox are skipped. Public so a benchmark or a test can drive
        the real path without Kafka."""
        unique: dict[object, EventEnvelope] = {}
        for envelope in envelopes:
            unique.setdefault(envelope.event_id, envelope)
        one_statement = self.subscription.one_statement
        if one_statement is not None and all(e.event_type in one_statement.event_types for e in unique.values()):
            new_ids = await one_statement.apply(self.group, list(unique.values()))
            self._count_applied(unique, new_ids)
            return
        async with self._sessions() as session, session.begin():
            inserted: Result[Any] = await session.execute(
                _RECORD_IN_INBOX,
                {
                    "consumer": self.group,
                    "event_ids": list(unique),
                    "event_types": [envelope.event_type for envelope in unique.values()],
                },
            )
            new_ids = {row[0] for row in inserted}
            fresh = [envelope for event_id, envelope in unique.items() if event_id in new_ids]
            fresh = in_lock_order(fresh, self.subscription.lock_order)
            runs = _runs_of_batchable(
                fresh, self.subscription.batch_handlers, across_types=self.subscription.batch_across_types
            )
            for run in runs:
                if run[0].event_type in self.subscription.batch_handlers:
                    # Consecutive events of one type with a batch handler: one call, one statement.
                    # Batch handlers read each envelope's correlation id themselves if they need it.
                    await self.subscription.batch_handlers[run[0].event_type](session, run)
                    continue
                envelope = run[0]
                token = correlation_id_var.set(envelope.correlation_id)
                try:
                    handler = self.subscription.handler_for(envelope.event_type)
                    assert handler is not None  # filtered in _process_records
                    await handler(session, envelope)
                finally:
                    correlation_id_var.reset(token)
        self._count_applied(unique, new_ids)

    def _count_applied(self, unique: dict[object, EventEnvelope], new_ids: set[Any]) -> None:
        """After the effects' commit: the events applied and the duplicates skipped."""
        for event_id, envelope in unique.items():
            outcome = "applied" if event_id in new_ids else "duplicate"
            metrics.events_handled_total.labels(self.group, envelope.event_type, outcome).inc()
        failpoint("consumer.after_effect_commit")
        failpoint(f"consumer.after_effect_commit.{self.group}")

    async def _apply_with_retries(self, record: ConsumerRecord, envelope: EventEnvelope) -> None:
        """Attempts that fail because of the message count toward the dead-letter topic; attempts
        that fail because the database is away (connection lost, restarting, a deadlock) do not:
        the event waits, its partition with it, until the database is back. Dead-lettering a
        healthy event during an outage would take it out of the flow for nothing (a chaos run's
        PostgreSQL resets did exactly that)."""
        attempts = self.settings.handler_max_attempts
        backoff_ms = self.settings.handler_backoff_initial_ms
        attempt = 0
        while True:
            try:
                await self.apply([envelope])
                return
            except PermanentEventError as error:
                await self._dead_letter(record, _describe(error), attempts=attempt + 1, envelope=envelope)
                return
            except Exception as error:
                transient = is_transient(error)
                if not transient:
                    attempt += 1
                    if attempt >= attempts:
                        await self._dead_letter(record, _describe(error), attempts=attempt, envelope=envelope)
                        return
                if self._stopping.is_set():
                    raise  # shutting down: the offset is not committed, the next owner retries it
                metrics.handler_retries_total.labels(self.group, envelope.event_type).inc()
                if transient:
                    logger.warning(
                        "database unavailable; the event waits: %s",
                        _describe(error).splitlines()[0],
                        extra={"fields": {"group": self.group, "event_id": str(envelope.event_id)}},
                    )
                await asyncio.sleep(backoff_ms / 1000)
                backoff_ms = min(backoff_ms * 2, self.settings.handler_backoff_max_ms)

    async def _dead_letter(
        self, record: ConsumerRecord, error: str, *, attempts: int, envelope: EventEnvelope | None = None
    ) -> None:
        headers = [
            *(record.headers or ()),
            ("dl_error", error[:4000].encode()),
            ("dl_origin_topic", record.topic.encode()),
            ("dl_origin_partition", str(record.partition).encode()),
            ("dl_origin_offset", str(record.offset).encode()),
            ("dl_consumer_group", self.group.encode()),
            ("dl_attempts", str(attempts).encode()),
            ("dl_failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        # Wait for the ack: the offset moves past this record only once the letter is safe.
        await self._dead_letters.send_and_wait(
            str(Topic.DEAD_LETTER), value=record.value, key=record.key, headers=headers
        )
        metrics.dead_letters_total.labels(self.group, record.topic).inc()
        self._dead_lettered += 1
        metrics.events_handled_total.labels(
            self.group, envelope.event_type if envelope else "malformed", "dead_lettered"
        ).inc()
        logger.error(
            "message dead-lettered",
            extra={
                "fields": {
                    "group": self.group,
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                    "error": error,
                    "attempts": attempts,
                }
            },
        )


# Connection exceptions (class 08), serialization failure and deadlock (40001, 40P01), the server
# shutting down or starting (57P01-57P03), too many connections (53300): none is the event's fault.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03", "53300"})


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says the database or network was away, rather than
    that this event cannot be applied."""
    seen: BaseException | None = error
    for _ in range(10):  # the cause chain: SQLAlchemy wraps the driver's error, which wraps OSError
        if seen is None:
            return False
        if isinstance(seen, OSError | TimeoutError | asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        sqlstate = getattr(seen, "sqlstate", None)
        if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in _TRANSIENT_SQLSTATES):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def in_lock_order(
    envelopes: list[EventEnvelope], lock_order: Callable[[EventEnvelope], str] | None
) -> list[EventEnvelope]:
    """The batch in the order its events should take their locks (stable: events with the same
    key keep their order)."""
    return envelopes if lock_order is None else sorted(envelopes, key=lock_order)


def split_into_lanes(records: Sequence[ConsumerRecord], lanes: int) -> list[list[ConsumerRecord]]:
    """A poll's records by lane, ``partition % lanes``, each partition's records in their order;
    only the lanes that have records. The order, shipment and refund topics are all keyed by order
    id over 12 partitions, so an order's events share a partition number: one lane holds all of
    them, in order, and two lanes never hold the same order."""
    by_lane: dict[int, list[ConsumerRecord]] = {}
    for record in records:
        by_lane.setdefault(record.partition % lanes, []).append(record)
    return [by_lane[lane] for lane in sorted(by_lane)]


def _runs_of_batchable(
    envelopes: list[EventEnvelope], batch_handlers: dict[str, BatchEventHandler], *, across_types: bool = False
) -> list[list[EventEnvelope]]:
    """Split into runs: consecutive events of one batch-handled type form one run (with
    ``across_types``, consecutive events whose types share one batch handler); every other event
    is a run of its own. Concatenated, the runs are the input order."""
    runs: list[list[EventEnvelope]] = []
    for envelope in envelopes:
        handler = batch_handlers.get(envelope.event_type)
        previous = runs[-1][0].event_type if runs else None
        joins = handler is not None and (
            previous == envelope.event_type
            or (across_types and previous is not None and batch_handlers.get(previous) is handler)
        )
        if joins:
            runs[-1].append(envelope)
        else:
            runs.append([envelope])
    return runs


def _header_event_type(record: ConsumerRecord) -> str | None:
    """The ``event_type`` header the relay sets on every record (EventEnvelope.kafka_headers);
    None when the record has none or it is not text."""
    for name, value in record.headers or ():
        if name == "event_type":
            try:
                return bytes(value).decode()
            except (UnicodeDecodeError, TypeError):
                return None
    return None


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip()


__all__ = ["ConsumerLoop", "EventHandler", "KafkaError", "OneStatementPoll", "PermanentEventError", "Subscription"]
