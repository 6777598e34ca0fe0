"""The short chaos run inside `make test` (issue #8): a few hundred orders through all five
services on a private platform (its own broker, databases and ports), while a consumer instance
is killed with SIGKILL, an outbox relay dies between publishing and marking sent, and malformed
messages land on the bus; a last kill of a settlement-svc instance when the payouts start (the
closing fault a full chaos run ends with). Afterwards the checker: every order final, every fen where the driver's
own arithmetic says, nothing lost, duplicated, regressed or paid twice, and every malformed
message in the dead-letter topic with its origin and error. Bounded by the driver's deadlines."""

from __future__ import annotations

import json
import sys

import pytest
from local import ROOT

if str(ROOT) not in sys.path:  # chaos/ and surge/ are top-level packages beside tests/
    sys.path.insert(0, str(ROOT))

from chaos.faults import CLOSING_DETAIL, Fault, Kind
from chaos.session import ChaosOptions, run_chaos

pytestmark = pytest.mark.infra

# Each fault counts its moment from the start of the surge phase it should hit, so it hits that
# phase however fast the machine runs the ones before it (with fixed moments, a faster platform
# finished the surge before the relay kill and the second burst were due): the kill while order
# and shipment events are consumed, the relay kill while carriers' scans turn into shipment
# events, a malformed burst on each of the two topics while they carry traffic.
FAULTS = [
    Fault(0.5, Kind.MALFORMED, "order.events", 0.0, "6", after_phase="orders"),
    Fault(1.0, Kind.KILL, "settlement-svc#2", 1.0, after_phase="dispatch"),
    Fault(4.0, Kind.RELAY_KILL, "logistics-svc", 0.0, "relay.after_publish@1", after_phase="dispatch"),
    Fault(0.0, Kind.MALFORMED, "shipment.events", 0.0, "4", after_phase="delivery"),
]


async def test_a_short_surge_with_a_consumer_kill_and_a_relay_kill_loses_and_duplicates_nothing() -> None:
    options = ChaosOptions(
        orders=150,
        merchants=8,
        seed=8,
        mix={},
        window_s=0,
        faults=FAULTS,
        kafka_port=19392,
        port_offset=12000,  # services on 20101...: below the ephemeral ports (32768+)
        db_suffix="_chaos_test",
        deadline_s=600,
        closing=True,
    )
    result = await run_chaos(options)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    chaos = result["chaos"]
    # a malformed burst waits for its topic's traffic (chaos.runner.MALFORMED_SHARE_CAP), so the
    # moments, and the order, are the platform's as much as the plan's
    kinds = sorted(fault["kind"] for fault in chaos["faults"])
    assert kinds == ["kill", "kill", "malformed", "malformed", "relay_kill"]
    [closing] = [fault for fault in chaos["faults"] if fault["detail"] == CLOSING_DETAIL]
    assert closing["target"].startswith("settlement-svc")
    assert not [fault for fault in chaos["faults"] if fault["outcome"].startswith("not injected")]
    [relay_kill] = [fault for fault in chaos["faults"] if fault["kind"] == "relay_kill"]
    assert "died at relay.after_publish@1" in relay_kill["outcome"]
    assert result["counts"] == {"lost": 0, "duplicated": 0, "regressed": 0, "unclassified_errors": 0}, result[
        "examples"
    ]
    failed = {name: check["failures"] for name, check in result["checks"].items() if not check["ok"]}
    assert not failed, failed
    assert chaos["dead_letters"]["injected"] == 10
    assert chaos["dead_letters"]["ok"]
    assert result["ok"]
