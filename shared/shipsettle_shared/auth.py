"""API-key authentication and merchant scoping, as one FastAPI dependency.

A key looks like ``ss_<key_id>_<secret>``. Only HMAC-SHA256(pepper, secret) is stored; the
lookup is by the public key id and the comparison is constant-time. Keys are issued by
order-svc and replicated to every service through ``ApiKeyIssued`` events, so each service
authenticates from its own database.

Merchant scoping: a merchant key sees only its own merchant's resources. A resource of another
merchant answers 404, exactly like one that does not exist, so a key never learns what exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.contracts import ApiKeyIssued, ApiKeyRevoked, Role, read_payload
from shipsettle_shared.db import api_keys_table
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.problems import Forbidden, NotFound, Unauthorized

KEY_PREFIX = "ss"


@dataclass(frozen=True)
class Principal:
    key_id: str
    role: Role
    merchant_id: str | None = None
    carrier_code: str | None = None

    def can_access_merchant(self, merchant_id: str) -> bool:
        if self.role is Role.MERCHANT:
            return self.merchant_id == merchant_id
        return self.role in (Role.PLATFORM, Role.OPS, Role.AUDITOR)

    def require_merchant_access(self, merchant_id: str, what: str, identifier: str) -> None:
        """404 (never 403) for another merchant's resource: existence is not disclosed."""
        if not self.can_access_merchant(merchant_id):
            raise NotFound(what, identifier)


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    api_key: str
    secret_hash: str


def hash_secret(secret: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).hexdigest()


def generate_key(pepper: str) -> IssuedKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return IssuedKey(key_id=key_id, api_key=f"{KEY_PREFIX}_{key_id}_{secret}", secret_hash=hash_secret(secret, pepper))


def split_key(api_key: str) -> tuple[str, str] | None:
    prefix, _, rest = api_key.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or not key_id or not secret:
        return None
    return key_id, secret


async def authenticate(session: AsyncSession, api_key: str | None, pepper: str) -> Principal:
    if not api_key:
        raise Unauthorized("Send your API key in the Authorization header as 'Bearer <key>'.")
    parts = split_key(api_key)
    if parts is None:
        raise Unauthorized("The API key is malformed.")
    key_id, secret = parts
    row = (await session.execute(select(api_keys_table).where(api_keys_table.c.key_id == key_id))).first()
    # Compare even when the key id is unknown, so timing does not reveal which ids exist.
    expected = row.secret_hash if row is not None else hash_secret("unknown-key", pepper)
    if not hmac.compare_digest(expected, hash_secret(secret, pepper)) or row is None or row.revoked_at is not None:
        raise Unauthorized("The API key is not valid.")
    return Principal(key_id=row.key_id, role=Role(row.role), merchant_id=row.merchant_id, carrier_code=row.carrier_code)


def _bearer(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def require_roles(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """Dependency: the caller's principal, refused unless it has one of ``roles``."""

    async def dependency(
        request: Request,
        authorization: Annotated[str | None, Header(description="Bearer <API key>")] = None,
    ) -> Principal:
        runtime = request.app.state.runtime
        async with runtime.sessions() as session:
            principal = await authenticate(session, _bearer(authorization), runtime.settings.api_key_pepper)
        if principal.role not in roles:
            raise Forbidden(f"This operation needs one of the roles: {', '.join(sorted(roles))}.")
        request.state.principal = principal
        return principal

    return dependency


AnyPrincipal = Annotated[Principal, Depends(require_roles(*Role))]
OpsPrincipal = Annotated[Principal, Depends(require_roles(Role.OPS))]


# --- replication of keys into every service ---------------------------------------------


async def apply_api_key_issued(session: AsyncSession, envelope: EventEnvelope) -> None:
    event = read_payload(envelope.payload, ApiKeyIssued)
    statement = insert(api_keys_table).values(
        key_id=event.key_id,
        secret_hash=event.secret_hash,
        role=event.role.value,
        merchant_id=event.merchant_id,
        carrier_code=event.carrier_code,
        label=event.label,
    )
    await session.execute(statement.on_conflict_do_nothing(index_elements=["key_id"]))


async def apply_api_key_revoked(session: AsyncSession, envelope: EventEnvelope) -> None:
    event = read_payload(envelope.payload, ApiKeyRevoked)
    await session.execute(
        api_keys_table.update()
        .where(api_keys_table.c.key_id == event.key_id, api_keys_table.c.revoked_at.is_(None))
        .values(revoked_at=envelope.occurred_at)
    )


ACCESS_HANDLERS = {
    ApiKeyIssued.event_type: apply_api_key_issued,
    ApiKeyRevoked.event_type: apply_api_key_revoked,
}
