"""The sandbox's command line. Every option can also come from the environment as
``SANDBOX_<OPTION>`` (``--fail-rate`` ↔ ``SANDBOX_FAIL_RATE``); the command line wins."""

from __future__ import annotations

import argparse
import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from simulators.provider_sandbox.domain import Controls, Kind

DEFAULT_PORTS = {Kind.PAYOUT: 8201, Kind.REFUND: 8202}
CALLBACK_SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
MIN_CALLBACK_SECRET_BYTES = 24  # the Standard Webhooks spec asks for 24 to 64 random bytes
MIN_API_SECRET_CHARS = 16


@dataclass(frozen=True)
class SandboxConfig:
    kind: Kind
    host: str
    port: int
    db_path: Path
    statement_dir: Path
    seed: int
    initial_controls: Controls
    api_secret: str
    callback_secret: str
    currency: str
    opening_balance_minor: int
    account_number: str
    account_name: str
    bank_name: str
    callback_timeout_s: float
    callback_concurrency: int
    failpoints: str

    @property
    def callback_key(self) -> bytes:
        return decode_callback_secret(self.callback_secret)


def decode_callback_secret(secret: str) -> bytes:
    """The key behind a ``whsec_<base64>`` secret, decoded strictly: standardwebhooks 1.1.0
    decodes leniently and would turn a mistyped secret into a different key instead of an error."""
    if not secret.startswith(CALLBACK_SECRET_PREFIX):
        raise ValueError(f"the callback secret must start with {CALLBACK_SECRET_PREFIX}")
    encoded = secret.removeprefix(CALLBACK_SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("the callback secret is not base64 after its prefix") from exc
    if len(key) < MIN_CALLBACK_SECRET_BYTES:
        raise ValueError(f"the callback secret must decode to at least {MIN_CALLBACK_SECRET_BYTES} bytes")
    return key


def _parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.provider_sandbox",
        description="A sandbox bank (payouts) or payment provider (refunds) for ShipSettle, over HTTP.",
    )

    def option(name: str, **kwargs: object) -> None:
        variable = "SANDBOX_" + name.removeprefix("--").replace("-", "_").upper()
        if variable in environ:
            kwargs["default"] = environ[variable]
            kwargs.pop("required", None)
        help_text = str(kwargs.pop("help", ""))
        parser.add_argument(name, help=f"{help_text} [env {variable}]", **kwargs)  # type: ignore[arg-type]

    option(
        "--kind",
        choices=[kind.value for kind in Kind],
        required=True,
        help="payout (the bank) or refund (the provider)",
    )
    option("--host", default="127.0.0.1", help="address to listen on")
    option("--port", type=int, default=None, help="port (default 8201 for payout, 8202 for refund)")
    option("--db", default=None, help="SQLite file (default var/provider-sandbox/<kind>/sandbox.sqlite3)")
    option(
        "--statement-dir",
        default=None,
        help="where statements are written (default var/provider-sandbox/<kind>/statements)",
    )
    option("--seed", type=int, default=1, help="seed of the outcome draws")
    option("--fail-rate", type=float, default=0.05, help="probability that a request fails")
    option("--return-rate", type=float, default=0.02, help="probability that a paid payout is returned later")
    option("--min-delay-ms", type=int, default=50, help="shortest delay before an outcome (and before a return)")
    option("--max-delay-ms", type=int, default=500, help="longest delay before an outcome (and before a return)")
    option("--api-secret", required=True, help="bearer token ShipSettle must send")
    option("--callback-secret", required=True, help="Standard Webhooks signing secret, whsec_<base64>")
    option("--currency", default="CNY", help="the account's currency; requests in any other are refused")
    option("--opening-balance-minor", type=int, default=10_000_000_000, help="balance before the first statement day")
    option("--account-number", default="6222000000000000001", help="ShipSettle's account number at the sandbox bank")
    option("--account-name", default="ShipSettle payout account", help="name of that account")
    option("--bank-name", default="ShipSettle Sandbox Bank", help="name of the sandbox bank")
    option("--callback-max-attempts", type=int, default=20, help="attempts per callback before giving up")
    option("--callback-initial-backoff-ms", type=int, default=200, help="delay after the first failed attempt")
    option("--callback-max-backoff-ms", type=int, default=30_000, help="cap of the doubling delay")
    option("--callback-timeout-s", type=float, default=5.0, help="timeout of one callback attempt")
    option("--callback-concurrency", type=int, default=16, help="callbacks in flight at once")
    option("--failpoints", default="", help="crash points, e.g. settle.after_commit@3 (see failpoints.py)")
    return parser


def parse_config(argv: Sequence[str], environ: Mapping[str, str]) -> SandboxConfig:
    """Parse and check the command line; exits with a usage error (status 2) when it is wrong."""
    parser = _parser(environ)
    args = parser.parse_args(list(argv))
    try:
        kind = Kind(args.kind)
    except ValueError:
        parser.error(f"--kind must be one of {', '.join(kind.value for kind in Kind)}")
    base = Path("var/provider-sandbox") / kind.value
    try:
        controls = Controls(
            fail_rate=float(args.fail_rate),
            return_rate=float(args.return_rate),
            min_delay_ms=int(args.min_delay_ms),
            max_delay_ms=int(args.max_delay_ms),
            callback_max_attempts=int(args.callback_max_attempts),
            callback_initial_backoff_ms=int(args.callback_initial_backoff_ms),
            callback_max_backoff_ms=int(args.callback_max_backoff_ms),
        )
        decode_callback_secret(args.callback_secret)
    except ValueError as exc:
        parser.error(str(exc))
    if len(args.api_secret) < MIN_API_SECRET_CHARS:
        parser.error(f"--api-secret must be at least {MIN_API_SECRET_CHARS} characters")
    if len(args.account_number) > 34:
        parser.error("--account-number must be at most 34 characters")
    if not (len(args.currency) == 3 and args.currency.isalpha() and args.currency.isupper()):
        parser.error("--currency must be an ISO 4217 code such as CNY")
    return SandboxConfig(
        kind=kind,
        host=args.host,
        port=int(args.port) if args.port is not None else DEFAULT_PORTS[kind],
        db_path=Path(args.db) if args.db else base / "sandbox.sqlite3",
        statement_dir=Path(args.statement_dir) if args.statement_dir else base / "statements",
        seed=int(args.seed),
        initial_controls=controls,
        api_secret=args.api_secret,
        callback_secret=args.callback_secret,
        currency=args.currency,
        opening_balance_minor=int(args.opening_balance_minor),
        account_number=args.account_number,
        account_name=args.account_name,
        bank_name=args.bank_name,
        callback_timeout_s=float(args.callback_timeout_s),
        callback_concurrency=max(1, int(args.callback_concurrency)),
        failpoints=args.failpoints,
    )
