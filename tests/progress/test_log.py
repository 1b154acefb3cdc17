"""Edits are kept; later evidence shows apart; upstream text never breaks the Markdown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes import memory
from progress_data import CONFIG, NOW, OWNER, item, pr, settings
from rich.console import Console
from rich.markdown import Markdown

from collector.collect import run_collect
from collector.config import Settings
from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow, LogEntryRow, SuggestionRow
from collector.pipeline import CollectOptions, SilentProgress
from collector.progress import (
    Week,
    build_week_entry,
    draft_week,
    draft_weeks,
    list_entries,
    save_edit,
    show_week,
)
from collector.progress.evidence import StoredItem
from collector.progress.gather import pr_ticket_refs
from collector.progress.lines import artifact_line
from connectors import registry

W47 = Week(2026, 47)
MY_TEXT = "## Week 2026-W47\n\nShipped tracing to checkout; the talk went well.\n"


@pytest.fixture
def memory_source() -> Iterator[None]:
    registry.register(memory.TYPE, memory.TARGET)
    memory.WORLD.__init__()  # type: ignore[misc]
    yield


def with_memory_source(tmp_path: Path, ledger_url: str) -> Settings:
    source = '\n[[sources]]\nname = "mem"\ntype = "memory"\ntoken_env = "MEMORY_TOKEN"\n'
    return settings(tmp_path, CONFIG + source, ledger_url)


def test_edit_survives_a_collect_and_new_evidence_is_shown_apart(
    fixed_ledger: Ledger, tmp_path: Path, ledger_url: str, memory_source: None
) -> None:
    conf = with_memory_source(tmp_path, ledger_url)
    draft_week(fixed_ledger, conf, W47, NOW)
    assert save_edit(fixed_ledger, conf, W47, MY_TEXT, NOW) == "saved"
    assert show_week(fixed_ledger, conf, W47).text == MY_TEXT

    later = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    memory.WORLD.items["things"] = [memory.make_item(7, updated=later, title="Late tracing fix")]
    report = run_collect(
        conf,
        fixed_ledger,
        CollectOptions(since=later - timedelta(days=1)),
        env={"MEMORY_TOKEN": "memory-token"},
        progress=SilentProgress(),
        clock=lambda: NOW + timedelta(hours=1),
    )
    assert report.ok
    assert draft_weeks(fixed_ledger, conf, report.changed_moments, NOW) == ["2026-W47"]

    shown = show_week(fixed_ledger, conf, W47)
    edit, _, block = shown.text.partition("---\n")
    assert edit == MY_TEXT + "\n"
    assert "### New since your edit (1 item)" in block
    assert "not yet mapped: Merged [acme/app#7]" in block and "Late tracing fix" in block
    assert "acme/checkout#412" not in block  # known at edit time
    with fixed_ledger.read() as session:
        row = session.get(LogEntryRow, (OWNER, W47.id))
        assert row is not None and row.text == MY_TEXT
        # the draft follows the ledger
        unmapped = row.draft.split("### Not yet mapped\n", 1)[1].split("\n\n", 1)[0]
        assert "Late tracing fix" in unmapped and "[acme/platform#91]" in unmapped

    # Closing the editor without a change acknowledges nothing; folding the block in does.
    assert save_edit(fixed_ledger, conf, W47, shown.text, NOW) == "unchanged"
    folded = MY_TEXT + "Also a late tracing fix (acme/app#7).\n"
    assert save_edit(fixed_ledger, conf, W47, folded, NOW) == "saved"
    again = show_week(fixed_ledger, conf, W47)
    assert again.text == folded and again.new_since_edit == ()


def test_saving_unchanged_or_empty_text(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    shown = show_week(fixed_ledger, gm_settings, W47)
    assert save_edit(fixed_ledger, gm_settings, W47, shown.text, NOW) == "unchanged"
    assert save_edit(fixed_ledger, gm_settings, W47, MY_TEXT, NOW) == "saved"
    assert save_edit(fixed_ledger, gm_settings, W47, "  \n", NOW) == "reverted"
    assert show_week(fixed_ledger, gm_settings, W47).text == shown.text


def test_an_unedited_entry_follows_decisions(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    before = show_week(fixed_ledger, gm_settings, W47).text
    assert "*suggested* Merged [acme/platform#88]" in before
    with fixed_ledger.write() as session:
        row = session.query(ItemRow).filter_by(external_id="acme/platform#88").one()
        suggestion = session.query(SuggestionRow).filter_by(item_id=row.id).one()
        suggestion.status = "accepted"
    after = show_week(fixed_ledger, gm_settings, W47).text
    assert "*suggested* Merged [acme/platform#88]" not in after
    assert "- Merged [acme/platform#88]" in after


def test_same_ledger_same_text(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    first = draft_week(fixed_ledger, gm_settings, W47, NOW).draft
    again = draft_week(fixed_ledger, gm_settings, W47, NOW + timedelta(days=3))
    assert again.draft == first and again.drafted_at == NOW  # nothing changed, nothing stored


def test_hostile_titles_show_as_text_on_a_terminal(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    text = draft_week(fixed_ledger, gm_settings, W47, NOW).draft
    console = Console(record=True, width=300, color_system=None)
    console.print(Markdown(text))
    screen = console.export_text()
    assert (
        "Fix *all* the [things](javascript:alert(1)) <script>x</script> `rm -rf` second line"
        in (screen)
    )
    assert "javascript:" not in text.replace("\\[things\\](javascript:", "")


def test_empty_week_says_so(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    text = draft_week(fixed_ledger, gm_settings, Week(2026, 49), NOW).draft
    assert text.startswith("## Week 2026-W49 · 30 Nov – 6 Dec 2026 · cycle 1, week 5 of 6\n")
    assert "_No evidence collected this week._" in text and "### Reflection" in text


def test_ticket_keys_in_title_branch_or_body() -> None:
    def refs(
        title: str = "Change", body: str = "", extra: dict[str, str] | None = None
    ) -> list[str]:
        row = StoredItem(
            5, "github", "pull_request", "acme/app#5", "", title, body, "acme/app", None,
            "merged", NOW, NOW, None, None, extra or {},
        )  # fmt: skip
        return pr_ticket_refs(row)

    assert refs(title="CORE-118: add spans") == ["CORE-118"]
    assert refs(extra={"head_ref": "feature/core-118-spans"}) == ["CORE-118"]
    assert refs(extra={"source_branch": "plat-41-fix"}) == ["PLAT-41"]
    assert refs(body="Fixes #12 and acme/other#3, see also #5") == ["acme/other#3", "acme/app#12"]
    # a look-alike only links when such a ticket is in the ledger (see the golden entry)
    assert refs(title="Support UTF-8 names") == ["UTF-8"]


def test_linked_ticket_is_found_across_weeks(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    late = pr(600, "acme/checkout", "2026-11-24T10:00:00", "Follow-up, see UTF-8")
    # the branch only in the raw payload, as GitHub's GraphQL and GitLab deliver it
    late = replace(late, raw={"headRefName": "feature/core-118-follow-up"})
    gitlab = pr(601, "acme/checkout", "2026-11-24T11:00:00", "Fix retries")
    gitlab = replace(gitlab, raw={"merge_request": {"source_branch": "plat-41-retries"}})
    stray = item("ticket", "OPS-9", NOW, "unrelated", source="jira", state="done")
    with fixed_ledger.write() as session:
        record_items(session, OWNER, [late, gitlab, stray], NOW)
    with fixed_ledger.read() as session:
        entry = build_week_entry(session, gm_settings, Week(2026, 48))
    follow_up = next(a for a in entry.evidence.artifacts if a.ref == "acme/checkout#600")
    assert [t.ref for t in follow_up.linked] == ["CORE-118"]  # UTF-8 is no ticket of ours
    retries = next(a for a in entry.evidence.artifacts if a.ref == "acme/checkout#601")
    assert [t.ref for t in retries.linked] == ["PLAT-41"]
    assert artifact_line(follow_up).endswith(
        "— linked [CORE-118](https://acme.atlassian.example/browse/CORE-118)"
    )


def _stored_weeks(ledger: Ledger) -> list[str]:
    with ledger.read() as session:
        return sorted(r.week for r in session.query(LogEntryRow).filter_by(owner=OWNER))


def test_showing_or_closing_the_editor_on_an_empty_week_stores_nothing(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    before = _stored_weeks(fixed_ledger)
    empty = Week(2020, 10)
    shown = show_week(fixed_ledger, gm_settings, empty)
    assert shown.text.startswith("## Week 2020-W10") and not shown.edited
    assert "_No evidence collected this week._" in shown.text
    assert save_edit(fixed_ledger, gm_settings, empty, shown.text, NOW) == "unchanged"
    assert save_edit(fixed_ledger, gm_settings, empty, "", NOW) == "unchanged"
    assert _stored_weeks(fixed_ledger) == before
    # Showing a week with evidence computes its draft without storing it either.
    assert "Merged [acme/checkout#412]" in show_week(fixed_ledger, gm_settings, W47).text
    assert _stored_weeks(fixed_ledger) == before


def test_a_stored_empty_week_is_not_listed(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    draft_week(fixed_ledger, gm_settings, W47, NOW)
    draft_week(fixed_ledger, gm_settings, Week(2020, 10), NOW)  # as earlier versions did
    draft_week(fixed_ledger, gm_settings, Week(2027, 10), NOW)
    with fixed_ledger.read() as session:
        weeks = [e.week.id for e in list_entries(session, gm_settings)]
        latest = [e.week.id for e in list_entries(session, gm_settings, limit=1)]
    assert weeks == ["2026-W47"] and latest == ["2026-W47"]
    assert save_edit(fixed_ledger, gm_settings, Week(2020, 10), "Planned the year.\n", NOW) == (
        "saved"
    )
    with fixed_ledger.read() as session:
        weeks = [e.week.id for e in list_entries(session, gm_settings)]
    assert weeks == ["2026-W47", "2020-W10"]  # an edit is an entry, evidence or not
