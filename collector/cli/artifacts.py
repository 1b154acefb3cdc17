"""`growthmap add` (and `add --edit ID`), `growthmap artifacts list|remove`: manual evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Annotated

import typer

from collector.cli.common import (
    LARGEST_ROW_ID,
    ConfigOption,
    ListFormat,
    ListFormatOption,
    err,
    handles_errors,
    print_json_lines,
    state,
)
from collector.core.errors import UsageError
from collector.core.textsafe import clean
from collector.core.timeparse import parse_local_day
from collector.review.card import columns, fit
from collector.review.manual_artifacts import (
    KINDS,
    ArtifactFields,
    add_artifact,
    artifact_json,
    describe_artifact,
    edit_artifact,
    get_artifact,
    list_artifacts,
    pairing_title,
    remove_artifact,
)

artifacts_app = typer.Typer(
    help="Manual artifacts (talks, articles, endorsements…): list and remove. "
    "Add and edit them with `growthmap add`.",
    no_args_is_help=True,
)


@handles_errors
def add(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Argument(help=f"One of: {', '.join(KINDS)}.", show_default=False),
    ] = None,
    title: Annotated[str | None, typer.Option(help="What it was.")] = None,
    quote: Annotated[
        str | None, typer.Option(help="For an endorsement: the quote (stored as its title).")
    ] = None,
    when: Annotated[
        str | None,
        typer.Option("--date", help="When: 2026-11-19, or 3d for three days ago (default: today)."),
    ] = None,
    url: Annotated[str | None, typer.Option(help="Where to see it (optional).")] = None,
    destination: Annotated[str | None, typer.Option(help="Destination id, e.g. C.")] = None,
    skill: Annotated[
        list[str] | None, typer.Option(help="Skill id of that destination (repeatable).")
    ] = None,
    outcome: Annotated[str | None, typer.Option(help="The outcome it is tied to.")] = None,
    endorser: Annotated[str | None, typer.Option(help="For an endorsement: who gave it.")] = None,
    partner: Annotated[
        str | None,
        typer.Option(
            "--with",
            help="For a pairing session no commit shows: who you paired with (the title, "
            "if given, is what you worked on).",
        ),
    ] = None,
    edit: Annotated[
        int | None,
        typer.Option("--edit", metavar="ID", help="Change the given fields of artifact ID."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Add evidence no connector sees (talks, articles, mentoring, endorsements...).

    A talk, article, mentoring or pairing session, an
    incident you led, an endorsement (quote + who). It counts as accepted evidence at once.
    A pairing session no commit shows: `add pairing --with NAME [--title WHAT]` (pairings
    that commits show are collected). With --edit ID, only the options given change (an
    empty --url/--outcome clears it)."""
    app = state(ctx, config)
    if edit is not None:
        _check_artifact_id(edit)
    settings, ledger = app.settings(), app.ledger()
    now = datetime.now(UTC)
    if title is not None and quote is not None:
        raise UsageError("give --title or --quote, not both (an endorsement's quote is its title)")
    if partner is not None:
        title = _paired_title(kind, partner, title, edit)
    zone = settings.owner.zone
    day = parse_local_day(when, now=now, tz=zone, option="--date") if when else None
    given = ArtifactFields(
        kind=kind,
        title=quote if quote is not None else title,
        date=day,
        url=url,
        destination=destination,
        skills=tuple(skill) if skill else None,
        outcome=outcome,
        endorser=endorser,
    )
    today = now.astimezone(zone).date()
    if day is not None and day > today:
        err.print(f"warning: --date {day} is in the future; recorded as given")
    with ledger.write() as session:
        if quote is not None:
            current = get_artifact(session, ledger.owner, edit).kind if edit is not None else None
            if (kind or current) != "endorsement":
                raise UsageError("--quote is an endorsement's text; other artifacts take --title")
        if edit is None:
            first = given if day else _with_date(given, today)
            row = add_artifact(session, ledger.owner, settings.growth_map, first, now)
            verb = "added"
        else:
            row = edit_artifact(session, ledger.owner, settings.growth_map, edit, given, now)
            verb = "updated"
    print(f"{verb} artifact {row.id}: {describe_artifact(row)}")


def _paired_title(kind: str | None, partner: str, title: str | None, edit: int | None) -> str:
    if edit is not None:
        raise UsageError("--with is for adding a pairing; with --edit, change its --title")
    if kind != "pairing":
        raise UsageError("--with names a pairing partner: `growthmap add pairing --with NAME`")
    return pairing_title(partner, title)


def _check_artifact_id(number: int) -> None:
    if not 0 < number <= LARGEST_ROW_ID:
        raise UsageError(
            f"no manual artifact with id {number}: `growthmap artifacts list` shows them"
        )


def _with_date(given: ArtifactFields, day: date) -> ArtifactFields:
    return replace(given, date=day)


@artifacts_app.command("list")
@handles_errors
def list_cmd(
    ctx: typer.Context,
    config: ConfigOption = None,
    fmt: ListFormatOption = ListFormat.table,
) -> None:
    """Manual artifacts with their ids, newest first."""
    app = state(ctx, config)
    ledger = app.ledger()
    with ledger.read() as session:
        rows = list_artifacts(session, ledger.owner)
    if fmt is ListFormat.json:
        print_json_lines(artifact_json(row) for row in rows)
        return
    if not rows:
        print("No manual artifacts yet: `growthmap add talk --title ...` adds one.")
        return
    print(columns(["id", "date", "kind", "mapped to", "title · outcome"], _WIDTHS))
    for row in rows:
        title = f'"{fit(clean(row.title), 70)}"'
        title += f" — {clean(row.endorser)}" if row.endorser else ""
        title += f" · {fit(clean(row.outcome), 60)}" if row.outcome else ""
        mapped = f"{row.destination}·{','.join(row.skills)}"
        print(columns([str(row.id), row.date.isoformat(), row.kind, mapped, title], _WIDTHS))


_WIDTHS = (6, 10, 11, 30)


@artifacts_app.command("remove")
@handles_errors
def remove_cmd(
    ctx: typer.Context,
    artifact_id: Annotated[int, typer.Argument(metavar="ID", help="From `artifacts list`.")],
    config: ConfigOption = None,
) -> None:
    """Remove a manual artifact."""
    _check_artifact_id(artifact_id)
    app = state(ctx, config)
    ledger = app.ledger()
    with ledger.write() as session:
        row = remove_artifact(session, ledger.owner, artifact_id)
    print(f"removed artifact {artifact_id}: {describe_artifact(row)}")
