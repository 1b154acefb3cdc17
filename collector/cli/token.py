"""`growthmap token set SOURCE`, `growthmap token delete SOURCE`: a source's token in the
OS keyring, an alternative to the environment variable named by its `token_env`."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from collector.cli.common import ConfigOption, check_known, err, handles_errors, out, state
from collector.config import Settings
from collector.core.errors import UsageError
from collector.core.keyring_tokens import check_keyring, delete_token, service_name
from collector.pipeline.sources import save_token
from connectors.base import SourceConfig

# Longer than any API token by far: piped a file or an endless stream by mistake, `set`
# stops reading here instead of waiting forever.
LONGEST_TOKEN = 4096

token_app = typer.Typer(
    help="Keep a source's token in the OS keyring instead of an environment variable.",
    no_args_is_help=True,
)

SourceArgument = Annotated[str, typer.Argument(help="The source's name ([[sources]] name).")]


@token_app.command("set")
@handles_errors
def token_set(ctx: typer.Context, source: SourceArgument, config: ConfigOption = None) -> None:
    """Store a source's token in the OS keyring: asked for without echo on a terminal,
    else read from standard input (`growthmap token set github < token.txt`). The
    environment variable, when set, still wins."""
    app = state(ctx, config)
    chosen = _configured(app.settings(), source)
    check_keyring(chosen)
    keyring_name = save_token(chosen, _read_token(chosen))
    out.print(
        f"stored the token of source {chosen.name!r} in the OS keyring ({keyring_name}) "
        f"as {service_name(chosen)}"
    )
    if app.env.get(chosen.token_env, "").strip():
        err.print(
            f"note: ${chosen.token_env} is set, and the environment wins over the keyring: "
            f"unset it for this token to be used"
        )
    if not chosen.enabled:
        err.print(f"note: source {chosen.name!r} is disabled; its token is used once enabled")


@token_app.command("delete")
@handles_errors
def token_delete(ctx: typer.Context, source: SourceArgument, config: ConfigOption = None) -> None:
    """Remove a source's token from the OS keyring (its environment variable is left
    alone)."""
    chosen = _configured(state(ctx, config).settings(), source)
    if delete_token(chosen):
        out.print(f"removed the token of source {chosen.name!r} from the OS keyring")
    else:
        out.print(f"the OS keyring holds no token for source {chosen.name!r}; nothing removed")


def _configured(settings: Settings, name: str) -> SourceConfig:
    """The source named `name` (exit 2 naming the known ones when there is none): the
    keyring entry is tied to its name and its server."""
    check_known("source", [name], [s.name for s in settings.sources])
    return next(s for s in settings.sources if s.name == name)


def _read_token(source: SourceConfig) -> str:
    if sys.stdin.isatty():
        prompt = f"token for source {source.name!r} (typing is not shown): "
        try:
            return getpass.getpass(prompt)
        except EOFError:  # Ctrl-D: nothing given
            return ""
    given = sys.stdin.read(LONGEST_TOKEN + 1)
    if len(given) > LONGEST_TOKEN:
        raise UsageError(
            f"source {source.name!r}: standard input holds more than {LONGEST_TOKEN} "
            "characters, longer than any token; give the token alone. Nothing was stored"
        )
    return given
