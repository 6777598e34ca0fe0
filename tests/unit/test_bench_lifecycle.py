"""bench-lifecycle's figures from timestamp rows (bench/lifecycle.py), with hand-worked figures."""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from database_calls import StatementCalls
from lifecycle import (
    SIGN_OFF_STAGES,
    Allocation,
    BenchAborted,
    Lot,
    Run,
    SignOffTrace,
    Take,
    Throughput,
    allocate,
    cpu_seconds,
    durations_ms,
    lifecycle_throughput,
    paid_at,
    parse_wrk,
    sign_off_stage_durations,
    spread_orders,
    timers_section,
)

T0 = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_each_release_is_taken_by_the_application_of_the_same_instant() -> None:
    # auto-apply runs in the release's transaction: same clock reading, one lot each
    lots = [Lot(at(1), "A", 10_000), Lot(at(2), "B", 5_000)]
    takes = [Take(at(2), "SA-2", 5_000), Take(at(1), "SA-1", 10_000)]
    found = allocate(lots, takes)
    assert found == {"A": Allocation(["SA-1"]), "B": Allocation(["SA-2"])}


def test_an_application_for_everything_available_takes_every_lot_released_before_it() -> None:
    # A 100.00 and B 50.00 released; one application of 150.00, then C 70.00 with its own
    lots = [Lot(at(1), "A", 10_000), Lot(at(2), "B", 5_000), Lot(at(4), "C", 7_000)]
    takes = [Take(at(3), "SA-1", 15_000), Take(at(4), "SA-2", 7_000)]
    found = allocate(lots, takes)
    assert found["A"].application_ids == ["SA-1"]
    assert found["B"].application_ids == ["SA-1"]
    assert found["C"].application_ids == ["SA-2"]
    assert all(allocation.unapplied_minor == 0 for allocation in found.values())


def test_a_lot_split_between_two_applications_is_paid_by_both() -> None:
    # A 100.00: 60.00 applied for at 1 s, the other 40.00 at 2 s
    found = allocate([Lot(at(1), "A", 10_000)], [Take(at(1), "SA-1", 6_000), Take(at(2), "SA-2", 4_000)])
    assert found["A"] == Allocation(["SA-1", "SA-2"], 0)


def test_money_released_after_the_last_application_is_left_unapplied() -> None:
    found = allocate([Lot(at(1), "A", 10_000), Lot(at(5), "B", 2_500)], [Take(at(1), "SA-1", 10_000)])
    assert found["A"] == Allocation(["SA-1"], 0)
    assert found["B"] == Allocation([], 2_500)


def test_two_releases_and_their_applications_at_one_instant_are_taken_first_in_first_out() -> None:
    # two timers fired in one transaction: releases sort before applications of the same instant
    lots = [Lot(at(1), "A", 3_000), Lot(at(1), "B", 4_000)]
    takes = [Take(at(1), "SA-1", 3_000), Take(at(1), "SA-2", 4_000)]
    found = allocate(lots, takes)
    assert found == {"A": Allocation(["SA-1"]), "B": Allocation(["SA-2"])}


def test_an_order_is_paid_when_the_last_of_its_applications_is_paid() -> None:
    paid = {"SA-1": at(3), "SA-2": at(7)}
    assert paid_at(Allocation(["SA-1", "SA-2"]), paid) == at(7)
    assert paid_at(Allocation(["SA-1"]), paid) == at(3)


def test_an_order_is_not_paid_while_an_application_is_unpaid_or_money_is_left_or_nothing_was_released() -> None:
    paid = {"SA-1": at(3)}
    assert paid_at(Allocation(["SA-1", "SA-3"]), paid) is None
    assert paid_at(Allocation(["SA-1"], unapplied_minor=100), paid) is None
    assert paid_at(Allocation([]), paid) is None
    assert paid_at(None, paid) is None


def test_throughput_is_orders_paid_over_first_created_to_last_paid() -> None:
    # 4 orders created from 0 s to 1.5 s; 3 paid, the last at 10 s: 3 / 10 s = 0.3/s
    created = [at(0), at(0.5), at(1.0), at(1.5)]
    paid = [at(6), at(10), None, at(8)]
    found = lifecycle_throughput(created, paid)
    assert (found.paid, found.seconds) == (3, 10.0)
    assert found.per_second == pytest.approx(0.3)


def test_throughput_of_a_run_where_nothing_was_paid_is_zero() -> None:
    found = lifecycle_throughput([at(0)], [None])
    assert (found.paid, found.per_second) == (0, 0.0)


def test_durations_skip_pairs_missing_an_end() -> None:
    pairs = [(at(0), at(0.25)), (at(1), None), (at(2), at(3.5))]
    assert durations_ms(pairs) == [250.0, 1500.0]


def test_the_uniform_mix_gives_every_merchant_its_turn() -> None:
    merchants = ["m0", "m1", "m2", "m3"]
    spread = spread_orders(10, merchants, 0.0, random.Random(1))
    assert spread == ["m0", "m1", "m2", "m3", "m0", "m1", "m2", "m3", "m0", "m1"]


def test_the_hot_mix_gives_the_first_merchant_about_its_share() -> None:
    merchants = [f"m{index}" for index in range(20)]
    spread = spread_orders(2_000, merchants, 0.8, random.Random(7))
    hot = spread.count("m0")
    assert 1_520 <= hot <= 1_680  # 80% of 2,000 = 1,600, ± 4 standard deviations (17.9 each)
    assert set(spread) == set(merchants)


def test_cpu_seconds_count_new_processes_from_their_start_and_ignore_ended_ones() -> None:
    # 100 ticks/s: pid 1 used 150 ticks, pid 2 (new) 40, pid 3 ended and is not in "after"
    before = {1: 1_000, 3: 500}
    after = {1: 1_150, 2: 40}
    assert cpu_seconds(before, after, 100) == pytest.approx(1.9)


def test_cpu_per_lifecycle_spreads_each_process_group_over_the_orders_paid() -> None:
    # 40 s window, 100 orders paid: 0.5 CPU of PostgreSQL = 20 CPU-s = 200 ms per lifecycle
    run = Run(
        label="uniform",
        mix="uniform",
        orders=100,
        offered_rate=10.0,
        launched_rate=10.0,
        throughput=Throughput(paid=100, seconds=38.0),
        unpaid={},
        sign_off_to_available_ms=[],
        approval_to_paid_ms=[],
        applications=100,
        reviewed_applications=0,
        driver_errors=[],
        cpu={"PostgreSQL": 0.5, "order-svc": 0.25},
        busy_cpus=1.9,
        window_s=40.0,
        waited=0,
        requests=900,
        drained=True,
    )
    assert run.cpu_per_lifecycle() == pytest.approx({"PostgreSQL": 0.2, "order-svc": 0.1})
    # beyond an idle use of 0.1 and 0.3 CPU: (0.5 - 0.1) * 40 / 100 = 0.16; order-svc below idle counts 0
    assert run.cpu_per_lifecycle({"PostgreSQL": 0.1, "order-svc": 0.3}) == pytest.approx(
        {"PostgreSQL": 0.16, "order-svc": 0.0}
    )


def test_the_timers_a_run_armed_are_shown_per_paid_lifecycle_with_those_left_for_after_the_window() -> None:
    run = Run(
        label="uniform",
        mix="uniform",
        orders=200,
        offered_rate=10.0,
        launched_rate=10.0,
        throughput=Throughput(paid=200, seconds=20.0),
        unpaid={},
        sign_off_to_available_ms=[],
        approval_to_paid_ms=[],
        applications=200,
        reviewed_applications=0,
        driver_errors=[],
        cpu={},
        busy_cpus=1.9,
        window_s=21.0,
        waited=0,
        requests=1300,
        drained=True,
        timers={("recon-svc", "invariant_check"): (130, 70, 0), ("settlement-svc", "payout_status_check"): (0, 0, 200)},
    )
    rows = [line for line in timers_section(run).splitlines() if line.startswith("| ") and "---" not in line][1:]
    # 130 / 200 = 0.65 fired, 70 / 200 = 0.35 still armed; 200 / 200 = 1 cancelled
    assert rows == [
        "| recon-svc | invariant_check | 0.65 | 0.35 | 0.00 |",
        "| settlement-svc | payout_status_check | 0.00 | 0.00 | 1.00 |",
    ]


WRK_OUTPUT = """Running 15s test @ http://127.0.0.1:24199/empty
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.12ms    1.02ms  30.11ms   91.00%
    Req/Sec     1.98k   120.00     2.20k    70.00%
  Latency Distribution
     50%    7.90ms
     75%    8.40ms
     90%    9.10ms
     99%  850.00us
  59400 requests in 15.00s, 8.20MB read
Requests/sec:   3960.12
Transfer/sec:    559.90KB
"""


def test_wrk_figures_are_read_with_their_units() -> None:
    # 99% is given in microseconds on purpose: 850 us = 0.85 ms
    result = parse_wrk(WRK_OUTPUT)
    assert result.rate == pytest.approx(3960.12)
    assert result.p50_ms == pytest.approx(7.9)
    assert result.p99_ms == pytest.approx(0.85)


def test_a_wrk_run_with_errors_is_refused_rather_than_counted() -> None:
    with pytest.raises(BenchAborted, match="12 responses"):
        parse_wrk(WRK_OUTPUT + "  Non-2xx or 3xx responses: 12\n")


def test_round_trips_per_lifecycle_leave_out_what_the_idle_platform_sends() -> None:
    # idle: 50 calls in 5 s in order_svc = 10/s. Run: 40 s, 5,000 order_svc calls and 900 in
    # recon_svc (silent when idle); 100 paid. order_svc: (5,000 - 10 x 40) / 100 = 46; recon: 9.
    idle = StatementCalls(
        calls={("order_svc_b", "select 1"): 50}, exec_ms={("order_svc_b", "select 1"): 1.0}, seconds=5
    )
    run = StatementCalls(
        calls={("order_svc_b", "select 1"): 1_000, ("order_svc_b", "insert x"): 4_000, ("recon_svc_b", "begin"): 900},
        exec_ms={("order_svc_b", "select 1"): 2.0, ("order_svc_b", "insert x"): 9.0, ("recon_svc_b", "begin"): 0.5},
        plan_ms={("order_svc_b", "insert x"): 3.0},
        seconds=40,
    )
    assert run.per_unit(100, idle) == {"order_svc_b": pytest.approx(46.0), "recon_svc_b": pytest.approx(9.0)}
    assert run.top(1) == [("order_svc_b", "insert x", 4_000, 9.0, 3.0)]
    # order_svc: 2.0 + 9.0 = 11.0 ms executing and 3.0 planning; recon_svc never planned here.
    assert run.time_by_database() == {"order_svc_b": (11.0, 3.0), "recon_svc_b": (0.5, 0.0)}


def test_a_sign_offs_wait_splits_into_the_relay_the_consumer_and_the_release() -> None:
    relay, consumer, release = SIGN_OFF_STAGES
    traced = [
        # on Kafka 0.1 s after the sign-off, applied 0.4 s later, released in that transaction 0.05 s on
        SignOffTrace(at(0), at(0.1), at(0.5), at(0.55)),
        # a slower one: 0.3 s in the relay, 2 s in the consumer's queue, 0.2 s waiting for locks
        SignOffTrace(at(10), at(10.3), at(12.3), at(12.5)),
        # not applied yet (or its inbox row not found): left out of every stage, not counted as zero
        SignOffTrace(at(20), at(20.1), None, None),
    ]
    stages = sign_off_stage_durations(traced)
    assert stages[relay] == pytest.approx([100, 300])
    assert stages[consumer] == pytest.approx([400, 2_000])
    assert stages[release] == pytest.approx([50, 200])
    # the stages add up to sign-off → available, sign-off by sign-off
    totals = [sum(stage[i] for stage in stages.values()) for i in range(2)]
    assert totals == pytest.approx(durations_ms([(at(0), at(0.55)), (at(10), at(12.5))]))
