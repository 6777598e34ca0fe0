#!/usr/bin/env bash
# Run once by the postgres:15 image on an empty data directory (docker-compose.yml mounts it
# into /docker-entrypoint-initdb.d, and service-roles.sql beside it): each service's migration
# owner and runtime role (least privilege, docs/security.md) with the development passwords of
# shipsettle_shared/topology.py, and one database per service owned by its migration owner.
# The names are the databases of shipsettle_shared/topology.py; tests/contract/test_docker_compose.py
# fails if they drift. Each service's schema comes from its own Alembic migrations, run as that
# owner, never here; the migrations also grant the runtime role what it may do.
set -euo pipefail

databases=(order_svc logistics_svc settlement_svc refund_svc recon_svc)

for database in "${databases[@]}"; do
  psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v service="$database" -v admin="$POSTGRES_USER" \
    -v owner_password="${database}_owner-development-only" \
    -v runtime_password="${database}_app-development-only" \
    -f /shipsettle/service-roles.sql
  psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "create database $database owner ${database}_owner"
done
