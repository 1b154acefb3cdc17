"""`growthmap rules check | explain | apply`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from collector.cli.common import ConfigOption, handles_errors, out, row_id, state
from collector.core.errors import UsageError
from collector.core.textsafe import clean
from collector.core.timeparse import shown
from collector.ledger import Ledger
from collector.ledger.items import find_item
from collector.pipeline.suggest import Evaluator, apply_rules, load_ruleset, stored_items
from connectors.item import Item
from rules import count_matches, explain

rules_app = typer.Typer(help="Check, explain and re-apply the rule files.", no_args_is_help=True)


@rules_app.command("check")
@handles_errors
def rules_check(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Validate the rule files; list every rule with how many stored items it matches."""
    app = state(ctx, config)
    settings = app.settings()
    ruleset = load_ruleset(settings)
    evaluator = Evaluator.of(settings, ruleset)
    counts = count_matches(map(evaluator.evidence, stored_items(app.ledger())), ruleset)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("rule", "destination", "skills", "weight", "matches"):
        table.add_column(column, justify="right" if column in ("weight", "matches") else "left")
    for rule in ruleset:
        table.add_row(
            rule.id,
            rule.destination,
            ", ".join(rule.skills),
            f"{rule.weight:g}",
            str(counts.get(rule.id, 0)),
        )
    out.print(table)
    out.print(f"{len(ruleset)} rules ok")


@rules_app.command("explain")
@handles_errors
def rules_explain(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="An item id (see `growthmap items`) or its URL.")],
    config: ConfigOption = None,
) -> None:
    """Every rule's verdict on one item: matched, or which key failed."""
    app = state(ctx, config)
    settings = app.settings()
    ruleset = load_ruleset(settings)
    found = _find_item(app.ledger(), item)
    out.print(f"{found.kind} · {escape(clean(found.repo))} · {escape(clean(found.title))}")
    evidence = Evaluator.of(settings, ruleset).evidence(found)
    for verdict in explain(evidence, ruleset):
        mark = "[green]✓[/]" if verdict.matched else "[dim]✗[/]"
        out.print(f" {mark} {verdict.rule_id}: {escape(clean(verdict.reason()))}")
    if len(ruleset) == 0:
        out.print("no rules: `growthmap init` writes a starter rule file")


def _find_item(ledger: Ledger, reference: str) -> Item:
    with ledger.read() as session:
        found = find_item(session, ledger.owner, item_id=row_id(reference), url=reference.strip())
    if found is None:
        raise UsageError(
            f"no stored item {shown(reference)}: use an id or URL from `growthmap items`"
        )
    return found


@rules_app.command("apply")
@handles_errors
def rules_apply(
    ctx: typer.Context,
    config: ConfigOption = None,
    dry_run: Annotated[bool, typer.Option(help="Show what would change; write nothing.")] = False,
) -> None:
    """Re-evaluate every stored item after a rule change. Accepted and rejected
    suggestions are never touched."""
    app = state(ctx, config)
    settings = app.settings()
    ruleset = load_ruleset(settings)
    result = apply_rules(app.ledger(), settings, ruleset, datetime.now(UTC), dry_run=dry_run)
    counts = f"{result.added}, refresh {result.refreshed}, withdraw {result.withdrawn}"
    if dry_run:
        out.print(f"dry run: would add {counts} suggestions; nothing written")
    else:
        out.print(f"add {counts} suggestions: done")
    out.print(f"{result.kept} accepted or rejected suggestions left as they were")
