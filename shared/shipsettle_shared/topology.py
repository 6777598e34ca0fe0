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

    # Least privilege (docs/security.md): each service's database is owned by its own migration
    # owner, which applies the Alembic migrations; the service serves as its runtime role, which
    # owns nothing and may connect to its own database only. Roles are cluster-wide: a database
    # with a suffix (tests, surge) grants to the same two roles as the one without.
    @property
    def owner_role(self) -> str:
        return f"{self.database}_owner"

    @property
    def runtime_role(self) -> str:
        return f"{self.database}_app"


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


# The password of each service role in development and test (deploy/postgres/service-roles.sql
# creates them so); refused as a placeholder outside development and test (settings.py).
DEVELOPMENT_PASSWORD_SUFFIX = "-development-only"  # noqa: S105 - refused outside development and test
DEVELOPMENT_ADMIN_PASSWORD = "shipsettle"  # noqa: S105 - the local administrator role, never production


def development_password(role: str) -> str:
    return role + DEVELOPMENT_PASSWORD_SUFFIX


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


@dataclass(frozen=True)
class ServiceDatabaseUrls:
    """A service's database as its migration owner (``SHIPSETTLE_MIGRATION_DATABASE_URL``) and as
    its runtime role (``SHIPSETTLE_DATABASE_URL``), with the development passwords."""

    owner: str
    runtime: str


def service_database_urls(
    spec: ServiceSpec, db_suffix: str = "", *, host: str = "127.0.0.1", port: int = POSTGRES_PORT
) -> ServiceDatabaseUrls:
    database = spec.database + db_suffix
    return ServiceDatabaseUrls(
        owner=database_url(
            database, host=host, port=port, user=spec.owner_role, password=development_password(spec.owner_role)
        ),
        runtime=database_url(
            database, host=host, port=port, user=spec.runtime_role, password=development_password(spec.runtime_role)
        ),
    )
