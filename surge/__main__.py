"""python -m surge: run the surge, then the checker; prints the checker's JSON, exit 1 on failure.

    python -m surge --orders 300 --merchants 20 --seed 7 --start-platform
    python -m surge --orders 300 --base-port-offset 10000 --db-suffix _e2e --kafka 127.0.0.1:19092

An attached platform must run in the test environment (its clocks must be movable).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from surge.check import check
from surge.driver import Driver, Options
from surge.platform import PlatformHandle, attach, start_private


async def surge(options: Options, platform: PlatformHandle) -> dict[str, Any]:
    record = await Driver(platform, options).run()
    result = await check(record)
    result["record_path"] = record["record_path"]
    return result


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    options = Options(
        orders=args.orders,
        merchants=args.merchants,
        seed=args.seed,
        concurrency=args.concurrency,
        deadline_s=args.deadline_s,
    )
    if args.start_platform:
        platform = await start_private(
            port_offset=args.base_port_offset, db_suffix=args.db_suffix, kafka_port=args.kafka_port
        )
        try:
            return await surge(options, platform)
        finally:
            platform.stop()
    platform = attach(
        port_offset=args.base_port_offset,
        db_suffix=args.db_suffix,
        kafka_bootstrap=args.kafka,
        group_prefix=args.group_prefix,
    )
    return await surge(options, platform)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--merchants", type=int, default=20, help="one hot merchant gets about half the orders")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--deadline-s", type=float, default=600)
    parser.add_argument("--base-port-offset", type=int, default=None, help="where the platform runs (or will)")
    parser.add_argument("--start-platform", action="store_true", help="start a private platform for this run")
    parser.add_argument("--db-suffix", default=None, help="database name suffix (default _surge when starting)")
    parser.add_argument("--kafka", default="127.0.0.1:9092", help="bootstrap of an attached platform's broker")
    parser.add_argument("--group-prefix", default="", help="an attached platform's consumer-group prefix")
    parser.add_argument("--kafka-port", type=int, default=19492, help="the private platform's own broker")
    args = parser.parse_args(argv)
    if args.base_port_offset is None:
        args.base_port_offset = 14000 if args.start_platform else 0
    if args.db_suffix is None:
        args.db_suffix = "_surge" if args.start_platform else ""
    result = asyncio.run(main_async(args))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
