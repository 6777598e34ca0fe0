"""Sending notifications only where ``domain/endpoint_addresses`` allows, against DNS rebinding.

The host is resolved once per connection, every address is checked, and the connection is made to
a checked address (``GuardedNetworkBackend.connect_tcp``): no second resolution happens between
the check and the connect, so a name that answers a public address to the check and 127.0.0.1 to
the connect reaches nothing. The request itself is the URL's (its Host header, and its TLS server
name and certificate check when https). The check runs before any socket is opened: a refused
address is never connected to, not even to fail.

The notification client follows no redirect (a 3xx is an answer, recorded and retried like any
other non-2xx), and keeps a connection only for the origin it was opened and checked for: a
later delivery to the same origin reuses it (the address it reaches was checked) or opens a new
one through the same check. Registration resolves and checks the endpoint the same way
(``check_endpoint``), so a refused endpoint is refused when it is set, and again at every
delivery if its name changes later.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable

import httpcore
import httpx

from settlement_svc.domain.endpoint_addresses import (
    ENDPOINT_NOT_REACHABLE,
    EndpointPolicy,
    EndpointRefused,
    IPAddress,
)

logger = logging.getLogger(__name__)

RESOLVE_TIMEOUT_S = 5.0


async def resolve(host: str, port: int, *, timeout_s: float = RESOLVE_TIMEOUT_S) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal address: itself); raises ``EndpointRefused``
    when it resolves to none."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        found = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout=timeout_s)
    except (OSError, TimeoutError, UnicodeError) as error:
        logger.info("webhook host does not resolve", extra={"fields": {"host": host, "error": type(error).__name__}})
        raise EndpointRefused(ENDPOINT_NOT_REACHABLE) from error
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


async def check_endpoint(policy: EndpointPolicy, url: str) -> None:
    """Registration's check: the URL's form, then every address its host resolves to now."""
    host, port = policy.host_of(url)
    policy.check_addresses(host, await resolve(host, port))


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the policy between resolving and connecting."""

    def __init__(self, policy: EndpointPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout_s=timeout or RESOLVE_TIMEOUT_S)
        self.policy.check_addresses(host, addresses)  # raises before any socket exists
        last_error: Exception | None = None
        for address in addresses:  # the checked addresses, and no others
            try:
                return await self.inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise EndpointRefused(ENDPOINT_NOT_REACHABLE)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose every connection goes through the guard."""

    def __init__(self, policy: EndpointPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        super().__init__(trust_env=False)  # no proxy from the environment: it would connect instead
        # httpx builds its pool without a way to pass a network backend: the same pool, with one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedNetworkBackend(policy, inner),
        )


def notification_client(policy: EndpointPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> httpx.AsyncClient:
    """The client of every notification delivery (one per process); each call states its timeout."""
    return httpx.AsyncClient(
        transport=GuardedTransport(policy, inner), follow_redirects=False, trust_env=False, timeout=10.0
    )
