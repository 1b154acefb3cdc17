"""Rules meet the ledger: load the rule files, evaluate items, reconcile suggestions.

The decision rule lives in `collector.ledger.suggestions.reconcile_many`: accepted and rejected
suggestions (and notes) are never touched by a re-collect or a rule change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.core.errors import ConfigInvalid, Problem
from collector.core.settings_model import RulesSection
from collector.ledger import Ledger
from collector.ledger.items import item_from_row
from collector.ledger.models import ItemRow
from collector.ledger.suggestions import FreshSuggestion, ReconcileResult, reconcile_many
from collector.pipeline import ItemsHook
from connectors.item import KINDS, REVIEW_STATES, STATES, Item
from rules import Evidence, RuleSet, RulesInvalid, evaluate, load_rules

APPLY_CHUNK = 500


def rule_paths(settings: Settings) -> list[Path]:
    """The configured rule paths; the default `rules.d` only when it exists."""
    default = RulesSection().paths
    configured = settings.rules_paths
    if settings.path is not None and [p.name for p in configured] == default:
        return [p for p in configured if p.exists()]
    return configured


def load_ruleset(settings: Settings) -> RuleSet:
    """Every rule file, validated against the growth map; ConfigInvalid lists problems."""
    names = {s.name for s in settings.sources} | {s.type for s in settings.sources}
    try:
        return load_rules(
            rule_paths(settings),
            settings.growth_map.skill_ids(),
            known_values={
                "kind": KINDS,
                "source": names,
                "state": STATES,
                "review_state": REVIEW_STATES,
            },
        )
    except RulesInvalid as exc:
        raise ConfigInvalid([_problem(p) for p in exc.problems]) from None


def _problem(problem: object) -> Problem:
    file = getattr(problem, "file", "")
    rule_id, key = getattr(problem, "rule_id", None), getattr(problem, "key", None)
    where = ".".join(part for part in (f"rule {rule_id}" if rule_id else "", key or "") if part)
    return Problem(file, where, getattr(problem, "message", str(problem)))


@dataclass(frozen=True)
class Evaluator:
    """Evaluates items with a rule set, knowing each source's type."""

    ruleset: RuleSet
    source_types: dict[str, str]

    @classmethod
    def of(cls, settings: Settings, ruleset: RuleSet) -> Evaluator:
        return cls(ruleset, {s.name: s.type for s in settings.sources})

    def evidence(self, item: Item) -> Evidence:
        return Evidence.from_normalized(item.normalized(), self.source_types.get(item.source))

    def fresh(self, item: Item) -> list[FreshSuggestion]:
        return [
            FreshSuggestion(s.destination, s.skill, s.weight, s.rules, s.rule_hash)
            for s in evaluate(self.evidence(item), self.ruleset)
        ]


def suggestions_hook(
    settings: Settings, ruleset: RuleSet, owner: str, clock: Callable[[], datetime]
) -> ItemsHook | None:
    """What `collect` calls for every stored batch; None when there are no rules."""
    if len(ruleset) == 0:
        return None
    evaluator = Evaluator.of(settings, ruleset)

    def hook(session: Session, changed: list[tuple[int, Item]]) -> int:
        fresh = {item_id: evaluator.fresh(item) for item_id, item in changed}
        return reconcile_many(session, owner, fresh, now=clock()).added

    return hook


def apply_rules(
    ledger: Ledger, settings: Settings, ruleset: RuleSet, now: datetime, *, dry_run: bool = False
) -> ReconcileResult:
    """Re-evaluate every stored item (after a rule change), chunk by chunk."""
    evaluator = Evaluator.of(settings, ruleset)
    total = ReconcileResult()
    for ids in _id_chunks(ledger):
        with ledger.scratch() if dry_run else ledger.write() as session:
            rows = session.scalars(select(ItemRow).where(ItemRow.id.in_(ids))).all()
            fresh = {row.id: evaluator.fresh(item_from_row(row)) for row in rows}
            total.add(reconcile_many(session, ledger.owner, fresh, now=now))
    return total


def stored_items(ledger: Ledger) -> Iterator[Item]:
    """Every stored item of the owner, in bounded chunks."""
    for ids in _id_chunks(ledger):
        with ledger.read() as session:
            rows = session.scalars(select(ItemRow).where(ItemRow.id.in_(ids))).all()
            yield from (item_from_row(row) for row in rows)


def _id_chunks(ledger: Ledger) -> Iterable[list[int]]:
    with ledger.read() as session:
        ids = list(
            session.scalars(
                select(ItemRow.id).where(ItemRow.owner == ledger.owner).order_by(ItemRow.id)
            )
        )
    for start in range(0, len(ids), APPLY_CHUNK):
        yield ids[start : start + APPLY_CHUNK]
