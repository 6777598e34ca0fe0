from __future__ import annotations

import pytest
from pydantic import ValidationError

from refund_svc.config import RefundSettings
from settlement_svc.config import SettlementSettings
from shipsettle_shared.kafka_access import KafkaCredentials, development_kafka_password
from shipsettle_shared.settings import (
    DEVELOPMENT_CALLBACK_SECRET,
    DEVELOPMENT_PROVIDER_API_KEY,
    Environment,
    ServiceSettings,
    describe_settings_error,
    load_settings_or_exit,
)
from shipsettle_shared.topology import SERVICES_BY_NAME, database_url, service_database_urls

URL = "postgresql+asyncpg://x@127.0.0.1/x"
REAL_DATABASE_URL = "postgresql+asyncpg://settlement_svc_app:a-real-password-0123@db.internal:5432/settlement_svc"
REAL_PEPPER = "a-real-secret-from-the-vault"
REAL_CALLBACK_SECRET = "whsec_cmVhbC1jYWxsYmFjay1zZWNyZXQtZnJvbS10aGUtdmF1bHQ="
REAL_KAFKA_PASSWORD = "a-real-kafka-password-from-the-vault"
REAL_PII_KEYRING = "kek-2026-12:cmVhbC1rZXktZW5jcnlwdGlvbi1rZXktdmF1bHQtMjY="
REAL_PII_BLIND_INDEX_KEY = "cmVhbC1ibGluZC1pbmRleC1rZXktZnJvbS12YXVsdCE="


@pytest.fixture(autouse=True)
def real_personal_data_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The personal-data keys are judged in test_field_crypto.py; here they are real ones."""
    monkeypatch.setenv("SHIPSETTLE_PII_KEYRING", REAL_PII_KEYRING)
    monkeypatch.setenv("SHIPSETTLE_PII_BLIND_INDEX_KEY", REAL_PII_BLIND_INDEX_KEY)


def test_the_environment_has_no_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHIPSETTLE_ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(service_name="order-svc", database_url=URL)  # type: ignore[call-arg]
    assert describe_settings_error(refused.value) == (
        "SHIPSETTLE_ENVIRONMENT is not set: it has no default; set it to development, test or production"
    )


def test_an_unknown_environment_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPSETTLE_ENVIRONMENT", "prod")
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(service_name="order-svc", database_url=URL)  # type: ignore[call-arg]
    assert describe_settings_error(refused.value) == (
        "SHIPSETTLE_ENVIRONMENT must be development, test or production, not 'prod'"
    )


def test_a_service_without_its_environment_exits_with_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHIPSETTLE_ENVIRONMENT", raising=False)
    monkeypatch.setenv("SHIPSETTLE_DATABASE_URL", URL)
    with pytest.raises(SystemExit) as exited:
        load_settings_or_exit(SettlementSettings, "settlement-svc")
    assert str(exited.value) == (
        "settlement-svc refuses to start: SHIPSETTLE_ENVIRONMENT is not set: it has no default; "
        "set it to development, test or production"
    )


def test_production_refuses_the_development_pepper() -> None:
    with pytest.raises(ValidationError, match="SHIPSETTLE_API_KEY_PEPPER must be set to a real secret"):
        ServiceSettings(
            service_name="order-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            kafka_password=REAL_KAFKA_PASSWORD,
        )


def test_production_refuses_an_empty_pepper() -> None:
    with pytest.raises(ValidationError, match="SHIPSETTLE_API_KEY_PEPPER"):
        ServiceSettings(
            service_name="order-svc", database_url=URL, environment=Environment.PRODUCTION, api_key_pepper="  "
        )


def test_production_accepts_a_real_pepper() -> None:
    settings = ServiceSettings(
        service_name="order-svc",
        database_url=URL,
        environment=Environment.PRODUCTION,
        api_key_pepper=REAL_PEPPER,
        kafka_password=REAL_KAFKA_PASSWORD,
    )
    assert settings.placeholder_secrets() == []


def test_production_refuses_the_development_database_passwords_naming_each_url() -> None:
    # the local administrator's password, and the service roles' of deploy/postgres/postgres.sh
    settlement = SERVICES_BY_NAME["settlement-svc"]
    development = service_database_urls(settlement)
    for runtime, migration, refused in [
        (development.runtime, development.owner, "SHIPSETTLE_DATABASE_URL, SHIPSETTLE_MIGRATION_DATABASE_URL"),
        (database_url("settlement_svc"), "", "SHIPSETTLE_DATABASE_URL"),
        (REAL_DATABASE_URL, development.owner, "SHIPSETTLE_MIGRATION_DATABASE_URL"),
    ]:
        with pytest.raises(ValidationError, match=f"{refused} must be set to a real secret"):
            ServiceSettings(
                service_name="settlement-svc",
                database_url=runtime,
                migration_database_url=migration,
                environment=Environment.PRODUCTION,
                api_key_pepper=REAL_PEPPER,
                kafka_password=REAL_KAFKA_PASSWORD,
            )


def test_production_accepts_real_database_passwords_and_urls_without_one() -> None:
    for runtime, migration in [(REAL_DATABASE_URL, REAL_DATABASE_URL.replace("app:", "owner:")), (URL, "")]:
        settings = ServiceSettings(
            service_name="settlement-svc",
            database_url=runtime,
            migration_database_url=migration,
            environment=Environment.PRODUCTION,
            api_key_pepper=REAL_PEPPER,
            kafka_password=REAL_KAFKA_PASSWORD,
        )
        assert settings.placeholder_secrets() == []


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TEST])
def test_development_and_test_accept_every_placeholder(environment: Environment) -> None:
    settlement = SettlementSettings(service_name="settlement-svc", database_url=URL, environment=environment)
    refund = RefundSettings(service_name="refund-svc", database_url=URL, environment=environment)
    assert settlement.placeholder_secrets() == [
        "SHIPSETTLE_API_KEY_PEPPER",
        "SHIPSETTLE_KAFKA_PASSWORD",
        "SHIPSETTLE_PAYOUT_PROVIDER_API_KEY",
        "SHIPSETTLE_PAYOUT_CALLBACK_SECRET",
    ]
    assert refund.placeholder_secrets() == [
        "SHIPSETTLE_API_KEY_PEPPER",
        "SHIPSETTLE_KAFKA_PASSWORD",
        "SHIPSETTLE_REFUND_PROVIDER_API_KEY",
        "SHIPSETTLE_REFUND_CALLBACK_SECRET",
    ]


def test_production_refuses_the_payout_providers_placeholder_callback_secret_alone() -> None:
    with pytest.raises(ValidationError) as refused:
        SettlementSettings(
            service_name="settlement-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            api_key_pepper=REAL_PEPPER,
            kafka_password=REAL_KAFKA_PASSWORD,
            payout_provider_api_key="a-real-bank-api-key-from-the-vault",
            payout_callback_secret=DEVELOPMENT_CALLBACK_SECRET,
        )
    assert describe_settings_error(refused.value).startswith(
        "SHIPSETTLE_PAYOUT_CALLBACK_SECRET must be set to a real secret in the production environment"
    )


def test_production_refuses_the_payout_providers_placeholder_api_key_alone() -> None:
    with pytest.raises(ValidationError, match="SHIPSETTLE_PAYOUT_PROVIDER_API_KEY must be set"):
        SettlementSettings(
            service_name="settlement-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            api_key_pepper=REAL_PEPPER,
            kafka_password=REAL_KAFKA_PASSWORD,
            payout_provider_api_key=DEVELOPMENT_PROVIDER_API_KEY,
            payout_callback_secret=REAL_CALLBACK_SECRET,
        )


def test_production_names_every_refund_placeholder_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        RefundSettings(service_name="refund-svc", database_url=URL, environment=Environment.PRODUCTION)
    assert describe_settings_error(refused.value).startswith(
        "SHIPSETTLE_API_KEY_PEPPER, SHIPSETTLE_KAFKA_PASSWORD, SHIPSETTLE_REFUND_PROVIDER_API_KEY, "
        "SHIPSETTLE_REFUND_CALLBACK_SECRET "
        "must be set to a real secret in the production environment"
    )


def test_production_accepts_real_provider_secrets() -> None:
    settlement = SettlementSettings(
        service_name="settlement-svc",
        database_url=URL,
        environment=Environment.PRODUCTION,
        api_key_pepper=REAL_PEPPER,
        kafka_password=REAL_KAFKA_PASSWORD,
        payout_provider_api_key="a-real-bank-api-key-from-the-vault",
        payout_callback_secret=REAL_CALLBACK_SECRET,
    )
    refund = RefundSettings(
        service_name="refund-svc",
        database_url=URL,
        environment=Environment.PRODUCTION,
        api_key_pepper=REAL_PEPPER,
        kafka_password=REAL_KAFKA_PASSWORD,
        refund_provider_api_key="a-real-provider-api-key-from-the-vault",
        refund_callback_secret=REAL_CALLBACK_SECRET,
    )
    assert settlement.placeholder_secrets() == refund.placeholder_secrets() == []


def test_production_refuses_failpoints() -> None:
    with pytest.raises(ValidationError, match="FAILPOINTS"):
        ServiceSettings(
            service_name="order-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            api_key_pepper=REAL_PEPPER,
            kafka_password=REAL_KAFKA_PASSWORD,
            failpoints="relay.after_publish",
        )


def test_production_refuses_a_test_clock_offset() -> None:
    with pytest.raises(ValidationError, match="TEST_CLOCK_OFFSET"):
        ServiceSettings(
            service_name="order-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            api_key_pepper=REAL_PEPPER,
            kafka_password=REAL_KAFKA_PASSWORD,
            test_clock_offset_s=3600,
        )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPSETTLE_ENVIRONMENT", "development")
    monkeypatch.setenv("SHIPSETTLE_DATABASE_URL", URL)
    monkeypatch.setenv("SHIPSETTLE_ROLES", "consumer")
    settings = ServiceSettings(service_name="refund-svc")  # type: ignore[call-arg]
    assert settings.database_url == URL
    assert settings.role_set == frozenset({"consumer"})
    assert settings.test_controls_enabled is False


def test_production_refuses_the_placeholder_or_an_empty_kafka_password() -> None:
    for password in (development_kafka_password("order-svc"), "", "  "):
        with pytest.raises(ValidationError) as refused:
            ServiceSettings(
                service_name="order-svc",
                database_url=URL,
                environment=Environment.PRODUCTION,
                api_key_pepper=REAL_PEPPER,
                kafka_password=password,
            )
        assert describe_settings_error(refused.value).startswith(
            "SHIPSETTLE_KAFKA_PASSWORD must be set to a real secret in the production environment"
        )


def test_another_principals_placeholder_is_a_placeholder_too() -> None:
    """A service run as another principal (SHIPSETTLE_KAFKA_USERNAME) is judged by that
    principal's placeholder."""
    with pytest.raises(ValidationError, match="SHIPSETTLE_KAFKA_PASSWORD"):
        ServiceSettings(
            service_name="order-svc",
            database_url=URL,
            environment=Environment.PRODUCTION,
            api_key_pepper=REAL_PEPPER,
            kafka_username="order-svc-eu",
            kafka_password=development_kafka_password("order-svc-eu"),
        )


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TEST])
def test_development_and_test_use_the_principals_placeholder_password_when_none_is_set(
    environment: Environment,
) -> None:
    settings = ServiceSettings(service_name="refund-svc", database_url=URL, environment=environment)
    assert settings.kafka_credentials == KafkaCredentials("refund-svc", development_kafka_password("refund-svc"))
    assert settings.kafka_credentials.client_kwargs() == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "refund-svc",
        "sasl_plain_password": "refund-svc-kafka-development-only",
    }


def test_a_real_kafka_password_and_username_are_used_as_given() -> None:
    settings = ServiceSettings(
        service_name="recon-svc",
        database_url=URL,
        environment=Environment.PRODUCTION,
        api_key_pepper=REAL_PEPPER,
        kafka_username="recon-eu",
        kafka_password=REAL_KAFKA_PASSWORD,
    )
    assert settings.kafka_credentials == KafkaCredentials("recon-eu", REAL_KAFKA_PASSWORD)
