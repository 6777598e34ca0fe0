"""The Kafka client settings ShipSettle relies on for correctness, in one place.

``tests/unit/test_kafka_config.py`` asserts them, because each one guards against a way of
losing or duplicating money events:
- producer: idempotent with acks=all, so a retried send neither duplicates nor loses a record
  when the broker fails over;
- both: authenticated as the service's own SASL/SCRAM principal (kafka_access.py), whose ACLs
  let it write only its own topics;
- consumer: auto-commit off (offsets are committed by us, after the effect is durable) and
  earliest offset for a new group (a new service instance starts from the beginning instead of
  silently skipping history).
"""

from __future__ import annotations

from typing import Any

from shipsettle_shared.settings import ServiceSettings


def producer_config(settings: ServiceSettings) -> dict[str, Any]:
    return {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        **settings.kafka_credentials.client_kwargs(),
        "client_id": f"{settings.service_name}-producer",
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 2,
        "request_timeout_ms": 30_000,
        "max_batch_size": 256 * 1024,
    }


def consumer_config(settings: ServiceSettings, group_id: str) -> dict[str, Any]:
    return {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        **settings.kafka_credentials.client_kwargs(),
        "client_id": f"{settings.service_name}-{group_id}",
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_interval_ms": settings.consumer_max_poll_interval_ms,
        "session_timeout_ms": settings.consumer_session_timeout_ms,
        "heartbeat_interval_ms": settings.consumer_heartbeat_interval_ms,
        "max_poll_records": settings.consumer_max_records,
        # A long poll: the broker answers as soon as a record arrives, so this bounds only how
        # often an idle consumer asks again (at 50 ms every idle group of every instance cost
        # the broker and the service twenty fetches a second).
        "fetch_max_wait_ms": 500,
    }
