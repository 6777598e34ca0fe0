"""API-key authentication and merchant scoping, as one FastAPI dependency.

A key looks like ``ss_<key_id>_<secret>``. Only HMAC-SHA256(pepper, secret) is stored; the
lookup is by the public key id and the comparison is constant-time. Keys are issued by
order-svc and replicated to every service through ``ApiKeyIssued`` events, so each service
authenticates from its own database.

Each process verifies keys from an in-process cache (``ApiKeyCache``) instead of a session and
a SELECT per request. The staleness bound, stated in README ("API keys: how fast a revocation
bites"): a revocation is refused at once by the process that applies it (order-svc's instance
that serves the revoke; elsewhere the instance whose access consumer applies ``ApiKeyRevoked``),
and by every other instance of the service at most ``api_key_cache_ttl_s`` after it is in the
service's database, because a valid key is trusted from memory only that long before it is read
again. Several instances of a service share one database, but each access.events partition is
consumed by only one of them: the others learn of a revocation from the database, hence the TTL.
Unknown key ids are never cached (memory holds only keys that exist), so made-up keys cannot fill
it; the cache is also capped in entries.

Merchant scoping: a merchant key sees only its own merchant's resources. A resource of another
merchant answers 404, exactly like one that does not exist, so a key never learns what exists.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shipsettle_shared.contracts import ApiKeyIssued, ApiKeyRevoked, Role, read_payload
from shipsettle_shared.db import ConnectionLane, api_keys_table
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import EventHandler
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

    @property
    def merchant_scope(self) -> str | None:
        """The one merchant a merchant key may see; None for the roles that see every merchant."""
        return self.merchant_id if self.role is Role.MERCHANT else None


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


@dataclass(frozen=True)
class KeyRecord:
    """What a service knows of a key: its row in the service's own ``api_keys`` table."""

    key_id: str
    secret_hash: str
    role: Role
    merchant_id: str | None
    carrier_code: str | None
    revoked: bool

    def principal(self) -> Principal:
        return Principal(
            key_id=self.key_id, role=self.role, merchant_id=self.merchant_id, carrier_code=self.carrier_code
        )


KeyLoader = Callable[[str], Awaitable[KeyRecord | None]]


class ApiKeyCache:
    """The keys this process has verified, so a request costs no database round trip.

    - A valid key is trusted from memory for ``ttl_s`` (read on the ``monotonic_s`` clock), then
      read again from the database (``load``): the bound within which another instance's
      revocation, applied to the shared database, is seen here.
    - ``revoke`` marks a key revoked at once, for good (revocation is final); a load that was in
      flight when it happened cannot bring the key back.
    - A key id the database does not know is not remembered: every such request asks the database
      again, as before the cache, and memory holds only keys that exist. Both maps are capped at
      ``max_entries`` (least recently used dropped first, then simply read again).
    - Concurrent requests missing the same key id share one load.
    """

    def __init__(
        self,
        load: KeyLoader,
        *,
        ttl_s: float,
        max_entries: int,
        monotonic_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._monotonic_s = monotonic_s
        self._valid: OrderedDict[str, tuple[KeyRecord, float]] = OrderedDict()  # key id -> (record, expires at)
        self._revoked: OrderedDict[str, None] = OrderedDict()
        self._loading: dict[str, asyncio.Future[KeyRecord | None]] = {}

    def __len__(self) -> int:
        return len(self._valid) + len(self._revoked)

    async def authenticate(self, api_key: str | None, pepper: str) -> Principal:
        """The key's principal; Unauthorized for a missing, malformed, unknown, wrong or revoked key."""
        if not api_key:
            raise Unauthorized("Send your API key in the Authorization header as 'Bearer <key>'.")
        parts = split_key(api_key)
        if parts is None:
            raise Unauthorized("The API key is malformed.")
        key_id, secret = parts
        record = await self.record(key_id)
        # Compare even when the key id is unknown or revoked, so the comparison's timing does not
        # reveal which; the comparison itself is constant-time.
        usable = record is not None and not record.revoked
        expected = record.secret_hash if record is not None and usable else hash_secret("unknown-key", pepper)
        if not hmac.compare_digest(expected, hash_secret(secret, pepper)) or record is None or not usable:
            raise Unauthorized("The API key is not valid.")
        return record.principal()

    async def record(self, key_id: str) -> KeyRecord | None:
        """The key as this process may trust it now: None if unknown (or revoked and forgotten)."""
        if key_id in self._revoked:
            self._revoked.move_to_end(key_id)
            return None
        cached = self._valid.get(key_id)
        if cached is not None:
            record, expires_at = cached
            if self._monotonic_s() < expires_at:
                self._valid.move_to_end(key_id)
                return record
            del self._valid[key_id]
        pending = self._loading.get(key_id)
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            self._loading[key_id] = pending
            try:
                loaded = await self._load(key_id)
            except BaseException as error:
                pending.set_exception(error)
                pending.exception()  # retrieved: no "never retrieved" warning when nobody else waits
                raise
            finally:
                del self._loading[key_id]
            self._remember(key_id, loaded)
            pending.set_result(loaded)
        else:
            loaded = await asyncio.shield(pending)
        return None if loaded is None or key_id in self._revoked else loaded

    def revoke(self, key_id: str) -> None:
        """Refuse ``key_id`` from now on in this process (its revocation was applied here)."""
        self._valid.pop(key_id, None)
        self._revoked[key_id] = None
        self._revoked.move_to_end(key_id)
        if len(self._revoked) > self._max_entries:
            self._revoked.popitem(last=False)

    def _remember(self, key_id: str, record: KeyRecord | None) -> None:
        if record is None:
            return  # unknown: never remembered, so made-up key ids cannot fill memory
        if record.revoked:
            self.revoke(key_id)
        elif key_id not in self._revoked:  # a revocation during the load wins
            self._valid[key_id] = (record, self._monotonic_s() + self._ttl_s)
            if len(self._valid) > self._max_entries:
                self._valid.popitem(last=False)


_LOAD_KEY = (
    "select key_id, secret_hash, role, merchant_id, carrier_code, revoked_at is not null as revoked"
    " from api_keys where key_id = $1"
)


def key_record(row: Mapping[str, Any]) -> KeyRecord:
    return KeyRecord(
        key_id=row["key_id"],
        secret_hash=row["secret_hash"],
        role=Role(row["role"]),
        merchant_id=row["merchant_id"],
        carrier_code=row["carrier_code"],
        revoked=bool(row["revoked"]),
    )


def lane_key_loader(lane: ConnectionLane) -> KeyLoader:
    """Reads a key from the service's ``api_keys`` in one autocommitted statement (no BEGIN and
    ROLLBACK around it)."""

    async def load(key_id: str) -> KeyRecord | None:
        async with lane.connection() as connection:
            row = await connection.fetchrow(_LOAD_KEY, key_id)
        return key_record(row) if row is not None else None

    return load


# The API key as the OpenAPI documents declare it (``security: [{HTTPBearer: []}]`` on every gated
# operation, so /docs can send a key and client generators see the scheme). It never refuses by
# itself (auto_error=False): a missing key or another scheme reaches ``ApiKeyCache.authenticate``
# as no key, which answers our 401 problem with ``WWW-Authenticate``.
API_KEY_SCHEME = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ss_<key_id>_<secret>`")


def _bearer(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials.strip() if credentials is not None else None


# Each operation's allowed roles, published into its OpenAPI operation by the service assembly
# (``publish_roles``) from the ``require_roles`` gate it depends on: the one declared source the
# tests' access matrix (tests/security/test_access_matrix.py) is generated from.
ROLES_KEY = "x-roles"


class RoleGate:
    """Dependency: the caller's principal, refused unless it has one of ``roles`` (401 for no,
    a malformed, an unknown or a revoked key; 429 for a key over its rate limit; 403 for a role
    not among them).

    The rate limit (``rate_limits.py``) is taken here, once per request (a route with two gates is
    charged once), after authentication and before the role check: a key that probes operations
    it may not call spends its tokens too, and a refused request reaches no handler."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(API_KEY_SCHEME)],
    ) -> Principal:
        runtime = request.app.state.runtime
        principal: Principal = await runtime.api_keys.authenticate(
            _bearer(credentials), runtime.settings.api_key_pepper
        )
        if not getattr(request.state, "rate_charged", False):
            request.state.rate_charged = True
            runtime.rate_limits.admit(principal.key_id, principal.role)
        if principal.role not in self.roles:
            raise Forbidden(f"This operation needs one of the roles: {', '.join(sorted(self.roles))}.")
        request.state.principal = principal
        return principal


def require_roles(*roles: Role) -> RoleGate:
    """Dependency: the caller's principal, refused unless it has one of ``roles``."""
    return RoleGate(*roles)


def _gates(dependant: Dependant) -> list[RoleGate]:
    gates = [dependant.call] if isinstance(dependant.call, RoleGate) else []
    for sub in dependant.dependencies:
        gates += _gates(sub)
    return gates


def declared_roles(route: Any) -> frozenset[Role] | None:
    """The roles a route (an APIRoute, or FastAPI's context of an included one) lets in, from the
    gates it depends on (all of them must pass); None for a route without a gate (operations'
    probes, signed webhooks and callbacks)."""
    dependant = getattr(route, "dependant", None)
    gates = _gates(dependant) if isinstance(dependant, Dependant) else []
    if not gates:
        return None
    return frozenset.intersection(*(gate.roles for gate in gates))


def publish_roles(app: FastAPI) -> None:
    """Shows each gated operation's roles in the app's OpenAPI document as ``x-roles`` (sorted),
    read from the routes themselves when the document is built."""
    build = app.openapi

    def openapi_with_roles() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for route in iter_route_contexts(app.router.routes):
                roles = declared_roles(route)
                operations = schema.get("paths", {}).get(route.path_format, {})
                for method in route.methods or ():
                    if roles is not None and method.lower() in operations:
                        operations[method.lower()][ROLES_KEY] = sorted(role.value for role in roles)
        return app.openapi_schema or build()

    app.openapi = openapi_with_roles  # type: ignore[method-assign]


# The role sets routes are gated by, declared once for every service's routers (a router's own
# rare combination stays beside its routes).
AnyPrincipal = Annotated[Principal, Depends(require_roles(*Role))]
OpsPrincipal = Annotated[Principal, Depends(require_roles(Role.OPS))]
Readers = Annotated[Principal, Depends(require_roles(Role.PLATFORM, Role.MERCHANT, Role.OPS, Role.AUDITOR))]
Overseers = Annotated[Principal, Depends(require_roles(Role.OPS, Role.AUDITOR))]
MerchantOnly = Annotated[Principal, Depends(require_roles(Role.MERCHANT))]
PlatformOnly = Annotated[Principal, Depends(require_roles(Role.PLATFORM))]
PlatformOrMerchant = Annotated[Principal, Depends(require_roles(Role.PLATFORM, Role.MERCHANT))]


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


def access_handlers(cache: ApiKeyCache) -> dict[str, EventHandler]:
    """The access consumer's handlers: the service's copy of the keys, and this process's cache
    told of a revocation as it applies it (before its commit: a revocation is final, and one
    that rolls back is applied again on redelivery)."""

    async def on_revoked(session: AsyncSession, envelope: EventEnvelope) -> None:
        await apply_api_key_revoked(session, envelope)
        cache.revoke(read_payload(envelope.payload, ApiKeyRevoked).key_id)

    return {ApiKeyIssued.event_type: apply_api_key_issued, ApiKeyRevoked.event_type: on_revoked}
