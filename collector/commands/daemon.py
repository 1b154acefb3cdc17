"""`growthmap daemon`: collect on the `[schedule]` until stopped."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from collector.commands.common import ConfigOption, handles_errors, state
from collector.config import Settings
from collector.core.logfile import logging_to_file
from collector.export.weekly import write_weekly_export
from collector.ledger import Ledger
from collector.pipeline import RunReport
from collector.schedule.hooks import PostRunHook, WeeklyJob
from collector.schedule.service import serve_daemon
from collector.schedule.signals import stop_on_signals

log = logging.getLogger("growthmap.daemon")


@handles_errors
def daemon(
    ctx: typer.Context,
    config: ConfigOption = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once", help="Run one scheduled cycle (at once if a run is overdue), then exit."
        ),
    ] = False,
) -> None:
    """Collect on the config's schedule until stopped.

    Runs in the foreground on an interval or cron schedule, with jitter,
    backoff after failed runs and one catch-up run after a sleep. SIGTERM or Ctrl-C stops
    cleanly (exit 0); the log goes to stderr and to the log file."""
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    base = settings.path.parent if settings.path else None
    log_path = settings.schedule.log_path(base)
    with (
        logging_to_file(log_path, app.redactor(), console_info=True, debug=app.debug),
        stop_on_signals() as stop,
    ):
        code = serve_daemon(
            settings,
            ledger,
            env=app.env,
            stop=stop,
            hooks=post_run_hooks(settings, ledger),
            weekly=weekly_jobs(settings, ledger),
            once=once,
        )
    raise typer.Exit(code)


# Drafting the affected weeks' progress-log entries needs no hook: `run_collect` does it
# after every run that stored new or changed items, scheduled runs included.


def post_run_hooks(settings: Settings, ledger: Ledger) -> list[PostRunHook]:
    """Called after every scheduled run with its RunReport, in order; a hook that raises
    is logged and the others still run. None are needed today (see above)."""
    return []


def weekly_jobs(settings: Settings, ledger: Ledger) -> list[WeeklyJob]:
    """Run once per ISO week, on the first run from their weekday on: the weekly export
    when `[schedule] weekly_export` is set."""
    weekly = settings.schedule.weekly_export
    if weekly is None:
        return []
    base = settings.path.parent if settings.path else Path.cwd()
    folder = weekly.folder_path(base)

    def export(report: RunReport) -> None:
        path = write_weekly_export(settings, ledger, weekly, folder, report.started_at)
        log.info("weekly export written to %s", path)

    return [WeeklyJob("weekly-export", export, weekly.weekday)]
