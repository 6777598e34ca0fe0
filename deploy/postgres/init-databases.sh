#!/usr/bin/env bash
# Run once by the postgres:15 image on an empty data directory (docker-compose.yml mounts it
# into /docker-entrypoint-initdb.d): one database per service, owned by the shipsettle role.
# The names are the databases of shipsettle_shared/topology.py; tests/contract/test_docker_compose.py
# fails if they drift. Each service's schema comes from its own Alembic migrations, never here.
set -euo pipefail

databases=(order_svc logistics_svc settlement_svc refund_svc recon_svc)

for database in "${databases[@]}"; do
  psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "create database $database owner $POSTGRES_USER"
done
