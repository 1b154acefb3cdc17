"""The `growthmap` command line: a thin shell over `collector`'s functions.

One module per command or command group, named after it (`collect`, `daemon`, `export`,
`growth` for map/skill/cycle, `inspect` for status/items, `log`, `review`, `rules`,
`setup` for init/config/db, `token` for tokens in the OS keyring, `artifacts` for
add/artifacts, `brief`, `feedback`, `snapshots`); `common` holds what every command
shares (settings, ledger, error handling), `collect_view` what `collect` shows on a
terminal, `signals` the clean stop on SIGTERM/SIGINT. Commands parse, call functions of
the layers below, and render: none of them touches the ORM.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer

from collector.cli import artifacts as artifacts_cmd
from collector.cli import brief as brief_cmd
from collector.cli import collect as collect_cmd
from collector.cli import daemon as daemon_cmd
from collector.cli import export as export_cmd
from collector.cli import feedback as feedback_cmd
from collector.cli import growth as growth_cmd
from collector.cli import inspect as inspect_cmd
from collector.cli import log as log_cmd
from collector.cli import review as review_cmd
from collector.cli import rules as rules_cmd
from collector.cli import setup as setup_cmd
from collector.cli import snapshots as snapshots_cmd
from collector.cli import token as token_cmd
from collector.cli.common import AppState
from collector.core.errors import ExitCode
from collector.core.logfile import CurrentStderrHandler

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
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=lambda given: given and print_version(),
            help="Print the installed version and exit.",
        ),
    ] = False,
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
app.add_typer(token_cmd.token_app, name="token")
app.add_typer(rules_cmd.rules_app, name="rules")
app.add_typer(review_cmd.review_app, name="review")
app.command()(artifacts_cmd.add)
app.add_typer(artifacts_cmd.artifacts_app, name="artifacts")
app.add_typer(log_cmd.log_app, name="log")
app.command("map")(growth_cmd.growth_map)
app.add_typer(growth_cmd.skill_app, name="skill")
app.add_typer(growth_cmd.cycle_app, name="cycle")
app.command()(export_cmd.export)
app.command()(brief_cmd.brief)
app.add_typer(feedback_cmd.feedback_app, name="feedback")
app.add_typer(snapshots_cmd.snapshots_app, name="snapshots")


def print_version() -> None:
    """`growthmap <version>`, from the installed distribution's metadata (pyproject.toml's
    version, as pip installed it), then exit."""
    try:
        installed = version("growthmap")
    except PackageNotFoundError:
        print(
            "error: growthmap is not installed as a package, so it has no version; "
            "install it with `pip install .`",
            file=sys.stderr,
        )
        raise typer.Exit(ExitCode.BAD_INPUT) from None
    print(f"growthmap {installed}")
    raise typer.Exit(ExitCode.OK)


def configure_logging(debug: bool) -> None:
    handler = CurrentStderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler.setLevel(logging.DEBUG if debug else logging.WARNING)
    logger = logging.getLogger("growthmap")
    logger.handlers[:] = [handler]
    # Only --debug lowers the logger's own level; otherwise it follows the root's.
    logger.setLevel(logging.DEBUG if debug else logging.NOTSET)


def main() -> None:
    app()
