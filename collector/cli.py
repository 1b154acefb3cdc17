"""The `growthmap` command line: a thin shell over `collector`'s functions."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from collector.commands import collect as collect_cmd
from collector.commands import daemon as daemon_cmd
from collector.commands import inspect as inspect_cmd
from collector.commands import setup as setup_cmd
from collector.commands.common import AppState

app = typer.Typer(
    name="growthmap",
    help="Turn your everyday work on GitHub, GitLab and Jira into evidence for your growth map.",
    no_args_is_help=True,
    # Locals in a pretty traceback could print a token: never show them.
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file (default: $GROWTHMAP_CONFIG, then the user config dir).",
            dir_okay=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option(help="Log details and show tracebacks.")] = False,
) -> None:
    state = AppState(config_path=config, debug=debug)
    ctx.obj = state
    ctx.call_on_close(state.close)
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


app.command()(setup_cmd.init)
app.command()(collect_cmd.collect)
app.command()(inspect_cmd.status)
app.command()(inspect_cmd.items)
app.command()(daemon_cmd.daemon)
app.add_typer(setup_cmd.config_app, name="config")
app.add_typer(setup_cmd.db_app, name="db")


def main() -> None:
    app()
