"""`growthmap init`: a documented config and a starter rule file, never overwriting."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from collector.paths import ensure_private_dir
from rules import starter_rules_text

CONFIG_NAME = "config.toml"
RULES_DIR = "rules.d"


@dataclass
class InitResult:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def example_config_text() -> str:
    return (
        resources.files("collector")
        .joinpath("templates/config.example.toml")
        .read_text(encoding="utf-8")
    )


def starter_files() -> dict[str, str]:
    """Relative path -> content of what `init` writes."""
    return {CONFIG_NAME: example_config_text(), f"{RULES_DIR}/starter.toml": starter_rules_text()}


def write_starter_files(folder: Path) -> InitResult:
    result = InitResult()
    for relative, content in starter_files().items():
        target = folder / relative
        if target.exists():
            result.kept.append(target)
            continue
        ensure_private_dir(target.parent)
        _write_new_private(target, content)
        result.written.append(target)
    return result


def _write_new_private(path: Path, content: str) -> None:
    """Create `path` (mode 0600) only if it does not exist (O_EXCL refuses otherwise)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
