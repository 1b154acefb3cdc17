"""Exporting evidence for performance reviews: Markdown, HTML, JSON and CSV.

`gather_export` reads the model once (period, options, redaction); a renderer per format
turns it into text; `write_export` writes a file atomically. Everything is sorted and
takes its dates from the ledger or the caller, so the same ledger and options give the
same bytes."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from collector.config import Settings
from collector.export.files import PATH_RULE, check_export_path, write_export
from collector.export.html import render_html
from collector.export.markdown import render_markdown
from collector.export.model import ExportModel, ExportOptions, gather_export
from collector.export.period import Period, resolve_period
from collector.export.tables import CSV_COLUMNS, SCHEMA, render_csv, render_json
from collector.progress.lines import md_text, safe_url


class ExportFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"
    csv = "csv"


RENDERERS: dict[ExportFormat, Callable[[ExportModel], str]] = {
    ExportFormat.md: render_markdown,
    ExportFormat.html: render_html,
    ExportFormat.json: render_json,
    ExportFormat.csv: render_csv,
}


def render_export(model: ExportModel, fmt: ExportFormat) -> bytes:
    return RENDERERS[fmt](model).encode("utf-8")


def export_bytes(
    session: Session,
    settings: Settings,
    period: Period,
    options: ExportOptions,
    as_of: date,
    fmt: ExportFormat,
) -> bytes:
    """Read, build and render one export."""
    if fmt is ExportFormat.csv:  # rows of evidence only: drafting the log would be waste
        options = replace(options, with_log=False)
    with cyclic_gc_paused(), line_memos():
        return render_export(gather_export(session, settings, period, options, as_of), fmt)


def export_every_format(
    session: Session, settings: Settings, period: Period, options: ExportOptions, as_of: date
) -> tuple[ExportModel, dict[ExportFormat, bytes]]:
    """The model and every format rendered from one read of the ledger (a snapshot keeps
    them all). Each format's bytes are the ones `export_bytes` gives for it: the JSON's
    details (rules, private flags) and the log are gathered once, and the formats that do
    not show them leave them out."""
    full = replace(options, with_rules=True, with_log=True)
    with cyclic_gc_paused(), line_memos():
        model = gather_export(session, settings, period, full, as_of)
        return model, {fmt: render_export(model, fmt) for fmt in ExportFormat}


@contextmanager
def line_memos() -> Iterator[None]:
    """The Markdown helpers' memos live for one export (and are freed after it)."""
    for memo in (md_text, safe_url):
        memo.cache_clear()
    try:
        yield
    finally:
        for memo in (md_text, safe_url):
            memo.cache_clear()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """An export makes a few hundred thousand small objects that all live until it ends;
    the cyclic collector would scan them again and again for nothing (a third of the
    time on a year of evidence). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


__all__ = [
    "CSV_COLUMNS",
    "PATH_RULE",
    "SCHEMA",
    "ExportFormat",
    "ExportModel",
    "ExportOptions",
    "Period",
    "check_export_path",
    "cyclic_gc_paused",
    "export_bytes",
    "export_every_format",
    "gather_export",
    "render_csv",
    "render_export",
    "render_html",
    "render_json",
    "render_markdown",
    "resolve_period",
    "write_export",
]
