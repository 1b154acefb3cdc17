"""`growthmap export`: evidence for a performance review as Markdown, HTML, JSON or CSV."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from collector.cli.common import AppState, ConfigOption, err, handles_errors, state
from collector.core.errors import UsageError
from collector.core.timeparse import parse_day, shown
from collector.export import (
    PATH_RULE,
    ExportFormat,
    ExportOptions,
    check_export_path,
    export_bytes,
    resolve_period,
    write_export,
)
from collector.progress.weeks import local_date
from collector.snapshots import (
    SnapshotRequest,
    changes_since,
    check_name,
    render_changes_json,
    render_changes_markdown,
    take_snapshot,
)


class Redact(StrEnum):
    private = "private"


FormatOption = Annotated[
    ExportFormat, typer.Option("--format", "-f", help="md, html, json or csv.")
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="File to write (default: stdout, also `-`). Missing folders are "
        f"created; the file gets mode 0600. Rule: {PATH_RULE}.",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace an existing file (and snapshot of that name).")
]
SinceOption = Annotated[
    str | None, typer.Option(help="Start: 2026-10-01, 2026-10-01T09:00 or 90d.")
]
UntilOption = Annotated[str | None, typer.Option(help="End (exclusive), same forms.")]
CycleOption = Annotated[
    int | None, typer.Option(help="Learning cycle N (1 = the first in the config).")
]
QuarterOption = Annotated[str | None, typer.Option(help="Calendar quarter, e.g. 2026Q4.")]
DestinationOption = Annotated[
    str | None, typer.Option(help="Only this destination's evidence (its id).")
]
SuggestedOption = Annotated[
    bool,
    typer.Option("--include-suggested", help="Also suggested evidence not yet accepted (marked)."),
]
RedactOption = Annotated[
    Redact | None,
    typer.Option(
        help="'private': replace the titles, links and names of private repositories "
        "with neutral text, for sharing outside the company."
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Date the growth map is drawn for (default: the period's last day, or "
        "today for an open period). Same ledger, options and date: same bytes.",
    ),
]
SnapshotOption = Annotated[
    str | None,
    typer.Option(
        "--snapshot",
        metavar="NAME",
        help="Also store this export in the ledger as it is handed in (every format), "
        "for `growthmap snapshots export NAME` to give back byte for byte.",
    ),
]
ChangesOption = Annotated[
    str | None,
    typer.Option(
        "--changes-since",
        metavar="NAME",
        help="Instead of the export: what an export drawn now shows differently from "
        "snapshot NAME (its own period and options; md or json).",
    ),
]


@handles_errors
def export(
    ctx: typer.Context,
    config: ConfigOption = None,
    fmt: FormatOption = ExportFormat.md,
    output: OutputOption = None,
    force: ForceOption = False,
    since: SinceOption = None,
    until: UntilOption = None,
    cycle: CycleOption = None,
    quarter: QuarterOption = None,
    destination: DestinationOption = None,
    include_suggested: SuggestedOption = False,
    redact: RedactOption = None,
    as_of: AsOfOption = None,
    snapshot: SnapshotOption = None,
    changes: ChangesOption = None,
) -> None:
    """Export evidence for a performance review (md, html, json, csv).

    The growth map, the portfolio of impact,
    the progress log, every artifact, endorsements and the level history."""
    app = state(ctx, config)
    settings = app.settings()
    output = output_file(output)  # before any work, so a bad path fails fast
    if changes is not None:
        chosen = (since, until, cycle, quarter, destination, redact, as_of, snapshot)
        _export_changes(app, changes, fmt, output, force, any(chosen) or include_suggested)
        return
    now = datetime.now(UTC)
    period = resolve_period(
        since=since,
        until=until,
        cycle=cycle,
        quarter=quarter,
        cycles=list(settings.growth_map.cycles),
        zone=settings.owner.zone,
        now=now,
    )
    today = local_date(now, settings.owner.zone)
    day = parse_day(as_of, option="--as-of") if as_of else min(today, period.last or today)
    options = ExportOptions(
        destination, include_suggested, redact is Redact.private, fmt is ExportFormat.json
    )
    if snapshot is not None:
        request = SnapshotRequest(check_name(snapshot), period, options, day, fmt)
        _export_snapshot(app, request, output, force)
        return
    with app.ledger().read() as session:
        data = export_bytes(session, settings, period, options, day, fmt)
    deliver(app.redactor().redact_bytes(data), output, force, f"{fmt.value} export")


def _export_snapshot(
    app: AppState, request: SnapshotRequest, output: Path | None, force: bool
) -> None:
    """Store the snapshot and hand the export out in one transaction: a file that cannot
    be written leaves no snapshot behind."""
    with app.ledger().write() as session:
        data = take_snapshot(
            session,
            app.settings(),
            request,
            force=force,
            now=datetime.now(UTC),
            redact=app.redactor().redact_bytes,
        )
        deliver(data, output, force, f"{request.format.value} export")
    err.print(
        f"snapshot {request.name!r} stored (md, html, json and csv): "
        f"`growthmap snapshots export {request.name}` gives it back",
        markup=False,
    )


def _export_changes(
    app: AppState,
    name: str,
    fmt: ExportFormat,
    output: Path | None,
    force: bool,
    more: bool,
) -> None:
    if more:
        raise UsageError(
            "--changes-since compares with the snapshot's own period and options: give "
            "no period, --destination, --include-suggested, --redact, --as-of or --snapshot"
        )
    if fmt not in (ExportFormat.md, ExportFormat.json):
        raise UsageError("--changes-since writes md or json")
    redact = app.redactor().redact_bytes
    with app.ledger().read() as session:
        report = changes_since(session, app.settings(), check_name(name), redact)
    render = render_changes_json if fmt is ExportFormat.json else render_changes_markdown
    deliver(redact(render(report).encode("utf-8")), output, force, "changes")


def deliver(data: bytes, output: Path | None, force: bool, what: str) -> None:
    """`data` to stdout, or to the file (atomic, mode 0600, replaced only with `force`)."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_export(output, data, force=force)
    err.print(f"wrote {what} to {output} ({len(data):,} bytes)", markup=False)


# The longest file name Linux and macOS file systems take, less what the atomic write
# adds around it for its temporary file (`.NAME.XXXXXXXX.tmp`).
_NAME_MAX = 255
_LONGEST_NAME = _NAME_MAX - len("..12345678.tmp")


def output_file(output: Path | None) -> Path | None:
    """The file to write, or None for stdout (`-o -`, as most tools take it)."""
    if output is None or str(output) == "-":
        return None
    for part in output.parts:
        limit = _LONGEST_NAME if part == output.name else _NAME_MAX
        if len(os.fsencode(part)) > limit:
            raise UsageError(
                f"--output: the name {shown(part)} is {len(os.fsencode(part))} bytes long; "
                f"file systems take at most {limit} here: choose a shorter name"
            )
    return check_export_path(output)
