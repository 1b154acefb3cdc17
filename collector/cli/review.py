"""`growthmap review`: the interactive pass, and `list` / `accept` / `reject` / `note`."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from collector.cli.common import ConfigOption, check_known, handles_errors, state
from collector.config import Settings
from collector.core.errors import ConfigInvalid, ExitCode, UsageError
from collector.core.textsafe import clean, json_line
from collector.core.timeparse import parse_when
from collector.ledger.queries import suggested_rules
from collector.pipeline.suggest import load_ruleset
from collector.review import decisions
from collector.review.card import columns, fit, item_ref
from collector.review.interactive import Keys, Opener, ReviewSession, TerminalKeys
from collector.review.listing import Listed, iter_listed, listed_json
from connectors.item import KINDS

# Seams for tests (and other front ends): where keys come from, how a url is opened.
make_keys: Callable[[], Keys] = TerminalKeys
open_in_browser: Opener = webbrowser.open

IDS_HELP = "Suggestion ids (the id column of `growthmap review list`)."

# No help= here: `growthmap review --help` shows the callback's docstring (the keys).
review_app = typer.Typer(invoke_without_command=True)


class Status(StrEnum):
    suggested = "suggested"
    accepted = "accepted"
    rejected = "rejected"
    withdrawn = "withdrawn"
    unmapped = "unmapped"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


@review_app.callback()
@handles_errors
def review(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Decide what counts: review suggestions one card at a time.

    Suggested evidence comes strongest first,
    then map the items no rule caught.

    Keys: a accept · r reject · s skip · c change destination/skill · n note the outcome ·
    o open in the browser · q quit. Every decision is stored at once; Ctrl-C keeps them all.
    For scripts: `review list`, `review accept|reject ID... | --rule R | --kind K`,
    `review note ID TEXT`, `review reset ID...` (IDs are suggestion ids, shown by
    `review list`)."""
    app = state(ctx, config)
    if ctx.invoked_subcommand is not None:
        return
    settings = app.settings()
    session = ReviewSession(
        ledger=app.ledger(),
        growth_map=settings.growth_map,
        zone=settings.owner.zone,
        keys=make_keys(),
        say=print,
        opener=lambda url: open_in_browser(url),  # noqa: PLW0108 (read at call time: tests swap it)
        clock=lambda: datetime.now(UTC),
        rules_paths=list(settings.rules_paths),
    )
    tally = session.run()
    print()
    print(" " + tally.summary())
    if tally.interrupted:
        raise typer.Exit(ExitCode.INTERRUPTED)


@review_app.command("list")
@handles_errors
def list_suggestions(
    ctx: typer.Context,
    config: ConfigOption = None,
    status: Annotated[
        Status, typer.Option(help="Which suggestions; `unmapped` lists items no rule mapped.")
    ] = Status.suggested,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="table, or json (one object per line).")
    ] = ListFormat.table,
) -> None:
    """List suggestions with their ids (pending ones strongest first). Accepted items whose
    content changed upstream since acceptance are flagged."""
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    with ledger.read() as session:
        rows = iter_listed(session, ledger.owner, status.value)
        count = 0
        for count, entry in enumerate(rows, start=1):
            if fmt is ListFormat.json:
                print(json_line(listed_json(entry)))
            else:
                if count == 1:
                    print(columns(_HEADERS[status is Status.unmapped], _WIDTHS))
                print(columns(_cells(entry, settings.owner.zone), _WIDTHS))
    if count == 0 and fmt is ListFormat.table:
        print(f"No {status.value} {'items' if status is Status.unmapped else 'suggestions'}.")


# Plain fixed-width lines, streamed: one row per line however long the ledger is.
_WIDTHS = (6, 10, 22, 26, 22)
_HEADERS = {
    False: ["id", "date", "ref", "mapped to", "rules", "title · note"],
    True: ["item", "date", "ref", "", "", "title"],
}


def _cells(entry: Listed, zone: ZoneInfo) -> list[str]:
    item, suggestion = entry.item, entry.suggestion
    day = item.occurred_at.astimezone(zone).strftime("%Y-%m-%d")
    title = f'"{fit(clean(item.title), 70)}"'
    if suggestion is None:
        return [str(item.id), day, item_ref(item), "", "", title]
    rules = "by hand" if suggestion.origin == "manual" else ",".join(map(clean, suggestion.rules))
    rules += f" ·{suggestion.weight:g}" if suggestion.origin == "rule" else ""
    if entry.changed_upstream:
        title = "⚠ changed upstream since accepted · " + title
    note = f" · note: {fit(clean(suggestion.note), 60)}" if suggestion.note else ""
    mapped = f"{suggestion.destination}·{suggestion.skill}"
    return [str(suggestion.id), day, item_ref(item), mapped, rules, title + note]


RuleOption = Annotated[
    str | None, typer.Option("--rule", help="Every pending suggestion this rule id gave.")
]
KindOption = Annotated[
    str | None, typer.Option("--kind", help="Every pending suggestion for items of this kind.")
]
SinceOption = Annotated[
    str | None, typer.Option(help="With --rule/--kind: only items that occurred since WHEN.")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would change.")]
IdsArgument = Annotated[list[int] | None, typer.Argument(help=IDS_HELP, show_default=False)]


@review_app.command()
@handles_errors
def accept(
    ctx: typer.Context,
    ids: IdsArgument = None,
    rule: RuleOption = None,
    kind: KindOption = None,
    since: SinceOption = None,
    dry_run: DryRunOption = False,
    config: ConfigOption = None,
) -> None:
    """Accept suggestions as evidence: by id, or every pending one of a rule or kind.
    Accepting what is already accepted changes nothing."""
    _batch(ctx, config, "accepted", ids, rule, kind, since, dry_run)


@review_app.command()
@handles_errors
def reject(
    ctx: typer.Context,
    ids: IdsArgument = None,
    rule: RuleOption = None,
    kind: KindOption = None,
    since: SinceOption = None,
    dry_run: DryRunOption = False,
    config: ConfigOption = None,
) -> None:
    """Reject suggestions: by id, or every pending one of a rule or kind. Rules never
    suggest a rejected (item, destination, skill) again."""
    _batch(ctx, config, "rejected", ids, rule, kind, since, dry_run)


def _batch(
    ctx: typer.Context,
    config: ConfigOption,
    status: str,
    ids: list[int] | None,
    rule: str | None,
    kind: str | None,
    since: str | None,
    dry_run: bool,
) -> None:
    app = state(ctx, config)
    settings, ledger = app.settings(), app.ledger()
    now = datetime.now(UTC)
    if ids and (rule or kind or since):
        raise UsageError("give suggestion IDs or --rule/--kind [--since], not both")
    start = parse_when(since, now=now, tz=settings.owner.zone) if since else None
    check_known("--kind", [kind] if kind else [], KINDS)
    selection = None if ids else decisions.Selection(rule=rule, kind=kind, since=start)
    with ledger.read() if dry_run else ledger.write() as session:
        if selection is None:
            pairs = decisions.load_suggestions(session, ledger.owner, ids or [])
        else:
            pairs = list(decisions.select_pending(session, ledger.owner, selection))
            if not pairs and rule:
                _check_rule(settings, rule, suggested_rules(session, ledger.owner))
        if dry_run:
            would = [s.id for s, _ in pairs if s.status != status]
            verb = status.removesuffix("ed")
            print(f"would {verb} {len(would)}: {_ids(would)}" if would else "nothing to change")
            return
        outcome = decisions.decide(session, ledger.owner, pairs, status, now)
    _print_outcome(outcome)


@review_app.command()
@handles_errors
def reset(
    ctx: typer.Context,
    ids: Annotated[list[int], typer.Argument(help=IDS_HELP, show_default=False)],
    config: ConfigOption = None,
) -> None:
    """Take back an accept or reject: the suggestions are pending again. Notes stay, and
    the history keeps the decision taken back."""
    app = state(ctx, config)
    ledger = app.ledger()
    with ledger.write() as session:
        pairs = decisions.load_suggestions(session, ledger.owner, ids)
        outcome = decisions.reset(session, ledger.owner, pairs, datetime.now(UTC))
    if outcome.changed:
        noun = "suggestion is" if len(outcome.changed) == 1 else "suggestions are"
        print(f"{len(outcome.changed)} {noun} pending again: {_ids(outcome.changed)}")
    if outcome.unchanged:
        print(f"{len(outcome.unchanged)} already pending: {_ids(outcome.unchanged)}")


def _check_rule(settings: Settings, rule: str, suggested: set[str]) -> None:
    """A rule id that neither the rule files nor any suggestion has is a typo. Rule files
    that do not load are `rules check`'s to report, not a batch decision's: then the id
    is taken as it is."""
    if rule in suggested:
        return
    try:
        ruleset = load_ruleset(settings)
    except ConfigInvalid:
        return
    check_known("--rule", [rule], suggested | {r.id for r in ruleset.rules})


def _ids(ids: list[int]) -> str:
    shown = ", ".join(map(str, ids[:20]))
    return shown + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")


def _print_outcome(outcome: decisions.BatchOutcome) -> None:
    if outcome.changed:
        noun = "suggestion" if len(outcome.changed) == 1 else "suggestions"
        print(f"{outcome.status} {len(outcome.changed)} {noun}: {_ids(outcome.changed)}")
    if outcome.unchanged:
        print(f"{len(outcome.unchanged)} already {outcome.status}: {_ids(outcome.unchanged)}")
    if not outcome.changed and not outcome.unchanged:
        print("no pending suggestion matches")


@review_app.command()
@handles_errors
def note(
    ctx: typer.Context,
    suggestion_id: Annotated[int, typer.Argument(metavar="ID", help=IDS_HELP)],
    text: Annotated[str, typer.Argument(help='The outcome: "cut p99 latency by 30%".')],
    config: ConfigOption = None,
) -> None:
    """Tie a suggestion to its outcome. A new note replaces the shown one; the history keeps
    every note with its time."""
    app = state(ctx, config)
    ledger = app.ledger()
    with ledger.write() as session:
        [(suggestion, item)] = decisions.load_suggestions(session, ledger.owner, [suggestion_id])
        decisions.record_note(session, ledger.owner, suggestion, item, text, datetime.now(UTC))
    print(f"noted on {suggestion_id}: {clean(text)}")
