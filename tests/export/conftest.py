from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Appended, not inserted first: other test folders import their own `conftest` by name.
if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))

from export_data import OWNER, populate, settings

from collector.config import Settings
from collector.ledger import Ledger, open_ledger


@pytest.fixture
def ex_settings(tmp_path: Path, ledger_url: str) -> Settings:
    return settings(tmp_path, ledger_url)


@pytest.fixture
def fixed_ledger(ledger_url: str) -> Iterator[Ledger]:
    opened = open_ledger(ledger_url, OWNER)
    populate(opened)
    yield opened
    opened.close()
