"""Settings from the environment, one class for every service.

Every service reads the same variables (prefix ``SHIPSETTLE_``); only the database URL, the
service name and the HTTP port differ between them. Outside development and test, placeholder
secrets are refused at start rather than discovered in production.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_API_KEY_PEPPER = "development-pepper-not-for-production"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHIPSETTLE_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    service_name: str
    # postgresql+asyncpg://user:password@127.0.0.1:5432/order_svc
    database_url: str
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
    http_host: str = "127.0.0.1"
    http_port: int = 8000

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

    api_key_pepper: str = DEVELOPMENT_API_KEY_PEPPER
    # How long a process trusts a valid API key from memory before reading it again: the bound
    # within which a revocation applied by another instance of the service is seen (README).
    api_key_cache_ttl_s: float = Field(default=5.0, gt=0, le=300)
    api_key_cache_max_entries: int = Field(default=10_000, gt=0)
    log_level: str = "INFO"

    # Fault injection for the reliability tests (see failpoints.py); empty in production.
    failpoints: str = Field(default="")
    # The test clock's offset at start (test environment only): a process restarted mid-test
    # rejoins its platform's notion of time instead of falling back to the wall clock.
    test_clock_offset_s: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.environment is Environment.PRODUCTION:
            if self.api_key_pepper == DEVELOPMENT_API_KEY_PEPPER:
                raise ValueError("SHIPSETTLE_API_KEY_PEPPER must be set outside development")
            if self.failpoints:
                raise ValueError("SHIPSETTLE_FAILPOINTS is for tests only")
            if self.test_clock_offset_s:
                raise ValueError("SHIPSETTLE_TEST_CLOCK_OFFSET_S is for tests only")
        return self

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(role.strip() for role in self.roles.split(",") if role.strip())

    @property
    def test_controls_enabled(self) -> bool:
        """Test-only endpoints (moving the clock) exist only in the test environment."""
        return self.environment is Environment.TEST
