"""python -m chaos: the surge with faults from a seed; prints the report, writes it to
docs/reliability.md with --report, exit 1 if any check fails.

    python -m chaos --orders 300 --seed 42 --proxy --report docs/reliability.md   # make chaos N=300 SEED=42

Without --seed a seed is drawn and printed first, so a failing run can be replayed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos.faults import FULL_MIX, Kind
from chaos.session import ChaosOptions, run_chaos

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## make chaos"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--merchants", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--window-s", type=float, default=None, help="faults fall within this many seconds")
    parser.add_argument("--proxy", action="store_true", help="PostgreSQL links through fault proxies")
    parser.add_argument("--brokers", type=int, choices=(1, 3), default=1, help="3: a KRaft cluster, one broker killed")
    parser.add_argument("--report", type=Path, default=None, help="write the report into this markdown file")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=[kind.value for kind in Kind],
        help="leave this kind of fault out (e.g. postgres_restart while others use the same PostgreSQL)",
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10**6)
    print(f"chaos: seed {seed} (replay with SEED={seed})", flush=True)
    # Spread the plan's faults over the surge up to its payouts. A chaos surge on this machine
    # takes about 0.62 s per order (N=2000) and the faults wait for each other's recovery, so they
    # run later than drawn: a window of 0.5 s per order is injected whole before the payouts start.
    # The closing fault then breaks the payouts themselves, so the run ends moments after a fault
    # and "final within 120 s of the last fault" measures recovery, not the surge's own work left.
    window_s = args.window_s or 60 + args.orders * 0.5
    options = ChaosOptions(
        orders=args.orders,
        seed=seed,
        mix={kind: count for kind, count in FULL_MIX.items() if kind.value not in args.without},
        window_s=window_s,
        merchants=args.merchants,
        proxy=args.proxy,
        three_brokers=args.brokers == 3,
        kafka_port=19792 if args.brokers == 3 else 19892,
        port_offset=13000,  # services on 21101...: below the ephemeral ports (32768+)
        closing=True,
    )
    result = asyncio.run(run_chaos(options))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.report is not None:
        write_report(args.report, result)
    return 0 if result["ok"] else 1


# The bar: every order final within this long after the last fault.
FINAL_WITHIN_S = 120.0


def last_disruption_s(faults: list[dict[str, Any]]) -> float | None:
    """When the last fault that disrupted the platform ended. Malformed messages are left out (a
    trickle the consumers dead-letter as they go, at any moment of normal work). A relay kill whose
    failpoint the surge never reached disrupted only until its instance was up again, armed: its
    clean restart after the surge is the wind-up, not a disruption (``disrupted_until_s``)."""
    moments = [
        float(fault["disrupted_until_s"])
        for fault in faults
        if fault["kind"] != "malformed" and fault["disrupted_until_s"] is not None
    ]
    return max(moments, default=None)


def write_report(path: Path, result: dict[str, Any]) -> None:
    """Replace (or append) this file's "make chaos" section with the run's report."""
    chaos = result["chaos"]
    # one section per size and topology, so a larger run does not replace the smaller one's report
    section = f"{SECTION} N={chaos['orders']}" + (" BROKERS=3" if chaos["brokers"] == 3 else "")
    after_s = chaos["final_after_last_fault_s"]
    if after_s >= 0:
        timing = (
            f"the last fault recovered at {chaos['last_fault_recovered_s']} s and every order was final and "
            f"the platform quiet {after_s} s later"
        )
    else:  # a fault was still in progress when the surge ended: it was wound up before the check
        timing = (
            f"every order was final and the platform quiet at {chaos['surge_s']} s while a fault was still in "
            f"progress; it was wound up {-after_s} s later, at {chaos['last_fault_recovered_s']} s, before the "
            "checker ran"
        )
    disrupted_s = last_disruption_s(chaos["faults"])
    if disrupted_s is not None:
        final_after_s = round(chaos["surge_s"] - disrupted_s, 1)
        timing += (
            f". The last fault that disrupted the platform (malformed messages aside; a relay kill that "
            f"never fired once its instance was up, armed) ended at {disrupted_s} s; "
        )
        if final_after_s < 0:
            timing += "it was still in progress when every order was final"
        else:
            verdict = "within" if final_after_s <= FINAL_WITHIN_S else "NOT within"
            timing += f"every order was final {final_after_s} s after it, {verdict} the {FINAL_WITHIN_S:.0f} s allowed"
    lines = [
        section,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: `make chaos N={chaos['orders']} SEED={chaos['seed']}"
        f"{' BROKERS=3' if chaos['brokers'] == 3 else ''}` ({chaos['brokers']} broker(s), PostgreSQL links "
        f"{'through fault proxies' if chaos['proxy'] else 'direct'}) — "
        f"{'every check green' if result['ok'] else 'CHECKS FAILED'}; surge {chaos['surge_s']} s; {timing}.",
        "",
        "| at (s) | fault | target | detail | recovery (s) | outcome |",
        "|---:|---|---|---|---:|---|",
    ]
    for fault in chaos["faults"]:
        lines.append(
            f"| {fault['started_s']} | {fault['kind']} | {fault['target']} | {fault['detail']} | "
            f"{fault['recovery_s']} | {fault['outcome']} |"
        )
    restarts = ", ".join(f"{r['process']} at {r['at_s']} s (exit {r['exit']})" for r in chaos["unplanned_restarts"])
    left = Counter(str(fault["kind"]) for fault in chaos["not_injected"])
    lines += [
        "",
        "Planned but not injected (the surge had ended): "
        + (", ".join(f"{kind} x{count}" for kind, count in sorted(left.items())) or "none")
        + ".",
        f"Restarted by the supervisor after dying on their own: {restarts or 'none'}.",
        f"Dead letters: {chaos['dead_letters']['injected']} malformed messages injected, "
        f"{chaos['dead_letters']['dead_lettered']} letters (one per consumer group reading the topic), "
        f"check {'ok' if chaos['dead_letters']['ok'] else 'FAILED'}.",
        "",
        "Checker:",
        "",
        "```json",
        json.dumps(
            {
                "ok": result["ok"],
                "counts": result["counts"],
                "checks": {k: v["ok"] for k, v in result["checks"].items()},
            },
            indent=1,
        ),
        "```",
        "",
    ]
    text = path.read_text() if path.exists() else "# Reliability\n\n"
    if f"{section}\n" in text:
        head, _, rest = text.partition(f"{section}\n")
        tail = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        text = head + "\n".join(lines) + ("\n" + tail if tail else "")
    else:
        text = text.rstrip() + "\n\n" + "\n".join(lines)
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
