"""List and replay dead letters (ops).

    python -m shipsettle_shared.dead_letters list [--group G] [--bootstrap HOST:PORT]
    python -m shipsettle_shared.dead_letters replay --partition P --offset N
    python -m shipsettle_shared.dead_letters replay --event-id UUID
    python -m shipsettle_shared.dead_letters replay --all [--group G]

Replay publishes the original message again to its original topic with its original key.
Consumer groups that already applied it skip it (their inbox has its event id); the group that
failed applies it, once the cause is fixed. Replaying twice is therefore harmless. Reading the
dead-letter topic uses no consumer group and commits nothing, so listing changes nothing.
Both connect as the broker's super user (``kafka_access``): a replay writes to any service's
topic, which no service principal may.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shipsettle_shared.contracts import Topic, partitions_of
from shipsettle_shared.kafka_access import tooling_client_config

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


async def replay(bootstrap: str, letters: list[DeadLetter]) -> int:
    producer = AIOKafkaProducer(**tooling_client_config(bootstrap), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for letter in letters:
            topic = letter.header("dl_origin_topic")
            if not topic:
                raise ValueError(f"dead letter {letter.partition}@{letter.offset} has no origin topic")
            await producer.send_and_wait(topic, value=letter.value, key=letter.key, headers=letter.original_headers())
        return len(letters)
    finally:
        await producer.stop()


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
    args = parser.parse_args(argv)

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
        chosen = letters
    else:
        parser.error("replay needs --event-id, --partition with --offset, or --all")
    if not chosen:
        print("no matching dead letter", file=sys.stderr)
        return 1
    count = asyncio.run(replay(args.bootstrap, chosen))
    print(f"replayed {count} dead letter(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
