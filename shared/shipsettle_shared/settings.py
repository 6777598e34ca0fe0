"""Settings from the environment, one class for every service.

Every service reads the same variables (prefix ``SHIPSETTLE_``); only the database URL, the
service name and the HTTP port differ between them.

``SHIPSETTLE_ENVIRONMENT`` has no default: a process that does not know where it runs refuses to
start. (It once defaulted to development, which accepts the placeholder secrets published in this
repository: an unset variable let anyone sign a "returned" payout callback.) Outside development
and test every placeholder secret is refused at start rather than discovered in production.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from functools import cached_property
from typing import TypeVar

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from shipsettle_shared.contracts import Role
from shipsettle_shared.field_crypto import BlindIndex, LocalKeyring
from shipsettle_shared.kafka_access import KafkaCredentials, development_kafka_password
from shipsettle_shared.rate_limits import RateLimit
from shipsettle_shared.topology import DEVELOPMENT_ADMIN_PASSWORD, DEVELOPMENT_PASSWORD_SUFFIX

# Placeholder secrets: public in this repository (and in docker-compose.yml and deploy/local.py,
# where the sandboxes use them), so accepted only in development and test.
DEVELOPMENT_API_KEY_PEPPER = "development-pepper-not-for-production"
DEVELOPMENT_PROVIDER_API_KEY = "sandbox-api-secret-development-only"
DEVELOPMENT_CALLBACK_SECRET = "whsec_c2FuZGJveC1jYWxsYmFjay1zZWNyZXQtZGV2LW9ubHk="  # noqa: S105 - refused outside development and test
# Personal-data keys (field_crypto.py): the development keyring's one KEK and the blind-index key.
DEVELOPMENT_PII_KEK_ID = "dev-kek-1"
DEVELOPMENT_PII_KEK = "ZGV2ZWxvcG1lbnQta2VrLTEtbm90LWZvci1wcm9kISE="
DEVELOPMENT_PII_KEYRING = f"{DEVELOPMENT_PII_KEK_ID}:{DEVELOPMENT_PII_KEK}"
DEVELOPMENT_PII_BLIND_INDEX_KEY = "ZGV2ZWxvcG1lbnQtYmxpbmQtaW5kZXgtbm90LXByb2Q="


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"

    @property
    def accepts_placeholder_secrets(self) -> bool:
        return self in (Environment.DEVELOPMENT, Environment.TEST)


def is_placeholder_secret(value: str, placeholder: str) -> bool:
    """A secret still holding the repository's placeholder, or left empty."""
    return not value.strip() or value == placeholder


def has_placeholder_password(database_url: str) -> bool:
    """A database URL with a development password of this repository (the administrator's, or a
    service role's ``<role>-development-only``). A URL without a password is not judged: the
    password may come from elsewhere (a pgpass file, a client certificate)."""
    try:
        password = make_url(database_url).password if database_url else None
    except ArgumentError:  # not a URL at all: refused where it is used, as before
        return False
    return password is not None and (
        password == DEVELOPMENT_ADMIN_PASSWORD or password.endswith(DEVELOPMENT_PASSWORD_SUFFIX)
    )


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHIPSETTLE_", extra="ignore")

    # No default (see the module's docstring): development, test or production.
    environment: Environment
    service_name: str
    # postgresql+asyncpg://user:password@127.0.0.1:5432/order_svc: the role the service serves
    # as, which owns nothing (topology.ServiceSpec.runtime_role)
    database_url: str
    # The database's owner, used only to apply the migrations at start (and then grant the
    # runtime role its privileges); empty: the migrations run as database_url.
    migration_database_url: str = ""
    # The pool keeps every connection it opens: each one holds its own prepared statements and
    # type codecs, so an overflow connection opened under load and closed on its return paid for
    # preparing every statement again (and introspecting array types), about 5-8 hidden round
    # trips per lifecycle in order, logistics and settlement. Per process at most
    # pool_size + lane_size connections (10 + 5; before, 5 + 5 overflow + 5 lane).
    database_pool_size: int = 10
    database_max_overflow: int = 0
    # The ConnectionLane's connections (single-statement hot paths: webhook acknowledgements, API
    # key reads), opened on first use.
    database_lane_size: int = 5
    # Checking a pooled connection with a round trip before every use doubled the round trips of
    # short transactions (a webhook's acknowledgement, a sign-off). Off, a connection that died
    # (PostgreSQL restarted) fails the one transaction that meets it, SQLAlchemy then discards the
    # whole pool, and that transaction is retried like any other failure (consumers and timers
    # retry; HTTP clients retry with their idempotency keys).
    database_pool_pre_ping: bool = False
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # The service's SASL/SCRAM principal on the bus (kafka_access.py: its ACLs): the service's
    # name unless set; the password is a secret, the placeholder accepted in development and test.
    kafka_username: str = ""
    kafka_password: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # Four eyes (four_eyes.py): a proposal waits this long for a second ops key, then expires.
    four_eyes_ttl_s: int = Field(default=86_400, ge=60)
    # The audit chain's head goes to recon this often (audit.py); GET /v1/audit/verify asks recon
    # (at recon_url, with the caller's own key) for the head it kept last.
    audit_head_interval_s: int = Field(default=300, ge=1)
    recon_url: str = "http://127.0.0.1:8105"

    # Which background loops this process runs (every process serves HTTP). Ops scale each
    # separately during surges, e.g. an extra process with only "consumer" for a lagging group.
    roles: str = "relay,consumer,scheduler"
    # Prefix of every consumer group id: lets two deployments (or test runs) share a broker.
    consumer_group_prefix: str = ""

    # Consumer: the poll interval bounds how long one batch may take before the broker
    # considers the member dead and rebalances; handlers are short transactions.
    consumer_max_poll_interval_ms: int = 30_000
    consumer_session_timeout_ms: int = 10_000
    consumer_heartbeat_interval_ms: int = 1_000
    consumer_max_records: int = 200
    # Transactions a consumer group applies one poll with, at once: its records split by partition
    # number (messaging/consumer.py, split_into_lanes). A stage whose transactions mostly wait
    # (round trips, a busy machine) takes more events per second without another process, as
    # another instance in the group would; each lane holds a pooled connection while it runs.
    consumer_lanes: int = Field(default=1, ge=1, le=12)
    # Halt a group when more than this share of its last `window` messages (once it has seen
    # `min_messages`) went to the dead-letter topic: a few bad messages are isolated, a flood
    # means something upstream is broken. Judged over a full window by default: a restarted
    # member on a quiet topic once halted on 59 bad of its first 131 (two bursts while little
    # else flowed), which stopped refunds for a 1% trickle. A real flood still halts, after 500.
    consumer_halt_bad_share: float = Field(default=0.2, gt=0, le=1)
    consumer_halt_window: int = Field(default=500, gt=0)
    consumer_halt_min_messages: int = Field(default=500, gt=0)
    handler_max_attempts: int = 5
    handler_backoff_initial_ms: int = 100
    handler_backoff_max_ms: int = 2_000

    outbox_batch_size: int = 500
    outbox_idle_poll_ms: int = 250  # rows other processes wrote; this process's commits wake the relay
    outbox_retention_hours: int = 72

    scheduler_poll_ms: int = 200
    scheduler_batch_size: int = 100
    # Timers whose handler calls out (payouts, refunds, merchant notifications: timers.CallsOut)
    # fire one per transaction, this many at once; each holds a pooled connection for its call.
    scheduler_calls_out_at_once: int = Field(default=4, ge=1, le=16)

    api_key_pepper: str = DEVELOPMENT_API_KEY_PEPPER
    # How long an Idempotency-Key's first answer is kept (idempotency.py): at least a day.
    idempotency_key_ttl_hours: int = Field(default=48, ge=24)
    # Personal data (field_crypto.py, data_keys.py): the key-encryption keys (``id:base64,...``;
    # a KEK being retired stays listed until ``python -m shipsettle_shared.data_keys rewrap`` has
    # moved every data key off it), the one new data keys are wrapped under (first listed when
    # empty), and the blind-index key. Every service that stores personal data reads the same.
    pii_keyring: str = DEVELOPMENT_PII_KEYRING
    pii_active_kek: str = ""
    pii_blind_index_key: str = DEVELOPMENT_PII_BLIND_INDEX_KEY
    # How long a process keeps a data key in memory: the bound within which an erasure done by
    # another process is seen by this one (its reads show the data as erased after at most this).
    pii_data_key_cache_ttl_s: float = Field(default=5.0, gt=0, le=300)
    # How long a process trusts a valid API key from memory before reading it again: the bound
    # within which a revocation applied by another instance of the service is seen (README).
    api_key_cache_ttl_s: float = Field(default=5.0, gt=0, le=300)
    api_key_cache_max_entries: int = Field(default=10_000, gt=0)
    # Per-key rate limits (rate_limits.py), a token bucket per API key id in each process: a
    # sustained rate and a burst per role class. Generous by default: a merchant's own
    # integration, a marketplace backend that places every order of its shops (surge and
    # bench-lifecycle drive the whole platform through one platform key), ops' and auditors'
    # consoles and scripts, a carrier's key. N instances of a service let a key make N times these.
    rate_limit_merchant_per_s: float = Field(default=100.0, gt=0)
    rate_limit_merchant_burst: int = Field(default=200, ge=1)
    rate_limit_platform_per_s: float = Field(default=1000.0, gt=0)
    rate_limit_platform_burst: int = Field(default=2000, ge=1)
    # ops and auditor keys: people and their tools
    rate_limit_staff_per_s: float = Field(default=50.0, gt=0)
    rate_limit_staff_burst: int = Field(default=200, ge=1)
    rate_limit_carrier_per_s: float = Field(default=50.0, gt=0)
    rate_limit_carrier_burst: int = Field(default=100, ge=1)
    # The webhook intake's bulkhead per process (intake_bulkhead.py): carriers' pushes past these
    # get a fast 503 with Retry-After, and carriers retry. The adaptive bound is on: while other
    # requests compete with webhooks and the event loop is busier than busy_share (of its thread's
    # time), only a share of the webhooks is taken (AIMD); alone, the intake takes everything.
    # No fixed rate bound by default (0): a rate depends on the machine.
    webhook_intake_max_in_flight: int = Field(default=128, ge=1)
    webhook_intake_adaptive: bool = True
    webhook_intake_busy_share: float = Field(default=0.3, ge=0, lt=1)
    webhook_intake_per_s: float = Field(default=0.0, ge=0)
    webhook_intake_burst: int = Field(default=100, ge=1)
    log_level: str = "INFO"

    # The test suites' check of the OpenAPI documents (api_document.DocumentedAnswerCheck), test
    # environment only: every documented JSON answer validated as it leaves. Off for the load
    # drivers (surge, chaos, the benches), whose CPU figures must not include it.
    check_documented_answers: bool = False
    # Fault injection for the reliability tests (see failpoints.py); empty in production.
    failpoints: str = Field(default="")
    # The test clock's offset at start (test environment only): a process restarted mid-test
    # rejoins its platform's notion of time instead of falling back to the wall clock.
    test_clock_offset_s: int = Field(default=0, ge=0)

    def placeholder_secrets(self) -> list[str]:
        """The variables whose secret is still a placeholder; a service with secrets of its own
        adds them (and calls this)."""
        placeholders = []
        if is_placeholder_secret(self.api_key_pepper, DEVELOPMENT_API_KEY_PEPPER):
            placeholders.append("SHIPSETTLE_API_KEY_PEPPER")
        if has_placeholder_password(self.database_url):
            placeholders.append("SHIPSETTLE_DATABASE_URL")
        if has_placeholder_password(self.migration_database_url):
            placeholders.append("SHIPSETTLE_MIGRATION_DATABASE_URL")
        if is_placeholder_secret(self.kafka_password, development_kafka_password(self.kafka_principal)):
            placeholders.append("SHIPSETTLE_KAFKA_PASSWORD")
        if DEVELOPMENT_PII_KEK in self.pii_keyring or not self.pii_keyring.strip():
            placeholders.append("SHIPSETTLE_PII_KEYRING")
        if is_placeholder_secret(self.pii_blind_index_key, DEVELOPMENT_PII_BLIND_INDEX_KEY):
            placeholders.append("SHIPSETTLE_PII_BLIND_INDEX_KEY")
        return placeholders

    @model_validator(mode="after")
    def check_personal_data_keys(self) -> ServiceSettings:
        """A keyring or blind-index key that cannot be used refuses the start, in any environment."""
        self.keyring()
        self.blind_index()
        return self

    @model_validator(mode="after")
    def refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.environment.accepts_placeholder_secrets:
            return self
        placeholders = self.placeholder_secrets()
        if placeholders:
            raise ValueError(
                f"{', '.join(placeholders)} must be set to a real secret in the {self.environment} environment: "
                "the value given is empty or the placeholder published in the repository "
                "(accepted only in development and test)"
            )
        if self.failpoints:
            raise ValueError("SHIPSETTLE_FAILPOINTS is for tests only")
        if self.test_clock_offset_s:
            raise ValueError("SHIPSETTLE_TEST_CLOCK_OFFSET_S is for tests only")
        return self

    def keyring(self) -> LocalKeyring:
        return LocalKeyring.parse(self.pii_keyring, self.pii_active_kek)

    def blind_index(self) -> BlindIndex:
        return BlindIndex(base64.b64decode(self.pii_blind_index_key, validate=True))

    @property
    def kafka_principal(self) -> str:
        return self.kafka_username or self.service_name

    @property
    def kafka_credentials(self) -> KafkaCredentials:
        """The service's principal; in development and test an unset password is the placeholder
        the local broker was formatted with (elsewhere an unset one is refused at start)."""
        password = self.kafka_password or development_kafka_password(self.kafka_principal)
        return KafkaCredentials(self.kafka_principal, password)

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(role.strip() for role in self.roles.split(",") if role.strip())

    def rate_limits(self) -> dict[Role, RateLimit]:
        """Each role's per-key limit, from its class's settings."""
        merchant = RateLimit(self.rate_limit_merchant_per_s, self.rate_limit_merchant_burst)
        platform = RateLimit(self.rate_limit_platform_per_s, self.rate_limit_platform_burst)
        staff = RateLimit(self.rate_limit_staff_per_s, self.rate_limit_staff_burst)
        carrier = RateLimit(self.rate_limit_carrier_per_s, self.rate_limit_carrier_burst)
        return {
            Role.MERCHANT: merchant,
            Role.PLATFORM: platform,
            Role.OPS: staff,
            Role.AUDITOR: staff,
            Role.CARRIER: carrier,
        }

    def webhook_intake_rate(self) -> RateLimit | None:
        return RateLimit(self.webhook_intake_per_s, self.webhook_intake_burst) if self.webhook_intake_per_s else None

    @property
    def test_controls_enabled(self) -> bool:
        """Test-only endpoints (moving the clock) exist only in the test environment."""
        return self.environment is Environment.TEST


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def describe_settings_error(error: ValidationError) -> str:
    """One line per refused setting, named by its environment variable."""
    lines = []
    for item in error.errors():
        variable = "SHIPSETTLE_" + "_".join(str(part) for part in item["loc"]).upper() if item["loc"] else ""
        if variable == "SHIPSETTLE_ENVIRONMENT" and item["type"] == "missing":
            lines.append(
                "SHIPSETTLE_ENVIRONMENT is not set: it has no default; set it to development, test or production"
            )
        elif variable == "SHIPSETTLE_ENVIRONMENT":
            lines.append(f"SHIPSETTLE_ENVIRONMENT must be development, test or production, not {item['input']!r}")
        elif variable:
            lines.append(f"{variable}: {item['msg']}")
        else:
            lines.append(str(item["msg"]).removeprefix("Value error, "))
    return "; ".join(lines)


def load_settings_or_exit(settings_class: type[SettingsT], service_name: str) -> SettingsT:
    """A service's settings from the environment; when they are refused the process exits (status 1)
    with a message naming each variable, before it migrates, connects or listens."""
    try:
        return settings_class(service_name=service_name)  # type: ignore[call-arg]
    except ValidationError as error:
        raise SystemExit(f"{service_name} refuses to start: {describe_settings_error(error)}") from None
