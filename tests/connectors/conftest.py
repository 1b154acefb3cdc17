"""Fixtures for connector tests. The fakes live in tests/fakes/ (no packages under tests/,
pytest runs with --import-mode=importlib), so that directory goes on sys.path once."""

from __future__ import annotations

import sys
from pathlib import Path

_FAKES = str(Path(__file__).resolve().parent.parent / "fakes")
if _FAKES not in sys.path:
    sys.path.insert(0, _FAKES)
