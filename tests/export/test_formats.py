"""JSON against the shipped schema; HTML parsed as a browser would; CSV as a spreadsheet
would read it; every format byte-identical on a second run."""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from typing import Any

import html5lib
import jsonschema
import pytest
from export_data import FORMULA, HOSTILE, PRIVATE_TITLE
from export_support import export, model

from collector.config import Settings
from collector.export import CSV_COLUMNS, ExportFormat, ExportOptions, render_export
from collector.export.tables import csv_cell
from collector.ledger import Ledger

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
OPTIONS = [
    ExportOptions(),
    ExportOptions(include_suggested=True),
    ExportOptions(destination="B", redact_private=True),
]


def schema() -> dict[str, Any]:
    text = files("collector").joinpath("schemas/export-1.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@pytest.mark.parametrize("options", OPTIONS, ids=["default", "suggested", "B-redacted"])
def test_json_validates_against_the_shipped_schema(
    fixed_ledger: Ledger, ex_settings: Settings, options: ExportOptions
) -> None:
    document = json.loads(export(fixed_ledger, ex_settings, ExportFormat.json, options))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(document, schema(), format_checker=jsonschema.FormatChecker())
    assert document["schema"] == "growthmap.export/1"
    statuses = {s["status"] for s in document["suggestions"]}
    assert statuses == ({"accepted", "suggested"} if options.include_suggested else {"accepted"})


def test_json_carries_statuses_rules_and_changes(
    fixed_ledger: Ledger, ex_settings: Settings
) -> None:
    document = json.loads(export(fixed_ledger, ex_settings, ExportFormat.json))
    by_item = {s["item"]: s for s in document["suggestions"]}
    changed = by_item["item:github:pull_request:acme/checkout#412"]
    assert changed["changed_upstream"] is True and changed["rules"] == ["rule-a", "rule-b"]
    assert by_item["item:jira:ticket:CORE-118"]["changed_upstream"] is False
    pr = next(i for i in document["items"] if i["ref"] == "acme/checkout#412")
    assert pr["linked"] == ["item:jira:ticket:CORE-118"]
    assert {m["kind"] for m in document["manual_artifacts"]} == {"talk", "endorsement"}
    assert [e["week"] for e in document["log_entries"]] == ["2026-W46", "2026-W47"]
    history = {(h["destination"], h["skill"]): h["changes"] for h in document["level_history"]}
    assert [c["level"] for c in history[("A", "observability")]] == ["N", "P"]


def test_a_schema_violation_is_caught(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    document = json.loads(export(fixed_ledger, ex_settings, ExportFormat.json))
    document["items"][0]["date"] = "18 Nov"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema(), format_checker=jsonschema.FormatChecker())


def parse_html(text: str) -> Any:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=True)
    return parser.parse(text)


def test_html_parses_and_has_both_charts(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    page = export(fixed_ledger, ex_settings, ExportFormat.html)
    tree = parse_html(page)
    svgs = list(tree.iter(f"{SVG}svg"))
    titles = ["".join(t.itertext()) for s in svgs for t in s.iter(f"{SVG}title")]
    assert "Evidence per week per destination" in titles
    assert "Skill levels over time" in titles
    chart = next(s for s in svgs if s.get("aria-labelledby") == "evidence-chart-title")
    bars = [r for r in chart.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    # 2026-W47 holds accepted evidence for A (412, CORE-118, 90, 91), B (15) and C (talk).
    assert any("2026-W47 · A: 4" in "".join(r.itertext()) for r in bars)
    sections = [s.get("id") for s in tree.iter(f"{NS}section")]
    assert sections == [
        "growth-map",
        "charts",
        "portfolio",
        "log",
        "evidence",
        "endorsements",
        "levels",
    ]
    assert "break-before: page" in page and "@media print" in page


def test_html_draws_progress_as_bars(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    page = export(fixed_ledger, ex_settings, ExportFormat.html)
    tree = parse_html(page)
    growth_map = next(s for s in tree.iter(f"{NS}section") if s.get("id") == "growth-map")
    rows = {
        "".join(r.find(f"{NS}th").itertext()): r
        for r in growth_map.iter(f"{NS}tr")
        if r.find(f"{NS}th") is not None and r.find(f"{NS}td") is not None
    }
    assert set(rows) == {
        "Observability",
        "Distributed systems design",
        "Mentoring and feedback",
        "Public speaking",
    }
    fills = {}
    for name, row in rows.items():
        bar = next(row.iter(f"{SVG}svg"))
        fill = next(r for r in bar.iter(f"{SVG}rect") if r.get("class") == "fill")
        fills[name] = int(fill.get("width"))
        assert "".join(bar.find(f"{SVG}title").itertext())  # what the bar means, for a reader
    assert fills["Observability"] == 100  # at its target
    assert 0 < fills["Distributed systems design"] < fills["Mentoring and feedback"] < 100
    assert "█" not in page and "░" not in page  # no text blocks standing in for bars
    assert not list(tree.iter(f"{NS}script")) and "default-src 'none'" in page


def test_html_shows_hostile_text_as_text(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    page = export(fixed_ledger, ex_settings, ExportFormat.html)
    tree = parse_html(page)
    assert not list(tree.iter(f"{NS}script"))
    assert not list(tree.iter(f"{NS}img"))
    assert not list(tree.iter(f"{NS}b"))  # the owner's name and the edit hold <b>
    text = "".join(tree.itertext())
    assert "<script>alert(1)</script>" in text
    assert "Ada <b>Lovelace</b>" in text
    assert "<script>" not in page


def test_html_fetches_nothing(fixed_ledger: Ledger, ex_settings: Settings) -> None:
    page = export(
        fixed_ledger, ex_settings, ExportFormat.html, ExportOptions(include_suggested=True)
    )
    tree = parse_html(page)
    fetching = ("script", "link", "img", "iframe", "object", "embed", "video", "audio", "source")
    for tag in fetching:
        assert not list(tree.iter(f"{NS}{tag}")), tag
    for element in tree.iter():
        assert element.get("src") is None
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert element.tag == f"{NS}a", (element.tag, value)
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page  # the browser refuses a fetch even if one slipped in


def test_csv_reads_back_with_documented_columns(
    fixed_ledger: Ledger, ex_settings: Settings
) -> None:
    text = export(fixed_ledger, ex_settings, ExportFormat.csv)
    assert text.endswith("\r\n") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_title = {r[4]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_title[HOSTILE]["url"] == "https://github.example/acme/platform/pull/90"
    assert by_title["'" + FORMULA]["outcome"] == "'-1 incidents since"
    assert by_title['Canary stage, retries; "quoted" line']["repo"] == "acme/deploy"
    assert by_title["Tracing in practice"]["source"] == "manual"
    changed = by_title["Add tracing spans to checkout (CORE-118), v2"]
    assert changed["status"] == "accepted, changed upstream"
    assert by_title[PRIVATE_TITLE]["repo"] == "acme/secret-payroll"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+41 79", "'+41 79"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-", "'-"),
        ("＠x", "'＠x"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_formula_injection_is_prefixed(value: str | None, shown: str) -> None:
    assert csv_cell(value) == shown


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_same_ledger_same_bytes(
    fixed_ledger: Ledger, ex_settings: Settings, fmt: ExportFormat
) -> None:
    first = render_export(model(fixed_ledger, ex_settings), fmt)
    again = render_export(model(fixed_ledger, ex_settings), fmt)
    assert first == again


def test_changes_upstream_found_without_reading_rules(
    fixed_ledger: Ledger, ex_settings: Settings
) -> None:
    full = model(fixed_ledger, ex_settings)
    light = model(fixed_ledger, ex_settings, ExportOptions(with_rules=False))
    changed = {m.artifact.key for m in full.mappings if m.changed_upstream}
    assert changed == {"item:github:pull_request:acme/checkout#412"}
    assert {m.artifact.key for m in light.mappings if m.changed_upstream} == changed
    assert render_export(light, ExportFormat.md) == render_export(full, ExportFormat.md)
