"""A service process that does not know its environment, or runs in production with a secret
published in this repository, exits at start with a message naming the variable, and serves
nothing (it never migrates, connects or listens). Issue 18: with the environment defaulting to
development, a forged "returned" payout callback signed with the placeholder secret moved paid-out
money back to available."""

from __future__ import annotations

import base64
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest
from bus_support import BUS_PORT_OFFSET
from local import ServiceProcess

from shipsettle_shared.kafka_access import development_kafka_password
from shipsettle_shared.settings import DEVELOPMENT_CALLBACK_SECRET, DEVELOPMENT_PII_KEYRING
from shipsettle_shared.topology import SERVICES, SERVICES_BY_NAME, ServiceSpec

# Nothing may reach these: a process that got as far as migrating would fail on them, with
# another message than the one the test expects.
UNREACHABLE_DATABASE = "postgresql+asyncpg://shipsettle@127.0.0.1:1/never_used"
UNREACHABLE_KAFKA = "127.0.0.1:1"
REAL_PEPPER = "a-real-pepper-from-the-vault-0123456789"
REAL_PROVIDER_KEY = "a-real-provider-key-from-the-vault"
REAL_KAFKA_PASSWORD = "a-real-kafka-password-from-the-vault"
# 32 bytes each, base64: not the development keyring's nor its blind-index key
REAL_PII_KEYRING = "kek-2026-12:" + base64.b64encode(b"a-real-key-encryption-key-32byte").decode()
REAL_BLIND_INDEX_KEY = base64.b64encode(b"a-real-blind-index-key-32-bytes!").decode()
REAL_PII_KEYS = {"SHIPSETTLE_PII_KEYRING": REAL_PII_KEYRING, "SHIPSETTLE_PII_BLIND_INDEX_KEY": REAL_BLIND_INDEX_KEY}


def started_without_serving(spec: ServiceSpec, env: dict[str, str], log_dir: Path) -> str:
    """Start the real ``python -m <service>`` with ``env``, wait for it to exit (status 1), check
    that nothing listens on its port, and return what it wrote."""
    port = spec.http_port + BUS_PORT_OFFSET
    process = ServiceProcess(
        spec=spec,
        port=port,
        env={
            "SHIPSETTLE_DATABASE_URL": UNREACHABLE_DATABASE,
            "SHIPSETTLE_KAFKA_BOOTSTRAP_SERVERS": UNREACHABLE_KAFKA,
            "SHIPSETTLE_HTTP_PORT": str(port),
            **env,
        },
        log_path=log_dir / f"{spec.name}.log",
    )
    process.start()
    assert process.process is not None
    try:
        returncode = process.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    output = process.log_path.read_text()
    assert returncode == 1, output
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{process.base_url}/healthz", timeout=2)
    assert "service started" not in output
    assert "Traceback" not in output  # a message, not a stack trace
    return output.strip()


@pytest.fixture
def log_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="start-refusals-"))


@pytest.mark.parametrize("spec", SERVICES, ids=lambda spec: spec.name)
def test_a_service_without_its_environment_refuses_to_start(
    spec: ServiceSpec, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHIPSETTLE_ENVIRONMENT", raising=False)  # the suite states "test" for itself
    output = started_without_serving(spec, {}, log_dir)
    assert output == (
        f"{spec.name} refuses to start: SHIPSETTLE_ENVIRONMENT is not set: it has no default; "
        "set it to development, test or production"
    )


def test_settlement_in_production_refuses_the_placeholder_payout_callback_secret(log_dir: Path) -> None:
    output = started_without_serving(
        SERVICES_BY_NAME["settlement-svc"],
        {
            "SHIPSETTLE_ENVIRONMENT": "production",
            "SHIPSETTLE_API_KEY_PEPPER": REAL_PEPPER,
            "SHIPSETTLE_KAFKA_PASSWORD": REAL_KAFKA_PASSWORD,
            "SHIPSETTLE_PAYOUT_PROVIDER_API_KEY": REAL_PROVIDER_KEY,
            "SHIPSETTLE_PAYOUT_CALLBACK_SECRET": DEVELOPMENT_CALLBACK_SECRET,
            **REAL_PII_KEYS,
        },
        log_dir,
    )
    assert output.startswith(
        "settlement-svc refuses to start: SHIPSETTLE_PAYOUT_CALLBACK_SECRET must be set to a real secret "
        "in the production environment"
    )


def test_refund_in_production_with_no_secrets_set_names_every_placeholder(log_dir: Path) -> None:
    output = started_without_serving(SERVICES_BY_NAME["refund-svc"], {"SHIPSETTLE_ENVIRONMENT": "production"}, log_dir)
    assert output.startswith(
        "refund-svc refuses to start: SHIPSETTLE_API_KEY_PEPPER, SHIPSETTLE_KAFKA_PASSWORD, "
        "SHIPSETTLE_PII_KEYRING, SHIPSETTLE_PII_BLIND_INDEX_KEY, SHIPSETTLE_REFUND_PROVIDER_API_KEY, SHIPSETTLE_REFUND_CALLBACK_SECRET must be set to a real secret in the production environment"
    )


def test_order_in_production_refuses_the_development_pepper_and_kafka_password(log_dir: Path) -> None:
    output = started_without_serving(SERVICES_BY_NAME["order-svc"], {"SHIPSETTLE_ENVIRONMENT": "production"}, log_dir)
    assert output.startswith(
        "order-svc refuses to start: SHIPSETTLE_API_KEY_PEPPER, SHIPSETTLE_KAFKA_PASSWORD, SHIPSETTLE_PII_KEYRING, "
        "SHIPSETTLE_PII_BLIND_INDEX_KEY must be set to a real secret in the production environment"
    )


def test_order_in_production_refuses_the_development_keyring_kept_beside_a_real_kek(log_dir: Path) -> None:
    """Issue 20: the development KEK is public; listed at all (even as a retiring key beside the
    real, active one), it is refused."""
    output = started_without_serving(
        SERVICES_BY_NAME["order-svc"],
        {
            "SHIPSETTLE_ENVIRONMENT": "production",
            "SHIPSETTLE_API_KEY_PEPPER": REAL_PEPPER,
            "SHIPSETTLE_KAFKA_PASSWORD": REAL_KAFKA_PASSWORD,
            **REAL_PII_KEYS,
            "SHIPSETTLE_PII_KEYRING": f"{REAL_PII_KEYRING},{DEVELOPMENT_PII_KEYRING}",
            "SHIPSETTLE_PII_ACTIVE_KEK": REAL_PII_KEYRING.split(":", 1)[0],
        },
        log_dir,
    )
    assert output.startswith(
        "order-svc refuses to start: SHIPSETTLE_PII_KEYRING must be set to a real secret in the production environment"
    )


def test_order_in_production_refuses_the_placeholder_kafka_password_alone(log_dir: Path) -> None:
    output = started_without_serving(
        SERVICES_BY_NAME["order-svc"],
        {
            "SHIPSETTLE_ENVIRONMENT": "production",
            "SHIPSETTLE_API_KEY_PEPPER": REAL_PEPPER,
            "SHIPSETTLE_KAFKA_PASSWORD": development_kafka_password("order-svc"),
            **REAL_PII_KEYS,
        },
        log_dir,
    )
    assert output.startswith(
        "order-svc refuses to start: SHIPSETTLE_KAFKA_PASSWORD must be set to a real secret in the production environment"
    )
