from order_svc.adapters.tables import metadata
from shipsettle_shared.migrations import run_alembic_env

run_alembic_env(metadata)
