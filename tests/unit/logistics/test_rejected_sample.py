"""The sample of webhook bodies nobody authenticated: a burst of 10 per source, then 10 a minute;
bodies and headers cut short."""

from __future__ import annotations

from logistics_svc.adapters import rejected_sample
from logistics_svc.adapters.rejected_sample import RejectedSample


class FakeMonotonic:
    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


def test_a_flood_keeps_a_burst_of_ten_then_one_every_six_seconds() -> None:
    clock = FakeMonotonic()
    sample = RejectedSample(monotonic=clock)
    assert [sample.take("kuaidi100") for _ in range(30)] == [True] * 10 + [False] * 20
    clock.now_s += 5.9
    assert sample.take("kuaidi100") is False
    clock.now_s += 0.1  # 6 s: one token back (10 a minute)
    assert sample.take("kuaidi100") is True
    assert sample.take("kuaidi100") is False


def test_a_minute_of_flood_keeps_at_most_ten_rows_after_the_burst() -> None:
    clock = FakeMonotonic()
    sample = RejectedSample(monotonic=clock)
    kept = 0
    for _ in range(600):  # ten a second for a minute
        kept += sample.take("kuaidi100")
        clock.now_s += 0.1
    assert kept <= 10 + 10  # the burst, then 60 s x 1/6 s


def test_each_source_has_its_own_sample_and_a_quiet_source_refills_only_to_its_cap() -> None:
    clock = FakeMonotonic()
    sample = RejectedSample(monotonic=clock)
    assert sum(sample.take("kuaidi100") for _ in range(10)) == 10
    assert sample.take("native:SF") is True
    clock.now_s += 3600
    assert sum(sample.take("kuaidi100") for _ in range(30)) == 10


def test_what_is_kept_is_cut_short_and_carries_no_authorization() -> None:
    assert rejected_sample.truncated_body(b"x" * 100_000) == b"x" * 4096
    headers = {"authorization": "Bearer secret", "x-long": "v" * 1000, **{f"h{i}": "v" for i in range(50)}}
    kept = rejected_sample.truncated_headers(headers)
    assert "authorization" not in kept
    assert kept["x-long"] == "v" * 256
    assert len(kept) == 32
