"""order-svc settings: the shared settings, with this service's name fixed and its own."""

from pydantic import Field

from shipsettle_shared.settings import ServiceSettings, load_settings_or_exit


class OrderSettings(ServiceSettings):
    # Retention of buyers' personal data (PIPL: no longer than needed): a buyer whose orders are
    # all completed (dispatched or cancelled) and unchanged for this long is erased (their data
    # key destroyed) by the purge timer, which runs every pii_purge_interval_s.
    pii_retention_days: int = Field(default=365, ge=1)
    pii_purge_interval_s: int = Field(default=3_600, ge=1)


def load_settings() -> OrderSettings:
    return load_settings_or_exit(OrderSettings, "order-svc")
