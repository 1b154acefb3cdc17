"""`growthmap feedback add|list`: feedback sessions (1:1s) in the guide's rubric."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from collector.cli.common import (
    ConfigOption,
    ListFormat,
    ListFormatOption,
    err,
    handles_errors,
    print_json_lines,
    state,
)
from collector.core.textsafe import clean
from collector.core.timeparse import parse_local_day
from collector.feedback import (
    FeedbackFields,
    describe_feedback,
    feedback_json,
    list_feedback,
    record_feedback,
)
from collector.feedback.sessions import RUBRIC
from collector.review.card import columns, fit

feedback_app = typer.Typer(
    help="Feedback sessions (1:1s): what went well, what was challenging, what to improve, "
    "what support you need, and quotes tied to a skill's level.",
    no_args_is_help=True,
)


@feedback_app.command("add")
@handles_errors
def add(
    ctx: typer.Context,
    when: Annotated[
        str, typer.Option("--date", help="When it was held: 2026-11-19, or 3d for 3 days ago.")
    ],
    giver: Annotated[str, typer.Option("--from", help="Who gave the feedback.")],
    went_well: Annotated[str | None, typer.Option("--went-well", help="What went well.")] = None,
    challenging: Annotated[
        str | None, typer.Option("--challenging", help="What was challenging.")
    ] = None,
    improve: Annotated[
        str | None, typer.Option("--improve", help="What to improve next sprint.")
    ] = None,
    support: Annotated[str | None, typer.Option("--support", help="What support you need.")] = None,
    skill: Annotated[
        str | None, typer.Option("--skill", help="With --level and --quote: skill id or DEST/id.")
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="N, P or E: the level the quote speaks of.")
    ] = None,
    quote: Annotated[
        str | None,
        typer.Option("--quote", help='e.g. "Demonstrates deep understanding of tracing".'),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Record a feedback session; a quote tied to a skill and level counts as evidence."""
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    now = datetime.now(UTC)
    zone = settings.owner.zone
    day = parse_local_day(when, now=now, tz=zone, option="--date")
    if day > now.astimezone(zone).date():
        err.print(f"warning: --date {day} is in the future; recorded as given")
    given = FeedbackFields(
        day, giver, went_well, challenging, improve, support, skill, level, quote
    )
    with ledger.write() as session:
        row = record_feedback(session, ledger.owner, settings.growth_map, given, now)
        line = describe_feedback(row)
    print(f"recorded feedback session {row.id}: {line}")


@feedback_app.command("list")
@handles_errors
def list_cmd(
    ctx: typer.Context,
    config: ConfigOption = None,
    fmt: ListFormatOption = ListFormat.table,
) -> None:
    """Feedback sessions with their ids, newest first."""
    app = state(ctx, config)
    ledger = app.ledger()
    with ledger.read() as session:
        rows = list_feedback(session, ledger.owner)
    if fmt is ListFormat.json:
        print_json_lines(feedback_json(row) for row in rows)
        return
    if not rows:
        print("No feedback sessions yet: `growthmap feedback add --date D --from WHO ...`.")
        return
    print(columns(["id", "date", "from", "rubric · quote"], _WIDTHS))
    for row in rows:
        said = [
            f"{label}: {fit(clean(text), 60)}"
            for name, label in RUBRIC
            if (text := getattr(row, name))
        ]
        if row.quote and row.skill:
            where = f"{row.destination}/{row.skill}, {row.level}"
            said.append(f"“{fit(clean(row.quote), 80)}” ({where})")
        cells = [str(row.id), row.date.isoformat(), fit(clean(row.giver), 20), " · ".join(said)]
        print(columns(cells, _WIDTHS))


_WIDTHS = (6, 10, 20)
