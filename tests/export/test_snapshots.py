"""Frozen snapshots: an export stored as it was handed in, given back byte for byte after
the ledger changed (new items, an upstream edit, a rule change, a decision taken back),
and what changed since."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from export_data import ITEMS, NOW, OWNER, config_text, populate
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger import open_ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow, SnapshotFileRow, SnapshotRow, SuggestionRow

runner = CliRunner()
FORMATS = ("md", "html", "json", "csv")
PERIOD = ("--cycle", "1", "--as-of", "2026-11-25", "--include-suggested")
RULE = """
[[rule]]
id = "platform-work"
destination = "B"
skills = ["mentoring"]
[rule.match]
repo = ["acme/platform"]
"""


@pytest.fixture
def config(tmp_path: Path, ledger_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(config_text(ledger_url), encoding="utf-8")
    (tmp_path / "rules.d").mkdir()
    ledger = open_ledger(ledger_url, OWNER)
    populate(ledger)
    ledger.close()
    return path


def cli(config: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, str]:
    result = runner.invoke(app, [*args, "--config", str(config)], env=env)
    return result.exit_code, result.stdout_bytes, result.stderr


def url(config: Path) -> str:
    return config.read_text().split('url = "', 1)[1].split('"', 1)[0]


def change_the_ledger(config: Path) -> None:
    """New items, an upstream edit, a rule change and a decision taken back."""
    ledger = open_ledger(url(config), OWNER)
    with ledger.write() as session:
        new = replace(ITEMS[1], external_id="acme/platform#95", title="Cache OTel exporters")
        edited = replace(ITEMS[8], title="Structured logging for checkout, renamed upstream")
        record_items(session, OWNER, [new, edited], NOW + timedelta(days=1))
        accepted = session.scalars(
            select(SuggestionRow.id)
            .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
            .where(ItemRow.external_id == "acme/checkout#412")
        ).one()
    ledger.close()
    (config.parent / "rules.d" / "platform.toml").write_text(RULE)
    code, _, stderr = cli(config, "rules", "apply")
    assert code == 0, stderr
    code, _, stderr = cli(config, "review", "reset", str(accepted))
    assert code == 0, stderr


def test_a_snapshot_gives_back_every_format_byte_for_byte_after_changes(config: Path) -> None:
    handed_in = {fmt: cli(config, "export", *PERIOD, "-f", fmt)[1] for fmt in FORMATS}
    target = config.parent / "review.html"
    code, _, stderr = cli(
        config, "export", *PERIOD, "-f", "html", "--snapshot", "2026-cycle1", "-o", str(target)
    )
    assert code == 0, stderr
    assert "snapshot '2026-cycle1' stored" in stderr
    assert target.read_bytes() == handed_in["html"]

    change_the_ledger(config)
    for fmt in FORMATS:
        assert cli(config, "export", *PERIOD, "-f", fmt)[1] != handed_in[fmt], fmt
        code, data, stderr = cli(config, "snapshots", "export", "2026-cycle1", "-f", fmt)
        assert code == 0, stderr
        assert data == handed_in[fmt], fmt
    code, data, _ = cli(config, "snapshots", "export", "2026-cycle1")  # as taken: html
    assert data == handed_in["html"]
    copy = config.parent / "copy" / "review.html"
    code, _, stderr = cli(config, "snapshots", "export", "2026-cycle1", "-o", str(copy))
    assert code == 0, stderr
    assert copy.read_bytes() == handed_in["html"]


def test_what_changed_since_a_snapshot(config: Path) -> None:
    code, _, stderr = cli(config, "export", *PERIOD, "--snapshot", "review")
    assert code == 0, stderr
    code, same, _ = cli(config, "export", "--changes-since", "review")
    assert code == 0 and b"No changes: an export drawn now shows the same" in same
    change_the_ledger(config)
    code, data, stderr = cli(config, "export", "--changes-since", "review")
    assert code == 0, stderr
    text = data.decode()
    assert text.startswith("# Changes since snapshot review\n\n_Taken ")
    new = text.split("## New evidence (1)\n\n", 1)[1].split("\n\n", 1)[0]
    assert new.startswith("- 19 Nov 2026 · Merged [acme/platform#95]") and "Cache OTel" in new
    changed = text.split("## Changed upstream (1)\n\n", 1)[1].split("\n\n", 1)[0]
    assert "renamed upstream" in changed and "— was: Merged [acme/checkout#301]" in changed
    decisions = text.split("## Decisions and notes", 1)[1]
    assert "A · Observability: accepted → suggested" in (decisions)
    assert "B · Mentoring and feedback: now suggested" in decisions  # the new rule
    code, data, _ = cli(config, "export", "--changes-since", "review", "-f", "json")
    document = json.loads(data)
    assert [a["key"] for a in document["added"]] == ["item:github:pull_request:acme/platform#95"]
    assert document["mappings"]["changed"][0]["now"]["status"] == "suggested"
    assert document["unchanged"] is False


def test_a_taken_name_is_refused_without_force(config: Path) -> None:
    assert cli(config, "export", *PERIOD, "--snapshot", "q4")[0] == 0
    first = cli(config, "snapshots", "export", "q4")[1]
    code, _, stderr = cli(config, "export", "--quarter", "2026Q4", "--snapshot", "q4")
    assert code == 2 and "a snapshot named 'q4' exists: pass --force" in stderr
    assert cli(config, "snapshots", "export", "q4")[1] == first
    code, _, stderr = cli(
        config,
        "export",
        "--quarter",
        "2026Q4",
        "--as-of",
        "2026-11-25",
        "--snapshot",
        "q4",
        "--force",
    )
    assert code == 0, stderr
    code, listing, _ = cli(config, "snapshots", "list")
    assert listing.decode().count("\n") == 1 and "2026Q4 (1 Oct 2026 – 31 Dec 2026)" in (
        listing.decode()
    )


def test_an_export_that_cannot_be_written_stores_no_snapshot(config: Path) -> None:
    taken = config.parent / "taken.md"
    taken.write_text("mine")
    code, _, stderr = cli(config, "export", *PERIOD, "--snapshot", "x", "-o", str(taken))
    assert code == 2 and "exists: pass --force" in stderr
    assert taken.read_text() == "mine"
    code, listing, _ = cli(config, "snapshots", "list")
    assert b"No snapshots yet" in listing


def test_list_show_and_bad_names(config: Path) -> None:
    cli(config, "export", *PERIOD, "-f", "json", "--snapshot", "mid-cycle")
    code, listing, _ = cli(config, "snapshots", "list", "--format", "json")
    row = json.loads(listing)
    assert (row["name"], row["format"], row["options"]["include_suggested"]) == (
        "mid-cycle",
        "json",
        True,
    )
    assert sorted(f["format"] for f in row["files"]) == ["csv", "html", "json", "md"]
    code, shown, _ = cli(config, "snapshots", "show", "mid-cycle")
    assert code == 0 and "cycle 1 (2 Nov 2026 – 13 Dec 2026)" in shown.decode()
    assert "accepted mappings" in shown.decode() and "sha256" in shown.decode()
    code, _, stderr = cli(config, "snapshots", "show", "mid-cycel")
    assert code == 2 and "no snapshot named 'mid-cycel'; there are: mid-cycle" in stderr
    code, _, stderr = cli(config, "export", "--snapshot", "../etc")
    assert code == 2 and "snapshot name '../etc' is not valid" in stderr
    code, _, stderr = cli(config, "export", "--changes-since", "mid-cycle", "--cycle", "1")
    assert code == 2 and "compares with the snapshot's own period" in stderr


def test_no_credential_reaches_a_snapshot(config: Path) -> None:
    token = "ghp_" + "S3cr3tT0kenValue" * 2
    ledger = open_ledger(url(config), OWNER)
    with ledger.write() as session:
        row = session.scalars(select(SuggestionRow).where(SuggestionRow.note.is_not(None))).first()
        assert row is not None
        row.note = f"pasted by mistake: {token}"
    env = {"GITHUB_TOKEN": token}
    code, _, stderr = cli(config, "export", *PERIOD, "--snapshot", "s", env=env)
    assert code == 0, stderr
    with ledger.read() as session:
        files = session.scalars(select(SnapshotFileRow)).all()
        basis = session.scalars(select(SnapshotRow.basis)).one()
    ledger.close()
    assert len(files) == 4
    for stored in files:
        assert token.encode() not in zlib.decompress(stored.data)
    assert token not in json.dumps(basis)


def test_a_damaged_snapshot_is_reported_not_given_back(config: Path) -> None:
    cli(config, "export", *PERIOD, "--snapshot", "s")
    ledger = open_ledger(url(config), OWNER)
    with ledger.write() as session:
        stored = session.scalars(
            select(SnapshotFileRow).where(SnapshotFileRow.format == "md")
        ).one()
        stored.data = zlib.compress(b"# something else\n")
    ledger.close()
    code, data, stderr = cli(config, "snapshots", "export", "s", "-f", "md")
    assert code == 2 and data == b"" and "no longer match their SHA-256" in stderr
