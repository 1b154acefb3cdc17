"""Compiled rule sets and the pure functions that apply them: `evaluate` and `explain`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rules.conditions import MATCH_KEYS, Facts
from rules.index import CompiledRule, ConditionTable
from rules.model import (
    Evidence,
    KeyCheck,
    Rule,
    RuleProblem,
    RuleVerdict,
    Suggestion,
    combined_hash,
)

_KEY_ORDER = {key: i for i, key in enumerate(MATCH_KEYS)}
_MAX_BUCKETS = 4096  # (kind, sources) combinations seen; real ledgers have a handful
_MAX_JOINT = 16384  # suggestions given by several rules together, remembered (a few MB)


class RuleSet:
    """Validated rules, sorted by id and compiled once. Build it with `load_rules` or
    `parse_rules`. Immutable once built: its bucket index and the suggestions several
    rules give together are remembered as items arrive (bounded), which changes no answer."""

    def __init__(self, rules: Iterable[Rule], warnings: Iterable[RuleProblem] = ()) -> None:
        # Patterns that match differently than they used to: the rules still load.
        self.warnings: tuple[RuleProblem, ...] = tuple(warnings)
        ordered = sorted(rules, key=lambda r: r.id)
        ids = [r.id for r in ordered]
        if len(set(ids)) != len(ids):
            raise ValueError("rule ids must be unique")
        self.rules: tuple[Rule, ...] = tuple(ordered)
        self._table = ConditionTable()
        self.compiled = tuple(CompiledRule(r, self._table) for r in ordered)
        self._table.group_searches()
        self._by_id = {c.rule.id: c for c in self.compiled}
        self._buckets: dict[tuple[str, frozenset[str]], tuple[CompiledRule, ...]] = {}
        self._joint: dict[tuple[tuple[str, str], tuple[CompiledRule, ...]], Suggestion] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"<RuleSet of {len(self.rules)} rules>"

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id].rule

    def hash_of(self, rule_id: str) -> str:
        return self._by_id[rule_id].hash

    def held(self, facts: Facts) -> int:
        """The item's mask of cheap conditions that hold."""
        return self._table.held(facts)

    def candidates(self, facts: Facts) -> tuple[CompiledRule, ...]:
        """Rules whose kind and source keys admit the item: the (kind, source) index."""
        key = (facts.kind_name, facts.source)
        found = self._buckets.get(key)
        if found is None:
            found = tuple(c for c in self.compiled if c.admits(facts.kind_name, facts.source))
            if len(self._buckets) < _MAX_BUCKETS:
                self._buckets[key] = found
        return found

    def joint(self, pair: tuple[str, str], group: list[CompiledRule]) -> Suggestion:
        """The suggestion several rules give together for one (destination, skill)."""
        key = (pair, tuple(group))
        known = self._joint.get(key)
        if known is not None:
            return known
        ids = tuple(c.rule.id for c in group)
        hashes = tuple(c.hash for c in group)
        combined = combined_hash(list(zip(ids, hashes, strict=True)))
        weight = max(c.rule.weight for c in group)
        made = Suggestion(pair[0], pair[1], weight, ids, hashes, combined)
        if len(self._joint) < _MAX_JOINT:
            self._joint[key] = made
        return made


def evaluate(evidence: Evidence, ruleset: RuleSet) -> list[Suggestion]:
    """The suggestions the rules give for one item: one per (destination, skill), sorted,
    with the largest weight and every rule that gave it. Pure: no I/O."""
    facts = Facts(evidence)
    held = ruleset.held(facts)
    missing = ~held
    # The mask tests are inlined: most candidates fail them, and a call costs more.
    hits = [
        c
        for c in ruleset.candidates(facts)
        if not (c.need & missing or c.veto & held) and c.accepts_costly(facts)
    ]
    if len(hits) == 1:
        return list(hits[0].given.values())
    return _merge(hits, ruleset) if hits else []


def matched_rules(evidence: Evidence, ruleset: RuleSet) -> tuple[str, ...]:
    """Ids of the rules that match the item, in id order."""
    facts = Facts(evidence)
    held = ruleset.held(facts)
    return tuple(c.rule.id for c in ruleset.candidates(facts) if c.accepts(facts, held))


def count_matches(evidence: Iterable[Evidence], ruleset: RuleSet) -> dict[str, int]:
    """How many of the items each rule matches (every rule listed, zero included): what
    `rules check` shows beside each rule."""
    counts = dict.fromkeys((r.id for r in ruleset.rules), 0)
    for item in evidence:
        for rule_id in matched_rules(item, ruleset):
            counts[rule_id] += 1
    return counts


def _merge(hits: list[CompiledRule], ruleset: RuleSet) -> list[Suggestion]:
    first: dict[tuple[str, str], CompiledRule] = {}
    joined: dict[tuple[str, str], list[CompiledRule]] = {}  # pairs several rules give
    for compiled in hits:  # hits come in rule-id order, so groups do too
        for pair in compiled.given:
            if pair in first:
                joined.setdefault(pair, [first[pair]]).append(compiled)
            else:
                first[pair] = compiled
    return [
        ruleset.joint(pair, joined[pair]) if pair in joined else first[pair].given[pair]
        for pair in sorted(first)
    ]


def explain(evidence: Evidence, ruleset: RuleSet) -> list[RuleVerdict]:
    """Every rule's verdict on one item: matched, or which match keys failed, or which
    unless keys excluded it. Agrees with `evaluate` by construction."""
    facts = Facts(evidence)
    return [_verdict(compiled, facts) for compiled in ruleset.compiled]


def _verdict(compiled: CompiledRule, facts: Facts) -> RuleVerdict:
    rule = compiled.rule
    failed = _by_key(
        KeyCheck(c.key, False, c.describe(facts, False))
        for c in compiled.checks
        if not c.holds(facts)
    )
    excluded: tuple[KeyCheck, ...] = ()
    if not failed:
        excluded = _by_key(
            KeyCheck(c.key, True, c.describe(facts, True))
            for c in compiled.unless
            if c.holds(facts)
        )
    return RuleVerdict(
        rule_id=rule.id,
        destination=rule.destination,
        skills=rule.skills,
        matched=not failed and not excluded,
        failed=failed,
        excluded_by=excluded,
    )


def _by_key(checks: Iterable[KeyCheck]) -> tuple[KeyCheck, ...]:
    return tuple(sorted(checks, key=lambda c: _KEY_ORDER[c.key]))
