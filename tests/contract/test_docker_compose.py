"""docker-compose.yml runs the same platform as ``make run``.

No Docker engine is needed: the compose file, the Dockerfile and the postgres init script are
parsed and held against ``shipsettle_shared.topology`` (services, ports, databases), the
settings class (every SHIPSETTLE_* variable is one it reads) and deploy/kafka/pom.xml (the
same broker version as the local scripts).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from recon_svc.config import ReconSettings
from refund_svc.config import RefundSettings
from settlement_svc.config import SettlementSettings
from shipsettle_shared.kafka_access import ADMIN_PRINCIPAL, PRINCIPALS, SCRAM_MECHANISM, development_kafka_password
from shipsettle_shared.settings import ServiceSettings
from shipsettle_shared.topology import (
    DEVELOPMENT_PASSWORD_SUFFIX,
    KAFKA_PORT,
    SERVICES,
    ServiceSpec,
    service_database_urls,
)

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_PATH = ROOT / "docker-compose.yml"
DOCKERFILE = "deploy/Dockerfile"
INIT_DATABASES_PATH = ROOT / "deploy" / "postgres" / "init-databases.sh"
KAFKA_POM_PATH = ROOT / "deploy" / "kafka" / "pom.xml"
BROKER_PROPERTIES_PATH = ROOT / "deploy" / "kafka" / "compose-broker.properties"
FORMAT_SCRIPT_PATH = ROOT / "deploy" / "kafka" / "compose-format.sh"
SETTINGS_PREFIX = "SHIPSETTLE_"
COMPOSE_BOOTSTRAP = f"kafka:{KAFKA_PORT}"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_PATH.read_text())


@pytest.fixture(scope="module")
def compose_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    """Compose accepts a mapping or a list of NAME=value; both read as a dict of strings."""
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {name: "" if value is None else str(value) for name, value in environment.items()}


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def package_run_by(service: dict[str, Any]) -> str | None:
    """The package `python -m` starts: an explicit command wins over the image's SERVICE_PACKAGE."""
    command = command_of(service)
    if command[:2] == ["python", "-m"] and len(command) > 2:
        return command[2]
    build = service.get("build")
    if isinstance(build, dict):
        return (build.get("args") or {}).get("SERVICE_PACKAGE")
    return None


def host_bindings(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(host ip, host port, container port) of each published port, short or long syntax."""
    bindings = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            bindings.append((str(port.get("host_ip", "")), str(port.get("published", "")), str(port["target"])))
            continue
        parts = str(port).split(":")
        if len(parts) == 3:
            bindings.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            bindings.append(("", parts[0], parts[1]))
        else:
            bindings.append(("", "", parts[0]))
    return bindings


def built_from_the_service_dockerfile(service: dict[str, Any]) -> bool:
    build = service.get("build")
    return isinstance(build, dict) and build.get("context") == "." and build.get("dockerfile") == DOCKERFILE


@pytest.mark.parametrize("spec", SERVICES, ids=lambda spec: spec.name)
def test_every_service_in_the_topology_runs_in_compose_with_its_own_database(
    compose_services: dict[str, dict[str, Any]], spec: ServiceSpec
) -> None:
    assert spec.name in compose_services, f"{spec.name} is missing from docker-compose.yml"
    service = compose_services[spec.name]
    environment = environment_of(service)

    assert built_from_the_service_dockerfile(service)
    assert package_run_by(service) == spec.package
    # serves as its runtime role, migrates as its database's owner (least privilege)
    database = service_database_urls(spec, host="postgres")
    assert environment["SHIPSETTLE_DATABASE_URL"] == database.runtime
    assert environment["SHIPSETTLE_MIGRATION_DATABASE_URL"] == database.owner
    assert environment["SHIPSETTLE_KAFKA_BOOTSTRAP_SERVERS"] == COMPOSE_BOOTSTRAP
    assert environment["SHIPSETTLE_HTTP_PORT"] == str(spec.http_port)
    assert environment["SHIPSETTLE_ENVIRONMENT"] == "development"
    assert ("127.0.0.1", str(spec.http_port), str(spec.http_port)) in host_bindings(service)


@pytest.mark.parametrize("spec", SERVICES, ids=lambda spec: spec.name)
def test_every_service_waits_for_its_infrastructure_and_reports_readiness(
    compose_services: dict[str, dict[str, Any]], spec: ServiceSpec
) -> None:
    service = compose_services[spec.name]
    assert service["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "kafka": {"condition": "service_healthy"},
        "topics": {"condition": "service_completed_successfully"},
    }
    probe = " ".join(service["healthcheck"]["test"])
    assert f"127.0.0.1:{spec.http_port}/readyz" in probe


SANDBOXES = {"payout-sandbox": "payout", "refund-sandbox": "refund"}


def test_compose_runs_no_service_the_topology_does_not_know(compose_services: dict[str, dict[str, Any]]) -> None:
    application_services = {
        name for name, service in compose_services.items() if built_from_the_service_dockerfile(service)
    }
    assert application_services - {"topics"} - set(SANDBOXES) == {spec.name for spec in SERVICES}


@pytest.mark.parametrize(("name", "kind"), sorted(SANDBOXES.items()))
def test_the_sandboxes_run_with_the_secrets_their_services_use(
    compose_services: dict[str, dict[str, Any]], name: str, kind: str
) -> None:
    """settlement-svc pays through the payout sandbox and refund-svc refunds through the refund
    sandbox: same URL, same API secret, same callback secret, and a callback URL that reaches
    the service from inside the compose network."""
    sandbox = compose_services[name]
    command = command_of(sandbox)
    assert package_run_by(sandbox) == "simulators.provider_sandbox"
    options = dict(part.split("=", 1) for part in command[3:])
    assert options["--kind"] == kind
    service_name = {"payout": "settlement-svc", "refund": "refund-svc"}[kind]
    environment = environment_of(compose_services[service_name])
    prefix = f"SHIPSETTLE_{kind.upper()}"
    assert environment[f"{prefix}_PROVIDER_URL"] == f"http://{name}:{options['--port']}"
    assert environment[f"{prefix}_PROVIDER_API_KEY"] == options["--api-secret"]
    assert environment[f"{prefix}_CALLBACK_SECRET"] == options["--callback-secret"]
    port = environment["SHIPSETTLE_HTTP_PORT"]
    assert environment["SHIPSETTLE_PUBLIC_BASE_URL"] == f"http://{service_name}:{port}"
    assert ("127.0.0.1", options["--port"], options["--port"]) in host_bindings(sandbox)


def test_postgres_init_script_creates_exactly_the_topology_databases(
    compose_services: dict[str, dict[str, Any]],
) -> None:
    match = re.search(r"^databases=\(([^)]*)\)", INIT_DATABASES_PATH.read_text(), re.MULTILINE)
    assert match, "deploy/postgres/init-databases.sh must list its databases as databases=(...)"
    assert sorted(match.group(1).split()) == sorted(spec.database for spec in SERVICES)

    postgres = compose_services["postgres"]
    assert str(postgres["image"]).startswith("postgres:15")
    mounts = [str(volume) for volume in postgres["volumes"]]
    assert any(mount.startswith("./deploy/postgres/init-databases.sh:/docker-entrypoint-initdb.d/") for mount in mounts)
    # the service roles, from the same file deploy/postgres/postgres.sh runs, with the passwords of topology.py
    init_script = INIT_DATABASES_PATH.read_text()
    roles_mount = "./deploy/postgres/service-roles.sql:/shipsettle/service-roles.sql:ro"
    assert roles_mount in mounts
    assert "-f /shipsettle/service-roles.sql" in init_script
    assert f'owner_password="${{database}}_owner{DEVELOPMENT_PASSWORD_SUFFIX}"' in init_script
    assert f'runtime_password="${{database}}_app{DEVELOPMENT_PASSWORD_SUFFIX}"' in init_script
    for spec in SERVICES:  # the names service-roles.sql gives them
        assert (spec.owner_role, spec.runtime_role) == (f"{spec.database}_owner", f"{spec.database}_app")
    assert "owner ${database}_owner" in init_script


def test_kafka_is_the_official_4_x_image_in_kraft_mode_with_auto_create_disabled(
    compose_services: dict[str, dict[str, Any]],
) -> None:
    kafka = compose_services["kafka"]
    image, _, version = str(kafka["image"]).partition(":")
    environment = environment_of(kafka)

    assert image == "apache/kafka"
    assert version.split(".")[0] == "4"
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert environment["KAFKA_NODE_ID"] == "1"
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"].lower() == "false"
    assert f"SASL_PLAINTEXT://{COMPOSE_BOOTSTRAP}" in environment["KAFKA_ADVERTISED_LISTENERS"].split(",")
    # A single broker: every internal topic must fit on one replica.
    replication_factors = {name: value for name, value in environment.items() if name.endswith("REPLICATION_FACTOR")}
    assert replication_factors
    assert set(replication_factors.values()) == {"1"}


def test_compose_runs_the_same_kafka_version_as_the_local_broker(compose_services: dict[str, dict[str, Any]]) -> None:
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", KAFKA_POM_PATH.read_text())
    assert match, "deploy/kafka/pom.xml must state <kafka.version>"
    assert str(compose_services["kafka"]["image"]) == f"apache/kafka:{match.group(1).strip()}"


def test_topics_are_created_explicitly_before_any_service_starts(compose_services: dict[str, dict[str, Any]]) -> None:
    topics = compose_services["topics"]
    command = command_of(topics)

    assert built_from_the_service_dockerfile(topics)
    assert command[:4] == ["python", "-m", "shipsettle_shared.topics", "ensure"]
    assert command[command.index("--bootstrap") + 1] == COMPOSE_BOOTSTRAP
    if "--replication" in command:
        assert command[command.index("--replication") + 1] == "1"  # one broker
    assert topics["depends_on"] == {"kafka": {"condition": "service_healthy"}}


def test_every_published_port_binds_loopback_only(compose_services: dict[str, dict[str, Any]]) -> None:
    exposed = [
        f"{name} {host_port}->{container_port} on {host_ip or 'all interfaces'}"
        for name, service in compose_services.items()
        for host_ip, host_port, container_port in host_bindings(service)
        if host_ip != "127.0.0.1"
    ]
    assert exposed == []


def test_every_shipsettle_variable_in_compose_and_the_dockerfile_is_a_setting(
    compose_services: dict[str, dict[str, Any]],
) -> None:
    names = {name for service in compose_services.values() for name in environment_of(service)}
    names |= set(re.findall(r"\b(SHIPSETTLE_[A-Z0-9_]+)=", (ROOT / DOCKERFILE).read_text()))
    shipsettle_names = {name for name in names if name.startswith(SETTINGS_PREFIX)}

    known = {
        *ServiceSettings.model_fields,
        *SettlementSettings.model_fields,
        *RefundSettings.model_fields,
        *ReconSettings.model_fields,
    }
    unknown = sorted(name for name in shipsettle_names if name.removeprefix(SETTINGS_PREFIX).lower() not in known)
    assert shipsettle_names
    assert unknown == []


def properties(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_the_compose_broker_authenticates_every_listener_and_allows_nothing_without_an_acl(
    compose_services: dict[str, dict[str, Any]],
) -> None:
    """As deploy/kafka/kafka.sh: no PLAINTEXT listener (a PLAINTEXT client is User:ANONYMOUS),
    SCRAM for clients, the StandardAuthorizer denying where no ACL allows, the admin principal the
    only super user; its credentials written before the first start, for every principal."""
    kafka = compose_services["kafka"]
    environment = environment_of(kafka)
    protocols = dict(item.split(":") for item in environment["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(protocols.values()) == {"SASL_PLAINTEXT"}
    assert environment["KAFKA_INTER_BROKER_LISTENER_NAME"] == "SASL_PLAINTEXT"

    broker = properties(BROKER_PROPERTIES_PATH)
    assert broker["sasl.enabled.mechanisms"] == SCRAM_MECHANISM
    assert broker["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert broker["allow.everyone.if.no.acl.found"] == "false"
    assert broker["super.users"] == f"User:{ADMIN_PRINCIPAL}"
    assert (
        f'password="{development_kafka_password(ADMIN_PRINCIPAL)}"'
        in broker["listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"]
    )
    mounts = [str(volume) for volume in kafka["volumes"]]
    assert "./deploy/kafka/compose-broker.properties:/mnt/shared/config/server.properties:ro" in mounts

    assert kafka["depends_on"] == {"kafka-credentials": {"condition": "service_completed_successfully"}}
    match = re.search(r"^principals=\(([^)]*)\)", FORMAT_SCRIPT_PATH.read_text(), re.MULTILINE)
    assert match, "deploy/kafka/compose-format.sh must list its principals as principals=(...)"
    assert tuple(match.group(1).split()) == PRINCIPALS


def test_every_service_connects_as_its_own_principal(compose_services: dict[str, dict[str, Any]]) -> None:
    """No service is given another principal's name (SHIPSETTLE_KAFKA_USERNAME unset: its own)."""
    for spec in SERVICES:
        environment = environment_of(compose_services[spec.name])
        assert environment.get("SHIPSETTLE_KAFKA_USERNAME", spec.name) == spec.name
