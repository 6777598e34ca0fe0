"""The dependency locks: compile them, check them for drift, audit the runtime one.

    python deploy/dependency_locks.py lock [--upgrade-package NAME ...]   # make lock
    python deploy/dependency_locks.py check                               # make deps-check (in make test)
    python deploy/dependency_locks.py audit                               # make deps-check (in make test)

`requirements.in` names what the services import at run time; `requirements.txt` is its lock
(every package pinned, with the hashes of every file PyPI has of that version), the only one the
runtime image installs. `requirements-dev.in` adds the development tools under the runtime lock as
a constraint, so `requirements-dev.txt` (what `make install` installs) pins every runtime package
exactly as the image does. Both are compiled by uv for every platform (`--universal`) on Python
3.11, the image's; a compile keeps every pin that still satisfies the .in files, so a lock moves
only when an .in file does or a package is upgraded on purpose (`--upgrade-package`).

`check` compiles both again into a scratch directory, starting from the committed locks, and fails
with the difference when they are not what `lock` would write: an .in file changed without
`make lock`, or a lock edited by hand. It asks the package index (uv's cache answers when the index
cannot be reached and it holds what is needed; otherwise the check fails and says so).

`audit` runs pip-audit over the runtime lock as it is (no resolution: the lock is hashed) and fails
on any known vulnerability. pip-audit asks PyPI's per-release JSON API; a package the feed cannot
answer for (offline, or an index mirror that does not serve that API) is reported as NOT AUDITED,
which fails only with SHIPSETTLE_AUDIT_REQUIRED=1.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON_VERSION = "3.11"  # deploy/Dockerfile's python:3.11-slim and the packages' requires-python


@dataclass(frozen=True)
class Lock:
    source: str  # the .in file, relative to the repository root
    output: str  # its compiled lock


# Runtime first: the development lock is constrained by the runtime one (`-c requirements.txt`).
RUNTIME_LOCK = Lock("requirements.in", "requirements.txt")
DEVELOPMENT_LOCK = Lock("requirements-dev.in", "requirements-dev.txt")
LOCKS = (RUNTIME_LOCK, DEVELOPMENT_LOCK)


def uv_executable() -> str:
    beside_python = Path(sys.executable).parent / "uv"  # the venv's, from requirements-dev.txt
    found = str(beside_python) if beside_python.exists() else shutil.which("uv")
    if found is None:
        raise SystemExit("uv is not installed: run `make install` (it comes with requirements-dev.txt)")
    return found


def compile_command(lock: Lock, output: Path, upgrade_packages: list[str], *, offline: bool = False) -> list[str]:
    command = [
        uv_executable(),
        "pip",
        "compile",
        lock.source,
        "--output-file",
        str(output),
        "--generate-hashes",
        "--universal",
        "--python-version",
        PYTHON_VERSION,
        "--custom-compile-command",
        "make lock",
        "--quiet",
    ]
    for package in upgrade_packages:
        command += ["--upgrade-package", package]
    if offline:
        command.append("--offline")
    return command


def compile_lock(lock: Lock, output: Path, upgrade_packages: list[str]) -> None:
    """Compiles `lock.source` into `output`, keeping the pins `output` already holds where they still fit."""
    online = subprocess.run(compile_command(lock, output, upgrade_packages), cwd=ROOT, capture_output=True, text=True)
    if online.returncode == 0:
        return
    offline = subprocess.run(
        compile_command(lock, output, upgrade_packages, offline=True), cwd=ROOT, capture_output=True, text=True
    )
    if offline.returncode == 0:
        print(f"{lock.output}: compiled from uv's cache (the package index did not answer)", file=sys.stderr)
        return
    raise SystemExit(
        f"{lock.source} could not be compiled:\n{online.stderr}\n(offline, from uv's cache:)\n{offline.stderr}"
    )


def lock_all(upgrade_packages: list[str]) -> None:
    """Rewrites a lock only when its content changes: `make install` reinstalls when the file is newer."""
    with tempfile.TemporaryDirectory(prefix="shipsettle-locks-") as scratch:
        for lock in LOCKS:
            committed = (ROOT / lock.output).read_text() if (ROOT / lock.output).exists() else ""
            fresh = Path(scratch) / lock.output
            fresh.write_text(committed)
            compile_lock(lock, fresh, upgrade_packages)
            if fresh.read_text() == committed:
                print(f"{lock.output}: unchanged")
            else:
                (ROOT / lock.output).write_text(fresh.read_text())
                print(f"{lock.output}: compiled from {lock.source}")


def drift(committed: str, compiled: str, name: str) -> list[str]:
    """The lines by which a committed lock differs from a fresh compile (none: no drift)."""
    return list(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            compiled.splitlines(keepends=True),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (as make lock writes it)",
        )
    )


def check_all() -> int:
    differences: list[str] = []
    with tempfile.TemporaryDirectory(prefix="shipsettle-locks-") as scratch:
        for lock in LOCKS:
            committed = (ROOT / lock.output).read_text()
            fresh = Path(scratch) / lock.output
            fresh.write_text(committed)  # the committed pins are the preferences, as in `make lock`
            compile_lock(lock, fresh, [])
            differences += drift(committed, fresh.read_text(), lock.output)
    if differences:
        sys.stderr.writelines(differences)
        print(
            "\nThe locks do not match requirements.in / requirements-dev.in: run `make lock` and commit both.",
            file=sys.stderr,
        )
        return 1
    print(f"locks match their sources: {', '.join(lock.output for lock in LOCKS)}")
    return 0


@dataclass(frozen=True)
class AuditVerdict:
    vulnerable: list[str]  # "name version: ID (fixed in ...)", one per vulnerability
    not_audited: list[str]  # "name: why"
    audited_count: int


def judge_audit(report: dict[str, Any]) -> AuditVerdict:
    """Reads pip-audit's JSON report (`-f json`)."""
    vulnerable: list[str] = []
    not_audited: list[str] = []
    audited_count = 0
    for dependency in report["dependencies"]:
        if "skip_reason" in dependency:
            not_audited.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        audited_count += 1
        for vulnerability in dependency.get("vulns", []):
            fixed_in = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
            vulnerable.append(
                f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixed_in})"
            )
    return AuditVerdict(vulnerable=vulnerable, not_audited=not_audited, audited_count=audited_count)


def audit_exit_code(verdict: AuditVerdict, *, audit_required: bool) -> int:
    if verdict.vulnerable:
        return 1
    if verdict.not_audited and audit_required:
        return 1
    return 0


def audit_runtime_lock() -> int:
    pip_audit = Path(sys.executable).parent / "pip-audit"
    audit_required = os.environ.get("SHIPSETTLE_AUDIT_REQUIRED") == "1"
    with tempfile.TemporaryDirectory(prefix="shipsettle-audit-") as scratch:
        report_path = Path(scratch) / "report.json"
        completed = subprocess.run(
            [
                str(pip_audit),
                "--requirement",
                RUNTIME_LOCK.output,
                "--disable-pip",  # the lock is complete and hashed: audit it as written, resolve nothing
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report_path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if not report_path.exists():
            # pip-audit stopped before judging anything: the feed unreachable, or a lock it cannot read.
            error_lines = completed.stderr.strip().splitlines() or ["(pip-audit said nothing)"]
            unreachable = any(
                word in completed.stderr for word in ("ConnectionError", "ProxyError", "Tip: your network")
            )
            if not unreachable:
                print(f"pip-audit could not audit {RUNTIME_LOCK.output}:\n{completed.stderr}", file=sys.stderr)
                return 1
            print(
                f"NOT AUDITED: {RUNTIME_LOCK.output}, the vulnerability feed did not answer "
                f"(SHIPSETTLE_AUDIT_REQUIRED=1 makes this fail): {error_lines[-1]}",
                file=sys.stderr,
            )
            return 1 if audit_required else 0
        verdict = judge_audit(json.loads(report_path.read_text()))
    for line in verdict.vulnerable:
        print(f"VULNERABLE {line}", file=sys.stderr)
    if verdict.not_audited:
        print(
            f"NOT AUDITED: {len(verdict.not_audited)} of {len(verdict.not_audited) + verdict.audited_count} packages "
            f"of {RUNTIME_LOCK.output}, the feed gave no answer for them (SHIPSETTLE_AUDIT_REQUIRED=1 makes this "
            f"fail), e.g. {verdict.not_audited[0]}",
            file=sys.stderr,
        )
    exit_code = audit_exit_code(verdict, audit_required=audit_required)
    if exit_code == 0 and verdict.audited_count:
        print(f"pip-audit: no known vulnerability in {verdict.audited_count} audited packages of {RUNTIME_LOCK.output}")
    if verdict.vulnerable:
        print("Upgrade them: make lock UPGRADE=<name>, then run the affected tests.", file=sys.stderr)
    return exit_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    lock_parser = commands.add_parser("lock", help="compile both locks")
    lock_parser.add_argument("--upgrade-package", action="append", default=[], metavar="NAME")
    commands.add_parser("check", help="fail when a lock is not what `lock` would write")
    commands.add_parser("audit", help="pip-audit over the runtime lock")
    arguments = parser.parse_args()
    if arguments.command == "lock":
        lock_all(arguments.upgrade_package)
        return 0
    if arguments.command == "check":
        return check_all()
    return audit_runtime_lock()


if __name__ == "__main__":
    sys.exit(main())
