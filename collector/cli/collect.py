"""`growthmap collect`."""

from __future__ import annotations

import functools
import json
import sys
from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape

from collector.cli.collect_view import (
    TerminalProgress,
    failures,
    header,
    report_json,
    summary_table,
)
from collector.cli.common import ConfigOption, err, handles_errors, state
from collector.cli.signals import stop_on_signals
from collector.collect import run_collect
from collector.collect.summary import cron_lines, log_report
from collector.core.errors import UsageError
from collector.core.logfile import logging_to_file
from collector.core.timeparse import parse_wait, parse_when
from collector.pipeline import CollectOptions, RunReport, SilentProgress
from collector.progress import drafted_summary

WHEN_HELP = "ISO date (midnight, owner's timezone), ISO datetime, or relative: 14d, 6w, 12h"


@handles_errors
def collect(
    ctx: typer.Context,
    config: ConfigOption = None,
    since: Annotated[str | None, typer.Option(help=f"Fetch from WHEN. {WHEN_HELP}.")] = None,
    until: Annotated[str | None, typer.Option(help="Fetch up to WHEN (same forms).")] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    full: Annotated[bool, typer.Option(help="Ignore cursors and fetch all history.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Fetch and count, write nothing.")] = False,
    wait: Annotated[
        str,
        typer.Option(
            metavar="SECONDS", help="Seconds to wait for another run's lock before exit 3."
        ),
    ] = "0",
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Collect new and changed work from every enabled source into the ledger."""
    app = state(ctx, config)
    settings = app.settings()
    zone = settings.owner.zone
    options = _options(since, until, full, dry_run, tuple(source or ()), zone)
    wait_seconds = parse_wait(wait)
    ledger = app.ledger()
    interactive = sys.stderr.isatty() and not as_json
    base = settings.path.parent if settings.path else None
    with (
        logging_to_file(settings.schedule.log_path(base), app.redactor(), debug=app.debug),
        stop_on_signals() as stop,
    ):
        collect_now = functools.partial(
            run_collect, settings, ledger, options, env=app.env, wait=wait_seconds, stop=stop
        )
        if interactive:
            err.print(header(options.since, zone, dry_run))
            with TerminalProgress(Console(stderr=True, highlight=False)) as progress:
                report = collect_now(progress=progress)
        else:
            report = collect_now(progress=SilentProgress())
        log_report(report)
    _render(report, interactive, as_json)
    if report.interrupted and not as_json:
        print(
            "interrupted: everything stored so far is kept; the next run fetches the rest",
            file=sys.stderr,
        )
    raise typer.Exit(int(report.exit_code))


def _options(
    since: str | None,
    until: str | None,
    full: bool,
    dry_run: bool,
    sources: tuple[str, ...],
    zone: ZoneInfo,
) -> CollectOptions:
    if full and since:
        # Honouring one silently would fetch a window the user did not ask for.
        raise UsageError(
            "--full fetches all history and --since fetches from WHEN: give one of them"
        )
    now = datetime.now(UTC)
    options = CollectOptions(
        since=parse_when(since, now=now, tz=zone) if since else None,
        until=parse_when(until, now=now, tz=zone, option="--until") if until else None,
        sources=sources,
        full=full,
        dry_run=dry_run,
    )
    if options.since and options.until and options.since >= options.until:
        raise UsageError("--since must be earlier than --until")
    return options


def _render(report: RunReport, interactive: bool, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report_json(report), indent=2))
        return
    if not interactive:
        if report.run_id is None:  # only a dry run has no run row
            print(
                "dry run: nothing was written; these counts are what a run would store",
                file=sys.stderr,
            )
        for line in cron_lines(report):
            print(line, file=sys.stderr)
        return
    err.print()
    err.print(summary_table(report))
    for line in failures(report):
        err.print(f"[red]✗[/] {escape(line)}", markup=True, highlight=False)
    footer = [
        f"{report.new_suggestions} new suggestions (run `growthmap review`)"
        if report.new_suggestions
        else "",
        drafted_summary(report.drafted_weeks),
    ]
    if any(footer):
        err.print(" " + " · ".join(part for part in footer if part), highlight=False)
