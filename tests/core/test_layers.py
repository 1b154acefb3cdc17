"""The layers declared in pyproject.toml (import-linter contracts, docs/architecture.md)
hold: every import points down, and an import that runs back up fails here."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import connectors

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("collector", "connectors", "rules", "pathglob")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the packages under `tree`, with the project's contracts."""
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def contract_names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_every_import_points_down() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_http_contract_names_every_other_module_of_connectors() -> None:
    """A module added to `connectors` must be forbidden to the HTTP layer too."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    http = next(c for c in contracts if c["id"] == "http-at-the-bottom")
    modules = {f"connectors.{m.name}" for m in pkgutil.iter_modules(connectors.__path__)}
    assert set(http["forbidden_modules"]) == modules - {"connectors.http", "connectors.errors"}


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("collector/core/errors.py", "import collector.cli", "collector-layers"),
        ("collector/schedule/spec.py", "import collector.daemon.loop", "collector-layers"),
        ("collector/collect/__init__.py", "import collector.daemon", "collector-layers"),
        ("collector/config/__init__.py", "import collector.pipeline", "collector-layers"),
        ("collector/cli/rules.py", "from sqlalchemy import select", "cli-no-orm"),
        ("collector/cli/inspect.py", "import collector.ledger.models", "cli-no-orm"),
        ("connectors/item.py", "import collector.core.errors", "connectors-alone"),
        ("rules/model.py", "import connectors.item", "rules-alone"),
        ("connectors/http/stats.py", "import connectors.item", "http-at-the-bottom"),
        ("collector/pipeline/__init__.py", "import github", "sdks-in-connectors"),
    ],
)
def test_an_import_that_runs_back_up_is_refused(
    tmp_path: Path, module: str, bad_import: str, contract: str
) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    said = " ".join(result.stdout.split())  # long contract names wrap
    assert f"{contract_names()[contract]} BROKEN" in said, result.stdout
    kept = len(contract_names()) - 1
    assert f"Contracts: {kept} kept, 1 broken." in said, result.stdout
