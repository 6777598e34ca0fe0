"""``python -m simulators.provider_sandbox --kind payout|refund ...``: run the sandbox."""

from __future__ import annotations

import logging
import os
import sys

import uvicorn

from shipsettle_shared.http_client import SERVER_KEEP_ALIVE_S
from simulators.provider_sandbox.app import create_app
from simulators.provider_sandbox.config import parse_config


def main() -> None:
    config = parse_config(sys.argv[1:], os.environ)
    logging.basicConfig(
        level=logging.INFO,
        format=f"%(asctime)s %(levelname)s provider-sandbox[{config.kind.value}] %(name)s: %(message)s",
    )
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        log_level="info",
        access_log=False,
        timeout_keep_alive=SERVER_KEEP_ALIVE_S,
    )


if __name__ == "__main__":
    main()
