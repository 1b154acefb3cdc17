"""Where growthmap keeps its files by default (XDG on Linux, the platform's dirs elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "growthmap"


def user_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP))


def user_state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP))


def default_ledger_path() -> Path:
    return user_data_dir() / "ledger.db"


def default_ledger_url() -> str:
    return f"sqlite:///{default_ledger_path()}"


def ensure_private_dir(path: Path) -> None:
    """Create a folder readable by its owner only (evidence is personal)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 if it does not exist yet."""
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
