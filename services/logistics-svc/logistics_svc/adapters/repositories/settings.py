"""Platform settings (the tracking settings: GET/PUT /v1/settings/tracking), in PostgreSQL. They
are read through adapters/reference_data.py's short-lived cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert

from logistics_svc.adapters.repositories.rows import SessionRepository
from logistics_svc.adapters.tables import PlatformSettingRow


class SettingRepository(SessionRepository):
    async def set_setting(self, name: str, value: int, *, by: str, now: datetime) -> None:
        statement = insert(PlatformSettingRow).values(name=name, value={"value": value}, updated_at=now, updated_by=by)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={"value": statement.excluded.value, "updated_at": now, "updated_by": by},
            )
        )
