"""Create ShipSettle's topics explicitly, with the partition counts stated in ``contracts``.

The broker runs with auto-create off, so a typo in a topic name fails loudly instead of
creating an empty topic nobody reads. ``ensure`` also creates every service principal's ACLs
(``kafka_access``): each writes only its own topics and reads only those it consumes. It connects
as the broker's super user (``SHIPSETTLE_KAFKA_ADMIN_PASSWORD``, the placeholder by default).

    python -m shipsettle_shared.topics ensure [--bootstrap 127.0.0.1:9092] [--replication 1]
    python -m shipsettle_shared.topics list
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shipsettle_shared.contracts import TOPIC_SPECS
from shipsettle_shared.kafka_access import create_acls, service_acls, tooling_client_config


async def ensure_topics(bootstrap: str, replication: int = 1, timeout_s: float = 60.0) -> list[str]:
    """Create missing topics and every service's ACLs; returns the names of the topics created.
    Waits for the broker up to timeout."""
    admin = AIOKafkaAdminClient(**tooling_client_config(bootstrap), request_timeout_ms=10_000)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await admin.start()
            break
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
    try:
        existing = set(await admin.list_topics())
        missing = [spec for spec in TOPIC_SPECS if str(spec.topic) not in existing]
        created: list[str] = []
        for spec in missing:
            config = {"min.insync.replicas": str(min(2, replication))}
            try:
                await admin.create_topics(
                    [NewTopic(str(spec.topic), spec.partitions, replication, topic_configs=config)]
                )
                created.append(str(spec.topic))
            except TopicAlreadyExistsError:
                pass  # another process created it meanwhile
        await create_acls(admin, service_acls())
        return created
    finally:
        await admin.close()


async def describe(bootstrap: str) -> dict[str, int]:
    admin = AIOKafkaAdminClient(**tooling_client_config(bootstrap))
    await admin.start()
    try:
        names = [str(spec.topic) for spec in TOPIC_SPECS]
        described = await admin.describe_topics(names)
        return {item["topic"]: len(item["partitions"]) for item in described if not item.get("error_code")}
    finally:
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shipsettle-topics", description=__doc__)
    parser.add_argument("command", choices=["ensure", "list"])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--replication", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "ensure":
        created = asyncio.run(ensure_topics(args.bootstrap, args.replication))
        print(f"topics: created {', '.join(created) if created else 'none (all present)'}")
    else:
        for name, partitions in sorted(asyncio.run(describe(args.bootstrap)).items()):
            print(f"{name}\t{partitions} partitions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
