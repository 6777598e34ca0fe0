"""Bootstrap CLI: issue the first keys before anyone holds an ops key.

    python -m order_svc.entrypoints.cli issue-key --role ops --label "first ops key"
    python -m order_svc.entrypoints.cli issue-key --role merchant --merchant-id m-1 --label shop

Prints the key as JSON. Writes the key row and its ApiKeyIssued event in one transaction, the
same as the HTTP endpoint, so every service learns the key through the bus.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from order_svc.config import load_settings
from order_svc.domain.access import IssueApiKey
from order_svc.service_layer.access import issue_api_key
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import create_engine, session_factory, unit_of_work


async def _issue(command: IssueApiKey) -> dict[str, str | None]:
    settings = load_settings()
    engine = create_engine(settings)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            issued = await issue_api_key(session, command, pepper=settings.api_key_pepper, now=SystemClock().now())
    finally:
        await engine.dispose()
    return {
        "key_id": issued.key_id,
        "api_key": issued.api_key,
        "role": command.role.value,
        "merchant_id": command.merchant_id,
        "carrier_code": command.carrier_code,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="order-svc-cli")
    sub = parser.add_subparsers(dest="command", required=True)
    issue = sub.add_parser("issue-key")
    issue.add_argument("--role", required=True, choices=[role.value for role in Role])
    issue.add_argument("--label", required=True)
    issue.add_argument("--merchant-id")
    issue.add_argument("--carrier-code")
    args = parser.parse_args(argv)
    command = IssueApiKey(
        role=Role(args.role), label=args.label, merchant_id=args.merchant_id, carrier_code=args.carrier_code
    )
    print(json.dumps(asyncio.run(_issue(command))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
