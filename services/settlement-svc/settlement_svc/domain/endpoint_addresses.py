"""Which addresses a merchant's or the platform's webhook endpoint may reach (against SSRF).

ShipSettle posts notifications to a URL its callers choose, from inside the platform's network: a
URL naming 127.0.0.1, a private network or the cloud's metadata service (169.254.169.254,
fd00:ec2::254) would turn that POST into a request on an attacker's behalf. So an endpoint is
refused unless every address its host resolves to is a public unicast address:

- refused: private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16,
  fe80::/10, the metadata addresses), unspecified, multicast, shared (100.64/10), reserved,
  documentation and benchmarking ranges — everything ``ipaddress`` does not call global;
- an IPv6 address that carries an IPv4 address is judged by that address too: IPv4-mapped
  (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), 6to4 (2002::/16), NAT64 (64:ff9b::/96);
  IPv4-compatible (::/96, deprecated) and local-use NAT64 (64:ff9b:1::/48) are refused whole.
  (Python's ``is_global`` calls 2002:7f00:1:: or 64:ff9b::7f00:1 global: they reach 127.0.0.1.)
- outside development and test the URL must be https.

``SHIPSETTLE_WEBHOOK_ALLOWED_HOSTS`` (settlement-svc; empty by default) names hosts and networks
allowed all the same, comma-separated: a host name as written in the URL (``localhost``) or an
address or CIDR (``127.0.0.1``, ``10.1.0.0/16``); the end-to-end tests' receivers listen on
127.0.0.1 this way. Nothing here does I/O: resolving and connecting are in
``adapters/webhook_transport.py``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from shipsettle_shared.domain_errors import DomainError, Refusal

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# What a merchant is told, and nothing more: never a resolver's or a connection's own error text,
# which would let a caller map the platform's network through the error messages.
ADDRESS_NOT_ALLOWED = "address not allowed"
ENDPOINT_NOT_REACHABLE = "endpoint not reachable"
HTTPS_REQUIRED = "https required"

_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


class EndpointRefused(DomainError):
    """The endpoint may not be used: refused when it is set (``webhook-endpoint-refused``, the
    field ``url``), and recorded as a delivery attempt's error when found at delivery. ``reason``
    is the generic reason shown to its owner (one of the three above), and all it is told."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            Refusal.RULE,
            "webhook-endpoint-refused",
            f"notifications cannot be sent to this URL: {reason}",
            errors=[{"field": "url", "message": reason}],
        )
        self.reason = reason


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _IPV4_TRANSLATED or address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_unicast(address: IPAddress) -> bool:
    """True only for an address a notification may be sent to (see the module)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _IPV4_COMPATIBLE or address in _LOCAL_NAT64:
            return False
        embedded = _embedded_ipv4(address)
        if embedded is not None and not is_public_unicast(embedded):
            return False
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class EndpointPolicy:
    require_https: bool
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_setting(cls, allowed: str, *, require_https: bool) -> EndpointPolicy:
        """``allowed``: the comma-separated setting (host names, addresses, CIDRs)."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (part.strip() for part in allowed.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(require_https=require_https, allowed_hosts=frozenset(hosts), allowed_networks=tuple(networks))

    def host_of(self, url: str) -> tuple[str, int]:
        """The URL's host and port, once its form is acceptable; raises ``EndpointRefused``."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise EndpointRefused(ENDPOINT_NOT_REACHABLE) from error
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise EndpointRefused(ENDPOINT_NOT_REACHABLE)
        if parts.scheme != "https" and self.require_https:
            raise EndpointRefused(HTTPS_REQUIRED)
        return parts.hostname.lower().rstrip("."), port or (443 if parts.scheme == "https" else 80)

    def allows(self, host: str, address: IPAddress) -> bool:
        """Whether a connection for ``host`` may go to ``address`` (one of the host's addresses)."""
        if host.lower().rstrip(".") in self.allowed_hosts:
            return True
        if any(address in network for network in self.allowed_networks if network.version == address.version):
            return True
        return is_public_unicast(address)

    def check_addresses(self, host: str, addresses: list[IPAddress]) -> None:
        """All of a host's addresses must be allowed: a name that resolves to one public and one
        private address would otherwise reach the private one on a later connection."""
        if not addresses or not all(self.allows(host, address) for address in addresses):
            raise EndpointRefused(ADDRESS_NOT_ALLOWED if addresses else ENDPOINT_NOT_REACHABLE)
