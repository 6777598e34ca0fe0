"""The simulator's command line. Every option can also come from the environment as
``CARRIER_SIM_<OPTION>`` (``--scan-interval-ms`` ↔ ``CARRIER_SIM_SCAN_INTERVAL_MS``); the command
line wins. It listens on 127.0.0.1 only and sends only to 127.0.0.1."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from simulators.carrier_sim.domain import Controls
from simulators.carrier_sim.formats import Secrets, decode_native_secret

HOST = "127.0.0.1"
DEFAULT_PORT = 8301
DEFAULT_DB = Path("var/carrier-sim/sim.sqlite3")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True)
class SimConfig:
    port: int
    logistics_url: str
    clock_url: str | None
    db_path: Path
    seed: int
    secrets: Secrets
    initial_controls: Controls
    concurrency: int
    timeout_s: float

    @property
    def host(self) -> str:
        return HOST


def _boolean(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().lower()
    if text not in _TRUE | _FALSE:
        raise argparse.ArgumentTypeError(f"expected true or false, not {value!r}")
    return text in _TRUE


def _loopback_url(value: str, option: str) -> str:
    """An http URL on 127.0.0.1: all simulator traffic stays on loopback."""
    parts = urlsplit(value)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"{option} must be an http://127.0.0.1:<port> URL, not {value!r}")
    return value.rstrip("/")


def _parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.carrier_sim",
        description="Carriers and tracking aggregators posting signed webhooks to ShipSettle's logistics-svc.",
    )

    def option(name: str, **kwargs: object) -> None:
        variable = "CARRIER_SIM_" + name.removeprefix("--").replace("-", "_").upper()
        if variable in environ:
            kwargs["default"] = environ[variable]
            kwargs.pop("required", None)
        help_text = str(kwargs.pop("help", ""))
        parser.add_argument(name, help=f"{help_text} [env {variable}]", **kwargs)  # type: ignore[arg-type]

    option("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1")
    option("--logistics-url", required=True, help="logistics-svc's base URL, http://127.0.0.1:<port>")
    option(
        "--clock-url", default=None, help="GET answering {'now': iso} to date scans by (e.g. logistics /_test/clock)"
    )
    option("--db", default=str(DEFAULT_DB), help="SQLite file of parcels and their progress")
    option("--seed", type=int, default=1, help="seed of the fate and fault draws")
    option("--kuaidi100-salt", default="", help="the salt Kuaidi100 pushes are signed with")
    option("--aftership-secret", default="", help="the AfterShip webhook secret")
    option("--native-secret", default="", help="Standard Webhooks secret whsec_<base64> for native webhooks")
    option("--scan-interval-ms", type=int, default=200, help="time between a parcel's scans (±25 %%)")
    option("--duplicate-rate", type=float, default=0.1, help="probability that a webhook is sent twice")
    option("--out-of-order-rate", type=float, default=0.1, help="probability that a step is posted after the next")
    option("--failed-attempt-rate", type=float, default=0.05, help="probability of a failed delivery attempt first")
    option("--return-rate", type=float, default=0.02, help="probability that a parcel is returned to the sender")
    option("--lost-rate", type=float, default=0.01, help="probability that a parcel is lost (scans stop)")
    option("--concurrency", type=int, default=16, help="webhooks in flight at once")
    option("--max-attempts", type=int, default=20, help="attempts per webhook before giving up")
    option("--initial-backoff-ms", type=int, default=200, help="delay after the first failed attempt")
    option("--max-backoff-ms", type=int, default=30_000, help="cap of the doubling delay")
    option("--timeout-s", type=float, default=5.0, help="timeout of one attempt")
    option(
        "--paused",
        type=_boolean,
        nargs="?",
        const=True,
        default=False,
        help="start paused: --paused, --paused=true|false (POST /_sim/controls to resume)",
    )
    return parser


def parse_config(argv: Sequence[str], environ: Mapping[str, str]) -> SimConfig:
    """Parse and check the command line; exits with a usage error (status 2) when it is wrong."""
    parser = _parser(environ)
    args = parser.parse_args(list(argv))
    try:
        controls = Controls(
            paused=_boolean(args.paused),
            scan_interval_ms=int(args.scan_interval_ms),
            duplicate_rate=float(args.duplicate_rate),
            out_of_order_rate=float(args.out_of_order_rate),
            failed_attempt_rate=float(args.failed_attempt_rate),
            return_rate=float(args.return_rate),
            lost_rate=float(args.lost_rate),
            max_attempts=int(args.max_attempts),
            initial_backoff_ms=int(args.initial_backoff_ms),
            max_backoff_ms=int(args.max_backoff_ms),
        )
        logistics_url = _loopback_url(args.logistics_url, "--logistics-url")
        clock_url = _loopback_url(args.clock_url, "--clock-url") if args.clock_url else None
        if args.native_secret:
            decode_native_secret(args.native_secret)
    except ValueError as exc:
        parser.error(str(exc))
    if not args.kuaidi100_salt and not args.aftership_secret and not args.native_secret:
        parser.error("give at least one of --kuaidi100-salt, --aftership-secret, --native-secret")
    if not 0 < int(args.port) < 65536:
        parser.error("--port must be between 1 and 65535")
    return SimConfig(
        port=int(args.port),
        logistics_url=logistics_url,
        clock_url=clock_url,
        db_path=Path(args.db),
        seed=int(args.seed),
        secrets=Secrets(
            kuaidi100_salt=args.kuaidi100_salt, aftership_secret=args.aftership_secret, native_secret=args.native_secret
        ),
        initial_controls=controls,
        concurrency=max(1, int(args.concurrency)),
        timeout_s=float(args.timeout_s),
    )
