from recon_svc.adapters.tables import metadata
from shipsettle_shared.migrations import run_alembic_env

# The audit heads recon keeps are evidence against a rewritten chain: inserted and read, never changed.
run_alembic_env(metadata, append_only_tables=("audit_heads",))
