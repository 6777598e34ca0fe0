#!/usr/bin/env bash
# The machine's PostgreSQL 15 cluster on loopback, with one database per service.
#
#   deploy/postgres/postgres.sh start|stop|status|restart|create-databases [suffix]
#
# Idempotent. `start` also makes sure the shipsettle role exists and the cluster allows enough
# connections for five services with two instances each plus the test suite.
# `create-databases _test` creates order_svc_test, ... (each service's schema is then applied by
# its own Alembic migrations, never here).
set -euo pipefail

version="${PG_VERSION:-15}"
cluster="${PG_CLUSTER:-main}"
role="${PG_USER:-shipsettle}"
password="${PG_PASSWORD:-shipsettle}"
services=(order_svc logistics_svc settlement_svc refund_svc recon_svc)

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

psql_admin() {
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
}

running() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online
}

wait_ready() {
  for _ in $(seq 1 60); do
    as_postgres pg_isready -q -h 127.0.0.1 && return 0
    sleep 0.5
  done
  echo "postgres: not accepting connections after 30 s" >&2
  return 1
}

start() {
  if ! running; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
  fi
  wait_ready
  local max_connections preload restart=no
  max_connections="$(psql_admin -tAc 'show max_connections')"
  if [ "$max_connections" -lt 400 ]; then
    # Each service keeps a small pool per instance; the chaos runs double some instances.
    psql_admin -c "alter system set max_connections = 400"
    restart=yes
  fi
  preload="$(psql_admin -tAc 'show shared_preload_libraries')"
  if [[ ",${preload// /}," != *,pg_stat_statements,* ]]; then
    # The benchmarks count database round trips per unit of work from pg_stat_statements.
    psql_admin -c "alter system set shared_preload_libraries = '${preload:+$preload,}pg_stat_statements'"
    restart=yes
  fi
  if [ "$restart" = yes ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" restart
    wait_ready
  fi
  if [ "$(psql_admin -tAc 'show pg_stat_statements.track_planning')" != on ]; then
    # The benchmarks split PostgreSQL's time per statement into planning and execution.
    psql_admin -c "alter system set pg_stat_statements.track_planning = on" -c "select pg_reload_conf()" >/dev/null
  fi
  psql_admin <<SQL
do \$\$ begin
  if not exists (select from pg_roles where rolname = '$role') then
    create role $role login createdb password '$password';
  end if;
  -- Tests and benches drop their databases "with (force)", which must also end an autovacuum
  -- worker busy in them; that worker belongs to no role, so only pg_signal_backend may end it.
  if not pg_has_role('$role', 'pg_signal_backend', 'member') then
    grant pg_signal_backend to $role;
  end if;
  -- The benchmarks and the tests that count round trips read pg_stat_statements' texts of
  -- statements the services' own roles ran, which only this role may read.
  if not pg_has_role('$role', 'pg_read_all_stats', 'member') then
    grant pg_read_all_stats to $role;
  end if;
end \$\$;
set client_min_messages = warning;
create extension if not exists pg_stat_statements;
grant execute on function pg_stat_statements_reset(oid, oid, bigint) to $role;
SQL
  echo "postgres: running on 127.0.0.1:5432"
}

create_databases() {
  local suffix="${1:-}"
  for service in "${services[@]}"; do
    local db="$service$suffix"
    if [ -z "$(psql_admin -tAc "select 1 from pg_database where datname = '$db'")" ]; then
      psql_admin -c "create database $db owner $role"
    fi
  done
}

stop() {
  if running; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" stop
  fi
  echo "postgres: stopped"
}

status() {
  if running; then echo "postgres: running"; else echo "postgres: not running"; return 3; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  create-databases) create_databases "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|restart|create-databases [suffix]" >&2; exit 2 ;;
esac
