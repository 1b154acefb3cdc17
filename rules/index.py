"""The compiled form of a rule set: shared conditions, a bitmask per item, rule buckets.

Every distinct key value is compiled once and shared by the rules that use it. Each cheap
condition (a set of values, `labels_all`, a size bound) gets one bit; per item, one pass
over the item's own values through an inverted table (value -> bits of the conditions
that accept it) yields the mask of cheap conditions that hold, so a rule's cheap keys are
tested with one AND whatever their number. Costly keys (regexes, globs) run only for the
rules the mask let through; the regexes of one field (and the repo globs) form one RE2
set, so that field is scanned once per item for all rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rules.conditions import MATCH_KEYS, AnyOf, Condition, Facts, Searched, build_condition
from rules.model import Rule, Suggestion, combined_hash
from rules.patterns import PatternSet

_KEY_ORDER = {key: i for i, key in enumerate(MATCH_KEYS)}
# Fields whose keys share one PatternSet. Not paths: a set DFA has no NFA to fall back on,
# and many `**/x/**` globs (each `(?:.*/)?x/...` on every line) multiply its states until
# its cache thrashes; measured with 49 path globs: 900 us per item as a set, 70 us alone.
# Title and body patterns are mostly words: 57 title regexes take 3 us as a set, 80 alone.
_GROUPED = frozenset(("title", "body", "text", "repo"))


class ConditionTable:
    """Distinct conditions of a rule set, with the bits of the cheap ones."""

    def __init__(self) -> None:
        self._by_value: dict[tuple[str, object], Condition] = {}
        self._bits: dict[Condition, int] = {}
        self._inverted: dict[str, dict[str, int]] = {}  # Facts attribute -> value -> bits
        self._direct: list[tuple[Condition, int]] = []  # cheap but not invertible
        self._inverted_items: tuple[tuple[str, dict[str, int]], ...] = ()

    def compile(self, items: Iterable[tuple[str, object]]) -> tuple[Condition, ...]:
        """Conditions for a rule's keys, cheapest first, shared with other rules."""
        conditions = [self._intern(key, value) for key, value in items]
        return tuple(sorted(conditions, key=lambda c: (c.cost, _KEY_ORDER[c.key])))

    def _intern(self, key: str, value: object) -> Condition:
        condition = self._by_value.get((key, value))
        if condition is not None:
            return condition
        condition = self._by_value[(key, value)] = build_condition(key, value)
        if condition.cost == 0:
            bit = 1 << len(self._bits)
            self._bits[condition] = bit
            if type(condition) is AnyOf:
                table = self._inverted.setdefault(condition.attr, {})
                for name in condition.values:
                    table[name] = table.get(name, 0) | bit
                self._inverted_items = tuple(self._inverted.items())
            else:
                self._direct.append((condition, bit))
        return condition

    def group_searches(self) -> None:
        """Put the costly keys of each field into one PatternSet, so an item's field is
        scanned once whatever the number of rules searching it."""
        by_field: dict[str, list[Searched]] = {}
        for condition in self._by_value.values():
            if (
                isinstance(condition, Searched)
                and condition.source is not None
                and condition.attr in _GROUPED
            ):
                by_field.setdefault(condition.attr, []).append(condition)
        for searches in by_field.values():
            group = PatternSet.build([s.source for s in searches if s.source is not None])
            if group is None:  # too big for one set: each key searches alone
                continue
            for index, search in enumerate(searches):
                search.group, search.index = group, index

    def mask(self, conditions: Iterable[Condition]) -> int:
        """The bits of the cheap conditions among `conditions`."""
        mask = 0
        for condition in conditions:
            mask |= self._bits.get(condition, 0)
        return mask

    def held(self, facts: Facts) -> int:
        """The bits of every cheap condition that holds for the item."""
        held = 0
        for attr, table in self._inverted_items:
            for name in getattr(facts, attr):
                held |= table.get(name, 0)
        for condition, bit in self._direct:
            if condition.holds(facts):
                held |= bit
        return held


class CompiledRule:
    """A rule with its keys compiled, their masks, and its definition hash."""

    __slots__ = (
        "accepts_costly",
        "checks",
        "costly",
        "costly_unless",
        "given",
        "hash",
        "kinds",
        "need",
        "rule",
        "sources",
        "unless",
        "veto",
    )

    def __init__(self, rule: Rule, table: ConditionTable) -> None:
        self.rule = rule
        self.hash = rule.hash
        alone = combined_hash([(rule.id, self.hash)])
        # What the rule gives when no other rule gives the same, sorted by (destination, skill).
        self.given = {
            (rule.destination, skill): Suggestion(
                rule.destination, skill, rule.weight, (rule.id,), (self.hash,), alone
            )
            for skill in sorted(rule.skills)
        }
        self.checks = table.compile(rule.match.items())
        self.unless = table.compile(rule.unless.items())
        self.need = table.mask(self.checks)
        self.veto = table.mask(self.unless)
        self.costly = tuple(c for c in self.checks if c.cost > 0)
        self.costly_unless = tuple(c for c in self.unless if c.cost > 0)
        # Most rules have one costly key and no costly unless: then test it directly.
        self.accepts_costly: Callable[[Facts], bool] = self._costly_keys_hold
        if not self.costly_unless and len(self.costly) <= 1:
            self.accepts_costly = self.costly[0].holds if self.costly else _always
        kinds, sources = rule.match.get("kind"), rule.match.get("source")
        self.kinds = frozenset(kinds) if kinds is not None else None
        self.sources = frozenset(sources) if sources is not None else None

    def admits(self, kind: str, sources: frozenset[str]) -> bool:
        """Whether the rule's kind and source keys let such items through (the index)."""
        return (self.kinds is None or kind in self.kinds) and (
            self.sources is None or not self.sources.isdisjoint(sources)
        )

    def accepts(self, facts: Facts, held: int) -> bool:
        """Every match key holds and no unless key does; `held` is the item's mask."""
        if self.need & ~held or self.veto & held:
            return False
        return self.accepts_costly(facts)

    def _costly_keys_hold(self, facts: Facts) -> bool:
        """The costly keys: every match glob/regex holds and no unless one does."""
        for check in self.costly:
            if not check.holds(facts):
                return False
        return not any(check.holds(facts) for check in self.costly_unless)


def _always(facts: Facts) -> bool:
    return True
