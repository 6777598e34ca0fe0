"""The platform's topology, stated once: which services exist, their ports and databases.

``deploy/local.py`` (make run, the test suite) and ``docker-compose.yml`` both follow it;
``tests/contract/test_docker_compose.py`` fails if the compose file drifts from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSpec:
    name: str  # also the consumer-group prefix and the log "service" field
    package: str  # python -m <package> runs it
    http_port: int
    database: str

    @property
    def directory(self) -> str:
        return f"services/{self.name}"


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("order-svc", "order_svc", 8101, "order_svc"),
    ServiceSpec("logistics-svc", "logistics_svc", 8102, "logistics_svc"),
    ServiceSpec("settlement-svc", "settlement_svc", 8103, "settlement_svc"),
    ServiceSpec("refund-svc", "refund_svc", 8104, "refund_svc"),
    ServiceSpec("recon-svc", "recon_svc", 8105, "recon_svc"),
)

SERVICES_BY_NAME = {service.name: service for service in SERVICES}

KAFKA_PORT = 9092
POSTGRES_PORT = 5432


def database_url(
    database: str,
    *,
    host: str = "127.0.0.1",
    port: int = POSTGRES_PORT,
    user: str = "shipsettle",
    password: str = "shipsettle",  # noqa: S107 - the local development role, never production
) -> str:
    url = f"postgresql+asyncpg://{user}:{password}@{host}:{port}/{database}"
    # Loopback needs no TLS; asyncpg would otherwise negotiate it and pay for it on every query.
    return url + "?ssl=disable" if host == "127.0.0.1" else url
