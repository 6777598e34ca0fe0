"""py-spy profiles of running services, summarised for docs/benchmarks.md.

bench-lifecycle profiles the two services that cost the most CPU per lifecycle in a run of its
own after the measured runs (a sampler takes CPU from the same two cores, so the measured runs
are never profiled). py-spy samples without pausing the process (``--nonblocking``) and writes
raw collapsed stacks: one line per distinct stack, ``frame;frame;…;frame count``, outermost frame
first, each frame ``function (path:line)``.
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES_PER_S = 100

# Where a sample's innermost frame is, by the file it runs in: what the CPU is spent on.
_LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("asyncpg (the PostgreSQL protocol)", ("asyncpg/",)),
    ("SQLAlchemy", ("sqlalchemy/",)),
    ("aiokafka", ("aiokafka/", "kafka/")),
    ("HTTP (uvicorn, Starlette, FastAPI, httptools, h11)", ("uvicorn/", "starlette/", "fastapi/", "httptools", "h11/")),
    ("pydantic", ("pydantic/", "pydantic_core/")),
    ("asyncio and uvloop", ("asyncio/", "uvloop/")),
    ("ShipSettle code", ("shipsettle_shared/", "_svc/")),
)
_OTHER = "other (standard library, logging, JSON, …)"


def _layer(frame: str) -> str:
    for name, markers in _LAYERS:
        if any(marker in frame for marker in markers):
            return name
    return _OTHER


def _own(frame: str) -> bool:
    """A ShipSettle function worth a row: not the process's entry point, which every sample passes."""
    return ("shipsettle_shared/" in frame or "_svc/" in frame) and not frame.startswith(("<module> ", "serve "))


def _short(frame: str) -> str:
    """``function (…/services/order-svc/order_svc/x.py:12)`` → ``function (order_svc/x.py)``: one row
    per function, whichever of its lines the sample was on."""
    function, _, where = frame.partition(" (")
    where = where.rstrip(")").rpartition(":")[0]
    for marker in ("site-packages/", "services/order-svc/", "services/logistics-svc/", "services/settlement-svc/"):
        where = where.split(marker)[-1]
    for marker in ("services/refund-svc/", "services/recon-svc/", "shared/"):
        where = where.split(marker)[-1]
    return f"{function} ({where})"


@dataclass
class ProfileSummary:
    """Shares of a profile's samples: by layer (innermost frame) and by ShipSettle function (anywhere in the stack)."""

    service: str
    samples: int = 0
    by_layer: Counter[str] = field(default_factory=Counter)
    own_inclusive: Counter[str] = field(default_factory=Counter)

    def share(self, count: int) -> float:
        return count / self.samples if self.samples else 0.0


def summarise(service: str, raw: str) -> ProfileSummary:
    summary = ProfileSummary(service)
    for line in raw.splitlines():
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame for frame in stack.split(";") if frame]
        if not frames:
            continue
        summary.samples += count
        summary.by_layer[_layer(frames[-1])] += count
        for frame in {_short(frame) for frame in frames if _own(frame)}:
            summary.own_inclusive[frame] += count
    return summary


class Sampler:
    """py-spy attached to some processes until stop(); raw stacks in ``directory``."""

    def __init__(self, py_spy: str, directory: Path) -> None:
        self.py_spy = py_spy
        self.directory = directory
        self.running: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}

    def start(self, pids: dict[str, int]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for service, pid in pids.items():
            output = self.directory / f"profile-{service}.txt"
            command = [self.py_spy, "record", "--nonblocking", "--format", "raw", "-r", str(SAMPLES_PER_S)]
            process = subprocess.Popen(
                [*command, "-p", str(pid), "-o", str(output)],
                stdout=subprocess.DEVNULL,
                stderr=(self.directory / f"profile-{service}.log").open("wb"),
            )
            self.running[service] = (process, output)

    def stop(self) -> dict[str, ProfileSummary]:
        """Interrupt every sampler (py-spy writes its file on SIGINT) and summarise what it wrote."""
        summaries: dict[str, ProfileSummary] = {}
        for service, (process, output) in self.running.items():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if output.exists():
                summaries[service] = summarise(service, output.read_text())
        self.running.clear()
        return summaries


def render(summaries: dict[str, ProfileSummary], own_rows: int = 12) -> str:
    """A table of layers per service, then each service's most expensive ShipSettle functions."""
    services = list(summaries)
    layers = [name for name, _ in _LAYERS] + [_OTHER]
    header = " | ".join(services)
    layer_rows = "\n".join(
        f"| {layer} | " + " | ".join(f"{summaries[s].share(summaries[s].by_layer[layer]):.0%}" for s in services) + " |"
        for layer in layers
    )
    sections = [
        f"| where the CPU is (innermost frame) | {header} |\n|---|{'---:|' * len(services)}\n{layer_rows}\n"
        f"| samples | " + " | ".join(f"{summaries[s].samples:,}" for s in services) + " |"
    ]
    for service in services:
        summary = summaries[service]
        rows = "\n".join(
            f"| {summary.share(count):.0%} | `{frame}` |"
            for frame, count in summary.own_inclusive.most_common(own_rows)
        )
        sections.append(
            f"{service}: its ShipSettle functions by the share of samples they are on the stack of (inclusive):\n\n"
            f"| share | function |\n|---:|---|\n{rows}"
        )
    return "\n\n".join(sections)
