from settlement_svc.adapters.tables import metadata
from shipsettle_shared.migrations import run_alembic_env

# The ledger is append-only (its triggers refuse UPDATE and DELETE too): the service inserts
# transactions and postings and reads them, nothing else.
run_alembic_env(metadata, append_only_tables=("ledger_transactions", "ledger_postings"))
