"""Feedback sessions as a user meets them: `feedback add|list`, a quote tied to a skill
counted as evidence in the map, the log and the export, and `feedback_every` in the map,
`status` and the checklist."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from progress_data import CONFIG, OWNER, populate
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger import open_ledger
from collector.ledger.models import FeedbackRow

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_config(tmp_path: Path, extra: str = "") -> Path:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    body = CONFIG.replace("[owner]", f'[ledger]\nurl = "{url}"\n\n[owner]', 1)
    body = body.replace("[growth_map]\n", f"[growth_map]\n{extra}", 1)
    path = tmp_path / "config.toml"
    path.write_text(body)
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_config(tmp_path)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}", OWNER)
    populate(ledger)
    ledger.close()
    return path


def test_a_session_is_recorded_and_listed(config: Path) -> None:
    code, stdout, stderr = run(
        "feedback",
        "add",
        "--date",
        "2026-11-20",
        "--from",
        "Grace Hopper",
        "--went-well",
        "Tracing shipped",
        "--support",
        "Time with the SRE team",
        "--skill",
        "observability",
        "--level",
        "p",
        "--quote",
        "Demonstrates deep understanding of tracing",
        "-c",
        str(config),
    )
    assert code == 0, stderr
    assert stdout == (
        "recorded feedback session 1: 2026-11-20 · from Grace Hopper · what went well; "
        "what support i need · “Demonstrates deep understanding of tracing” "
        "(A/observability, P)\n"
    )
    code, stdout, _ = run("feedback", "list", "-c", str(config))
    assert code == 0
    assert "What support I need: Time with the SRE team" in stdout
    code, stdout, _ = run("feedback", "list", "--format", "json", "-c", str(config))
    row = json.loads(stdout)
    assert (row["from"], row["skill"], row["level"], row["support"]) == (
        "Grace Hopper",
        "observability",
        "P",
        "Time with the SRE team",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--skill", "observabilty"], "no such skill; the closest is A/observability"),
        (["--skill", "Stakeholder comms"], "the closest is B/stakeholder-communication"),
        (["--skill", "Q/observability"], "no destination 'Q'; the closest is A/observability"),
        (["--skill", "observability", "--level", "X"], "--level 'X' is not N, P or E"),
        (["--skill", "observability", "--level", "P", "--quote", ""], "missing: --quote"),
    ],
)
def test_a_skill_or_level_the_map_lacks_is_refused_naming_the_closest(
    config: Path, args: list[str], message: str
) -> None:
    given = {"--level": "P", "--quote": "Good work"}
    given |= dict(zip(args[::2], args[1::2], strict=True))
    options = [part for pair in given.items() for part in pair]
    code, _, stderr = run(
        "feedback", "add", "--date", "2026-11-20", "--from", "Grace", *options, "-c", str(config)
    )
    assert code == 2, stderr
    assert message in stderr and "Traceback" not in stderr
    with open_ledger(f"sqlite:///{config.parent / 'ledger.db'}", OWNER).read() as session:
        assert session.query(FeedbackRow).count() == 0  # nothing half-recorded


def test_an_empty_session_is_refused(config: Path) -> None:
    code, _, stderr = run("feedback", "add", "--date", "20d", "--from", "Grace", "-c", str(config))
    assert code == 2 and "needs at least one of --went-well" in stderr


def test_a_quote_counts_as_evidence_in_the_map_the_log_and_the_export(config: Path) -> None:
    _, before, _ = run("map", "--format", "md", "-c", str(config))
    assert "| **Stakeholder communication** | N → P | `░░░░░░░░░░` | 0 | 0 | 0 |" in before
    code, _, stderr = run(
        "feedback",
        "add",
        "--date",
        "2026-11-19",
        "--from",
        "Grace Hopper",
        "--skill",
        "B/stakeholder-communication",
        "--level",
        "N",
        "--quote",
        "Explains trade-offs clearly to product",
        "-c",
        str(config),
    )
    assert code == 0, stderr
    _, after, _ = run("map", "--format", "md", "-c", str(config))
    row = r"\| \*\*Stakeholder communication\*\* \| N → P \| `[█░]+` \| 1 \| 0 \|"
    assert re.search(row, after)
    code, week, _ = run("log", "show", "2026-W47", "-c", str(config))
    assert "**Stakeholder communication (N → P)**" in week
    line = 'Feedback from Grace Hopper: "Explains trade-offs clearly to product" (N)'
    assert f"- {line}" in week
    code, export, stderr = run("export", "--cycle", "1", "-c", str(config))
    assert code == 0, stderr
    endorsements = export.split("## Endorsements", 1)[1].split("##", 1)[0]
    assert 'Grace Hopper: "Explains trade-offs clearly to product" (N)' in endorsements
    code, document, _ = run("export", "--format", "json", "--cycle", "1", "-c", str(config))
    manual = json.loads(document)["manual_artifacts"]
    feedback = next(m for m in manual if m["kind"] == "feedback")
    assert feedback["key"] == "feedback:1" and feedback["level"] == "N"
    assert feedback["places"] == [{"destination": "B", "skill": "stakeholder-communication"}]


def _days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).date().isoformat()


def _label(day: str) -> str:
    value = datetime.fromisoformat(day).date()
    return f"{value.day} {value.strftime('%b')} {value.year}"


def test_feedback_every_says_when_the_next_session_is_due(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'feedback_every = "2w"\n')
    _, page, _ = run("map", "-c", str(config))
    assert "⚠ Feedback: no session held yet (every 2 weeks)" in page
    assert "✗ feedback sessions" in page  # scheduled dates no longer count: sessions held do
    held = _days_ago(3)
    run("feedback", "add", "--date", "3d", "--from", "Grace", "--went-well", "x", "-c", str(config))
    due = (datetime.fromisoformat(held) + timedelta(days=14)).date().isoformat()
    _, page, _ = run("map", "-c", str(config))
    expected = (
        f"Feedback: next session due {_label(due)} (every 2 weeks; 1 session held, the last on "
        f"{_label(held)} with Grace)"
    )
    assert expected in " ".join(page.split())
    assert "✓ feedback sessions" in page
    _, status, _ = run("status", "-c", str(config))
    assert expected in " ".join(status.split())
    _, page, _ = run("map", "--format", "md", "-c", str(config))
    assert f"- [x] feedback sessions (1 held, next {due})" in page


def test_an_overdue_session_is_flagged(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'feedback_every = "10d"\n')
    run("feedback", "add", "--date", "20d", "--from", "Grace", "--improve", "y", "-c", str(config))
    due = _days_ago(10)
    _, page, _ = run("map", "-c", str(config))
    assert f"⚠ Feedback: overdue since {_label(due)} (every 10 days;" in " ".join(page.split())
    assert "✗ feedback sessions" in page
    _, status, _ = run("status", "-c", str(config))
    assert f"overdue since {_label(due)}" in " ".join(status.split())


@pytest.mark.parametrize(
    ("value", "message"),
    [("36h", "'36h' is not whole days"), ("2x", "'2x' is not a duration")],
)
def test_feedback_every_must_be_whole_days(tmp_path: Path, value: str, message: str) -> None:
    config = write_config(tmp_path, f'feedback_every = "{value}"\n')
    code, _, stderr = run("map", "-c", str(config))
    assert code == 2 and "growth_map.feedback_every" in stderr and message in stderr
