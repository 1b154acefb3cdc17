"""Decide what re-applying rules changes for one item, never undoing a person's decision.

The ledger passes the item's stored suggestions as plain data and the fresh `evaluate`
result; it gets back what to add, withdraw and refresh. Only `suggested` rows that rules
made are ever withdrawn or refreshed. `accepted`, `rejected`, any other status but
`suggested` or `withdrawn`, and any row a person added by hand (origin other than
`rule`) are a person's decision and stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules.model import Suggestion

SUGGESTED = "suggested"
ACCEPTED = "accepted"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"  # a suggestion rules no longer give; it may come back
RULE_ORIGIN = "rule"


@dataclass(frozen=True, slots=True)
class ExistingSuggestion:
    """A stored suggestion. `rule_hash` / `weight` are what was stored with it (None when
    unknown: a `suggested` row without them is refreshed once). `origin` is `rule` for
    rows the rules made; anything else (`manual`) is a person's."""

    destination: str
    skill: str
    status: str
    rule_hash: str | None = None
    weight: float | None = None
    origin: str = RULE_ORIGIN

    @property
    def pair(self) -> tuple[str, str]:
        return (self.destination, self.skill)

    @property
    def decided(self) -> bool:
        """A person's decision: never added over, withdrawn or refreshed by rules."""
        return self.origin != RULE_ORIGIN or self.status not in (SUGGESTED, WITHDRAWN)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """`add`: fresh suggestions with no live row (insert, or revive a withdrawn row).
    `withdraw`: `suggested` rows no rule gives any more. `refresh`: fresh suggestions whose
    `suggested` row holds other provenance or weight. `decided`: rows left untouched
    because a person decided them, whether or not rules still give them."""

    add: tuple[Suggestion, ...] = ()
    withdraw: tuple[ExistingSuggestion, ...] = ()
    refresh: tuple[Suggestion, ...] = ()
    decided: tuple[ExistingSuggestion, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.add or self.withdraw or self.refresh)


def reconcile(
    existing: Iterable[ExistingSuggestion | Sequence[str]], fresh: Iterable[Suggestion]
) -> Reconciliation:
    """Compare an item's stored suggestions with a fresh evaluation.

    `existing` rows may be ExistingSuggestion or plain (destination, skill, status) tuples.
    Raises ValueError for two rows with the same (destination, skill).
    """
    stored: dict[tuple[str, str], ExistingSuggestion] = {}
    for row in existing:
        if isinstance(row, ExistingSuggestion):
            entry = row
        else:
            destination, skill, status = row[:3]
            entry = ExistingSuggestion(destination, skill, status)
        if entry.pair in stored:
            raise ValueError(f"two stored suggestions for {entry.pair}")
        stored[entry.pair] = entry
    given = {(s.destination, s.skill): s for s in fresh}
    add, refresh = [], []
    for pair, suggestion in sorted(given.items()):
        known = stored.get(pair)
        if known is None:
            add.append(suggestion)
        elif known.decided:
            continue
        elif known.status == WITHDRAWN:
            add.append(suggestion)
        elif _stale(known, suggestion):
            refresh.append(suggestion)
    rows = [row for _, row in sorted(stored.items())]
    withdraw = [r for r in rows if not r.decided and r.status == SUGGESTED and r.pair not in given]
    decided = [r for r in rows if r.decided]
    return Reconciliation(tuple(add), tuple(withdraw), tuple(refresh), tuple(decided))


def _stale(row: ExistingSuggestion, suggestion: Suggestion) -> bool:
    if row.rule_hash != suggestion.rule_hash:
        return True
    return row.weight is not None and row.weight != suggestion.weight
