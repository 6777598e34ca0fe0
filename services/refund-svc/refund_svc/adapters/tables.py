"""refund-svc's own tables. The infrastructure tables (outbox, inbox, timers, API keys)
come from shipsettle_shared.db and are not repeated here."""

from sqlalchemy import MetaData

metadata = MetaData()
