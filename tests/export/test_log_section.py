"""The export's Progress log: private work named only as the evidence section names it,
one destination's lines with --destination, and no empty weeks."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from export_data import CONFIG, NOW, OWNER, ticket
from export_support import export, model
from fakes.fixed_ledger import at, write_settings
from sqlalchemy import select

from collector.config import Settings
from collector.export import ExportFormat, ExportOptions, render_export
from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow, LogEntryRow, SuggestionRow
from collector.progress import Week, draft_week, show_week
from connectors.item import Item

W45 = Week(2026, 45)  # 2–8 Nov 2026: the private design docs and ticket
W44 = Week(2026, 44)  # the engineer's own words about them

DOC_REPO, DOC_PATH, DOC_TITLE = "acme/vault-infra", "docs/design/auth-v2.md", "Auth v2 design"
ADR_REPO, ADR_PATH = "corp/billing", "services/billing/adr/0007-ledger-split.md"
ADR_TITLE = "0007-ledger-split.md"  # a doc without a heading is named by its file
JIRA_HOST, TICKET_TITLE = "jira.corp.example", "Rotate on-call secrets"
SECRETS = (
    DOC_REPO,
    "vault-infra",
    DOC_PATH,
    "auth-v2",
    DOC_TITLE,
    ADR_REPO,
    "services/billing",
    "0007-ledger-split",
    JIRA_HOST,
    "OPS-3",
    "OPS-4",
    "OPS-12",
    TICKET_TITLE,
)
CORP_JIRA = f"""
[[sources]]
name = "corpjira"
type = "jira"
base_url = "https://{JIRA_HOST}"
token_env = "JIRA_TOKEN"
deployment = "server"
private = true
"""


def doc(repo: str, path: str, title: str, when: str, **extra: object) -> Item:
    moment = at(when)
    return Item(
        source="github" if repo == DOC_REPO else "gitlab",
        kind="design_doc",
        external_id=f"{repo}:{path}",
        url=f"https://git.example/{repo}/blob/main/{path}",
        title=title,
        created_at=moment - timedelta(days=20),
        updated_at=moment,
        occurred_at=moment,
        state="merged",
        repo=repo,
        path=path,
        extra=dict(extra),
    )


def jira_ticket(key: str, when: str, title: str) -> Item:
    extra: dict[str, object] = {"issue_type": "Task", "story_points": 2}
    return ticket(
        key, when, title, source="corpjira", host=JIRA_HOST, opened_days_before=2, extra=extra
    )


PRIVATE_ITEMS = [
    doc(DOC_REPO, DOC_PATH, DOC_TITLE, "2026-11-04T10:00:00", private=True),
    doc(ADR_REPO, ADR_PATH, ADR_TITLE, "2026-11-04T12:00:00", visibility="internal"),
    jira_ticket("OPS-3", "2026-11-05T10:00:00", TICKET_TITLE),
    jira_ticket("OPS-4", "2026-11-06T10:00:00", "Audit the vault policies"),
]


@pytest.fixture
def private_settings(tmp_path: Path, ledger_url: str) -> Settings:
    return write_settings(tmp_path, CONFIG + CORP_JIRA, ledger_url)


@pytest.fixture
def private_ledger(fixed_ledger: Ledger, private_settings: Settings) -> Ledger:
    """The fixed ledger with private design docs and private-source tickets, accepted as
    evidence, week 45 drafted and week 44 edited by hand about the same work."""
    with fixed_ledger.write() as session:
        record_items(session, OWNER, PRIVATE_ITEMS, NOW)
        accepted = select(SuggestionRow).where(SuggestionRow.status == "accepted")
        template = session.scalars(accepted.limit(1)).one()
        private = {i.external_id for i in PRIVATE_ITEMS}
        for item in session.scalars(select(ItemRow).where(ItemRow.external_id.in_(private))):
            session.add(_accepted(template, item, note=f"Wrote {item.title}"))
    draft = draft_week(fixed_ledger, private_settings, W45, NOW).draft
    assert DOC_PATH in draft and "/browse/OPS-3" in draft  # the draft names them all
    edited = (
        draft.replace("## Week 2026-W45", "## My notes", 1)
        + f"\nFollowed up in {DOC_REPO} · {DOC_PATH} and {ADR_PATH}; see "
        f"https://{JIRA_HOST}/browse/OPS-4 and <https://{JIRA_HOST}/browse/OPS-3>. "
        f"Next: OPS-12 on {JIRA_HOST}. DEVOPS-7 and the OPSEC review are public.\n"
    )
    with fixed_ledger.write() as session:
        session.add(
            LogEntryRow(
                owner=OWNER,
                week=W44.id,
                draft="## Week 2026-W44\n",
                text=edited,
                evidence=[],
                evidence_hash="",
                drafted_at=NOW,
                edited_at=NOW,
            )
        )
    return fixed_ledger


def _accepted(template: SuggestionRow, item: ItemRow, note: str) -> SuggestionRow:
    return SuggestionRow(
        owner=OWNER,
        item_id=item.id,
        destination="A",
        skill="distributed-systems",
        status="accepted",
        origin="rule",
        weight=1.0,
        rules=["rule-a"],
        rule_hash="",
        created_at=template.created_at,
        updated_at=template.updated_at,
        decided_at=template.decided_at,
        decided_item_hash=item.content_hash,
        note=note,
        noted_at=template.decided_at,
    )


def log_section(text: str, fmt: ExportFormat) -> str:
    if fmt is ExportFormat.json:
        return "\n".join(e["text"] for e in json.loads(text)["log_entries"])
    if fmt is ExportFormat.md:
        return text.split("\n## Progress log\n", 1)[1].split("\n## Evidence by", 1)[0]
    return text


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_redacted_log_names_private_work_as_the_evidence_does(
    private_ledger: Ledger, private_settings: Settings, fmt: ExportFormat
) -> None:
    plain = export(private_ledger, private_settings, fmt, ExportOptions())
    if fmt is not ExportFormat.csv:  # the CSV has no log; its rows are checked all the same
        assert DOC_PATH in log_section(plain, fmt) and "OPS-3" in log_section(plain, fmt)

    text = export(private_ledger, private_settings, fmt, ExportOptions(redact_private=True))

    leaks = [s for s in SECRETS if s in text]
    assert leaks == [], fmt
    assert re.search(r"\bOPS\b", text) is None  # the project's key, alone
    if fmt is not ExportFormat.csv:
        assert "DEVOPS-7" in text and "OPSEC" in text  # whole words only


def test_redacted_draft_lines_are_the_evidence_lines(
    private_ledger: Ledger, private_settings: Settings
) -> None:
    text = export(
        private_ledger, private_settings, ExportFormat.md, ExportOptions(redact_private=True)
    )
    log = log_section(text, ExportFormat.md)
    evidence = text.split("\n## Evidence by destination and skill\n", 1)[1]
    for line in (
        "Design doc private repository (updated)",
        'Closed private repository Task "private work" (2 pts)',
    ):
        assert line in log and line in evidence
    assert "note: Wrote private work" in log
    edited = log.split("### My notes", 1)[1]
    assert "Followed up in private repository and private work; see private work and " in edited
    assert "Next: private repository on private repository." in edited


def test_destination_shows_only_its_lines_and_suggested_only_when_asked(
    fixed_ledger: Ledger, ex_settings: Settings
) -> None:
    only_a = log_section(
        export(fixed_ledger, ex_settings, ExportFormat.md, ExportOptions("A")), ExportFormat.md
    )
    assert "Migrate payroll ledger to Vault" in only_a and "acme/platform#90" in only_a
    for other in ("Mentoring and feedback", "acme/payments#15", "Tracing in practice"):
        assert other not in only_a  # destinations B and C
    assert "*suggested*" not in only_a and "Export OTel metrics" not in only_a
    assert "Shipped tracing. <b>bold?</b>" in only_a  # the edit as written

    with_suggested = ExportOptions("A", include_suggested=True)
    text = export(fixed_ledger, ex_settings, ExportFormat.md, with_suggested)
    assert "*suggested* A · Observability: Merged [acme/platform#88]" in text

    only_b = export(fixed_ledger, ex_settings, ExportFormat.json, ExportOptions("B"))
    entries = json.loads(only_b)["log_entries"]
    assert [e["week"] for e in entries] == ["2026-W46", "2026-W47"]
    assert "Migrate payroll" not in entries[0]["text"] and "Mentoring" in entries[0]["text"]
    assert "acme/checkout#412" not in entries[1]["text"]
    assert "acme/payments#15" in entries[1]["text"]
    assert len(entries[1]["new_since_edit"]) == 1


def test_weeks_with_nothing_to_show_are_left_out(
    fixed_ledger: Ledger, ex_settings: Settings
) -> None:
    for week in (Week(2020, 10), Week(2026, 50)):
        show_week(fixed_ledger, ex_settings, week)  # looking stores nothing
    draft_week(fixed_ledger, ex_settings, Week(2026, 51), NOW)  # a stored empty draft
    for fmt in (ExportFormat.md, ExportFormat.html, ExportFormat.json):
        text = export(fixed_ledger, ex_settings, fmt, ExportOptions())
        assert "2026-W46" in text and "2026-W47" in text
        for week in ("2020-W10", "2026-W50", "2026-W51"):
            assert week not in text, (fmt, week)
    # One destination: a week without its evidence and without an edit is left out too.
    only_c = export(fixed_ledger, ex_settings, ExportFormat.json, ExportOptions("C"))
    assert [e["week"] for e in json.loads(only_c)["log_entries"]] == ["2026-W47"]


def test_a_design_doc_created_in_the_period_is_new_in_the_evidence_section(
    private_ledger: Ledger, private_settings: Settings
) -> None:
    # Created 2026-10-15, in the quarter: new there, as a week's entry says of its week.
    built = model(private_ledger, private_settings, None, quarter="2026Q4")
    text = render_export(built, ExportFormat.md).decode("utf-8")
    evidence = text.split("\n## Evidence by destination and skill\n", 1)[1]
    assert f"· {DOC_PATH}]" in evidence or DOC_PATH in evidence
    assert "(new)" in evidence and "(updated)" not in evidence.split("\n## ", 1)[0]
