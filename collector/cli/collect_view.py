"""What `collect` shows: live progress and a table on a terminal, one line per source in cron."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from collector.core.textsafe import clean
from collector.ledger.runs import StreamRecord
from collector.pipeline import ALL_STREAMS, RunReport


class TerminalProgress:
    """A live row per (source, stream) with items fetched so far."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.fields[source]:<8} {task.fields[stream]:<15}"),
            BarColumn(bar_width=20),
            TextColumn("{task.completed:>6} items"),
            TextColumn("{task.fields[note]}"),
            console=console,
            transient=True,  # the summary table replaces it
        )
        self._tasks: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> TerminalProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def stream_started(self, source: str, stream: str, since: datetime) -> None:
        with self._lock:
            self._tasks[(source, stream)] = self._progress.add_task(
                "", total=None, source=source, stream=stream, note=""
            )

    def items_fetched(self, source: str, stream: str, count: int) -> None:
        task = self._tasks.get((source, stream))
        if task is not None:
            self._progress.advance(task, count)

    def stream_finished(self, record: StreamRecord) -> None:
        with self._lock:
            task = self._tasks.get((record.source, record.stream))
            if task is None:
                task = self._progress.add_task(
                    "", total=None, source=record.source, stream=record.stream, note=""
                )
        done = record.new + record.updated + record.unchanged
        note = (
            plural(record.requests, "request") if record.status == "ok" else f"[red]{record.status}"
        )
        # The count shown is what the stream stored; a stream that found nothing shows 0.
        self._progress.update(task, total=max(done, 1), completed=done, note=note)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_table(report: RunReport) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("source", "stream", "new", "updated", "unchanged", "requests", "time"):
        table.add_column(column, justify="left" if column in ("source", "stream") else "right")
    order = {
        name: index for index, name in enumerate(dict.fromkeys(r.source for r in report.records))
    }
    for r in sorted(report.records, key=lambda r: order[r.source]):
        if r.status in ("ok", "interrupted"):  # an interrupted stream stored what it read
            table.add_row(
                r.source,
                r.stream if r.status == "ok" else f"{r.stream} [yellow]interrupted[/]",
                str(r.new),
                str(r.updated),
                str(r.unchanged),
                str(r.requests),
                f"{r.duration_s:.1f}s",
            )
        else:
            stream = "" if r.stream == ALL_STREAMS else r.stream
            table.add_row(
                r.source,
                stream,
                f"[red]{r.status}[/]",
                "",
                "",
                str(r.requests),
                f"{r.duration_s:.1f}s",
            )
    return table


def failures(report: RunReport) -> list[str]:
    """One line per failed or skipped stream (a source-wide failure once); interrupted
    streams are said once, for the whole run, by the command."""
    lines, seen = [], set()
    for r in report.records:
        if r.status not in ("ok", "interrupted") and (r.source, r.error) not in seen:
            seen.add((r.source, r.error))
            where = r.source if r.stream == ALL_STREAMS else f"{r.source} {r.stream}"
            lines.append(f"{where}: {clean(r.error or r.status)}")
    return lines


def report_json(report: RunReport) -> dict[str, Any]:
    return {
        "run_id": report.run_id,
        "status": report.status,
        "exit_code": int(report.exit_code),
        "started_at": report.started_at.isoformat(),
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "new_suggestions": report.new_suggestions,
        "drafted_weeks": report.drafted_weeks,
        "streams": [
            {
                "source": r.source,
                "stream": r.stream,
                "status": r.status,
                "new": r.new,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "requests": r.requests,
                "retries": r.retries,
                "waited_s": r.waited_s,
                "error": r.error,
                "duration_s": r.duration_s,
                "since": r.window_since.isoformat() if r.window_since else None,
            }
            for r in report.records
        ],
    }


def header(since: datetime | None, tz: ZoneInfo, dry_run: bool) -> str:
    prefix = "Dry run: nothing is written. " if dry_run else ""
    if since is None:
        return f"{prefix}Collecting since each stream's last run ({tz.key})"
    return f"{prefix}Collecting since {since.astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})"
