"""``python -m simulators.carrier_sim --logistics-url http://127.0.0.1:8102 ...``: run the simulator."""

from __future__ import annotations

import logging
import os
import sys

import uvicorn

from shipsettle_shared.http_client import SERVER_KEEP_ALIVE_S
from simulators.carrier_sim.app import create_app
from simulators.carrier_sim.config import parse_config


def main() -> None:
    config = parse_config(sys.argv[1:], os.environ)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s carrier-sim %(name)s: %(message)s")
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=SERVER_KEEP_ALIVE_S,
    )


if __name__ == "__main__":
    main()
