"""Who may do what on the bus: SASL/SCRAM principals and the ACLs of each, stated once.

The broker authenticates every client with SCRAM-SHA-512 and authorises with KRaft's
StandardAuthorizer (``allow.everyone.if.no.acl.found=false``), so a client without an ACL can do
nothing. Before this, anyone who reached the broker could publish an ``ApiKeyIssued`` on
``access.events`` and mint an ops key.

- One principal per service, named as the service: it WRITEs its own topics only (only
  order-svc writes ``access.events``), the dead-letter topic (its consumer loop parks failed
  messages there) and the diagnostics topic (the bus probe any service may send); it READs the
  topics its consumers subscribe to, with its consumer groups (``<prefix><service>.``).
- ``shipsettle-admin`` is the broker's super user: the broker's own inter-broker link, topic and
  ACL creation, ops tooling (dead-letter list and replay, which publishes a letter back onto its
  original topic), the surge and chaos drivers (chaos injects malformed messages on every topic)
  and the tests' own readers and writers. No service runs as it.

Passwords come from the environment; in development and test each principal has a placeholder
password published here (``development_kafka_password``), which settings refuse elsewhere.
``python -m shipsettle_shared.kafka_access scram-arguments`` prints the ``--add-scram`` arguments
``kafka-storage format`` needs (deploy/kafka/kafka.sh); ``topics ensure`` creates the ACLs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest

from shipsettle_shared.contracts import Topic

SCRAM_MECHANISM = "SCRAM-SHA-512"
# TLS is not configured yet (docs/security.md): the broker listens on loopback only.
SECURITY_PROTOCOL = "SASL_PLAINTEXT"
ADMIN_PRINCIPAL = "shipsettle-admin"


def development_kafka_password(principal: str) -> str:
    """The placeholder password of ``principal``: public in this repository, so accepted only in
    development and test."""
    return f"{principal}-kafka-development-only"


@dataclass(frozen=True)
class KafkaCredentials:
    username: str
    password: str

    def client_kwargs(self) -> dict[str, Any]:
        """What every aiokafka client (producer, consumer, admin) needs to authenticate."""
        return {
            "security_protocol": SECURITY_PROTOCOL,
            "sasl_mechanism": SCRAM_MECHANISM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }

    def as_settings(self) -> dict[str, str]:
        """As ``ServiceSettings`` arguments: a test or benchmark running a service's own client
        code on groups or topics of its own, as the super user."""
        return {"kafka_username": self.username, "kafka_password": self.password}


def admin_credentials() -> KafkaCredentials:
    """The tooling's super-user credentials: ``SHIPSETTLE_KAFKA_ADMIN_PASSWORD`` or, on a
    development or test broker, the placeholder."""
    password = os.environ.get("SHIPSETTLE_KAFKA_ADMIN_PASSWORD") or development_kafka_password(ADMIN_PRINCIPAL)
    return KafkaCredentials(ADMIN_PRINCIPAL, password)


def tooling_client_config(bootstrap: str) -> dict[str, Any]:
    """Client arguments for ops tooling, drivers and tests: the admin principal on ``bootstrap``."""
    return {"bootstrap_servers": bootstrap, **admin_credentials().client_kwargs()}


@dataclass(frozen=True)
class ServiceAccess:
    service: str
    writes: tuple[Topic, ...]
    reads: tuple[Topic, ...]


# Every principal writes these: the consumer loop parks a failing message on the dead-letter
# topic with the service's own producer, any service may send a bus probe to any other, and each
# publishes its audit chain's head for recon to keep.
WRITTEN_BY_EVERY_SERVICE = (Topic.DEAD_LETTER, Topic.DIAGNOSTICS, Topic.AUDIT)
# Every service keeps its own copy of the API keys and answers bus probes.
READ_BY_EVERY_SERVICE = (Topic.ACCESS, Topic.DIAGNOSTICS)

# What each service's events are (contracts.py) and what its consumers subscribe to
# (entrypoints/consumers.py); tests/unit/test_kafka_access.py holds this against both.
SERVICE_ACCESS: tuple[ServiceAccess, ...] = (
    ServiceAccess(
        "order-svc",
        writes=(Topic.ORDER, Topic.ACCESS),
        reads=(Topic.ORDER, Topic.SHIPMENT, Topic.SETTLEMENT, Topic.REFUND, Topic.PAYOUT),
    ),
    ServiceAccess(
        "logistics-svc", writes=(Topic.SHIPMENT, Topic.TRACKING), reads=(Topic.ORDER, Topic.REFUND, Topic.TRACKING)
    ),
    ServiceAccess(
        "settlement-svc",
        writes=(Topic.SETTLEMENT, Topic.LEDGER, Topic.PAYOUT),
        reads=(Topic.ORDER, Topic.SHIPMENT, Topic.REFUND),
    ),
    ServiceAccess("refund-svc", writes=(Topic.REFUND,), reads=(Topic.ORDER, Topic.SHIPMENT)),
    ServiceAccess(
        "recon-svc",
        writes=(Topic.RECON,),
        reads=(
            Topic.ORDER,
            Topic.SHIPMENT,
            Topic.SETTLEMENT,
            Topic.REFUND,
            Topic.PAYOUT,
            Topic.LEDGER,
            Topic.AUDIT,
        ),
    ),
)
SERVICE_ACCESS_BY_NAME = {access.service: access for access in SERVICE_ACCESS}
PRINCIPALS = (ADMIN_PRINCIPAL, *(access.service for access in SERVICE_ACCESS))


def topics_written_by(service: str) -> frozenset[Topic]:
    return frozenset((*SERVICE_ACCESS_BY_NAME[service].writes, *WRITTEN_BY_EVERY_SERVICE))


def topics_read_by(service: str) -> frozenset[Topic]:
    return frozenset((*SERVICE_ACCESS_BY_NAME[service].reads, *READ_BY_EVERY_SERVICE))


# The Kafka protocol's codes (org.apache.kafka.common.acl / resource).
class _Resource(IntEnum):
    TOPIC = 2
    GROUP = 3


class _Pattern(IntEnum):
    LITERAL = 3
    PREFIXED = 4


class _Operation(IntEnum):
    READ = 3  # implies DESCRIBE
    WRITE = 4  # implies DESCRIBE; since Kafka 3.0 also lets an idempotent producer get its id


_ALLOW = 3


@dataclass(frozen=True)
class Acl:
    principal: str
    resource: _Resource
    name: str
    pattern: _Pattern
    operation: _Operation


def service_acls(group_prefix: str = "") -> list[Acl]:
    """Every service's ACLs; its consumer groups are those named ``<group_prefix><service>.``."""
    acls: list[Acl] = []
    for access in SERVICE_ACCESS:
        user = access.service
        acls += [
            Acl(user, _Resource.TOPIC, str(topic), _Pattern.LITERAL, _Operation.WRITE)
            for topic in sorted(topics_written_by(user))
        ]
        acls += [
            Acl(user, _Resource.TOPIC, str(topic), _Pattern.LITERAL, _Operation.READ)
            for topic in sorted(topics_read_by(user))
        ]
        acls.append(Acl(user, _Resource.GROUP, f"{group_prefix}{user}.", _Pattern.PREFIXED, _Operation.READ))
    return acls


async def create_acls(admin: AIOKafkaAdminClient, acls: list[Acl]) -> None:
    """Create ``acls`` (an existing one is left as it is). aiokafka's admin has no create_acls:
    the protocol request goes through its client, one ACL per request."""
    for acl in acls:
        request = CreateAclsRequest(
            resource_type=acl.resource,
            resource_name=acl.name,
            resource_pattern_type_filter=acl.pattern,
            principal=f"User:{acl.principal}",
            host="*",
            operation=acl.operation,
            permission_type=_ALLOW,
        )
        response = await admin._send_request(request)
        for result in response.creation_responses:
            error_code, error_message = result[0], result[1]
            if error_code:
                raise RuntimeError(f"creating ACL {acl} failed: error {error_code} {error_message}")


async def grant_consumer_groups(bootstrap: str, group_prefix: str) -> None:
    """Let each service use its consumer groups under ``group_prefix`` (a deployment or a test
    run sharing a broker: ``SHIPSETTLE_CONSUMER_GROUP_PREFIX``). Topic ACLs are ``topics
    ensure``'s; this adds only the groups."""
    acls = [acl for acl in service_acls(group_prefix) if acl.resource is _Resource.GROUP]
    admin = AIOKafkaAdminClient(**tooling_client_config(bootstrap), request_timeout_ms=10_000)
    await admin.start()
    try:
        await create_acls(admin, acls)
    finally:
        await admin.close()


_granted: set[tuple[str, str]] = set()
_granted_lock = threading.Lock()


def grant_consumer_groups_blocking(bootstrap: str, group_prefix: str) -> None:
    """``grant_consumer_groups`` from synchronous code, also inside a running event loop (a test's
    process launcher); once per bootstrap and prefix in this process."""
    with _granted_lock:
        if (bootstrap, group_prefix) in _granted:
            return
        failure: list[BaseException] = []

        def grant() -> None:
            try:
                asyncio.run(grant_consumer_groups(bootstrap, group_prefix))
            except BaseException as error:  # re-raised in the caller's thread
                failure.append(error)

        worker = threading.Thread(target=grant, name="kafka-group-grant")
        worker.start()
        worker.join()
        if failure:
            raise failure[0]
        _granted.add((bootstrap, group_prefix))


def scram_format_arguments() -> list[str]:
    """``kafka-storage format`` arguments creating every principal's SCRAM credential, each
    password from ``SHIPSETTLE_KAFKA_PASSWORD_<PRINCIPAL>`` (``-`` as ``_``, upper case) or the
    development placeholder."""
    arguments: list[str] = []
    for principal in PRINCIPALS:
        variable = "SHIPSETTLE_KAFKA_PASSWORD_" + principal.replace("-", "_").upper()
        if principal == ADMIN_PRINCIPAL:
            password = admin_credentials().password
        else:
            password = os.environ.get(variable) or development_kafka_password(principal)
        arguments += ["--add-scram", f"{SCRAM_MECHANISM}=[name={principal},password={password}]"]
    return arguments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shipsettle-kafka-access", description=__doc__)
    parser.add_argument("command", choices=["scram-arguments", "admin-password"])
    args = parser.parse_args(argv)
    if args.command == "scram-arguments":
        print("\n".join(scram_format_arguments()))
    else:
        print(admin_credentials().password)
    return 0


if __name__ == "__main__":
    sys.exit(main())
