from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from export_data import OWNER, populate, settings

from collector.config import Settings
from collector.ledger import Ledger, open_ledger

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def ex_settings(tmp_path: Path, ledger_url: str) -> Settings:
    return settings(tmp_path, ledger_url)


@pytest.fixture
def fixed_ledger(ledger_url: str) -> Iterator[Ledger]:
    opened = open_ledger(ledger_url, OWNER)
    populate(opened)
    yield opened
    opened.close()


def check_golden(name: str, data: bytes) -> None:
    """Compare with tests/export/golden/NAME; GROWTHMAP_REGEN_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("GROWTHMAP_REGEN_GOLDEN") == "1":
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}: run with GROWTHMAP_REGEN_GOLDEN=1"
    assert data == path.read_bytes()
