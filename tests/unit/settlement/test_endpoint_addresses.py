"""Where notifications may go (against SSRF): the address rule, the allow-list, and the transport
that checks before it connects, with a network backend that records every connection asked of it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import httpcore
import pytest

from settlement_svc.adapters.webhook_transport import GuardedNetworkBackend, notification_client
from settlement_svc.domain.endpoint_addresses import (
    ADDRESS_NOT_ALLOWED,
    HTTPS_REQUIRED,
    EndpointPolicy,
    EndpointRefused,
    is_public_unicast,
)

REFUSED = [
    "127.0.0.1",  # loopback
    "127.255.0.9",
    "0.0.0.0",  # noqa: S104 - unspecified, as a target
    "10.0.0.1",  # private
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",  # link-local: the cloud metadata service
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "192.0.2.1",  # documentation
    "::1",
    "::",
    "fe80::1",
    "fd00:ec2::254",  # the metadata service over IPv6 (unique local)
    "fc00::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "::ffff:0:a00:1",  # IPv4-translated 10.0.0.1
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1 (Python calls it global)
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1 (Python calls it global)
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::1",  # local-use NAT64
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", REFUSED)
def test_private_loopback_link_local_and_their_ipv6_disguises_are_refused(address: str) -> None:
    assert not is_public_unicast(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_unicast_addresses_are_allowed(address: str) -> None:
    assert is_public_unicast(ipaddress.ip_address(address))


def test_https_is_required_unless_development_or_test() -> None:
    production = EndpointPolicy.from_setting("", require_https=True)
    with pytest.raises(EndpointRefused, match=HTTPS_REQUIRED):
        production.host_of("http://merchant.example/hooks")
    assert production.host_of("https://Merchant.Example./hooks") == ("merchant.example", 443)
    assert EndpointPolicy.from_setting("", require_https=False).host_of("http://[::1]:8080/") == ("::1", 8080)


def test_the_allow_list_names_hosts_and_networks_and_nothing_else() -> None:
    policy = EndpointPolicy.from_setting(" localhost, 127.0.0.2 ,10.1.0.0/16,", require_https=False)
    loopback = ipaddress.ip_address("127.0.0.1")
    assert policy.allows("localhost", loopback)  # by the name in the URL
    assert policy.allows("127.0.0.2", ipaddress.ip_address("127.0.0.2"))
    assert policy.allows("10.1.2.3", ipaddress.ip_address("10.1.2.3"))
    assert not policy.allows("127.0.0.1", loopback)
    assert not policy.allows("10.2.0.1", ipaddress.ip_address("10.2.0.1"))
    # one private address among public ones refuses the host
    with pytest.raises(EndpointRefused, match=ADDRESS_NOT_ALLOWED):
        policy.check_addresses("mixed.example", [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.2.0.1")])


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Records every connection asked of it, and makes none."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        raise httpcore.ConnectError("recorded, not connected")

    async def sleep(self, seconds: float) -> None:
        return None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://[::1]:8080/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:8080/hook",
        "http://[2002:7f00:1::1]:8080/hook",
    ],
)
async def test_the_notification_client_refuses_before_any_connection_is_asked_for(url: str) -> None:
    recorder = RecordingBackend()
    async with notification_client(EndpointPolicy.from_setting("", require_https=False), recorder) as client:
        with pytest.raises(EndpointRefused, match=ADDRESS_NOT_ALLOWED):
            await client.post(url, content=b"{}")
    assert recorder.connects == []


async def test_an_allowed_address_is_connected_to_as_checked() -> None:
    recorder = RecordingBackend()
    backend = GuardedNetworkBackend(EndpointPolicy.from_setting("127.0.0.2", require_https=False), recorder)
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("127.0.0.2", 8080)
    assert recorder.connects == [("127.0.0.2", 8080)]
