"""The bus's access policy (shipsettle_shared/kafka_access.py) against what the services do: each
service's ACLs let its consumers read what they subscribe to, only order-svc writes access.events,
and every other topic has one writer. On the real broker: tests/security/test_kafka_acls.py."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

from recon_svc.config import ReconSettings
from refund_svc.config import RefundSettings
from settlement_svc.config import SettlementSettings
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import Topic
from shipsettle_shared.diagnostics import bus_probe_subscription
from shipsettle_shared.kafka_access import (
    ADMIN_PRINCIPAL,
    PRINCIPALS,
    SERVICE_ACCESS,
    WRITTEN_BY_EVERY_SERVICE,
    service_acls,
    topics_read_by,
    topics_written_by,
)
from shipsettle_shared.settings import Environment, ServiceSettings
from shipsettle_shared.topology import SERVICES, SERVICES_BY_NAME

SETTINGS_CLASSES: dict[str, type[ServiceSettings]] = {
    "settlement-svc": SettlementSettings,
    "refund-svc": RefundSettings,
    "recon-svc": ReconSettings,
}


def subscribed_topics(service: str) -> set[Topic]:
    """The topics of every consumer group the service runs (its own and the shared ones)."""
    settings_class = SETTINGS_CLASSES.get(service, ServiceSettings)
    settings = settings_class(
        service_name=service, database_url="postgresql+asyncpg://x@h/x", environment=Environment.TEST
    )
    # only what building the subscriptions reads (nothing connects: the lane is never used here)
    runtime = SimpleNamespace(settings=settings, clock=SystemClock(), http=None, lane=None)
    consumers = importlib.import_module(f"{SERVICES_BY_NAME[service].package}.entrypoints.consumers")
    subscriptions = [*consumers.subscriptions(runtime), bus_probe_subscription(service)]
    return {topic for subscription in subscriptions for topic in subscription.topics} | {Topic.ACCESS}


def test_every_service_of_the_topology_has_a_principal_and_the_admin_is_none_of_them() -> None:
    assert [access.service for access in SERVICE_ACCESS] == [spec.name for spec in SERVICES]
    assert (ADMIN_PRINCIPAL, *(spec.name for spec in SERVICES)) == PRINCIPALS


@pytest.mark.parametrize("service", [spec.name for spec in SERVICES])
def test_a_service_may_read_exactly_the_topics_its_consumers_subscribe_to(service: str) -> None:
    assert topics_read_by(service) == subscribed_topics(service)


def test_only_order_svc_writes_access_events_and_every_other_topic_has_one_writer() -> None:
    writers = {topic: {access.service for access in SERVICE_ACCESS if topic in access.writes} for topic in Topic}
    assert writers[Topic.ACCESS] == {"order-svc"}
    owned = {topic: names for topic, names in writers.items() if topic not in WRITTEN_BY_EVERY_SERVICE}
    assert {topic: len(names) for topic, names in owned.items()} == dict.fromkeys(owned, 1)
    # the dead-letter and diagnostics topics: every service (its consumer loop, the bus probe)
    assert all(topics_written_by(access.service) >= set(WRITTEN_BY_EVERY_SERVICE) for access in SERVICE_ACCESS)


def test_a_services_consumer_groups_are_granted_under_its_own_name_and_the_deployments_prefix() -> None:
    groups = {(acl.principal, acl.name) for acl in service_acls("e2e-1234.") if acl.resource.name == "GROUP"}
    assert groups == {(spec.name, f"e2e-1234.{spec.name}.") for spec in SERVICES}
    assert all(acl.pattern.name == "PREFIXED" for acl in service_acls() if acl.resource.name == "GROUP")
    # topics by their whole name only: a prefixed topic ACL would also cover a topic made later
    assert all(acl.pattern.name == "LITERAL" for acl in service_acls() if acl.resource.name == "TOPIC")
