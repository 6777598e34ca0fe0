from __future__ import annotations

import pytest
from pydantic import ValidationError

from shipsettle_shared.settings import Environment, ServiceSettings

URL = "postgresql+asyncpg://x@127.0.0.1/x"


def test_production_refuses_the_development_pepper() -> None:
    with pytest.raises(ValidationError, match="SHIPSETTLE_API_KEY_PEPPER"):
        ServiceSettings(service_name="order-svc", database_url=URL, environment=Environment.PRODUCTION)


def test_production_refuses_failpoints() -> None:
    with pytest.raises(ValidationError, match="FAILPOINTS"):
        ServiceSettings(
            service_name="order-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            api_key_pepper="a-real-secret-from-the-vault",
            failpoints="relay.after_publish",
        )


def test_production_refuses_a_test_clock_offset() -> None:
    with pytest.raises(ValidationError, match="TEST_CLOCK_OFFSET"):
        ServiceSettings(
            service_name="order-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            api_key_pepper="a-real-secret-from-the-vault",
            test_clock_offset_s=3600,
        )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPSETTLE_DATABASE_URL", URL)
    monkeypatch.setenv("SHIPSETTLE_ROLES", "consumer")
    settings = ServiceSettings(service_name="refund-svc")  # type: ignore[call-arg]
    assert settings.database_url == URL
    assert settings.role_set == frozenset({"consumer"})
    assert settings.test_controls_enabled is False
