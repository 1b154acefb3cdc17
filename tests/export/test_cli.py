"""`growthmap export` as a user runs it: periods, options, files and messages."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from export_data import NOW, OWNER, PRIVATE_REPO, config_text, populate
from typer.testing import CliRunner

from collector.cli import app
from collector.core.errors import UsageError
from collector.export import resolve_period
from collector.ledger import open_ledger

runner = CliRunner()
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def config(tmp_path: Path, ledger_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(config_text(ledger_url), encoding="utf-8")
    ledger = open_ledger(ledger_url, OWNER)
    populate(ledger)
    ledger.close()
    return path


def run(config: Path, *args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(app, ["export", "--config", str(config), "--as-of", "2026-11-25", *args])
    return result.exit_code, result.stdout_bytes, result.stderr


def test_every_format_to_stdout_is_stable(config: Path) -> None:
    for fmt in ("md", "html", "json", "csv"):
        code, first, stderr = run(config, "--format", fmt)
        assert code == 0, stderr
        assert run(config, "--format", fmt)[1] == first
    assert run(config, "-f", "json")[1].startswith(b'{"as_of":"2026-11-25",')


def test_file_written_then_refused_then_forced(config: Path, tmp_path: Path) -> None:
    target = tmp_path / "exports" / "2026" / "q4.html"
    code, out, stderr = run(config, "-f", "html", "--quarter", "2026Q4", "-o", str(target))
    assert code == 0, stderr
    assert out == b"" and "wrote html export to" in stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = target.read_bytes()
    code, _, stderr = run(config, "-f", "md", "-o", str(target))
    assert code == 2 and "exists: pass --force to replace it" in stderr
    assert target.read_bytes() == before
    code, _, stderr = run(config, "-f", "md", "-o", str(target), "--force")
    assert code == 0, stderr
    assert target.read_bytes().startswith(b"# Evidence for review")
    assert os.listdir(target.parent) == ["q4.html"]


def test_refused_paths_say_the_rule(config: Path, tmp_path: Path) -> None:
    code, _, stderr = run(config, "-o", str(tmp_path / "a" / ".." / ".." / "x.md"))
    assert code == 2 and "may not contain `..`" in stderr and "Traceback" not in stderr
    result = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"})
    assert "may not contain `..`" in result.stdout and "symbolic link" in result.stdout


def test_periods_destination_and_redaction(config: Path) -> None:
    code, out, _ = run(
        config,
        "-f",
        "json",
        "--cycle",
        "1",
        "--destination",
        "B",
        "--redact",
        "private",
        "--include-suggested",
    )
    assert code == 0
    document = json.loads(out)
    assert document["period"]["first"] == "2026-11-02" and document["period"]["label"] == "cycle 1"
    assert [d["id"] for d in document["growth_map"]["destinations"]] == ["B"]
    assert {s["destination"] for s in document["suggestions"]} == {"B"}
    assert PRIVATE_REPO.encode() not in out
    code, out, _ = run(config, "-f", "csv", "--since", "2026-11-18", "--until", "2026-11-19")
    days = {line.split(b",")[0] for line in out.splitlines()[1:]}
    assert days == {b"2026-11-18"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--cycle", "1", "--quarter", "2026Q4"), "give one period"),
        (("--quarter", "2026Q5"), "is not a quarter"),
        (("--cycle", "3"), "there is no such cycle"),
        (("--destination", "Z"), "'Z' is not in the growth map; known: A, B, C"),
        (("--since", "yesterday-ish"), "--since 'yesterday-ish' is not a date"),
        (("--since", "2026-11-20", "--until", "2026-11-01"), "--until must be later"),
        (("--as-of", "soon"), "--as-of 'soon' is not a date"),
    ],
)
def test_bad_options_are_messages(config: Path, args: tuple[str, ...], message: str) -> None:
    code, _, stderr = run(config, *args)
    assert code == 2 and message in stderr and "Traceback" not in stderr


def test_quarter_and_since_until_bounds() -> None:
    q4 = resolve_period(
        since=None, until=None, cycle=None, quarter="2026q4", cycles=[], zone=BERLIN, now=NOW
    )
    assert (q4.first, q4.last, q4.label) == (date(2026, 10, 1), date(2026, 12, 31), "2026Q4")
    assert q4.since is not None and q4.since.isoformat() == "2026-09-30T22:00:00+00:00"
    span = resolve_period(
        since="2026-11-01",
        until="2026-12-01",
        cycle=None,
        quarter=None,
        cycles=[],
        zone=BERLIN,
        now=NOW,
    )
    assert (span.first, span.last) == (date(2026, 11, 1), date(2026, 11, 30))
    relative = resolve_period(
        since="14d", until=None, cycle=None, quarter=None, cycles=[], zone=BERLIN, now=NOW
    )
    assert relative.first == date(2026, 11, 11) and relative.last is None
    with pytest.raises(UsageError):
        resolve_period(
            since=None, until=None, cycle=1, quarter=None, cycles=[], zone=BERLIN, now=NOW
        )


def test_an_item_reads_the_same_in_items_review_list_and_the_json_export(config: Path) -> None:
    """One mapping of an item to its public fields: the three JSON outputs agree on every
    field they share (the export writes instants with `Z`, the listings with +00:00)."""
    listed = runner.invoke(app, ["items", "--config", str(config), "--format", "json"])
    items = {
        (i["source"], i["kind"], i["external_id"]): i
        for i in map(json.loads, listed.stdout.splitlines())
    }
    review = runner.invoke(
        app, ["review", "list", "--config", str(config), "--format", "json", "--status", "accepted"]
    )
    reviewed = [json.loads(line)["item"] for line in review.stdout.splitlines()]
    document = json.loads(run(config, "-f", "json", "--since", "2020-01-01")[1])
    assert reviewed and document["items"], (review.stderr, document)
    for shown in reviewed:
        item = items[(shown["source"], shown["kind"], shown["external_id"])]
        assert shown == {key: item[key] for key in shown}
    for exported in document["items"]:
        source, kind, external_id = exported["key"].split(":", 3)[1:]
        item = items[(source, kind, external_id)]
        assert exported["occurred_at"] == item["occurred_at"].replace("+00:00", "Z")
        shared = ("kind", "title", "repo", "state", "additions", "deletions")
        assert {k: exported[k] for k in shared} == {k: item[k] for k in shared}
        assert exported["url"] == (item["url"] or None)
