"""Titles, notes and edits that would drive a terminal (ESC, BEL, NUL, CR, RLO), cells
longer than a spreadsheet holds, and formulas behind control characters: every export
format shows them as inert text; JSON keeps every character, escaped."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from export_data import NOW, OWNER, pr, suggestion
from export_support import export
from sqlalchemy import select

from collector.config import Settings
from collector.export import ExportFormat, ExportOptions
from collector.export.tables import CELL_LIMIT, csv_cell
from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow, LogEntryRow

# Set the window title, ring the bell, clear the screen, a backspace and a carriage return
# that hide what came before, a right-to-left override that shows text backwards, a C1
# CSI. (NUL is in the cell tests below: PostgreSQL refuses to store it.)
TERMINAL = "Fix\x1b]0;pwned\x07 the\x1b[2J build\x08\rOK \u202eevil\u202c\x9b31m end"
SHOWN = "Fix the buildOK evil31m end"
LONG = "x" * 200_000
FORMULA_BEHIND_CONTROLS = '\x07\x1b[0m=HYPERLINK("http://evil.example","click")'
# C0 (except tab and line feed), DEL, C1, bidi embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile_ledger(fixed_ledger: Ledger) -> Ledger:
    items = [
        pr(501, "acme/platform", "2026-11-17T10:00:00", TERMINAL),
        pr(502, "acme/platform", "2026-11-17T11:00:00", LONG),
        pr(503, "acme/platform", "2026-11-17T12:00:00", FORMULA_BEHIND_CONTROLS),
    ]
    with fixed_ledger.write() as session:
        record_items(session, OWNER, items, NOW)
        for row in session.scalars(select(ItemRow).where(ItemRow.external_id.like("%#50_"))):
            note = f"note {TERMINAL}"
            session.add(suggestion(row.id, row.content_hash, "A", "observability", "accepted",
                                   1.0, note))  # fmt: skip
        edited = session.get(LogEntryRow, (OWNER, "2026-W47"))
        assert edited is not None
        edited.text = f"## My week 47\n\nShipped {TERMINAL}.\r\n"
        edited.edited_at = NOW - timedelta(hours=1)
    return fixed_ledger


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_no_control_character_reaches_a_terminal(
    hostile_ledger: Ledger, ex_settings: Settings, fmt: ExportFormat
) -> None:
    text = export(hostile_ledger, ex_settings, fmt, ExportOptions())
    if fmt is ExportFormat.csv:
        text = text.replace("\r\n", "\n")  # the line ends RFC 4180 asks for
    found = {f"U+{ord(c):04X}" for c in UNSAFE.findall(text)}
    assert found == set(), fmt
    if fmt is not ExportFormat.json:
        assert SHOWN in text, fmt


def test_json_keeps_every_character_escaped(hostile_ledger: Ledger, ex_settings: Settings) -> None:
    text = export(hostile_ledger, ex_settings, ExportFormat.json, ExportOptions())
    assert "\\u202e" in text and "\\u009b" in text and "\\u001b" in text
    assert "\\u001f" not in text  # nothing of how the export was put together
    titles = {i["title"] for i in json.loads(text)["items"]}
    assert TERMINAL in titles and LONG in titles  # lossless: a program reads them back


def test_csv_cells_are_one_clean_line_no_longer_than_a_spreadsheet_holds(
    hostile_ledger: Ledger, ex_settings: Settings
) -> None:
    text = export(hostile_ledger, ex_settings, ExportFormat.csv, ExportOptions())
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    by_url = {r["url"]: r for r in rows}
    platform = "https://github.example/acme/platform/pull/{}"
    assert by_url[platform.format(501)]["title"] == SHOWN
    assert by_url[platform.format(501)]["outcome"] == f"note {SHOWN}"
    long = by_url[platform.format(502)]["title"]
    assert len(long) == CELL_LIMIT and long.endswith("…")
    assert by_url[platform.format(503)]["title"] == """'=HYPERLINK("http://evil.example","click")"""
    assert all(len(cell) <= CELL_LIMIT for row in rows for cell in row.values())
    assert all("\n" not in cell and "\r" not in cell for row in rows for cell in row.values())


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("\x00=1+1", "'=1+1"),
        ("  =1+1", "'=1+1"),
        ("\u202e=1+1", "'=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # a full-width equals sign
        ("\tx", "x"),
        ("\rx", "x"),
        ("a\x1b]0;title\x07b", "ab"),
        ("two\nlines", "two lines"),
        ("😀" * 20_000, "😀" * 16_383 + "…"),  # 2 UTF-16 units each: 32,766 + 1
        ("x" * CELL_LIMIT, "x" * CELL_LIMIT),  # exactly what a cell holds: whole
    ],
)
def test_a_cell_is_cleaned_before_it_is_checked_for_a_formula(value: str, shown: str) -> None:
    assert csv_cell(value) == shown
