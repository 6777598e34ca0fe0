"""order-svc settings: the shared settings, with this service's name fixed."""

from shipsettle_shared.settings import ServiceSettings, load_settings_or_exit


def load_settings() -> ServiceSettings:
    return load_settings_or_exit(ServiceSettings, "order-svc")
