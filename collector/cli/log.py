"""`growthmap log`: the weekly progress log — drafted from evidence, yours to edit."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown
from rich.table import Table

from collector.cli.common import ConfigOption, err, handles_errors, out, state
from collector.core.errors import UsageError
from collector.core.textsafe import clean
from collector.core.timeparse import shown
from collector.progress import Week, draft_week, list_entries, save_edit, show_week
from collector.progress.drafting import parse_week_or_current
from collector.progress.weeks import local_date

log_app = typer.Typer(
    help="The weekly progress log: drafted from your evidence, yours to edit.",
    no_args_is_help=True,
)

WeekArgument = Annotated[
    str | None,
    typer.Argument(help="ISO week (2026-W47), a date in it, or 'last'. Default: this week."),
]
MarkdownOption = Annotated[
    bool, typer.Option("--markdown", help="Print the Markdown source even on a terminal.")
]


def _week(text: str | None, now: datetime, ctx: typer.Context) -> Week:
    zone = state(ctx).settings().owner.zone
    return parse_week_or_current(text, local_date(now, zone))


def print_markdown(text: str, source: bool) -> None:
    """Markdown rendered by rich on a terminal; the source when piped or asked for."""
    if source or not sys.stdout.isatty():
        sys.stdout.write(text)
    else:
        out.print(Markdown(text))


@log_app.command("draft")
@handles_errors
def draft(ctx: typer.Context, week: WeekArgument = None, config: ConfigOption = None) -> None:
    """Draft (or redraft) a week's entry from the ledger. An edit you made is kept."""
    app = state(ctx, config)
    now = datetime.now(UTC)
    chosen = _week(week, now, ctx)
    row = draft_week(app.ledger(), app.settings(), chosen, now)
    kept = " (your edit is kept; `growthmap log show` marks what is new)" if row.text else ""
    err.print(f"week {chosen.id} drafted{kept} (`growthmap log show {chosen.id}`)")


@log_app.command("show")
@handles_errors
def show(
    ctx: typer.Context,
    week: WeekArgument = None,
    config: ConfigOption = None,
    markdown: MarkdownOption = False,
) -> None:
    """Show a week's entry: your edit and what arrived since, or the draft as the ledger
    has it now. Stores nothing."""
    app = state(ctx, config)
    now = datetime.now(UTC)
    entry = show_week(app.ledger(), app.settings(), _week(week, now, ctx))
    print_markdown(entry.text, markdown)


@log_app.command("list")
@handles_errors
def list_(
    ctx: typer.Context,
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many weeks.")] = 12,
) -> None:
    """Stored entries, newest first, with a one-line summary of each week's evidence."""
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    with ledger.read() as session:
        entries = list_entries(session, settings, limit=limit)
    if not entries:
        err.print("No entries yet: `growthmap collect` drafts them, or `growthmap log draft`.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("week", "dates", "entry", "evidence"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        status = "edited" if entry.edited else "draft"
        if entry.new_since_edit:
            status += f" · {entry.new_since_edit} new"
        table.add_row(entry.week.id, entry.week.dates_label(), status, clean(entry.headline))
    out.print(table)


@log_app.command("edit")
@handles_errors
def edit(ctx: typer.Context, week: WeekArgument = None, config: ConfigOption = None) -> None:
    """Edit a week's entry in $VISUAL / $EDITOR. Later drafts never overwrite it; save an
    empty file to drop your edit and go back to the draft."""
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    now = datetime.now(UTC)
    chosen = _week(week, now, ctx)
    entry = show_week(ledger, settings, chosen)
    secrets = [source.token_env for source in settings.sources]
    edited = run_editor(entry.text, chosen, app.env, secrets)
    outcome = save_edit(ledger, settings, chosen, edited, datetime.now(UTC))
    messages = {
        "saved": f"week {chosen.id} saved; later drafts will not overwrite it",
        "unchanged": f"week {chosen.id} unchanged",
        "reverted": f"week {chosen.id}: your edit is dropped, the entry follows the draft again",
    }
    err.print(messages[outcome])


def run_editor(text: str, week: Week, env: dict[str, str], secrets: Iterable[str] = ()) -> str:
    """Open `text` in the user's editor and return what they saved.

    The editor gets a copy in a private temporary folder, which is also its working folder,
    and an environment without the sources' tokens: whatever the command does to its
    argument or the files around it (`EDITOR="rm -f"`), the ledger and the entry are safe.
    """
    command = env.get("VISUAL") or env.get("EDITOR")
    if not command:
        raise UsageError("no editor: set $EDITOR (for example EDITOR=nano)")
    hidden = set(secrets)
    editor_env = {k: v for k, v in {**os.environ, **env}.items() if k not in hidden}
    with tempfile.TemporaryDirectory(prefix="growthmap-") as folder:
        path = Path(folder) / f"{week.id}.md"
        path.write_text(text, encoding="utf-8")
        try:
            result = subprocess.run(
                [*shlex.split(command), str(path)], check=False, env=editor_env, cwd=folder
            )
        except (OSError, ValueError) as exc:  # ValueError: unbalanced quotes in $EDITOR
            reason = getattr(exc, "strerror", None) or str(exc)
            raise UsageError(f"cannot start the editor {shown(command)}: {reason}") from None
        if result.returncode != 0:
            raise UsageError(f"the editor exited with status {result.returncode}; nothing saved")
        return _saved_text(path, command)


def _saved_text(path: Path, command: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"the editor {shown(command)} left no file {path.name} behind; nothing saved, "
            "the entry is as it was"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"cannot read what the editor saved ({exc.__class__.__name__}); nothing saved"
        ) from None
