"""The Python client platform backends use, generated from the five services' OpenAPI documents.

    python deploy/openapi_client.py generate   # writes clients/openapi/*.json and the client
    python deploy/openapi_client.py check      # fails when the committed ones are not what the
                                               # services' code generates now (`make test`)

Each service's document is taken from its app built in-process (no database, no broker: the
document depends on the code alone), written sorted so that a change of route shows as a diff,
and turned into one subpackage of ``shipsettle_client`` (``shipsettle_client.orders``,
``.logistics``, ``.settlement``, ``.refunds``, ``.recon``) by openapi-python-client, pinned in the
development lock. The generated code is committed: a backend installs ``clients/python`` (its
pyproject names what the client needs at run time) and never runs the generator.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "clients"
DOCUMENTS = CLIENTS / "openapi"
PACKAGE = CLIENTS / "python" / "shipsettle_client"
GENERATOR_CONFIG = CLIENTS / "openapi-python-client.yaml"
# service name → the client's subpackage
SUBPACKAGES = {
    "order-svc": "orders",
    "logistics-svc": "logistics",
    "settlement-svc": "settlement",
    "refund-svc": "refunds",
    "recon-svc": "recon",
}


def documents() -> dict[str, dict[str, Any]]:
    """Every service's OpenAPI document, by subpackage name, as its code declares it."""
    for service_dir in (ROOT / "shared", *(ROOT / "services" / name for name in SUBPACKAGES)):
        sys.path.insert(0, str(service_dir))
    from logistics_svc.bootstrap import DEFINITION as LOGISTICS
    from order_svc.bootstrap import DEFINITION as ORDERS
    from recon_svc.bootstrap import DEFINITION as RECON
    from refund_svc.bootstrap import DEFINITION as REFUNDS
    from settlement_svc.bootstrap import DEFINITION as SETTLEMENT
    from shipsettle_shared.service import create_app
    from shipsettle_shared.settings import Environment, ServiceSettings

    found: dict[str, dict[str, Any]] = {}
    for definition in (ORDERS, LOGISTICS, SETTLEMENT, REFUNDS, RECON):
        settings = ServiceSettings(
            service_name=definition.name,
            environment=Environment.DEVELOPMENT,  # test-only routes are never in the documents
            database_url="postgresql+asyncpg://document@127.0.0.1/document",
        )
        found[SUBPACKAGES[definition.name]] = create_app(definition, settings).openapi()
    return found


def _write_documents(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, document in documents().items():
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (target / f"{name}.json").write_text(text, encoding="utf-8")


def _generate_package(documents_dir: Path, package: Path) -> None:
    """One subpackage per document, formatted with the project's ruff (the generator's own hook)."""
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        '"""ShipSettle\'s HTTP client, generated from the services\' OpenAPI documents by\n'
        'deploy/openapi_client.py (`make client`): do not edit. One subpackage per service."""\n',
        encoding="utf-8",
    )
    generator = Path(sys.executable).parent / "openapi-python-client"
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name in SUBPACKAGES.values():
        subprocess.run(
            [
                str(generator),
                "generate",
                "--path",
                str(documents_dir / f"{name}.json"),
                "--output-path",
                str(package / name),
                "--meta",
                "none",
                "--config",
                str(GENERATOR_CONFIG),
                "--overwrite",
            ],
            check=True,
            env=environment,
            stdout=subprocess.DEVNULL,
        )


def generate() -> None:
    _write_documents(DOCUMENTS)
    _generate_package(DOCUMENTS, PACKAGE)
    print(f"client generated: {PACKAGE.relative_to(ROOT)} from {DOCUMENTS.relative_to(ROOT)}/*.json")


def _differences(expected: Path, actual: Path) -> list[str]:
    """Files that differ, are missing or are extra under ``actual`` compared with ``expected``."""
    found: list[str] = []
    comparison = filecmp.dircmp(expected, actual, ignore=["__pycache__"])

    def walk(node: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"missing: {prefix}{name}" for name in node.left_only)
        found.extend(f"not generated: {prefix}{name}" for name in node.right_only)
        for name in node.diff_files:
            left = (Path(node.left) / name).read_text(encoding="utf-8").splitlines()
            right = (Path(node.right) / name).read_text(encoding="utf-8").splitlines()
            diff = list(
                difflib.unified_diff(right, left, f"committed/{prefix}{name}", f"generated/{prefix}{name}", n=1)
            )
            found.append(f"differs: {prefix}{name}\n" + "\n".join(diff[:40]))
        for name, child in node.subdirs.items():
            walk(child, f"{prefix}{name}/")

    walk(comparison, "")
    return found


def check() -> int:
    if not DOCUMENTS.is_dir() or not PACKAGE.is_dir():
        print("no client committed yet; run `make client`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        scratch_documents = Path(scratch) / "openapi"
        scratch_package = Path(scratch) / "shipsettle_client"
        _write_documents(scratch_documents)
        _generate_package(scratch_documents, scratch_package)
        drift = _differences(scratch_documents, DOCUMENTS) + _differences(scratch_package, PACKAGE)
    if drift:
        print("the client is not what the services' OpenAPI generates now; run `make client`:", file=sys.stderr)
        for line in drift[:20]:
            print(line, file=sys.stderr)
        return 1
    print("client matches the services' OpenAPI documents")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["generate", "check"])
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate()
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
