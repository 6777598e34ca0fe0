"""refund-svc settings: the shared settings, with this service's name fixed."""

from shipsettle_shared.settings import ServiceSettings


def load_settings() -> ServiceSettings:
    return ServiceSettings(service_name="refund-svc")  # type: ignore[call-arg]
