"""Golden files: a week entry, the growth map and a cycle review over a fixed ledger.
Regenerate on purpose only: GROWTHMAP_REGEN_GOLDEN=1 pytest tests/progress."""

from __future__ import annotations

from conftest import check_golden
from progress_data import NOW

from collector.config import Settings
from collector.ledger import Ledger
from collector.progress import (
    Week,
    build_cycle_review,
    build_growth_map,
    draft_week,
    render_cycle_review,
    render_map_markdown,
    render_map_text,
)

TODAY = NOW.date()


def test_week_entry(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    row = draft_week(fixed_ledger, gm_settings, Week(2026, 47), NOW)
    check_golden("week-2026-W47.md", row.draft)


def test_growth_map(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    draft_week(fixed_ledger, gm_settings, Week(2026, 47), NOW)
    draft_week(fixed_ledger, gm_settings, Week(2026, 46), NOW)
    with fixed_ledger.read() as session:
        view = build_growth_map(session, gm_settings, TODAY)
    check_golden("map.txt", render_map_text(view))
    check_golden("map.md", render_map_markdown(view))


def test_cycle_review(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    with fixed_ledger.read() as session:
        review = build_cycle_review(session, gm_settings, 1, TODAY)
    check_golden("cycle-1-review.md", render_cycle_review(review))
