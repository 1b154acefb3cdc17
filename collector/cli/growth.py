"""`growthmap map`, `growthmap skill …` and `growthmap cycle review`."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

import typer

from collector.cli.common import ConfigOption, err, handles_errors, state
from collector.cli.log import MarkdownOption, print_markdown
from collector.core.textsafe import clean
from collector.core.timeparse import parse_day
from collector.progress import (
    build_cycle_review,
    build_growth_map,
    level_history,
    record_level,
    render_cycle_review,
    render_map_markdown,
    render_map_text,
)
from collector.progress.levels import LevelChange, level_on, resolve_skill
from collector.progress.weeks import local_date

skill_app = typer.Typer(
    help="Skill levels: record a change, see the history.", no_args_is_help=True
)
cycle_app = typer.Typer(help="Learning cycles.", no_args_is_help=True)


class MapFormat(StrEnum):
    text = "text"
    md = "md"


def _today(ctx: typer.Context) -> date:
    return local_date(datetime.now(UTC), state(ctx).settings().owner.zone)


@handles_errors
def growth_map(
    ctx: typer.Context,
    config: ConfigOption = None,
    fmt: Annotated[MapFormat, typer.Option("--format", help="text or md.")] = MapFormat.text,
) -> None:
    """The one-page growth map: destinations, skills and levels, the cycle, gaps, checklist."""
    app = state(ctx, config)
    with app.ledger().read() as session:
        view = build_growth_map(session, app.settings(), _today(ctx))
    render = render_map_markdown if fmt is MapFormat.md else render_map_text
    sys.stdout.write(render(view))


_NONE = LevelChange("", None)  # a skill with no level at all yet


@skill_app.command("set")
@handles_errors
def skill_set(
    ctx: typer.Context,
    skill: Annotated[str, typer.Argument(help="Skill id, or DEST/skill-id.")],
    level: Annotated[str, typer.Argument(help="N, P or E.")],
    config: ConfigOption = None,
    when: Annotated[
        str | None, typer.Option("--date", help="Effective date (YYYY-MM-DD). Default: today.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why (e.g. the feedback session).")] = None,
) -> None:
    """Record a level change. growthmap suggests; only this command changes a level."""
    app = state(ctx, config)
    settings = app.settings()
    effective = parse_day(when, option="--date") if when else _today(ctx)
    owner, growth_map, today = settings.owner.key, settings.growth_map, _today(ctx)
    with app.ledger().write() as session:
        key = resolve_skill(growth_map, skill)
        name = f"{key[0]}/{key[1]}"
        held = level_on(level_history(session, owner, growth_map).get(key, [_NONE]), effective)
        if held.level == level.strip().upper():
            since = f" (since {held.effective})" if held.effective else ""
            err.print(f"{name} is already {held.level} on {effective}{since}; nothing recorded")
            return
        _, change = record_level(
            session, owner, growth_map, skill, level, effective, datetime.now(UTC), note
        )
        current = level_on(level_history(session, owner, growth_map)[key], today)
    err.print(f"{name} is {change.level} from {effective.isoformat()}")
    if current.level != change.level and current.effective and current.effective > effective:
        err.print(
            f"note: a later entry keeps {name} at {current.level} "
            f"(from {current.effective}); `growthmap skill history` shows both"
        )


@skill_app.command("history")
@handles_errors
def skill_history(
    ctx: typer.Context,
    skill: Annotated[str | None, typer.Argument(help="Skill id or DEST/skill-id.")] = None,
    config: ConfigOption = None,
) -> None:
    """Every skill's levels over time (the config's level first)."""
    app = state(ctx, config)
    settings = app.settings()
    only = resolve_skill(settings.growth_map, skill) if skill else None
    with app.ledger().read() as session:
        history = level_history(session, settings.owner.key, settings.growth_map)
    for key in sorted(history) if only is None else [only]:
        changes = " → ".join(
            f"{c.level} ({c.effective.isoformat() if c.effective else 'start'})"
            for c in history[key]
        )
        print(f"{clean(key[0])}/{clean(key[1])}: {changes}")


@cycle_app.command("review")
@handles_errors
def cycle_review(
    ctx: typer.Context,
    number: Annotated[
        int | None, typer.Argument(help="Cycle number (1 = first). Default: the current one.")
    ] = None,
    config: ConfigOption = None,
    markdown: MarkdownOption = False,
) -> None:
    """Draft a cycle's retrospective: the goal against the evidence, per skill, levels."""
    app = state(ctx, config)
    with app.ledger().read() as session:
        review = build_cycle_review(session, app.settings(), number, _today(ctx))
    print_markdown(render_cycle_review(review), markdown)
