"""The dependency files say what is installed, and the runtime image installs only what runs.

No network and no Docker engine: the imports of the sources, the .in files, their locks, the
Makefile and deploy/Dockerfile are read and held against each other. The exact drift check (the
locks compiled again by uv) and pip-audit run in `make deps-check`, part of `make test`; their
verdicts are judged by `deploy/dependency_locks.py`, whose audit judgement is tested here.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from dependency_locks import AuditVerdict, audit_exit_code, judge_audit
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_IN = ROOT / "requirements.in"
RUNTIME_LOCK = ROOT / "requirements.txt"
DEVELOPMENT_IN = ROOT / "requirements-dev.in"
DEVELOPMENT_LOCK = ROOT / "requirements-dev.txt"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
MAKEFILE = ROOT / "Makefile"

# What runs in the image: the services, the shared library and the sandboxes (same image).
RUNTIME_SOURCES = ("services", "shared", "simulators")
# What runs only on a developer's machine or in CI.
DEVELOPMENT_SOURCES = ("tests", "bench", "surge", "chaos", "deploy", "clients")
IGNORED_DIRECTORIES = {".venv", ".git", ".cache", "var", "node_modules"}


def python_files(*top_directories: str) -> list[Path]:
    return [
        path
        for top in top_directories
        for path in (ROOT / top).rglob("*.py")
        if not IGNORED_DIRECTORIES.intersection(path.relative_to(ROOT).parts)
    ]


def repository_module_names() -> set[str]:
    """Every name a module of this repository can be imported by (packages, scripts beside tests)."""
    names: set[str] = set()
    for path in python_files(*RUNTIME_SOURCES, *DEVELOPMENT_SOURCES):
        names.add(path.stem)
        names.update(path.relative_to(ROOT).parts[:-1])
    return names


def imported_top_level_names(paths: list[Path]) -> dict[str, Path]:
    """Each absolute import's top-level name, with one file that imports it."""
    names: dict[str, Path] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names.setdefault(alias.name.partition(".")[0], path)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.setdefault(node.module.partition(".")[0], path)
    return names


def third_party_distributions(paths: list[Path]) -> dict[str, str]:
    """The distributions (canonical names) the files import, each with the import that needs it."""
    local = repository_module_names()
    distributions_by_module = importlib.metadata.packages_distributions()
    needed: dict[str, str] = {}
    for module, path in imported_top_level_names(paths).items():
        if module in sys.stdlib_module_names or module in local:
            continue
        # not installed at all: the module's own name stands for the distribution, and is missing
        for distribution in distributions_by_module.get(module, [module]):
            needed.setdefault(canonicalize_name(distribution), f"{module} ({path.relative_to(ROOT)})")
    return needed


def requirements_of(in_file: Path) -> dict[str, Requirement]:
    """The requirements an .in file names itself (not the files it includes with -r / -c)."""
    requirements: dict[str, Requirement] = {}
    for line in in_file.read_text().splitlines():
        text = line.partition("#")[0].strip()
        if text and not text.startswith("-"):
            requirement = Requirement(text)
            requirements[canonicalize_name(requirement.name)] = requirement
    return requirements


@dataclass
class Pin:
    name: str
    version: str
    hashes: list[str] = field(default_factory=list)
    required_via: list[str] = field(default_factory=list)  # uv's `# via` annotations


def pins_of(lock: Path) -> dict[str, Pin]:
    """A uv lock: `name==version [; marker] \\`, its `--hash=` lines, then its `# via` comments."""
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    for line in lock.read_text().splitlines():
        stripped = line.strip().rstrip("\\").strip()
        if not line.startswith((" ", "#")) and stripped:
            requirement = Requirement(stripped)
            specifiers = list(requirement.specifier)
            assert len(specifiers) == 1, f"{lock.name}: {stripped} is not one exact pin"
            assert specifiers[0].operator == "==", f"{lock.name}: {stripped} is not pinned with =="
            current = Pin(canonicalize_name(requirement.name), specifiers[0].version)
            pins[current.name] = current
        elif current is not None and stripped.startswith("--hash="):
            current.hashes.append(stripped.removeprefix("--hash="))
        elif current is not None and stripped.startswith("#"):
            via = stripped.lstrip("#").strip().removeprefix("via").strip()
            if via:
                current.required_via.append(via)
    return pins


def test_every_package_the_runtime_imports_is_named_in_requirements_in() -> None:
    named = set(requirements_of(RUNTIME_IN))
    imported = third_party_distributions(python_files(*RUNTIME_SOURCES))
    missing = {name: where for name, where in imported.items() if name not in named}
    assert not missing, f"imported at run time but not in requirements.in: {missing}"


def test_every_package_tests_and_tools_import_is_named_in_a_requirements_file() -> None:
    named = set(requirements_of(RUNTIME_IN)) | set(requirements_of(DEVELOPMENT_IN))
    imported = third_party_distributions(python_files(*DEVELOPMENT_SOURCES))
    missing = {name: where for name, where in imported.items() if name not in named}
    assert not missing, f"imported by tests or tools but in neither requirements file: {missing}"


def test_development_tools_stay_out_of_requirements_in() -> None:
    tools = {"pytest", "pytest-asyncio", "hypothesis", "schemathesis", "ruff", "mypy", "py-spy", "uv", "pip-audit"}
    assert tools.isdisjoint(requirements_of(RUNTIME_IN)), "a development tool in the runtime requirements"
    assert tools <= set(requirements_of(DEVELOPMENT_IN))


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEVELOPMENT_LOCK], ids=lambda path: path.name)
def test_each_lock_pins_every_package_with_its_hashes(lock: Path) -> None:
    pins = pins_of(lock)
    assert pins
    unhashed = [pin.name for pin in pins.values() if not pin.hashes]
    assert not unhashed, f"{lock.name}: no --hash for {unhashed}"
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", digest) for pin in pins.values() for digest in pin.hashes)


@pytest.mark.parametrize(
    ("in_file", "lock"), [(RUNTIME_IN, RUNTIME_LOCK), (DEVELOPMENT_IN, DEVELOPMENT_LOCK)], ids=lambda path: path.name
)
def test_each_lock_pins_exactly_what_its_in_file_names(in_file: Path, lock: Path) -> None:
    """The offline part of the drift check (`make deps-check` compiles the locks again)."""
    requirements = requirements_of(in_file)
    pins = pins_of(lock)
    unpinned = [name for name in requirements if name not in pins]
    assert not unpinned, f"{in_file.name} names {unpinned}, {lock.name} does not pin them: run make lock"
    outside = {
        name: str(requirement.specifier)
        for name, requirement in requirements.items()
        if not requirement.specifier.contains(pins[name].version, prereleases=True)
    }
    assert not outside, f"{lock.name} pins versions {in_file.name} excludes: {outside}; run make lock"
    directly_required = {name for name, pin in pins.items() if f"-r {in_file.name}" in pin.required_via}
    assert directly_required == set(requirements), f"{lock.name} was compiled from another {in_file.name}"


def test_the_development_lock_pins_every_runtime_package_as_the_runtime_lock_does() -> None:
    runtime = pins_of(RUNTIME_LOCK)
    development = pins_of(DEVELOPMENT_LOCK)
    different = {
        name: (pin.version, development[name].version if name in development else None)
        for name, pin in runtime.items()
        if name not in development or (development[name].version, development[name].hashes) != (pin.version, pin.hashes)
    }
    assert not different, f"runtime packages the development lock pins otherwise: {different}"


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_runtime_image_installs_the_runtime_lock_with_hashes_and_nothing_else() -> None:
    instructions = dockerfile_instructions()
    pip_installs = [line for line in instructions if line.startswith("RUN") and "pip install" in line]
    assert any(re.search(r"--require-hashes\b.*-r requirements\.txt\b", line) for line in pip_installs), pip_installs
    for line in pip_installs:
        words = line.split()
        requirement_files = [words[index + 1] for index, word in enumerate(words) if word in ("-r", "--requirement")]
        assert requirement_files in ([], ["requirements.txt"]), f"the image installs another file: {line}"
        if not requirement_files:
            # our own packages only, each editable, their dependencies all in the lock
            assert "--no-deps" in words, line
            installed = [word for word in words[words.index("install") + 1 :] if not word.startswith("-")]
            assert all(words[words.index(package) - 1] == "-e" for package in installed), line
    copied = " ".join(line for line in instructions if line.startswith(("COPY", "ADD")))
    assert "requirements.txt" in copied
    assert "requirements-dev" not in copied
    assert re.search(r"^requirements-dev\.\*$", DOCKERIGNORE.read_text(), re.MULTILINE), (
        ".dockerignore keeps the development lock out of the build context"
    )


def test_make_install_installs_the_development_lock_with_hashes_and_make_test_checks_the_locks() -> None:
    makefile = MAKEFILE.read_text()
    assert re.search(r"pip install -q --require-hashes -r requirements-dev\.txt$", makefile, re.MULTILINE)
    test_prerequisites = re.search(r"^test:(.*)$", makefile, re.MULTILINE)
    assert test_prerequisites is not None
    assert "deps-check" in test_prerequisites.group(1).split()


VULNERABLE_REPORT = {
    "dependencies": [
        {"name": "fastapi", "version": "0.165.0", "vulns": []},
        {
            "name": "h11",
            "version": "0.14.0",
            "vulns": [{"id": "GHSA-vqfr-h8mv-ghfj", "fix_versions": ["0.16.0"], "aliases": ["CVE-2025-43859"]}],
        },
    ],
    "fixes": [],
}
UNANSWERED_REPORT = {
    "dependencies": [
        {"name": "fastapi", "version": "0.165.0", "vulns": []},
        {"name": "h11", "skip_reason": "Dependency not found on PyPI and could not be audited: h11 (0.16.0)"},
    ],
    "fixes": [],
}


def test_a_known_vulnerability_in_the_runtime_lock_fails_the_audit() -> None:
    verdict = judge_audit(VULNERABLE_REPORT)
    assert verdict == AuditVerdict(
        vulnerable=["h11 0.14.0: GHSA-vqfr-h8mv-ghfj (fixed in 0.16.0)"], not_audited=[], audited_count=2
    )
    assert audit_exit_code(verdict, audit_required=False) == 1


def test_a_package_the_feed_cannot_answer_for_is_not_audited_and_fails_only_when_the_audit_is_required() -> None:
    verdict = judge_audit(UNANSWERED_REPORT)
    assert verdict.not_audited == ["h11: Dependency not found on PyPI and could not be audited: h11 (0.16.0)"]
    assert verdict.audited_count == 1
    assert audit_exit_code(verdict, audit_required=False) == 0
    assert audit_exit_code(verdict, audit_required=True) == 1
