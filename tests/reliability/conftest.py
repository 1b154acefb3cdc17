"""Collect the reliability figures while the suite runs; write them when asked to."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pytest

from reliability.figures import FIGURES_ENV, RECORDER, render
from reliability.worlds import scale

_STARTED = time.monotonic()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        name = Path(report.nodeid.split("::")[0]).name
        RECORDER.tests.setdefault(name, Counter())[report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get(FIGURES_ENV)
    if target:
        text = render(RECORDER, scale=scale(), seconds=time.monotonic() - _STARTED)
        Path(target).write_text(text, encoding="utf-8")
