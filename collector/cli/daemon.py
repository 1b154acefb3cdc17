"""`growthmap daemon`: collect on the `[schedule]` until stopped."""

from __future__ import annotations

from typing import Annotated

import typer

from collector.cli.common import ConfigOption, handles_errors, state
from collector.cli.signals import stop_on_signals
from collector.core.logfile import logging_to_file
from collector.daemon.service import serve_daemon


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
            once=once,
        )
    raise typer.Exit(code)
