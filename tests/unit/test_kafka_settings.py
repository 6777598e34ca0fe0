"""The Kafka settings that guard against losing or duplicating events (kafka_config.py)."""

from __future__ import annotations

from shipsettle_shared.messaging.kafka_config import consumer_config, producer_config
from shipsettle_shared.settings import ServiceSettings


def _settings() -> ServiceSettings:
    return ServiceSettings(service_name="settlement-svc", database_url="postgresql+asyncpg://x@127.0.0.1/x")


def test_the_producer_is_idempotent_and_waits_for_all_in_sync_replicas() -> None:
    config = producer_config(_settings())
    assert config["enable_idempotence"] is True
    assert config["acks"] == "all"


def test_consumers_never_auto_commit_and_new_groups_start_from_the_earliest_offset() -> None:
    config = consumer_config(_settings(), "settlement-svc.orders")
    assert config["enable_auto_commit"] is False
    assert config["auto_offset_reset"] == "earliest"
    assert config["group_id"] == "settlement-svc.orders"


# Built from parts so this file does not match its own search.
_AUTO_COMMIT_ON = ("enable_auto_commit" + "=True", '"enable_auto_commit"' + ":True")


def test_no_source_file_turns_auto_commit_on() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path)
        for directory in ("shared", "services", "bench", "deploy")
        for path in (root / directory).rglob("*.py")
        if any(pattern in path.read_text().replace(" ", "") for pattern in _AUTO_COMMIT_ON)
    ]
    assert offenders == []
