"""The carrier registry in PostgreSQL: definitions ops maintain, and each carrier's webhook
secret (kept apart, never returned by a read)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from logistics_svc.adapters.carrier_seed import SEED_CARRIERS
from logistics_svc.adapters.tables import AggregatorSecretRow, CarrierRow
from logistics_svc.domain.carriers import AGGREGATOR_CODE_FIELDS, Carrier


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class CarrierRegistry:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, code: str) -> Carrier | None:
        row = await self._session.get(CarrierRow, code.upper())
        return Carrier.from_definition(row.definition) if row is not None else None

    async def all(self) -> list[Carrier]:
        rows = (await self._session.execute(select(CarrierRow).order_by(CarrierRow.code))).scalars()
        return [Carrier.from_definition(row.definition) for row in rows]

    async def carriers_sharing_vendor_codes(self, carrier: Carrier) -> list[str]:
        """Other carriers with one of this carrier's aggregator codes (which would make that
        aggregator's scans belong to neither)."""
        clashes = [
            func.lower(col(CarrierRow.definition)[field_name].astext) == str(code).lower()
            for source, field_name in AGGREGATOR_CODE_FIELDS.items()
            if (code := carrier.vendor_code(source))
        ]
        found = await self._session.execute(
            select(col(CarrierRow.code))
            .where(col(CarrierRow.code) != carrier.code, or_(*clashes))
            .order_by(col(CarrierRow.code))
        )
        return [str(code) for code in found.scalars()]

    async def webhook_secret(self, code: str) -> str | None:
        row = await self._session.get(CarrierRow, code.upper())
        return row.webhook_secret if row is not None else None

    async def put(self, carrier: Carrier, *, by: str, now: datetime) -> bool:
        """Create or replace a carrier's definition; a new carrier gets a fresh webhook secret.
        Returns True when the carrier is new."""
        row = await self._session.get(CarrierRow, carrier.code, with_for_update=True)
        if row is None:
            self._session.add(
                CarrierRow(
                    code=carrier.code,
                    definition=carrier.to_definition(),
                    webhook_secret=new_webhook_secret(),
                    updated_at=now,
                    updated_by=by,
                )
            )
            await self._session.flush()
            return True
        row.definition = carrier.to_definition()
        row.updated_at = now
        row.updated_by = by
        await self._session.flush()
        return False

    async def rotate_webhook_secret(self, code: str, *, by: str, now: datetime) -> str | None:
        row = await self._session.get(CarrierRow, code.upper(), with_for_update=True)
        if row is None:
            return None
        row.webhook_secret = new_webhook_secret()
        row.updated_at = now
        row.updated_by = by
        await self._session.flush()
        return row.webhook_secret

    async def set_aggregator_secret(self, source: str, secret: str, *, now: datetime) -> None:
        statement = insert(AggregatorSecretRow).values(source=source, secret=secret, updated_at=now)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["source"], set_={"secret": statement.excluded.secret, "updated_at": now}
            )
        )

    async def seed(self, *, now: datetime) -> int:
        """Add the seed carriers that are missing (never overwrites what ops changed)."""
        added = 0
        for carrier in SEED_CARRIERS:
            inserted = await self._session.execute(
                insert(CarrierRow)
                .values(
                    code=carrier.code,
                    definition=carrier.to_definition(),
                    webhook_secret=new_webhook_secret(),
                    updated_at=now,
                    updated_by="seed",
                )
                .on_conflict_do_nothing(index_elements=["code"])
                .returning(col(CarrierRow.code))
            )
            added += inserted.first() is not None
        return added
