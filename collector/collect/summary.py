"""A run in words, for cron and the log file: one line per source with its outcome and
counts (`cron_lines`), and the run's record in the log (`log_report`)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime

from collector.core.logfile import run_log
from collector.core.textsafe import clean
from collector.ledger.runs import StreamRecord
from collector.pipeline import RunReport


def cron_lines(report: RunReport) -> list[str]:
    """One line per source: timestamp, outcome and counts, for logs."""
    by_source: dict[str, list[StreamRecord]] = defaultdict(list)
    for record in report.records:
        by_source[record.source].append(record)
    stamp = (report.finished_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    width = max((len(s) for s in by_source), default=0)
    lines = []
    for source, records in sorted(by_source.items()):
        new = sum(r.new for r in records)
        updated = sum(r.updated for r in records)
        requests = sum(r.requests for r in records)
        seconds = sum(r.duration_s for r in records)
        line = (
            f"{stamp} {source:<{width}} {_outcome(records)} new={new} "
            f"updated={updated} requests={requests} {seconds:.1f}s"
        )
        retries = sum(r.retries for r in records)
        if retries:  # a run that had to wait says how much of its time that was
            line += f" retries={retries} waited={sum(r.waited_s for r in records):.0f}s"
        said = (r.error for r in records if r.status not in ("ok", "interrupted"))
        errors = sorted({clean(e) for e in said if e})
        if errors:
            line += " error=" + json.dumps("; ".join(errors), ensure_ascii=False)
        lines.append(line)
    return lines


def _outcome(records: list[StreamRecord]) -> str:
    """A source's word in the cron line: failed (or skipped) wins, then interrupted, then ok."""
    statuses = {r.status for r in records}
    if statuses - {"ok", "interrupted"}:
        return "failed"
    return "interrupted" if "interrupted" in statuses else "ok"


def log_report(report: RunReport) -> None:
    """The run's outcome in the log: a headline, then one line per source as in cron
    output (without its timestamp: the log line has one)."""
    kind = "dry run" if report.run_id is None else f"run {report.run_id}"
    note = ": everything stored so far is kept" if report.interrupted else ""
    run_log.info("%s %s%s", kind, report.status, note)
    for line in cron_lines(report):
        run_log.info("%s", line.partition(" ")[2])
    if report.drafted_weeks:
        run_log.info("progress log drafted for %s", ", ".join(report.drafted_weeks))
