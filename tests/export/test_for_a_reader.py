"""`growthmap export` read by someone other than the engineer, through the real CLI: no
command lines, no counts of unmapped items, no empty weeks or empty prompts, the owner
named, every line that names evidence linked to it."""

from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

import pytest
from export_data import NOW, OWNER, config_text, populate, pr, review
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger import open_ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow
from collector.progress.lines import md_text

runner = CliRunner()
FILLED = "- What went well: paired with Grace on the backfill"
EDITOR = """
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
assert "### Not yet mapped" in text and "- What went well:" in text, text
open(path, "w", encoding="utf-8").write(text.replace("- What went well:", {filled!r}))
"""


@pytest.fixture
def config(tmp_path: Path, ledger_url: str) -> Path:
    """The export ledger, with items nobody mapped in weeks 47 and 48, and weeks 44 to 50
    drafted the way `collect` and `log draft` store them (44 and 50 hold no evidence)."""
    path = tmp_path / "config.toml"
    path.write_text(config_text(ledger_url), encoding="utf-8")
    ledger = open_ledger(ledger_url, OWNER)
    populate(ledger)
    with ledger.write() as session:
        unmapped = [
            pr(600, "acme/checkout", "2026-11-24T10:00:00", "Bump dependencies"),
            review(31, "acme/payments", "2026-11-19T10:00:00", "Tidy the refund tests"),
        ]
        record_items(session, OWNER, unmapped, NOW)
    ledger.close()
    for week in ("2026-W44", "2026-W45", "2026-W46", "2026-W48", "2026-W50"):
        assert cli(path, "log", "draft", week)[0] == 0
    return path


def cli(config: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--config", str(config)], env=env)
    return result.exit_code, result.stdout, result.stderr


def export(config: Path, fmt: str) -> str:
    code, out, err = cli(config, "export", "--format", fmt, "--as-of", "2026-11-25")
    assert code == 0, err
    return out


def edit_week_48(config: Path, tmp_path: Path) -> None:
    """The engineer fills one prompt of week 48's draft and leaves the rest as drafted."""
    script = tmp_path / "editor.py"
    script.write_text(EDITOR.format(filled=FILLED), encoding="utf-8")
    env = {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}
    code, _, err = cli(config, "log", "edit", "2026-W48", env=env)
    assert code == 0 and "saved" in err, err


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_no_command_no_unmapped_count_no_empty_week(config: Path, tmp_path: Path, fmt: str) -> None:
    code, shown, _ = cli(config, "log", "show", "2026-W48", "--markdown")
    assert code == 0 and "### Not yet mapped" in shown  # the engineer's own view keeps it
    edit_week_48(config, tmp_path)
    text = export(config, fmt)
    assert "growthmap" not in text.lower()
    assert "Not yet mapped" not in text and "not yet mapped" not in text
    for unmapped in ("Bump dependencies", "Tidy the refund tests", "acme/checkout#600"):
        assert unmapped not in text
    weeks = set(re.findall(r"Week (2026-W\d\d)", text))
    # 45, 46: accepted evidence; 47: the engineer's edit; 48: the one prompt they filled.
    # Not 44 (its only item was rejected) nor 50 (nothing at all).
    assert weeks == {"2026-W45", "2026-W46", "2026-W47", "2026-W48"}
    assert "paired with Grace on the backfill" in text
    for empty in ("What was challenging", "What to improve next sprint", "What support I need"):
        assert empty not in text
    assert "Evidence for review · Ada" in text


def test_without_a_name_the_title_has_the_login(config: Path, tmp_path: Path) -> None:
    text = config.read_text(encoding="utf-8").replace('name = "Ada <b>Lovelace</b>"\n', "")
    config.write_text(text, encoding="utf-8")
    assert export(config, "md").startswith("# Evidence for review · ada\n")  # the owner key
    with_login = text + '\n[[sources]]\nname = "github"\ntype = "github"\nlogin = "ada-l"\n'
    config.write_text(with_login, encoding="utf-8")
    assert export(config, "md").startswith("# Evidence for review · ada-l\n")
    assert "<title>Evidence for review · ada-l</title>" in export(config, "html")


def test_the_login_is_found_from_the_pull_requests(config: Path, ledger_url: str) -> None:
    text = config.read_text(encoding="utf-8").replace('name = "Ada <b>Lovelace</b>"\n', "")
    config.write_text(text, encoding="utf-8")
    ledger = open_ledger(ledger_url, OWNER)
    with ledger.write() as session:  # zero-config: the token's own user wrote them
        for row in session.query(ItemRow).filter_by(kind="pull_request"):
            row.author = "ada-lovelace"
    ledger.close()
    assert export(config, "md").startswith("# Evidence for review · ada-lovelace\n")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_line_that_names_evidence_carries_its_link(
    config: Path, ledger_url: str, fmt: str
) -> None:
    text = export(config, fmt)
    ledger = open_ledger(ledger_url, OWNER)
    with ledger.read() as session:
        stored = [
            (r.external_id.removesuffix("/review"), r.title, r.url) for r in session.query(ItemRow)
        ]
    ledger.close()
    lines = text.splitlines()
    named = 0
    for ref, title, url in stored:
        shown = md_text(title) if fmt == "md" else escape(md_text(title).replace("\\", ""))
        by_title = [line for line in lines if f'"{shown}"' in line]
        assert all(url in line for line in by_title), (title, by_title)
        if fmt == "md":
            by_ref = [line for line in lines if f"[{ref}]" in line]
            assert all(f"[{ref}]({url})" in line for line in by_ref), ref
        else:
            by_ref = [line for line in lines if f">{ref}</a>" in line]
            assert all(f'<a href="{url}">{ref}</a>' in line for line in by_ref), ref
        named += len(by_title) + len(by_ref)
    assert named > 10
    if fmt == "md":  # every line of the log that names evidence links it, reviews too
        log = text.split("\n## Progress log\n", 1)[1].split("\n## Evidence by", 1)[0]
        for line in log.splitlines():
            if line.startswith("- ") and "Grace Hopper" not in line:  # (no link stored)
                assert re.search(r"\]\(https://[^)]+\)", line), line
