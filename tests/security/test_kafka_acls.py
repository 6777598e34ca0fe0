"""The bus authenticates and authorises every client (issue 18): on the suite's real broker, as
deploy/kafka/kafka.sh starts it and ``topics ensure`` grants its ACLs, a service principal is
refused when it produces to another service's topic, only order-svc may write access.events (an
``ApiKeyIssued`` there mints an ops key), a service cannot read a topic it does not consume nor
join another service's consumer group, and a client without credentials, or with a wrong
password, gets nowhere. Before, the broker had one PLAINTEXT listener and no authorizer: every
attempt here succeeded."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import GroupAuthorizationFailedError, KafkaConnectionError, TopicAuthorizationFailedError
from support import TEST_KAFKA

from shipsettle_shared.contracts import Topic
from shipsettle_shared.kafka_access import (
    SERVICE_ACCESS,
    KafkaCredentials,
    development_kafka_password,
    grant_consumer_groups,
    tooling_client_config,
    topics_read_by,
    topics_written_by,
)

pytestmark = pytest.mark.infra

SERVICES = tuple(access.service for access in SERVICE_ACCESS)
# A record no consumer group reads: every group routes on the event_type header and passes over
# a type none of its handlers wants, unread (messaging/consumer.py), so the positive control
# below leaves nothing for the platform's consumers to apply or dead-letter.
UNWANTED_EVENT_TYPE = b"KafkaAclProbe"


def service_client(service: str, *, password: str | None = None) -> dict[str, object]:
    credentials = KafkaCredentials(service, password or development_kafka_password(service))
    return {"bootstrap_servers": TEST_KAFKA, "request_timeout_ms": 10_000, **credentials.client_kwargs()}


async def produce_one(client: dict[str, object], topic: Topic) -> None:
    """One record to ``topic`` with the services' producer settings (idempotent, acks=all)."""
    producer = AIOKafkaProducer(**client, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            str(topic), value=b"{}", key=b"acl-probe", headers=[("event_type", UNWANTED_EVENT_TYPE)]
        )
    finally:
        await producer.stop()


async def refused_produce(service: str, topic: Topic) -> str:
    """How the broker answered ``service`` producing to ``topic``: the error's name, or "written"."""
    try:
        await produce_one(service_client(service), topic)
    except TopicAuthorizationFailedError:
        return "TopicAuthorizationFailed"
    return "written"


async def records_read(service: str, topic: Topic, group: str, *, wanted: int, timeout_s: float) -> int:
    """Poll ``topic`` from its beginning as ``service`` in ``group`` until ``wanted`` records
    came or ``timeout_s`` passed; a refusal raises. (A refused consumer may still be handed
    partitions by its group: the refusal comes from a later poll, so only records count as read.)"""
    consumer = AIOKafkaConsumer(
        str(topic), **service_client(service), group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    try:
        await consumer.start()
        deadline = asyncio.get_running_loop().time() + timeout_s
        read = 0
        while read < wanted and asyncio.get_running_loop().time() < deadline:
            read += sum(len(records) for records in (await consumer.getmany(timeout_ms=500)).values())
        return read
    finally:
        await consumer.stop()


async def read_answer(service: str, topic: Topic, group: str) -> str:
    """The broker's refusal, polling at most 30 s for it (it comes within a poll or two)."""
    try:
        read = await records_read(service, topic, group, wanted=1, timeout_s=30)
    except TopicAuthorizationFailedError:
        return "TopicAuthorizationFailed"
    except GroupAuthorizationFailedError:
        return "GroupAuthorizationFailed"
    return f"not refused ({read} records read)"


async def test_a_service_principal_is_refused_producing_to_another_services_topic() -> None:
    tries = {
        (service, topic): refused_produce(service, topic)
        for service in SERVICES
        for topic in Topic
        if topic not in topics_written_by(service)
    }
    answers = dict(zip(tries, await asyncio.gather(*tries.values()), strict=True))
    print(f"\nkafka ACLs: {len(answers)} produces to another service's topic tried")

    assert answers[("settlement-svc", Topic.ORDER)] == "TopicAuthorizationFailed"
    assert {key: answer for key, answer in answers.items() if answer != "TopicAuthorizationFailed"} == {}


async def test_only_order_svc_writes_access_events() -> None:
    others = [service for service in SERVICES if service != "order-svc"]
    answers = await asyncio.gather(*(refused_produce(service, Topic.ACCESS) for service in others))
    assert dict(zip(others, answers, strict=True)) == dict.fromkeys(others, "TopicAuthorizationFailed")

    # the control: order-svc's own principal is let through (a record no consumer reads)
    await produce_one(service_client("order-svc"), Topic.ACCESS)


async def test_a_service_cannot_read_a_topic_it_does_not_consume_nor_join_another_services_group() -> None:
    prefix = f"acl-{uuid.uuid4().hex[:8]}."
    await grant_consumer_groups(TEST_KAFKA, prefix)
    reads = {
        (service, topic): read_answer(service, topic, f"{prefix}{service}.acl-test")
        for service in SERVICES
        for topic in Topic
        if topic not in topics_read_by(service)
    }
    answers = dict(zip(reads, await asyncio.gather(*reads.values()), strict=True))
    print(f"\nkafka ACLs: {len(answers)} reads of a topic the service does not consume tried")
    assert answers[("settlement-svc", Topic.TRACKING)] == "TopicAuthorizationFailed"
    assert {key: answer for key, answer in answers.items() if answer != "TopicAuthorizationFailed"} == {}

    # another service's consumer group (it could commit offsets past events that service never
    # applied), on a topic both read
    assert await read_answer("settlement-svc", Topic.ORDER, f"{prefix}logistics-svc.orders") == (
        "GroupAuthorizationFailed"
    )
    # the control: its own group reads a topic it consumes (a record the super user put there,
    # of a type no consumer group wants)
    await produce_one(tooling_client_config(TEST_KAFKA), Topic.DIAGNOSTICS)
    group = f"{prefix}settlement-svc.diagnostics"
    assert await records_read("settlement-svc", Topic.DIAGNOSTICS, group, wanted=1, timeout_s=60) >= 1


async def bootstraps(client: dict[str, object]) -> bool:
    producer = AIOKafkaProducer(**client)
    try:
        await producer.start()
    except KafkaConnectionError:
        return False
    finally:
        await producer.stop()
    return True


async def test_a_client_without_credentials_is_refused() -> None:
    assert not await bootstraps({"bootstrap_servers": TEST_KAFKA, "request_timeout_ms": 10_000})
    assert await bootstraps(tooling_client_config(TEST_KAFKA))  # the same broker, with credentials


async def test_a_wrong_password_is_refused_by_the_broker(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="aiokafka"):
        assert not await bootstraps(service_client("order-svc", password="not-the-password"))
    assert "SaslAuthenticationFailed" in caplog.text
    assert "invalid credentials" in caplog.text
    assert await bootstraps(service_client("order-svc"))
