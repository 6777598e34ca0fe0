"""What every repository of settlement-svc needs of the ORM session's bookkeeping."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from settlement_svc.adapters.tables import SettlementTable


def expire_loaded(session: AsyncSession, model: type[SettlementTable], keys: Iterable[str]) -> None:
    """Rows just written with a core statement: an ORM copy this session loaded before must
    be re-read, not served stale (nothing is pending on it: the writers flush first)."""
    identity_map = session.sync_session.identity_map
    for key in keys:
        loaded = identity_map.get(identity_key(model, key))
        if loaded is not None:
            session.expire(loaded)
