"""`growthmap init`: a documented config and a starter rule file, never overwriting."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from collector.core.errors import UsageError
from collector.core.paths import ensure_private_dir
from rules import starter_rules_text

CONFIG_NAME = "config.toml"
RULES_DIR = "rules.d"
GITHUB_COM = "https://api.github.com"


@dataclass
class InitResult:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def example_config_text(github_base_url: str = GITHUB_COM) -> str:
    """The documented example config; its GitHub source at `github_base_url`."""
    text = (
        resources.files("collector")
        .joinpath("templates/config.example.toml")
        .read_text(encoding="utf-8")
    )
    if github_base_url == GITHUB_COM:
        return text
    # The first such line is the GitHub source's; a JSON string is a valid TOML string.
    line = f'base_url = "{GITHUB_COM}"\n'
    return text.replace(line, f"base_url = {json.dumps(github_base_url)}\n", 1)


def starter_files(config: Path, github_base_url: str = GITHUB_COM) -> dict[Path, str]:
    """What `init` writes for the config file `config`: it, and rules.d/ beside it."""
    return {
        config: example_config_text(github_base_url),
        config.parent / RULES_DIR / "starter.toml": starter_rules_text(),
    }


def write_starter_files(config: Path, github_base_url: str = GITHUB_COM) -> InitResult:
    """Write the config file `config` and the starter rules beside it; an existing file
    is kept. Refuses (UsageError, nothing written) when a target cannot be a new file.

    The config collects what a run without one does (the same owner key, the token's own
    user, GitHub at `github_base_url`), so evidence collected before stays in view."""
    files = starter_files(config, github_base_url)
    for target in files:
        _refuse_blocked(target)
    result = InitResult()
    for target, content in files.items():
        if target.exists():
            result.kept.append(target)
            continue
        try:
            ensure_private_dir(target.parent)
            _write_new_private(target, content)
        except OSError as exc:
            done = f" (already written: {', '.join(map(str, result.written))})"
            raise UsageError(
                f"cannot write {target}: {exc.strerror}{done if result.written else ''}"
            ) from None
        result.written.append(target)
    return result


def _refuse_blocked(target: Path) -> None:
    """A folder where the file belongs, or a file where a folder belongs, is an error."""
    if target.exists() and not target.is_file():
        raise UsageError(
            f"{target} exists and is not a file: move it away or choose another config "
            "file with --config FILE; nothing was written"
        )
    existing = next((p for p in target.parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise UsageError(
            f"{existing} is a file, so {target} cannot be written below it: choose a folder "
            "(--path DIR) or a config file (--config FILE) elsewhere; nothing was written"
        )


def _write_new_private(path: Path, content: str) -> None:
    """Create `path` (mode 0600) only if it does not exist (O_EXCL refuses otherwise)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
