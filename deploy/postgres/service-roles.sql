-- One service's two database roles (least privilege, docs/security.md), run by a superuser:
--
--   psql -v service=order_svc -v admin=shipsettle -v owner_password=... -v runtime_password=... \
--        -f deploy/postgres/service-roles.sql
--
-- <service>_owner  owns the service's databases and their schema; the service's Alembic
--                  migrations run as it (SHIPSETTLE_MIGRATION_DATABASE_URL).
-- <service>_app    the role the service serves as (SHIPSETTLE_DATABASE_URL): owns nothing, and
--                  gets its privileges from the migration run itself (shipsettle_shared/migrations.py:
--                  CONNECT on its own database only, the rows of its tables, never ALTER, DROP,
--                  TRUNCATE or a trigger switch; the ledger's tables append-only).
-- The administrator (:admin, who creates and drops databases) becomes a member of the owner, so
-- it may create a database owned by it.
--
-- Roles are cluster-wide and test suites start in parallel: each step is idempotent and a
-- concurrent CREATE ROLE or GRANT by another run (duplicate_object, unique_violation) is taken as
-- done. An existing role's password is never changed (two runs altering one role at once fail
-- with "tuple concurrently updated").
set client_min_messages = warning;
select set_config('shipsettle.service', :'service', false),
       set_config('shipsettle.admin', :'admin', false),
       set_config('shipsettle.owner_password', :'owner_password', false),
       set_config('shipsettle.runtime_password', :'runtime_password', false) \g /dev/null
do $$
declare
  owner_role text := current_setting('shipsettle.service') || '_owner';
  runtime_role text := current_setting('shipsettle.service') || '_app';
  admin_role text := current_setting('shipsettle.admin');
begin
  if not exists (select from pg_roles where rolname = owner_role) then
    begin
      execute format('create role %I login nosuperuser nocreatedb nocreaterole noreplication password %L',
                     owner_role, current_setting('shipsettle.owner_password'));
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select from pg_roles where rolname = runtime_role) then
    begin
      execute format('create role %I login nosuperuser nocreatedb nocreaterole noreplication password %L',
                     runtime_role, current_setting('shipsettle.runtime_password'));
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if admin_role <> owner_role and not pg_has_role(admin_role, owner_role, 'member') then
    begin
      execute format('grant %I to %I', owner_role, admin_role);
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end $$;
