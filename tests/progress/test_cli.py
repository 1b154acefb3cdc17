"""The commands as a user meets them, through the real CLI on a config file."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from progress_data import CONFIG, OWNER, populate
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger import open_ledger
from collector.ledger.models import SkillLevelRow

runner = CliRunner()

EDITOR = """
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
assert text.startswith("## Week 2026-W47"), text[:40]
open(path, "w", encoding="utf-8").write("## My week\\n\\nShipped tracing.\\n")
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.replace("[owner]", f'[ledger]\nurl = "{url}"\n\n[owner]', 1))
    ledger = open_ledger(url, OWNER)
    populate(ledger)
    ledger.close()
    return path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_log_draft_show_and_list(config: Path) -> None:
    code, _, stderr = run("log", "draft", "2026-W47", "--config", str(config))
    assert code == 0, stderr
    assert "week 2026-W47 drafted (`growthmap log show 2026-W47`)" in stderr
    code, stdout, _ = run("log", "show", "2026-11-18", "--config", str(config))
    assert code == 0
    assert stdout.startswith("## Week 2026-W47 · 16–22 Nov 2026 · cycle 1, week 3 of 6\n")
    assert "— linked [CORE-118]" in stdout
    code, stdout, _ = run("log", "list", "--config", str(config))
    assert code == 0
    assert "2026-W47" in stdout and "draft" in stdout and "3 reviews given" in stdout


def test_log_show_of_an_empty_week_stores_nothing(config: Path) -> None:
    code, stdout, stderr = run("log", "show", "2020-W10", "--config", str(config))
    assert code == 0, stderr
    assert stdout.startswith("## Week 2020-W10") and "_No evidence collected" in stdout
    code, stdout, stderr = run("log", "list", "--config", str(config))
    assert code == 0 and "2020-W10" not in stdout
    assert "No entries yet" in stderr  # nothing was ever drafted in this ledger


def test_log_edit_through_the_editor_is_kept(config: Path, tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    env = {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}
    code, _, stderr = run("log", "edit", "2026-W47", "--config", str(config), env=env)
    assert code == 0, stderr
    assert "week 2026-W47 saved" in stderr
    run("log", "draft", "2026-W47", "--config", str(config))
    code, stdout, _ = run("log", "show", "2026-W47", "--config", str(config))
    assert stdout == "## My week\n\nShipped tracing.\n"
    _, stdout, _ = run("log", "list", "--config", str(config))
    assert "edited" in stdout


def test_log_edit_failures_are_messages(config: Path) -> None:
    code, _, stderr = run(
        "log", "edit", "2026-W47", "--config", str(config), env={"EDITOR": "", "VISUAL": ""}
    )
    assert code == 2 and "set $EDITOR" in stderr
    env = {"EDITOR": "false", "VISUAL": ""}
    code, _, stderr = run("log", "edit", "2026-W47", "--config", str(config), env=env)
    assert code == 2 and "editor exited with status 1; nothing saved" in stderr
    code, _, stderr = run("log", "show", "2026-W99", "--config", str(config))
    assert code == 2 and "'2026-W99' is not a week" in stderr and "Traceback" not in stderr


def test_map_and_skill_set(config: Path) -> None:
    code, stdout, stderr = run("map", "--config", str(config))
    assert code == 0, stderr
    assert re.search(r"^   Observability +N → P  █+ +4 +1 +\d+  ↑ suggest P$", stdout, re.M)
    assert "\n    growthmap skill set A/observability P\n" in stdout
    code, _, stderr = run(
        "skill", "set", "observability", "p", "--date", "2026-11-24", "--config", str(config)
    )
    assert code == 0, stderr
    assert "A/observability is P from 2026-11-24" in stderr
    code, stdout, _ = run("map", "--format", "md", "--config", str(config))
    assert "| **Observability** | P → P |" in stdout
    assert "## Mastery suggestions" not in stdout  # the count restarts at the new level
    code, stdout, _ = run("skill", "history", "A/observability", "--config", str(config))
    assert stdout == "A/observability: N (start) → P (2026-11-24)\n"
    ledger = open_ledger(f"sqlite:///{config.parent / 'ledger.db'}", OWNER)
    with ledger.read() as session:
        rows = session.query(SkillLevelRow).filter_by(skill="observability").all()
    ledger.close()
    assert [(r.destination, r.level) for r in rows] == [("A", "P")]


LONG_NAMES = {
    '"Observability"': '"Observability (metrics, tracing, structured logs and alerting)"',
    '"Release engineering"': '"Release engineering (CI/CD pipelines, canaries, rollbacks)"',
    '"Design and implement a fault-tolerant microservice"': (
        '"Design, implement and run in production a fault-tolerant microservice with '
        'end-to-end tracing, canary releases and a written incident runbook"'
    ),
}


def test_map_fits_100_columns_and_wraps_long_names_whole(config: Path) -> None:
    text = config.read_text()
    for short, long in LONG_NAMES.items():
        text = text.replace(short, long, 1)
    config.write_text(text)
    code, stdout, stderr = run("map", "--config", str(config))
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert max(len(line) for line in lines) <= 100, max(lines, key=len)
    for name in list(LONG_NAMES.values())[:2]:  # wrapped in their column, never cut
        assert _name_column(lines, name.strip('"')[:13]) == name.strip('"')
    title = list(LONG_NAMES.values())[2].strip('"')
    assert title in " ".join(stdout.split())
    assert "…" not in stdout and ".." not in stdout
    # One count per column, under a header; the suggestion and the gap on the skill's line.
    header = next(line for line in lines if line.lstrip().startswith("skill"))
    assert header.split()[-4:] == ["accepted", "suggested", "this", "cycle"]
    observability = next(line for line in lines if line.startswith("   Observability (metrics"))
    assert observability.split()[-6:] == ["4", "1", "3", "↑", "suggest", "P"]
    release = next(line for line in lines if line.startswith("   Release engineering (CI/CD"))
    assert re.search(r"  ⚠ none in \d+ weeks$", release)


def _name_column(lines: list[str], start: str, width: int = 26) -> str:
    """A skill's name as the map's name column holds it, over as many lines as it takes."""
    first = next(n for n, line in enumerate(lines) if line.startswith("   " + start))
    parts = [lines[first][3 : 3 + width].strip()]
    for line in lines[first + 1 :]:
        if not line.startswith("   ") or line[3:4] == " " or line[3 + width :].strip():
            break
        parts.append(line[3 : 3 + width].strip())
    return " ".join(parts)


def test_skill_set_rejects_unknown_skills_and_levels(config: Path) -> None:
    code, _, stderr = run("skill", "set", "cooking", "P", "--config", str(config))
    assert code == 2 and "no skill 'cooking'" in stderr and "A/observability" in stderr
    code, _, stderr = run("skill", "set", "observability", "X", "--config", str(config))
    assert code == 2 and "level 'X' is not N, P or E" in stderr
    code, _, stderr = run("skill", "set", "observability", "P", "--date", "soon", "-c", str(config))
    assert code == 2 and "--date 'soon' is not a date" in stderr


def test_cycle_review(config: Path) -> None:
    code, stdout, stderr = run("cycle", "review", "1", "--config", str(config))
    assert code == 0, stderr
    assert stdout.startswith("## Cycle 1 review · 2 Nov 2026 – 13 Dec 2026")
    assert "**Goal:** Deliver a minimal service with tracing and canary release" in stdout
    assert "### Next cycle" in stdout
    code, _, stderr = run("cycle", "review", "3", "--config", str(config))
    assert code == 2 and "there is no cycle 3" in stderr


def test_a_new_user_sees_the_checklist_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[ledger]\nurl = "sqlite:///{tmp_path / "l.db"}"\n[owner]\nname = "Bo"\n')
    code, stdout, stderr = run("map", "--config", str(path))
    assert code == 0, stderr
    assert stdout.startswith("Growth map · Bo · no cycle running\n")
    assert stdout.rstrip().endswith(
        "Checklist: ✗ destinations · ✗ skills with levels · ✗ cycle · ✗ first artifact"
        " · ✗ feedback sessions"
    )
    code, _, stderr = run("cycle", "review", "--config", str(path))
    assert code == 2 and "no learning cycle in the config" in stderr
    code, stdout, _ = run("log", "show", "--config", str(path))
    assert code == 0 and "_No evidence collected this week._" in stdout


def test_skill_set_says_when_nothing_changes_or_a_later_entry_wins(config: Path) -> None:
    def skill_set(level: str, day: str) -> str:
        code, _, stderr = run(
            "skill", "set", "observability", level, "--date", day, "--config", str(config)
        )
        assert code == 0, stderr
        return stderr

    skill_set("P", "2026-11-20")
    said = skill_set("P", "2026-11-25")
    assert "A/observability is already P on 2026-11-25 (since 2026-11-20)" in said
    said = skill_set("E", "2026-11-01")
    assert "A/observability is E from 2026-11-01" in said
    assert "a later entry keeps A/observability at P (from 2026-11-20)" in said
    code, stdout, _ = run("skill", "history", "A/observability", "--config", str(config))
    assert code == 0
    assert stdout == "A/observability: N (start) → E (2026-11-01) → P (2026-11-20)\n"
