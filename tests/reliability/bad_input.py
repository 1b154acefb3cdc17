"""What the bad-input tests share: the in-memory source, a config around it, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import memory
from typer.testing import CliRunner, Result

from collector.cli import app
from connectors import registry

TOKEN = "memory-token-abcdef"
CONFIG = """
[owner]
timezone = "{timezone}"

[ledger]
url = "sqlite:///ledger.db"

[rules]
paths = []

[[sources]]
name = "mem"
type = "memory"
token_env = "MEMORY_TOKEN"
"""


def memory_source(monkeypatch: pytest.MonkeyPatch) -> memory.World:
    """The `memory` source type registered, its world empty, its token set."""
    registry.register(memory.TYPE, memory.TARGET)
    memory.WORLD.__init__()  # type: ignore[misc]
    monkeypatch.setenv("MEMORY_TOKEN", TOKEN)
    return memory.WORLD


def write_config(folder: Path, *, timezone: str = "Europe/Berlin", extra: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(CONFIG.format(timezone=timezone) + extra, encoding="utf-8")
    return path


def invoke(config: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """growthmap with the global --config (so `args` may end in a `--` argument)."""
    return CliRunner().invoke(app, ["--config", str(config), *args], env=env)
