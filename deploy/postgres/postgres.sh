#!/usr/bin/env bash
# The machine's PostgreSQL 15 cluster on loopback, with one database per service.
#
#   deploy/postgres/postgres.sh start|stop|status|restart|create-databases [suffix]
#
# Idempotent. `start` also makes sure the shipsettle role exists and the cluster allows enough
# connections for five services with two instances each plus the test suite, and creates each
# service's migration owner and runtime role (service-roles.sql; shipsettle_shared/topology.py
# names them, with their development passwords).
# `create-databases _test` creates order_svc_test, ... owned by order_svc_owner, ... (each
# service's schema is then applied by its own Alembic migrations as that owner, never here).
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
  create_service_roles
  echo "postgres: running on 127.0.0.1:5432"
}

# Each service's owner and runtime role, with the development passwords of topology.py.
create_service_roles() {
  local here
  here="$(dirname "$0")"
  for service in "${services[@]}"; do
    psql_admin -v service="$service" -v admin="$role" \
      -v owner_password="${service}_owner-development-only" \
      -v runtime_password="${service}_app-development-only" <"$here/service-roles.sql"
  done
}

# A database made before the service roles existed (owned by shipsettle, with its tables) is
# handed to the service's owner, data kept: the database, then every table, view, sequence,
# function and type of its public schema that someone else owns (REASSIGN OWNED would also hand
# over every other database shipsettle owns, the test suites' included). Nothing to do, nothing
# done: each make run checks again.
hand_over_to_owner() {
  local db="$1" owner="$2"
  if [ "$(psql_admin -tAc "select pg_get_userbyid(datdba) from pg_database where datname = '$db'")" != "$owner" ]; then
    psql_admin -c "alter database $db owner to $owner"
  fi
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v owner="$owner" <<'SQL'
select set_config('shipsettle.owner', :'owner', false) \g /dev/null
do $$
declare
  owner_role text := current_setting('shipsettle.owner');
  item record;
begin
  for item in
    select format('alter %s %s owner to %I',
                  case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                 when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end,
                  c.oid::regclass, owner_role) as statement
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      and c.relowner <> owner_role::regrole
      -- a serial column's sequence follows its table
      and not exists (select from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')
                      and d.classid = 'pg_class'::regclass and c.relkind = 'S')
    order by c.relkind = 'S'
  loop
    execute item.statement;
  end loop;
  for item in
    select format('alter %s %s owner to %I', case p.prokind when 'p' then 'procedure' else 'function' end,
                  p.oid::regprocedure, owner_role) as statement
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proowner <> owner_role::regrole
  loop
    execute item.statement;
  end loop;
  for item in
    select format('alter type %s owner to %I', t.oid::regtype, owner_role) as statement
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = 'public' and t.typtype in ('e', 'd', 'r', 'm') and t.typowner <> owner_role::regrole
  loop
    execute item.statement;
  end loop;
end $$;
SQL
}

create_databases() {
  local suffix="${1:-}"
  for service in "${services[@]}"; do
    local db="$service$suffix" owner="${service}_owner"
    if [ -z "$(psql_admin -tAc "select 1 from pg_database where datname = '$db'")" ]; then
      psql_admin -c "create database $db owner $owner"
    else
      hand_over_to_owner "$db" "$owner"
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
