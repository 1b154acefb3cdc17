"""Fixtures for the review tests (helpers live in support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review.support import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """SQLite: for CLI behaviour that does not depend on the backend."""
    yield from make_world(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)


@pytest.fixture
def any_world(ledger_url: str, tmp_path: Path) -> Iterator[World]:
    """SQLite and PostgreSQL: for what the ledger must keep."""
    yield from make_world(ledger_url, tmp_path)
