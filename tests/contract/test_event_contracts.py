"""A change to an event schema that would break a consumer fails here.

The snapshot (event_schemas.json) records every event's schema as released. Within a schema
version a change may only add optional fields; removing a field, changing its type, making it
required or moving the event to another topic is a breaking change and needs a new version.
After an additive change, refresh the snapshot with:

    .venv/bin/python tests/contract/test_event_contracts.py --update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shipsettle_shared.contracts import EVENT_PAYLOADS, TOPIC_SPECS

SNAPSHOT = Path(__file__).with_name("event_schemas.json")


def current_contracts() -> dict[str, Any]:
    return {
        name: {"schema_version": model.schema_version, "topic": str(model.topic), "schema": model.model_json_schema()}
        for name, model in sorted(EVENT_PAYLOADS.items())
    }


def breaking_changes(released: dict[str, Any], current: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name, old in released.items():
        new = current.get(name)
        if new is None:
            problems.append(f"{name}: event type removed")
            continue
        if new["topic"] != old["topic"]:
            problems.append(f"{name}: moved from {old['topic']} to {new['topic']}")
        if new["schema_version"] != old["schema_version"]:
            continue  # a new version is a new contract; consumers opt in
        old_properties = old["schema"].get("properties", {})
        new_properties = new["schema"].get("properties", {})
        for field, spec in old_properties.items():
            if field not in new_properties:
                problems.append(f"{name}.{field}: removed")
            elif _shape(new_properties[field]) != _shape(spec):
                problems.append(f"{name}.{field}: type changed")
        newly_required = set(new["schema"].get("required", [])) - set(old["schema"].get("required", []))
        for field in sorted(newly_required):
            problems.append(f"{name}.{field}: became required")
    return problems


def _shape(spec: dict[str, Any]) -> Any:
    """The parts of a property schema a consumer depends on (not titles or descriptions)."""
    return {key: value for key, value in spec.items() if key not in {"title", "description", "default"}}


def test_no_released_event_schema_changed_in_a_breaking_way() -> None:
    released = json.loads(SNAPSHOT.read_text())
    assert breaking_changes(released, current_contracts()) == []


def test_every_event_is_recorded_in_the_snapshot() -> None:
    released = json.loads(SNAPSHOT.read_text())
    assert sorted(current_contracts()) == sorted(released), "refresh the snapshot (see module docstring)"


def test_the_checker_catches_a_removed_field_a_type_change_and_a_new_required_field() -> None:
    released = current_contracts()
    broken = json.loads(json.dumps(released))
    probe = broken["BusProbeSent"]["schema"]
    del probe["properties"]["note"]
    probe["properties"]["sent_by"] = {"type": "integer"}
    probe["required"].append("extra")
    assert breaking_changes(released, broken) == [
        "BusProbeSent.sent_by: type changed",
        "BusProbeSent.note: removed",
        "BusProbeSent.extra: became required",
    ]


def test_every_event_goes_to_a_declared_topic() -> None:
    declared = {spec.topic for spec in TOPIC_SPECS}
    assert {model.topic for model in EVENT_PAYLOADS.values()} <= declared


if __name__ == "__main__" and "--update" in sys.argv:
    SNAPSHOT.write_text(json.dumps(current_contracts(), indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {SNAPSHOT}")
