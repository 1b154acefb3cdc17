from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The brief is drafted over the progress tests' fixed ledger (and its pairing helpers).
HERE = Path(__file__).parent
for folder in (HERE, HERE.parent / "progress"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))

from brief_data import populate_brief, settings  # noqa: E402
from progress_data import OWNER  # noqa: E402

from collector.config import Settings  # noqa: E402
from collector.ledger import Ledger, open_ledger  # noqa: E402


@pytest.fixture
def brief_settings(tmp_path: Path, ledger_url: str) -> Settings:
    return settings(tmp_path, ledger_url)


@pytest.fixture
def brief_ledger(ledger_url: str) -> Iterator[Ledger]:
    opened = open_ledger(ledger_url, OWNER)
    populate_brief(opened)
    yield opened
    opened.close()
