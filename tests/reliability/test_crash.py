"""Crash safety: `growthmap collect` killed with SIGKILL at random moments loses nothing,
doubles nothing, leaves no cursor ahead of its data and no corrupt ledger."""

from __future__ import annotations

import pytest

from reliability.crash import crash_trials, shared_ledger_trials
from reliability.worlds import scale

# Seconds, not milliseconds: `pytest -m "not slow"` leaves them out of a quick loop;
# CI runs them.
pytestmark = pytest.mark.slow


def test_sigkill_at_random_moments_then_rerun_keeps_every_item_exactly_once() -> None:
    figures = crash_trials(20 * scale())

    assert figures.trials == 20 * scale()
    assert figures.killed_mid_run >= figures.trials // 4, figures  # the kills hit real work
    assert figures.corrupt == 0, figures
    assert figures.cursor_ahead == 0, figures
    assert (figures.lost, figures.duplicates, figures.rerun_failed) == (0, 0, 0), figures
    # some kills left partial work behind, which the rerun completed
    partial = [n for n in figures.stored_before_rerun if 0 < n < max(figures.stored_before_rerun)]
    assert partial, figures


@pytest.mark.postgres
def test_two_collectors_on_one_postgresql_ledger_survive_kills(pg_url: str) -> None:
    figures = shared_ledger_trials(pg_url, 4 * scale())

    assert figures.killed_mid_run >= 1, figures
    assert (figures.lost, figures.duplicates, figures.cursor_ahead) == (0, 0, 0), figures
    assert figures.rerun_failed == 0, figures
