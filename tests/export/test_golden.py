"""Every export format of the fixed ledger, byte for byte, on every backend. Regenerate on
purpose only (GROWTHMAP_REGEN_GOLDEN=1) and read the new files as their reader would."""

from __future__ import annotations

from export_support import check_golden, model

from collector.config import Settings
from collector.export import ExportOptions, render_csv, render_html, render_json, render_markdown
from collector.ledger import Ledger


def test_markdown_golden(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    text = render_markdown(model(fixed_ledger, ex_settings))
    check_golden("export.md", text.encode("utf-8"))


def test_markdown_golden_with_suggestions_redacted(
    fixed_ledger: Ledger, ex_settings: Settings
) -> None:
    options = ExportOptions(include_suggested=True, redact_private=True)
    text = render_markdown(model(fixed_ledger, ex_settings, options, cycle=1))
    check_golden("export-cycle1-suggested-redacted.md", text.encode("utf-8"))


def test_csv_golden(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    check_golden("export.csv", render_csv(model(fixed_ledger, ex_settings)).encode("utf-8"))


def test_html_golden(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    check_golden("export.html", render_html(model(fixed_ledger, ex_settings)).encode("utf-8"))


def test_json_golden(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    check_golden("export.json", render_json(model(fixed_ledger, ex_settings)).encode("utf-8"))


def test_markdown_sections_a_reader_needs(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    text = render_markdown(model(fixed_ledger, ex_settings))
    for heading in (
        "## Growth map",
        "## Portfolio of impact",
        "## Progress log",
        "## Evidence by destination and skill",
        "## Endorsements",
        "## Level history",
    ):
        assert f"\n{heading}\n" in text
    # The portfolio shows the note that ties the strongest artifact to an outcome.
    portfolio = text.split("## Portfolio of impact", 1)[1].split("## Progress log", 1)[0]
    assert "**Outcome:** Cut triage from hours to minutes" in portfolio.split("\n1. ", 1)[1]
    assert "⚠ changed upstream after it was accepted" in text
    assert "Grace Hopper" in text.split("## Endorsements", 1)[1]
    assert "N (start) → P (20 Nov 2026, after the tracing rollout)" in text
    # Suggested evidence is left out unless asked for.
    assert "Export OTel metrics" not in text.split("## Evidence by destination", 1)[1]
