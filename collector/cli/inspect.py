"""`growthmap status` and `growthmap items`: what the ledger holds."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.table import Table

from collector.cli.common import ConfigOption, check_known, handles_errors, out, state
from collector.core.textsafe import clean, json_line
from collector.core.timeparse import parse_when
from collector.daemon.status import daemon_lines, daemon_store, last_daemon_run, run_status
from collector.feedback import feedback_cadence
from collector.ledger.queries import item_json, iter_items, stored_sources, suggestion_counts
from collector.ledger.runs import cursors, item_counts, last_runs, last_stream_outcomes
from collector.progress.render_map import feedback_line
from collector.progress.weeks import local_date
from connectors.item import KINDS
from connectors.registry import connector_class


class ItemFormat(StrEnum):
    table = "table"
    json = "json"


@handles_errors
def status(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Per source: the last run, each stream's cursor and stored items; pending suggestions."""
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    ledger.check_intact()  # status vouches for the ledger: no "ok" over a damaged file
    zone = settings.owner.zone
    with ledger.read() as session:
        runs = last_runs(session, ledger.owner)
        outcomes = last_stream_outcomes(session, ledger.owner)
        positions = {(c.source, c.stream): c.position for c in cursors(session, ledger.owner)}
        counts = item_counts(session, ledger.owner)
        pending = suggestion_counts(session, ledger.owner)
        daemon_run = last_daemon_run(session, ledger.owner)
        today = local_date(datetime.now(UTC), zone)
        cadence = feedback_cadence(session, ledger.owner, settings.growth_map, today)
    if runs:
        run = runs[0]
        out.print(
            f"Last run: {_local(run.started_at, zone)} · {run_status(run)} "
            f"(run {run.id}, {run.trigger})"
        )
    else:
        out.print("No run yet: `growthmap collect` starts one.")
    store = daemon_store(ledger.owner, settings.ledger_url)
    for line in daemon_lines(store, daemon_run, zone, datetime.now(UTC)):
        out.print(escape(line))
    out.print(_sources_table(settings.sources, outcomes, positions, counts, zone))
    out.print(
        f"Suggestions: {pending.get('suggested', 0)} pending review · "
        f"{pending.get('accepted', 0)} accepted · {pending.get('rejected', 0)} rejected"
    )
    feedback = feedback_line(cadence)
    if feedback:
        out.print(escape(feedback))


def _sources_table(
    sources: list[Any],
    outcomes: dict[tuple[str, str], Any],
    positions: dict[tuple[str, str], datetime],
    counts: dict[tuple[str, str], int],
    zone: ZoneInfo,
) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("source", "stream", "last outcome", "cursor", "items"):
        table.add_column(column)
    streams = sorted({*outcomes, *positions})
    names = [s.name for s in sources] + sorted({s for s, _ in streams} - {s.name for s in sources})
    kinds = _stream_kinds(sources)
    for name in names:
        total = str(sum(n for (source, _), n in counts.items() if source == name))
        rows = [key for key in streams if key[0] == name and key[1] != "*"]
        if not rows:
            table.add_row(name, "", _outcome(outcomes.get((name, "*"))), "never", total)
        for index, key in enumerate(rows):
            cursor = positions.get(key)
            kind = kinds.get(key)
            # Each stream's own items where its kind is known (a removed source: the total).
            shown = str(counts.get((name, kind), 0)) if kind else (total if index == 0 else "")
            table.add_row(
                name if index == 0 else "",
                key[1],
                _outcome(outcomes.get(key)),
                _local(cursor, zone) if cursor else "never",
                shown,
            )
    return table


def _stream_kinds(sources: list[Any]) -> dict[tuple[str, str], str]:
    """(source, stream) -> the kind of item the stream stores, for configured sources."""
    return {
        (source.name, stream.name): stream.kind
        for source in sources
        for stream in connector_class(source.type).all_streams
    }


def _outcome(row: Any) -> str:
    if row is None:
        return "—"
    if row.status == "ok":
        return f"ok (+{row.new} new, {row.updated} updated)"
    return f"[red]{row.status}[/]: {escape(clean(row.error or ''))[:120]}"


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@handles_errors
def items(
    ctx: typer.Context,
    config: ConfigOption = None,
    kind: Annotated[list[str] | None, typer.Option(help="Only this kind (repeatable).")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeatable).")] = None,
    since: Annotated[str | None, typer.Option(help="Only items that occurred since WHEN.")] = None,
    fmt: Annotated[
        ItemFormat, typer.Option("--format", help="table or json (one per line).")
    ] = ItemFormat.table,
) -> None:
    """List collected items, oldest first, with their suggestions."""
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    start = parse_when(since, now=datetime.now(UTC), tz=settings.owner.zone) if since else None
    with ledger.read() as session:
        check_known("--kind", kind or (), KINDS)
        known_sources = {s.name for s in settings.sources} | stored_sources(session, ledger.owner)
        check_known("--source", source or (), known_sources)
        rows = iter_items(
            session, ledger.owner, kinds=kind or (), sources=source or (), since=start
        )
        if fmt is ItemFormat.json:
            for row, suggestions in rows:
                print(json_line(item_json(row, suggestions)))
            return
        table = Table(box=None, header_style="bold", pad_edge=False)
        for column in ("id", "date", "source", "kind", "repo", "title", "state", "mapped to"):
            table.add_column(column, overflow="fold")
        for row, suggestions in rows:
            mapped = ", ".join(
                f"{s.destination}·{s.skill}"
                for s in suggestions
                if s.status in ("suggested", "accepted")
            )
            table.add_row(
                str(row.id),
                _local(row.occurred_at, settings.owner.zone)[:10],
                row.source,
                row.kind,
                escape(clean(row.repo)),
                escape(clean(row.title)[:80]),
                row.state,
                mapped,
            )
    out.print(table)
