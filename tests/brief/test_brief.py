"""`growthmap brief`: golden files over a fixed ledger, the same bytes twice, private work
redacted, a period without evidence in one line, and the command line."""

from __future__ import annotations

from pathlib import Path

import html5lib
from brief_data import AS_OF, BRIEF_CONFIG, check_golden, golden
from fakes.fixed_ledger import with_ledger
from progress_data import NOW
from typer.testing import CliRunner

from collector.brief import (
    Brief,
    brief_period,
    build_brief,
    render_brief_html,
    render_brief_markdown,
)
from collector.cli import app
from collector.config import Settings
from collector.export.html import CSP
from collector.ledger import Ledger

runner = CliRunner()


def draft(
    ledger: Ledger,
    settings: Settings,
    *,
    redact: bool = False,
    cycle: int | None = None,
    quarter: str | None = None,
) -> Brief | None:
    chosen = brief_period(settings, since=None, until=None, cycle=cycle, quarter=quarter, now=NOW)
    with ledger.read() as session:
        return build_brief(session, settings, chosen, AS_OF, redact=redact)


def markdown(ledger: Ledger, settings: Settings, **asked: object) -> str:
    brief = draft(ledger, settings, **asked)  # type: ignore[arg-type]
    assert brief is not None
    return render_brief_markdown(brief)


def test_golden_markdown_and_html(brief_ledger: Ledger, brief_settings: Settings) -> None:
    brief = draft(brief_ledger, brief_settings, cycle=1)
    assert brief is not None
    check_golden("brief-cycle1.md", render_brief_markdown(brief))
    page = render_brief_html(brief)
    check_golden("brief-cycle1.html", page)
    html5lib.HTMLParser(strict=True).parse(page)
    assert f'content="{CSP}"' in page and "<script" not in page


def test_golden_redacted(brief_ledger: Ledger, brief_settings: Settings) -> None:
    text = markdown(brief_ledger, brief_settings, cycle=1, redact=True)
    check_golden("brief-cycle1-redacted.md", text)
    assert "vault" not in text and "Ken" not in text


def test_the_default_period_is_the_current_cycle(
    brief_ledger: Ledger, brief_settings: Settings
) -> None:
    assert markdown(brief_ledger, brief_settings) == markdown(brief_ledger, brief_settings, cycle=1)


def test_a_period_without_accepted_evidence_is_none(
    brief_ledger: Ledger, brief_settings: Settings
) -> None:
    assert draft(brief_ledger, brief_settings, quarter="2025Q1") is None


def cli(tmp_path: Path, url: str, *args: str) -> tuple[int, bytes, str]:
    path = tmp_path / "config.toml"
    path.write_text(with_ledger(BRIEF_CONFIG, url), encoding="utf-8")
    result = runner.invoke(app, ["brief", "--config", str(path), *args])
    return result.exit_code, result.stdout_bytes, result.stderr


CYCLE_1 = ("--cycle", "1", "--as-of", AS_OF.isoformat())


def test_the_command_gives_the_same_bytes_and_writes_files(
    brief_ledger: Ledger, tmp_path: Path, ledger_url: str
) -> None:
    code, first, stderr = cli(tmp_path, ledger_url, *CYCLE_1)
    assert code == 0, stderr
    assert first == cli(tmp_path, ledger_url, *CYCLE_1)[1]
    assert first.decode() == golden("brief-cycle1.md")
    target = tmp_path / "briefs" / "cycle1.html"
    code, out, stderr = cli(tmp_path, ledger_url, *CYCLE_1, "-f", "html", "-o", str(target))
    assert code == 0 and out == b"" and "wrote html brief to" in stderr
    assert target.read_text(encoding="utf-8") == golden("brief-cycle1.html")
    code, _, stderr = cli(tmp_path, ledger_url, *CYCLE_1, "-o", str(target))
    assert code == 2 and "exists: pass --force" in stderr
    code, out, _ = cli(tmp_path, ledger_url, *CYCLE_1, "--redact", "private")
    assert out.decode() == golden("brief-cycle1-redacted.md")


def test_a_period_without_evidence_says_so_in_one_line(
    brief_ledger: Ledger, tmp_path: Path, ledger_url: str
) -> None:
    code, out, stderr = cli(tmp_path, ledger_url, "--quarter", "2025Q1")
    assert code == 0, stderr
    assert out.decode() == (
        "No accepted evidence in 2025Q1 (1 Jan 2025 – 31 Mar 2025): nothing to brief on "
        "(`growthmap review` accepts what was collected).\n"
    )


def test_bad_options_are_usage_errors(
    brief_ledger: Ledger, tmp_path: Path, ledger_url: str
) -> None:
    code, _, stderr = cli(tmp_path, ledger_url, "--cycle", "1", "--quarter", "2026Q4")
    assert code == 2 and "give one period" in stderr
    code, _, stderr = cli(tmp_path, ledger_url, "--cycle", "9")
    assert code == 2 and "--cycle 9: there is no such cycle" in stderr
    code, _, stderr = cli(tmp_path, ledger_url, "--format", "pdf")
    assert code == 2 and "pdf" in stderr
