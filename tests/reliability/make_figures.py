"""Run the reliability suite and write its figures to docs/reliability.md.

    python tests/reliability/make_figures.py            # CI size, about two minutes
    GROWTHMAP_RELIABILITY_SCALE=5 python tests/reliability/make_figures.py   # nightly size

The table is written by the suite's own session hook (tests/reliability/conftest.py)
from what the scenarios measured; this script only points it at the file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    target = ROOT / "docs" / "reliability.md"
    target.parent.mkdir(exist_ok=True)
    os.environ["GROWTHMAP_RELIABILITY_FIGURES"] = str(target)
    code = pytest.main([str(ROOT / "tests" / "reliability"), "-q", *sys.argv[1:]])
    print(f"figures written to {target}" if target.exists() else "no figures written")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
