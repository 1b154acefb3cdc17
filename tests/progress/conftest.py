from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from progress_data import OWNER, populate, settings

from collector.config import Settings
from collector.ledger import Ledger, open_ledger

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def gm_settings(tmp_path: Path, ledger_url: str) -> Settings:
    return settings(tmp_path, ledger_url=ledger_url)


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    opened = open_ledger(ledger_url, OWNER)
    yield opened
    opened.close()


@pytest.fixture
def fixed_ledger(ledger: Ledger) -> Ledger:
    populate(ledger)
    return ledger


def check_golden(name: str, text: str) -> None:
    """Compare with tests/progress/golden/NAME; GROWTHMAP_REGEN_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("GROWTHMAP_REGEN_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with GROWTHMAP_REGEN_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
