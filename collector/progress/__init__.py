"""The weekly progress log, the one-page growth map, mastery suggestions and cycle reviews.

Everything here reads only the ledger and the config, and is deterministic: time comes in
as `now` / `today`. What the export reuses:

- `gather_evidence` (period -> EvidenceSet of Artifact / Evidence values),
- `build_growth_map` (-> GrowthMapView) with `render_map_markdown` / `render_map_text`,
- `strongest_artifacts` (the portfolio of impact, per destination),
- `list_entries` + `show_week` / `shown_entry` (the log entries as the engineer sees them),
- `level_history` (the level timeline), `build_cycle_review` + `render_cycle_review`.
"""

from collector.progress.cycle_review import CycleReview, build_cycle_review, render_cycle_review
from collector.progress.drafting import (
    EntrySummary,
    ShownEntry,
    build_week_entry,
    draft_week,
    draft_weeks,
    drafted_summary,
    list_entries,
    save_edit,
    show_week,
    shown_entry,
)
from collector.progress.evidence import Artifact, Evidence
from collector.progress.gather import EvidenceSet, gather_evidence
from collector.progress.growth import GrowthMapView, build_growth_map, strongest_artifacts
from collector.progress.levels import LevelChange, level_history, record_level
from collector.progress.render_map import render_map_markdown, render_map_text
from collector.progress.weeks import Week

__all__ = [
    "Artifact",
    "CycleReview",
    "EntrySummary",
    "Evidence",
    "EvidenceSet",
    "GrowthMapView",
    "LevelChange",
    "ShownEntry",
    "Week",
    "build_cycle_review",
    "build_growth_map",
    "build_week_entry",
    "draft_week",
    "draft_weeks",
    "drafted_summary",
    "gather_evidence",
    "level_history",
    "list_entries",
    "record_level",
    "render_cycle_review",
    "render_map_markdown",
    "render_map_text",
    "save_edit",
    "show_week",
    "shown_entry",
    "strongest_artifacts",
]
