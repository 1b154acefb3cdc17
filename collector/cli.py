"""The `growthmap` command line: a thin shell over `collector`'s functions."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from collector.commands import artifacts as artifacts_cmd
from collector.commands import collect as collect_cmd
from collector.commands import daemon as daemon_cmd
from collector.commands import growth as growth_cmd
from collector.commands import inspect as inspect_cmd
from collector.commands import log as log_cmd
from collector.commands import review as review_cmd
from collector.commands import rules as rules_cmd
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
    configure_logging(debug)


app.command()(setup_cmd.init)
app.command()(collect_cmd.collect)
app.command()(inspect_cmd.status)
app.command()(inspect_cmd.items)
app.command()(daemon_cmd.daemon)
app.add_typer(setup_cmd.config_app, name="config")
app.add_typer(setup_cmd.db_app, name="db")
app.add_typer(rules_cmd.rules_app, name="rules")
app.add_typer(review_cmd.review_app, name="review")
app.command()(artifacts_cmd.add)
app.add_typer(artifacts_cmd.artifacts_app, name="artifacts")
app.add_typer(log_cmd.log_app, name="log")
app.command("map")(growth_cmd.growth_map)
app.add_typer(growth_cmd.skill_app, name="skill")
app.add_typer(growth_cmd.cycle_app, name="cycle")


class _CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time, so a live progress display (which
    redirects stderr) shows warnings above itself instead of being overwritten."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure_logging(debug: bool) -> None:
    handler = _CurrentStderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler.setLevel(logging.DEBUG if debug else logging.WARNING)
    logger = logging.getLogger("growthmap")
    logger.handlers[:] = [handler]
    # Only --debug lowers the logger's own level; otherwise it follows the root's.
    logger.setLevel(logging.DEBUG if debug else logging.NOTSET)


def main() -> None:
    app()
