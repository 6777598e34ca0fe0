"""Fates, scan plans and the controls in force. Pure Python: no I/O.

A parcel's whole future is drawn when the simulator accepts it, from an RNG seeded by
(``--seed``, tracking number), and stored with it: which fate, how many in-transit scans, whether
a delivery attempt fails first, and, per step, whether its webhook is sent twice or posted after
the next step's. The same seed and tracking number therefore give the same plan in any run, and a
restart never redraws it. Only the times are not replayed: a scan is dated when it happens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class Fate(StrEnum):
    DELIVERED = "delivered"  # 签收
    RETURNED = "returned"  # 退签: returned to the sender
    LOST = "lost"  # scans stop; logistics' stale-shipment alert is what notices


class WebhookFormat(StrEnum):
    KUAIDI100 = "kuaidi100"  # 快递100 subscription push (订阅推送)
    AFTERSHIP = "aftership"  # AfterShip tracking webhook
    NATIVE = "native"  # ShipSettle's own shape, Standard Webhooks signature


class ScanStatus(StrEnum):
    """The statuses the simulator plays. The values are logistics-svc's normalised statuses, which
    the native webhook carries as is; the aggregator formats carry their own codes (formats.py)."""

    INFO_RECEIVED = "info_received"  # 揽收
    IN_TRANSIT = "in_transit"  # 在途
    OUT_FOR_DELIVERY = "out_for_delivery"  # 派件
    FAILED_ATTEMPT = "failed_attempt"  # 疑难
    DELIVERED = "delivered"  # 签收
    RETURNED_TO_SENDER = "returned_to_sender"  # 退签


# Mainland cities a parcel travels between, with a sorting hub each; drawn per parcel.
CITIES: tuple[tuple[str, str, str], ...] = (
    ("浙江省", "杭州市", "杭州转运中心"),
    ("上海市", "上海市", "上海转运中心"),
    ("广东省", "深圳市", "深圳华南转运中心"),
    ("广东省", "广州市", "广州白云转运中心"),
    ("北京市", "北京市", "北京顺义转运中心"),
    ("四川省", "成都市", "成都双流转运中心"),
    ("湖北省", "武汉市", "武汉转运中心"),
    ("江苏省", "南京市", "南京转运中心"),
)
COURIER_SURNAMES = ("张", "王", "李", "赵", "刘", "陈", "杨", "黄")


@dataclass(frozen=True)
class Rates:
    """Probabilities used when a parcel's plan is drawn."""

    duplicate: float
    out_of_order: float
    failed_attempt: float
    returned: float
    lost: float

    def __post_init__(self) -> None:
        for name in ("duplicate", "out_of_order", "failed_attempt", "returned", "lost"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} rate must be between 0 and 1")
        if self.returned + self.lost > 1:
            raise ValueError("return rate + lost rate must not exceed 1")


@dataclass(frozen=True)
class PlannedStep:
    status: ScanStatus
    duplicate: bool  # its webhook is sent a second time, byte for byte
    out_of_order: bool  # its webhook is held back and posted after the next step's


@dataclass(frozen=True)
class Plan:
    fate: Fate
    steps: tuple[PlannedStep, ...]
    origin: int  # index into CITIES
    destination: int
    courier: str  # the delivering courier's surname, for the 派件 text

    def as_json(self) -> dict[str, Any]:
        return {
            "fate": self.fate.value,
            "steps": [
                {"status": step.status.value, "duplicate": step.duplicate, "out_of_order": step.out_of_order}
                for step in self.steps
            ],
            "origin": self.origin,
            "destination": self.destination,
            "courier": self.courier,
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Plan:
        return cls(
            fate=Fate(document["fate"]),
            steps=tuple(
                PlannedStep(ScanStatus(step["status"]), bool(step["duplicate"]), bool(step["out_of_order"]))
                for step in document["steps"]
            ),
            origin=int(document["origin"]),
            destination=int(document["destination"]),
            courier=str(document["courier"]),
        )


def draw_plan(seed: int, tracking_number: str, rates: Rates, fate: Fate | None = None) -> Plan:
    """The plan of one parcel. Every draw is made in the same order whether or not ``fate`` is
    given, so naming the fate of one parcel changes nothing else about it.

    Sequences: 揽收 → 在途 ×1..2 → then
    * delivered: 派件 → (疑难 → 派件, with the failed-attempt rate) → 签收;
    * returned: 派件 → 疑难 → 退签 (the buyer could not be reached, the parcel goes back);
    * lost: nothing more.

    Faults: each step's webhook is duplicated with the duplicate rate; each step but the last is
    posted after its successor with the out-of-order rate, never two steps in a row, so a step is
    at most one place late and every fault is bounded by the plan's length.
    """
    # random.Random(str) hashes the string with SHA-512 (seed version 2): stable across runs and
    # independent of PYTHONHASHSEED.
    rng = random.Random(f"carrier-sim:{seed}:{tracking_number}")
    draw = rng.random()
    drawn_fate = (
        Fate.LOST if draw < rates.lost else Fate.RETURNED if draw < rates.lost + rates.returned else Fate.DELIVERED
    )
    fate = fate or drawn_fate
    transit_scans = rng.randint(1, 2)
    failed_first = rng.random() < rates.failed_attempt
    origin = rng.randrange(len(CITIES))
    destination = (origin + rng.randrange(1, len(CITIES))) % len(CITIES)
    courier = rng.choice(COURIER_SURNAMES)

    statuses = [ScanStatus.INFO_RECEIVED] + [ScanStatus.IN_TRANSIT] * transit_scans
    if fate is Fate.DELIVERED:
        statuses.append(ScanStatus.OUT_FOR_DELIVERY)
        if failed_first:
            statuses += [ScanStatus.FAILED_ATTEMPT, ScanStatus.OUT_FOR_DELIVERY]
        statuses.append(ScanStatus.DELIVERED)
    elif fate is Fate.RETURNED:
        statuses += [ScanStatus.OUT_FOR_DELIVERY, ScanStatus.FAILED_ATTEMPT, ScanStatus.RETURNED_TO_SENDER]

    steps: list[PlannedStep] = []
    previous_late = False
    for index, status in enumerate(statuses):
        duplicate = rng.random() < rates.duplicate
        late_draw = rng.random() < rates.out_of_order
        late = late_draw and index < len(statuses) - 1 and not previous_late
        steps.append(PlannedStep(status, duplicate, late))
        previous_late = late
    return Plan(fate=fate, steps=tuple(steps), origin=origin, destination=destination, courier=courier)


@dataclass(frozen=True)
class Controls:
    """The knobs a test may turn at runtime (``POST /_sim/controls``). In memory: a restarted
    simulator starts again from its command line. Rates apply to parcels accepted afterwards
    (a plan is drawn once); the rest applies at once."""

    paused: bool
    scan_interval_ms: int
    duplicate_rate: float
    out_of_order_rate: float
    failed_attempt_rate: float
    return_rate: float
    lost_rate: float
    max_attempts: int
    initial_backoff_ms: int
    max_backoff_ms: int

    def __post_init__(self) -> None:
        self.rates()  # validates the rates
        if self.scan_interval_ms < 0:
            raise ValueError("scan_interval_ms must not be negative")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 < self.initial_backoff_ms <= self.max_backoff_ms:
            raise ValueError("backoffs must satisfy 0 < initial_backoff_ms <= max_backoff_ms")

    def rates(self) -> Rates:
        return Rates(
            duplicate=self.duplicate_rate,
            out_of_order=self.out_of_order_rate,
            failed_attempt=self.failed_attempt_rate,
            returned=self.return_rate,
            lost=self.lost_rate,
        )

    def updated(self, **changes: Any) -> Controls:
        return replace(self, **changes)

    def backoff_s(self, attempts_made: int) -> float:
        """Delay before the next attempt after ``attempts_made`` failed ones: doubling from the
        initial backoff, capped. Jitter is added by the caller."""
        exponent = max(min(attempts_made - 1, 30), 0)
        return min(self.initial_backoff_ms << exponent, self.max_backoff_ms) / 1000

    def as_json(self) -> dict[str, Any]:
        return {
            "paused": self.paused,
            "scan_interval_ms": self.scan_interval_ms,
            "duplicate_rate": self.duplicate_rate,
            "out_of_order_rate": self.out_of_order_rate,
            "failed_attempt_rate": self.failed_attempt_rate,
            "return_rate": self.return_rate,
            "lost_rate": self.lost_rate,
            "max_attempts": self.max_attempts,
            "initial_backoff_ms": self.initial_backoff_ms,
            "max_backoff_ms": self.max_backoff_ms,
        }


@dataclass
class ControlPanel:
    """The controls in force, shared by the HTTP handlers and the background tasks (one event
    loop, so replacing ``current`` is atomic for all of them)."""

    current: Controls
