"""The faults of a chaos run, drawn from a seed so a failing run can be replayed exactly.

A plan is a list of faults at moments (seconds after the surge starts) within a window; the
runner (``chaos.runner``) injects them in that order while the surge driver works. Which
process, which link and how long are all drawn here, up front, from ``random.Random(seed)``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    KILL = "kill"  # SIGKILL a service instance; restart it after a pause
    STALL = "stall"  # SIGSTOP a consumer instance past its max poll interval, then SIGCONT
    REBALANCE = "rebalance"  # an extra consumer joins the groups, and leaves later
    RELAY_KILL = "relay_kill"  # restart an instance armed to die between publish and mark-sent
    BROKER_RESTART = "broker_restart"
    POSTGRES_RESTART = "postgres_restart"
    NETWORK = "network"  # latency, blackhole or resets on a service's link to PostgreSQL
    PROVIDERS = "providers"  # the payout bank and refund provider slow and failing for a while
    MALFORMED = "malformed"  # messages that are not event envelopes, into the event topics


# Services whose instances may be killed or re-armed; the second instances exist in a chaos run.
SERVICES = ("order-svc", "logistics-svc", "settlement-svc", "refund-svc", "recon-svc")
CONSUMER_SCALED = ("logistics-svc", "settlement-svc")  # two instances each, same consumer groups
NETWORK_FAULTS = ("latency", "blackhole", "reset")


@dataclass(frozen=True)
class Fault:
    at_s: float  # seconds after the surge started (or after ``after_phase`` started)
    kind: Kind
    target: str  # a process name ("settlement-svc#2"), "kafka", "postgres", a topic, a sandbox
    hold_s: float  # how long the fault lasts before recovery starts
    detail: str = ""  # e.g. the network fault, the failpoint pass, the number of messages
    # A surge phase ("dispatch", "delivery", ...) the moment counts from: a fault meant for a phase
    # hits it however fast the machine runs the phases before it (the short chaos test's do).
    after_phase: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"kind": self.kind.value}


# A full chaos run's mix: several kills of each service, and every other kind at least once.
FULL_MIX: Mapping[Kind, int] = {
    Kind.KILL: 10,
    Kind.STALL: 2,
    Kind.REBALANCE: 2,
    Kind.RELAY_KILL: 3,
    Kind.BROKER_RESTART: 1,
    Kind.POSTGRES_RESTART: 1,
    Kind.NETWORK: 3,
    Kind.PROVIDERS: 2,
    Kind.MALFORMED: 4,
}
# At most this many bad messages at once. The consumers halt a group when over 20% of its last
# 500 messages were dead-lettered (the alert for an upstream gone wrong); a 1% trickle must not
# trip it. N=1000 put 38 into one burst, and refund-svc's orders group halted as designed.
MALFORMED_BURST_MAX = 12
# The short version inside `make test`: one consumer kill, one relay kill, a few bad messages.
SHORT_MIX: Mapping[Kind, int] = {Kind.KILL: 1, Kind.RELAY_KILL: 1, Kind.MALFORMED: 1}


CLOSING_DETAIL = "closing: when the payouts start"


def closing_fault(seed: int) -> Fault:
    """The surge's last breakage: a kill -9 of an instance of settlement-svc, the service whose
    work is in flight then, once the driver has applied for every payout and waits for them. Its
    instance and pause come from the seed (its own stream, so the plan stays as it was); its moment
    is the driver's, not a time. Whatever the plan drew, the run then ends moments after a fault,
    so the time from it to every order final measures recovery, not the surge's own work left."""
    rng = random.Random(f"closing-{seed}")
    target = rng.choice(("settlement-svc", "settlement-svc#2"))
    return Fault(0.0, Kind.KILL, target, round(rng.uniform(0.5, 3.0), 1), CLOSING_DETAIL)


def plan(
    seed: int,
    *,
    window_s: float,
    mix: Mapping[Kind, int],
    malformed_total: int,
    topics: Sequence[str],
    start_s: float = 5.0,
    three_brokers: bool = False,
) -> list[Fault]:
    """Faults at random moments in [start_s, window_s], sorted by time. ``malformed_total``
    bad messages are spread over the MALFORMED faults."""
    rng = random.Random(seed)
    faults: list[Fault] = []
    malformed_left = malformed_total
    malformed_faults = mix.get(Kind.MALFORMED, 0)
    if malformed_faults:  # more, smaller bursts for a larger surge (MALFORMED draws come last)
        malformed_faults = max(malformed_faults, math.ceil(malformed_total / MALFORMED_BURST_MAX))
    counts = {**mix, Kind.MALFORMED: malformed_faults}
    for kind in Kind:  # a fixed order, so the draws replay whatever the mapping's order
        for index in range(counts.get(kind, 0)):
            at_s = round(rng.uniform(start_s, window_s), 1)
            if kind is Kind.KILL:
                service = SERVICES[index % len(SERVICES)] if index < len(SERVICES) else rng.choice(SERVICES)
                instance = rng.choice((1, 2)) if service in CONSUMER_SCALED else 1
                target = service if instance == 1 else f"{service}#{instance}"
                faults.append(Fault(at_s, kind, target, round(rng.uniform(0.5, 3.0), 1)))
            elif kind is Kind.STALL:
                # the second instance: the first one answers the driver, which would only wait
                target = f"{rng.choice(CONSUMER_SCALED)}#2"
                faults.append(Fault(at_s, kind, target, 0.0, "past max.poll.interval.ms"))
            elif kind is Kind.REBALANCE:
                faults.append(Fault(at_s, kind, rng.choice(CONSUMER_SCALED), round(rng.uniform(5, 15), 1)))
            elif kind is Kind.RELAY_KILL:
                service = rng.choice(SERVICES[:4])  # recon publishes little; the others a lot
                faults.append(Fault(at_s, kind, service, 0.0, f"relay.after_publish@{rng.randint(2, 8)}"))
            elif kind is Kind.BROKER_RESTART:  # of three brokers, one is killed -9; a lone one restarts
                target = f"kafka-node-{rng.randint(1, 3)}" if three_brokers else "kafka"
                faults.append(Fault(at_s, kind, target, round(rng.uniform(1, 4) * (5 if three_brokers else 1), 1)))
            elif kind is Kind.POSTGRES_RESTART:
                faults.append(Fault(at_s, kind, "postgres", 0.0))
            elif kind is Kind.NETWORK:
                network_fault = NETWORK_FAULTS[index % len(NETWORK_FAULTS)]
                hold = round(rng.uniform(3, 10), 1)
                faults.append(Fault(at_s, kind, rng.choice(SERVICES), hold, network_fault))
            elif kind is Kind.PROVIDERS:
                target = ("payout-sandbox", "refund-sandbox")[index % 2]
                faults.append(Fault(at_s, kind, target, round(rng.uniform(10, 30), 1), "fail 30%, 0.5-3 s"))
            elif kind is Kind.MALFORMED:
                count = malformed_left // (malformed_faults - index)
                malformed_left -= count
                if count:
                    faults.append(Fault(at_s, kind, rng.choice(list(topics)), 0.0, str(count)))
    return sorted(faults, key=lambda fault: (fault.at_s, fault.kind.value, fault.target))
