"""List and replay dead letters (ops).

    python -m shipsettle_shared.dead_letters list [--group G] [--bootstrap HOST:PORT]
    python -m shipsettle_shared.dead_letters replay --service S --actor WHO --reason WHY
        (--event-id UUID | --partition P --offset N | --all [--group G]) [--database-url URL]

A replay is audited in the transaction that makes it (issue 20): in the database of the service
that produced the event (``--service``; ``--database-url``, by default
``SHIPSETTLE_DATABASE_URL``), one transaction puts the event back in that service's outbox (its
row marked unpublished again, or written anew from the letter if retention deleted it) and
appends an audit row (``dead_letters.replay``: the person (``--actor``, as ``cli:<who>``, role
ops), the letter's topic/partition/offset, its event id, origin and consumer group, the reason).
Both commit or neither; the service's own relay then publishes the event to its original topic
with its original key, as its principal may (the tool writes to no topic). Consumer groups that
already applied it skip it (their inbox has its event id); the group that failed applies it,
once the cause is fixed. Replaying twice is therefore harmless (and logged twice). A letter that
is not an envelope (it would fail again), or of an event another service produced, is refused;
``--all`` replays the letters this service can and names the others.

Reading the dead-letter topic uses no consumer group and commits nothing, so listing changes
nothing; it connects as the broker's super user (``kafka_access``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import create_async_engine

from shipsettle_shared import audit
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import Role, Topic, partitions_of
from shipsettle_shared.db import outbox_table, session_factory, unit_of_work
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.kafka_access import tooling_client_config, topics_written_by
from shipsettle_shared.outbox import shard_of
from shipsettle_shared.topology import SERVICES_BY_NAME

REPLAY_ACTION = "dead_letters.replay"

_ORIGIN_HEADERS = {
    "dl_error",
    "dl_origin_topic",
    "dl_origin_partition",
    "dl_origin_offset",
    "dl_consumer_group",
    "dl_attempts",
    "dl_failed_at",
}


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str | None:
        for header_name, value in self.headers:
            if header_name == name:
                return value.decode(errors="replace")
        return None

    @property
    def event_id(self) -> str | None:
        return self.header("event_id")

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(name, value) for name, value in self.headers if name not in _ORIGIN_HEADERS]

    def summary(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "offset": self.offset,
            "event_id": self.event_id,
            "event_type": self.header("event_type"),
            "origin": f"{self.header('dl_origin_topic')}[{self.header('dl_origin_partition')}]"
            f"@{self.header('dl_origin_offset')}",
            "consumer_group": self.header("dl_consumer_group"),
            "attempts": self.header("dl_attempts"),
            "failed_at": self.header("dl_failed_at"),
            "error": self.header("dl_error"),
        }


async def read_dead_letters(bootstrap: str, group: str | None = None) -> list[DeadLetter]:
    """Everything on the dead-letter topic up to now, optionally for one consumer group."""
    consumer = AIOKafkaConsumer(**tooling_client_config(bootstrap), enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(str(Topic.DEAD_LETTER), p) for p in partitions_of(Topic.DEAD_LETTER)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end_offsets = await consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        remaining = {tp for tp in partitions if end_offsets[tp] > 0}
        while remaining:
            batches = await consumer.getmany(timeout_ms=1000)
            for tp, records in batches.items():
                for record in records:
                    letters.append(
                        DeadLetter(tp.partition, record.offset, record.key, record.value, tuple(record.headers or ()))
                    )
                if await consumer.position(tp) >= end_offsets[tp]:
                    remaining.discard(tp)
            for tp in list(remaining):
                if await consumer.position(tp) >= end_offsets[tp]:
                    remaining.discard(tp)
        if group is not None:
            letters = [letter for letter in letters if letter.header("dl_consumer_group") == group]
        return sorted(letters, key=lambda letter: (letter.partition, letter.offset))
    finally:
        await consumer.stop()


@dataclass(frozen=True)
class Operator:
    """Who replays (an ``audit.Actor``): the person running the tool, who holds no API key."""

    key_id: str
    role: Role = Role.OPS


def why_not_replayable(letter: DeadLetter, service: str) -> str | None:
    """None if ``service`` can replay the letter through its outbox, else why not."""
    topic = letter.header("dl_origin_topic")
    if topic not in topics_written_by(service):
        return f"its origin topic {topic!r} is not written by {service}"
    try:
        envelope = EventEnvelope.from_bytes(letter.value)
    except ValidationError:
        return "it is not an event envelope (it would fail again)"
    if envelope.producer != service:
        return f"its event was produced by {envelope.producer}, not {service}"
    return None


def letter_target(letter: DeadLetter) -> str:
    """The audit row's target: where the letter is on the dead-letter topic."""
    return f"{Topic.DEAD_LETTER}/{letter.partition}/{letter.offset}"


async def replay(
    database_url: str, service: str, letters: list[DeadLetter], *, operator: Operator, reason: str, now: datetime
) -> int:
    """Each letter back in ``service``'s outbox and an audit row for it, in one transaction.
    Raises ValueError (before anything is written) for a letter ``service`` cannot replay."""
    if refused := {letter_target(letter): why for letter in letters if (why := why_not_replayable(letter, service))}:
        raise ValueError(f"not replayable by {service}: {refused}")
    engine = create_async_engine(database_url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            for letter in letters:
                envelope = EventEnvelope.from_bytes(letter.value)
                message_key = letter.key.decode() if letter.key is not None else envelope.aggregate_id
                # still in the outbox (within its retention): published again; else written anew
                await session.execute(
                    insert(outbox_table)
                    .values(
                        event_id=envelope.event_id,
                        topic=letter.header("dl_origin_topic"),
                        message_key=message_key,
                        shard=shard_of(message_key),
                        event_type=envelope.event_type,
                        envelope=envelope.model_dump(mode="json"),
                    )
                    .on_conflict_do_update(index_elements=["event_id"], set_={"published_at": None})
                )
            for letter in letters:  # last in the transaction: the chain's lock is held to the commit
                summary = letter.summary()
                await audit.record(
                    session,
                    operator,
                    REPLAY_ACTION,
                    "dead_letter",
                    letter_target(letter),
                    at=now,
                    after={key: summary[key] for key in ("event_id", "event_type", "origin", "consumer_group")},
                    reason=reason,
                )
        return len(letters)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shipsettle-dead-letters", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--group", help="only letters of this consumer group")
    parser.add_argument("--partition", type=int)
    parser.add_argument("--offset", type=int)
    parser.add_argument("--event-id")
    parser.add_argument("--all", action="store_true", help="replay every (selected) letter")
    parser.add_argument("--service", choices=sorted(SERVICES_BY_NAME), help="replay: the event's producer")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SHIPSETTLE_DATABASE_URL"),
        help="replay: that service's database (default SHIPSETTLE_DATABASE_URL)",
    )
    parser.add_argument("--actor", help="replay: who replays (recorded as cli:<actor>)")
    parser.add_argument("--reason", help="replay: why (recorded)")
    args = parser.parse_args(argv)
    if args.command == "replay":
        missing = [name for name in ("service", "database_url", "actor", "reason") if not getattr(args, name)]
        if missing:
            parser.error(f"replay needs {', '.join('--' + name.replace('_', '-') for name in missing)}")

    letters = asyncio.run(read_dead_letters(args.bootstrap, args.group))
    if args.command == "list":
        for letter in letters:
            print(json.dumps(letter.summary(), ensure_ascii=False))
        return 0

    if args.event_id:
        chosen = [letter for letter in letters if letter.event_id == args.event_id]
    elif args.partition is not None and args.offset is not None:
        chosen = [letter for letter in letters if (letter.partition, letter.offset) == (args.partition, args.offset)]
    elif args.all:
        for letter in letters:
            if why := why_not_replayable(letter, args.service):
                print(f"left {letter_target(letter)}: {why}", file=sys.stderr)
        chosen = [letter for letter in letters if not why_not_replayable(letter, args.service)]
    else:
        parser.error("replay needs --event-id, --partition with --offset, or --all")
    if not chosen:
        print("no matching dead letter", file=sys.stderr)
        return 1
    operator = Operator(key_id=f"cli:{args.actor}")
    try:
        count = asyncio.run(
            replay(
                args.database_url, args.service, chosen, operator=operator, reason=args.reason, now=SystemClock().now()
            )
        )
    except ValueError as refused:
        print(str(refused), file=sys.stderr)
        return 1
    print(f"replayed {count} dead letter(s) through {args.service}'s outbox, each audited")
    return 0


if __name__ == "__main__":
    sys.exit(main())
